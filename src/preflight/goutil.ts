// Small helpers that reproduce how Go formats values, so preflight messages read like kubeadm's.

/** Go's strconv.Quote / fmt "%q" for a string */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** the error text of a Go exec.Cmd Run()/Output() that did not succeed */
export function goExecError(cmd: string, r: { exitCode: number | undefined; notFound?: boolean; timedOut?: boolean }): string {
  if (r.notFound) return `exec: ${goQuote(cmd)}: executable file not found in $PATH`;
  if (r.timedOut || r.exitCode === undefined) return 'signal: killed';
  return `exit status ${r.exitCode}`;
}

// ---- k8s.io/apimachinery/pkg/util/version, semantic mode ----

export interface SemVer {
  components: [number, number, number];
  preRelease: string;
  buildMetadata: string;
}

const VERSION_RE = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/s;
const EXTRA_RE = /^(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$/;

/** parse a strict semantic version ("v" prefix allowed); throws with apimachinery's wording */
export function parseSemantic(str: string): SemVer {
  const parts = VERSION_RE.exec(str);
  if (!parts) throw new Error(`could not parse ${goQuote(str)} as version`);
  const comps = parts[1]!.split('.');
  if (comps.length !== 3) throw new Error(`illegal version string ${goQuote(str)}`);
  const nums = comps.map((c) => {
    if (c.startsWith('0') && c !== '0') throw new Error(`illegal zero-prefixed version component ${goQuote(c)} in ${goQuote(str)}`);
    return Number(c);
  }) as [number, number, number];
  let preRelease = '';
  let buildMetadata = '';
  const extra = parts[2]!;
  if (extra !== '') {
    const ex = EXTRA_RE.exec(extra);
    if (!ex) throw new Error(`could not parse pre-release/metadata (${extra}) in version ${goQuote(str)}`);
    preRelease = ex[1] ?? '';
    buildMetadata = ex[2] ?? '';
    for (const c of preRelease.split('.')) {
      if (/^\d+$/.test(c) && c.startsWith('0') && c !== '0') {
        throw new Error(`illegal zero-prefixed version component ${goQuote(c)} in ${goQuote(str)}`);
      }
    }
  }
  return { components: nums, preRelease, buildMetadata };
}

export function semverString(v: SemVer): string {
  return v.components.join('.') + (v.preRelease ? `-${v.preRelease}` : '') + (v.buildMetadata ? `+${v.buildMetadata}` : '');
}

/** -1, 0, 1 like apimachinery's compare (build metadata ignored) */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) {
    if (a.components[i]! !== b.components[i]!) return a.components[i]! < b.components[i]! ? -1 : 1;
  }
  if (a.preRelease === b.preRelease) return 0;
  if (a.preRelease === '') return 1;
  if (b.preRelease === '') return -1;
  const ap = a.preRelease.split('.');
  const bp = b.preRelease.split('.');
  for (let i = 0; i < ap.length && i < bp.length; i++) {
    const an = /^\d+$/.test(ap[i]!);
    const bn = /^\d+$/.test(bp[i]!);
    if (an && bn) {
      const x = Number(ap[i]);
      const y = Number(bp[i]);
      if (x !== y) return x < y ? -1 : 1;
      continue;
    }
    if (ap[i]! !== bp[i]!) return ap[i]! < bp[i]! ? -1 : 1;
  }
  if (ap.length !== bp.length) return ap.length < bp.length ? -1 : 1;
  return 0;
}
