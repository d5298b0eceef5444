// Two-way merge patch between two JSON documents: maps are diffed key by key (a removed key
// becomes null), any other changed value (lists included) is sent whole. For the Node fields
// kubeadm changes (metadata.labels, metadata.annotations, spec.taints: no patch strategy on the
// list) this is also what strategicpatch.CreateTwoWayMergePatch produces.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The patch that turns `before` into `after` ({} when they are equal). */
export function twoWayMergePatch(before: unknown, after: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  for (const k of Object.keys(a)) {
    const av = a[k];
    if (av === undefined) continue;
    const bv = b[k];
    if (jsonEqual(av, bv)) continue;
    if (isObject(av) && isObject(bv)) {
      const sub = twoWayMergePatch(bv, av);
      if (Object.keys(sub).length) out[k] = sub;
    } else {
      out[k] = av;
    }
  }
  for (const k of Object.keys(b)) {
    if (b[k] !== undefined && (!(k in a) || a[k] === undefined)) out[k] = null;
  }
  return out;
}
