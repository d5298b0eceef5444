// Command-line building for static Pod containers and the kubelet flags file.
// Rules (kubeadm 1.37, app/util/arguments.go + apis/kubeadm/argument.go):
//   - kubeadm's own defaults are sorted by name, then value;
//   - a user argument with the same name as a default removes the default (replace), or, when it
//     carries a merge method (`append`/`prepend`, kubeadm.k8s.io/v1 only), is glued onto it;
//   - user arguments without a merge method follow the defaults, in the user's order.
import type { Arg } from '../config/types.js';

export type ArgMergeMethod = '' | 'append' | 'prepend';

/** An argument as the v1 API knows it; v1beta4 arguments simply have no merge method. */
export type MergeableArg = Arg & { mergeMethod?: ArgMergeMethod };

/** Value and index of the last argument named `name`, or ['', -1]. */
export function getArgValue(args: readonly Arg[], name: string): [string, number] {
  for (let i = args.length - 1; i >= 0; i--) {
    if (args[i]!.name === name) return [args[i]!.value, i];
  }
  return ['', -1];
}

/**
 * Set the last `nArgs` arguments named `name` (all when nArgs < 1) to `value`, appending one when
 * none exists. Returns a new array.
 */
export function setArgValues(args: readonly Arg[], name: string, value: string, nArgs = 1): Arg[] {
  const out = args.map((a) => ({ ...a }));
  let count = 0;
  let found = false;
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]!.name === name) {
      found = true;
      out[i]!.value = value;
      if (nArgs < 1) continue;
      count++;
      if (count >= nArgs) return out;
    }
  }
  if (!found) out.push({ name, value });
  return out;
}

export function mergeArgWithBase(base: string, arg: MergeableArg): string {
  switch (arg.mergeMethod) {
    case 'append':
      return base + arg.value;
    case 'prepend':
      return arg.value + base;
    default:
      return arg.value;
  }
}

/** Go's sort order for strings: byte-wise (UTF-8), which equals code-point order. */
export function goStringLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

export function sortArgs(args: readonly Arg[]): Arg[] {
  return [...args].sort((x, y) => {
    if (x.name === y.name) return goStringLess(x.value, y.value) ? -1 : goStringLess(y.value, x.value) ? 1 : 0;
    return goStringLess(x.name, y.name) ? -1 : 1;
  });
}

/** `--name=value` list: sorted defaults (minus replaced ones), then the user's replacements. */
export function argumentsToCommand(base: readonly Arg[], overrides: readonly MergeableArg[]): string[] {
  const sortedBase = sortArgs(base);
  const byName = new Map<string, MergeableArg>();
  const tail: string[] = [];
  for (const a of overrides) {
    byName.set(a.name, a);
    if (!a.mergeMethod) tail.push(`--${a.name}=${a.value}`);
  }
  const cmd: string[] = [];
  for (const a of sortedBase) {
    const ov = byName.get(a.name);
    let value = a.value;
    if (ov !== undefined) {
      if (!ov.mergeMethod) continue;
      value = mergeArgWithBase(a.value, ov);
    }
    cmd.push(`--${a.name}=${value}`);
  }
  return cmd.concat(tail);
}
