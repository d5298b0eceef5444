// Address, name and URL checks with the semantics of the Go helpers kubeadm relies on
// (k8s.io/utils/net "sloppy" IP parsing, net.SplitHostPort, RFC 1123 names, url schemes).

export interface ParsedIP {
  family: 4 | 6;
  /** the address as an unsigned integer (32 or 128 bits) */
  value: bigint;
}

export interface ParsedCIDR {
  ip: ParsedIP;
  prefix: number;
  /** total address bits: 32 or 128 */
  bits: number;
}

/** IPv4 dotted quad; leading zeros are tolerated and read as decimal (k8s "sloppy" parsing). */
function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined; // zones are not IPs
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIPv4(s.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1);
    // keep "::" intact ("::1.2.3.4"); otherwise drop the colon that separates the IPv4 tail
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsNeeded = tailV4 === undefined ? 8 : 6;
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::') && dbl >= 0) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const g of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right) return undefined;
    const missing = groupsNeeded - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    const g = parseGroups(head);
    if (!g || g.length !== groupsNeeded) return undefined;
    groups = g;
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  if (tailV4 !== undefined) v = (v << 32n) | tailV4;
  return v;
}

/** Parse an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIP(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const v = parseIPv6(s);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseIPv4(s);
  return v === undefined ? undefined : { family: 4, value: v };
}

export function isIP(s: string): boolean {
  return parseIP(s) !== undefined;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is treated as IPv4, as Go does. */
function effectiveV4(ip: ParsedIP): bigint | undefined {
  if (ip.family === 4) return ip.value;
  if (ip.value >> 32n === 0xffffn) return ip.value & 0xffffffffn;
  return undefined;
}

export function isLoopback(ip: ParsedIP): boolean {
  const v4 = effectiveV4(ip);
  if (v4 !== undefined) return v4 >> 24n === 127n;
  return ip.value === 1n;
}

export function isUnspecified(ip: ParsedIP): boolean {
  const v4 = effectiveV4(ip);
  if (v4 !== undefined) return v4 === 0n;
  return ip.value === 0n;
}

/** Go's net.IP.IsGlobalUnicast: not unspecified, loopback, link-local, multicast or broadcast. */
export function isGlobalUnicast(ip: ParsedIP): boolean {
  const v4 = effectiveV4(ip);
  if (v4 !== undefined) {
    if (v4 === 0xffffffffn) return false; // broadcast
    if (v4 === 0n) return false;
    if (v4 >> 24n === 127n) return false;
    if (v4 >> 16n === 0xa9fen) return false; // 169.254/16 link-local
    if (v4 >> 28n === 0xen) return false; // 224/4 multicast
    return true;
  }
  const top16 = ip.value >> 112n;
  if (ip.value === 0n || ip.value === 1n) return false;
  if (top16 >> 8n === 0xffn) return false; // ff00::/8 multicast
  if ((top16 & 0xffc0n) === 0xfe80n) return false; // fe80::/10 link-local
  return true;
}

/** Parse "a.b.c.d/n" or "x::/n". The address part uses sloppy IPv4 parsing like k8s ParseCIDRSloppy. */
export function parseCIDR(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const pfx = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(pfx)) return undefined;
  const prefix = Number(pfx);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  return { ip, prefix, bits };
}

/** Network address of a CIDR. */
export function cidrNetwork(c: ParsedCIDR): bigint {
  const hostBits = BigInt(c.bits - c.prefix);
  return (c.ip.value >> hostBits) << hostBits;
}

export function formatIP(ip: ParsedIP): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((sh) => ((v >> sh) & 0xffn).toString()).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // longest run of zeros (length >= 2) becomes "::"
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** The canonical "network/prefix" text Go prints for a parsed subnet. */
export function formatCIDR(c: ParsedCIDR): string {
  return `${formatIP({ family: c.ip.family, value: cidrNetwork(c) })}/${c.prefix}`;
}

