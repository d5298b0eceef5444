// IP address and DNS-name helpers with Go semantics (net.ParseIP "sloppy" variant used by
// k8s.io/utils/net, net.IP.String(), RFC 1123 subdomain checks from apimachinery validation).
// An IP is kept as 16 bytes; IPv4 and IPv4-mapped IPv6 addresses share the ::ffff:0:0/96 form,
// exactly like Go's net.IP, so that de-duplication and printing match upstream.

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

export type IPBytes = Uint8Array; // always 16 bytes

function parseV4(s: string, sloppy: boolean): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || !/^[0-9]+$/.test(p)) return undefined;
    if (!sloppy && p.length > 1 && p[0] === '0') return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseV6(s: string, sloppy: boolean): number[] | undefined {
  if (s.includes('%')) return undefined; // zones are not IPs
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const items = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseV4(it, sloppy);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
      out.push(parseInt(it, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const g = groupsOf(s);
    if (!g || g.length !== 8) return undefined;
    groups = g;
  } else {
    const head = groupsOf(s.slice(0, dbl));
    const tail = groupsOf(s.slice(dbl + 2));
    if (!head || !tail) return undefined;
    // an embedded IPv4 may only end the address
    if (s.slice(0, dbl).includes('.')) return undefined;
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

/** Parse an IP like Go's netutils.ParseIPSloppy (IPv4 parts may carry leading zeros). */
export function parseIP(s: string, sloppy = true): IPBytes | undefined {
  if (s.includes(':')) {
    const b = parseV6(s, sloppy);
    return b ? Uint8Array.from(b) : undefined;
  }
  const v4 = parseV4(s, sloppy);
  return v4 ? Uint8Array.from([...V4_PREFIX, ...v4]) : undefined;
}

/** True for IPv4 and IPv4-mapped IPv6 addresses (Go's To4() != nil). */
export function isV4(ip: IPBytes): boolean {
  for (let i = 0; i < 12; i++) if (ip[i] !== V4_PREFIX[i]) return false;
  return true;
}

/** The bytes Go puts in a certificate's iPAddress SAN: 4 for IPv4, 16 otherwise. */
export function ipSanBytes(ip: IPBytes): Uint8Array {
  return isV4(ip) ? ip.slice(12) : ip;
}

/** Go's net.IP.String(). */
export function formatIP(ip: IPBytes): string {
  if (isV4(ip)) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((ip[i]! << 8) | ip[i + 1]!);
  // longest run of two or more zero groups, first one wins on ties
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best === -1) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** An IP from the 4- or 16-byte form found in a certificate. */
export function ipFromSanBytes(b: Uint8Array): IPBytes | undefined {
  if (b.length === 4) return Uint8Array.from([...V4_PREFIX, ...b]);
  if (b.length === 16) return Uint8Array.from(b);
  return undefined;
}

export function ipEqual(a: IPBytes, b: IPBytes): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The address at `index` in the first CIDR of a comma-separated list (Go's
 * GetKubernetesServiceCIDR + netutils.GetIndexedIP), e.g. ("10.96.0.0/12", 1) -> 10.96.0.1.
 */
export function indexedIPOfCIDRList(cidrList: string, index: number): IPBytes {
  const cidrs = cidrList.split(',');
  const first = cidrs[0]!.trim();
  const parsed = parseCIDR(first);
  if (!parsed) throw new Error(`unable to parse ServiceSubnet ${cidrList}: invalid CIDR address: ${first}`);
  // every entry must parse, as in netutils.ParseCIDRs
  for (const c of cidrs.slice(1)) {
    if (!parseCIDR(c.trim())) throw new Error(`unable to parse ServiceSubnet ${cidrList}: invalid CIDR address: ${c}`);
  }
  const { ip, bits } = parsed;
  const offset = isV4(ip) ? 96 : 0;
  const hostBits = 128 - offset - bits;
  let base = 0n;
  for (const b of ip) base = (base << 8n) | BigInt(b);
  const size = hostBits >= 0 ? 1n << BigInt(hostBits) : 0n;
  if (BigInt(index) >= size) {
    throw new Error(`can't generate IP with index ${index} from subnet. subnet too small. subnet: ${first}`);
  }
  let v = base + BigInt(index);
  const out = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Parse "a.b.c.d/n" or "x::/n"; returns the masked network address and prefix length. */
export function parseCIDR(s: string): { ip: IPBytes; bits: number } | undefined {
  const slash = s.indexOf('/');
  if (slash === -1) return undefined;
  const addr = s.slice(0, slash);
  const bitsStr = s.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bitsStr)) return undefined;
  const bits = Number(bitsStr);
  const ip = parseIP(addr);
  if (!ip) return undefined;
  const v4 = !addr.includes(':');
  if (bits > (v4 ? 32 : 128)) return undefined;
  const total = v4 ? bits + 96 : bits;
  const masked = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, total - i * 8));
    masked[i] = ip[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  if (v4) masked.set(V4_PREFIX, 0);
  return { ip: masked, bits };
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const WILDCARD_RE = new RegExp(`^\\*\\.${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/** apimachinery validation.IsDNS1123Subdomain (no error list, just the verdict). */
export function isDNS1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN_RE.test(s);
}

/** apimachinery validation.IsWildcardDNS1123Subdomain. */
export function isWildcardDNS1123Subdomain(s: string): boolean {
  return s.length <= 253 && WILDCARD_RE.test(s);
}

/**
 * Go's net.SplitHostPort: "host:port", "[v6]:port". Returns undefined when the string
 * has no port part in a form SplitHostPort accepts.
 */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end === -1) return undefined;
    const rest = hostport.slice(end + 1);
    if (!rest.startsWith(':')) return undefined;
    const host = hostport.slice(1, end);
    const port = rest.slice(1);
    if (host.includes('[') || host.includes(']') || port.includes(']') || port.includes('[')) return undefined;
    return { host, port };
  }
  const last = hostport.lastIndexOf(':');
  if (last === -1) return undefined;
  const host = hostport.slice(0, last);
  if (host.includes(':')) return undefined; // too many colons
  if (host.includes('[') || host.includes(']')) return undefined;
  return { host, port: hostport.slice(last + 1) };
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * kubeadm's ParseHostPort: "host", "host:port", "ipv4:port", "[ipv6]:port"; the host must be an IP
 * or an RFC 1123 subdomain, the port 1-65535.
 */
export function parseHostPort(hostport: string): { host: string; port: string } {
  let host = hostport;
  let port = '';
  const split = splitHostPort(hostport);
  if (split) ({ host, port } = split);
  if (port !== '') {
    const n = /^[0-9]+$/.test(port) ? Number(port) : NaN;
    if (!(n >= 1 && n <= 65535)) {
      throw new Error(`hostport ${hostport}: port ${port} must be a valid number between 1 and 65535, inclusive`);
    }
  }
  if (parseIP(host)) return { host, port };
  if (isDNS1123Subdomain(host)) return { host, port };
  throw new Error(`hostport ${hostport}: host '${host}' must be a valid IP address or a valid RFC-1123 DNS subdomain`);
}