/** Number of addresses in a subnet, as k8s.io/utils/net RangeSize counts them (/31, /32, /127, /128 give 0). */
export function rangeSize(c: ParsedCIDR): bigint {
  const host = c.bits - c.prefix;
  if ((c.bits === 32 && host >= 31) || (c.bits === 128 && host >= 127)) return 0n;
  if (host >= 63) return (1n << 63n) - 1n;
  return 1n << BigInt(host);
}

/** The n-th address of a subnet (n=1 gives the first usable address, e.g. 10.96.0.1). */
export function nthAddress(c: ParsedCIDR, n: number): ParsedIP {
  return { family: c.ip.family, value: cidrNetwork(c) + BigInt(n) };
}

export function cidrContains(c: ParsedCIDR, ip: ParsedIP): boolean {
  if (c.ip.family !== ip.family) return false;
  const hostBits = BigInt(c.bits - c.prefix);
  return ip.value >> hostBits === c.ip.value >> hostBits;
}

/** net.SplitHostPort with Go's error texts. */
export function splitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const addrErr = (why: string) => ({ error: `address ${hostport}: ${why}` });
  const i = hostport.lastIndexOf(':');
  if (i < 0) return addrErr('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return addrErr("missing ']' in address");
    if (end + 1 === hostport.length) return addrErr('missing port in address');
    if (end + 1 !== i) {
      return addrErr(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    }
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return addrErr('too many colons in address');
  }
  if (hostport.slice(j).includes('[')) return addrErr("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) return addrErr("unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}

/** kubeadm's ParsePort: decimal 1..65535. */
export function parsePort(port: string): number | undefined {
  if (!/^\d+$/.test(port)) return undefined;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? n : undefined;
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const WILDCARD_RE = new RegExp(`^\\*\\.${DNS1123_SUBDOMAIN}$`);

/** Problems with a name as an RFC 1123 subdomain (empty list = valid). Messages follow apimachinery. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
    );
  }
  return errs;
}

export function wildcardDNS1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!WILDCARD_RE.test(value)) {
    errs.push(
      `a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.${DNS1123_SUBDOMAIN}')`,
    );
  }
  return errs;
}

/** kubeadm's ParseHostPort: "host[:port]" where host is an IP or DNS-1123 subdomain. Returns an error text or undefined. */
export function hostPortError(hostport: string): string | undefined {
  let host = hostport;
  let port = '';
  const sp = splitHostPort(hostport);
  if (!('error' in sp)) {
    host = sp.host;
    port = sp.port;
  }
  if (port !== '' && parsePort(port) === undefined) {
    return `hostport ${hostport}: port ${port} must be a valid number between 1 and 65535, inclusive`;
  }
  if (isIP(host)) return undefined;
  if (dns1123SubdomainErrors(host).length === 0) return undefined;
  return `hostport ${hostport}: host '${host}' must be a valid IP address or a valid RFC-1123 DNS subdomain`;
}

/** Split "host[:port]" the way kubeadm does for controlPlaneEndpoint (port may be ''). */
export function splitEndpoint(hostport: string): { host: string; port: string } {
  const sp = splitHostPort(hostport);
  if ('error' in sp) return { host: hostport, port: '' };
  return sp;
}

export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The scheme of a URL as Go's url.Parse finds it; {error} for what url.Parse rejects. */
export function urlScheme(raw: string): { scheme: string } | { error: string } {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { error: `parse "${raw}": net/url: invalid control character in URL` };
  let scheme = '';
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return { error: `parse "${raw}": missing protocol scheme` };
      scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
    }
    break;
  }
  if (scheme === '') {
    const seg = rest.split('/')[0] ?? '';
    if (seg.includes(':')) return { error: `parse "${raw}": first path segment in URL cannot contain colon` };
  }
  if (/%(?![0-9a-fA-F]{2})/.test(rest)) {
    const bad = /%.{0,2}/.exec(rest.slice(rest.search(/%(?![0-9a-fA-F]{2})/)))![0];
    return { error: `parse "${raw}": invalid URL escape "${bad}"` };
  }
  return { scheme };
}

// Docker image reference grammar (github.com/distribution/reference), used to validate image repositories.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6_DOMAIN = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6_DOMAIN})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export function isValidImageReference(ref: string): boolean {
  return REFERENCE_RE.test(ref);
}
