// The one place that parses and prints IP addresses, CIDRs, host:port pairs and DNS names, with the
// semantics of the Go code kubeadm runs:
//  - parseIP / parseCIDR: k8s.io/utils/net ParseIPSloppy / ParseCIDRSloppy (Go 1.16's parser: IPv4
//    fields may carry leading zeros and are read as decimal); with `strict`, Go's net.ParseIP /
//    net.ParseCIDR (no leading zeros, at most 4 hex digits per IPv6 group, no zones).
//  - an address is kept as Go keeps a net.IP: IPv4 and IPv4-mapped IPv6 (::ffff:a.b.c.d) are the
//    same address, family 4, so equality, printing (net.IP.String) and family checks
//    (utilsnet.IsIPv6, To4) come out as in Go.
//  - net.SplitHostPort / net.JoinHostPort, kubeadm's ParseHostPort and ParsePort, and
//    apimachinery's RFC 1123 subdomain checks.
// Why home-made: which inputs are accepted and how addresses print show up in kubeadm's validation
// errors, certificate SANs and manifest flags, so Go's rules must hold exactly. node:net (isIP,
// BlockList) and IP libraries (e.g. ip-address) follow the RFCs or inet_pton instead: they reject or
// reinterpret Go's sloppy leading-zero IPv4 fields, keep IPv4-mapped IPv6 as family 6, and print IPv6
// differently from net.IP.String.

export interface ParsedIP {
  /** 4 for IPv4 and IPv4-mapped IPv6 addresses (Go's To4() != nil), 6 otherwise */
  family: 4 | 6;
  /** the address as an unsigned integer (32 or 128 bits) */
  value: bigint;
}

export interface ParsedCIDR {
  /** the address as written (the first result of Go's ParseCIDR) */
  ip: ParsedIP;
  /** the network address, host bits cleared (IPNet.IP) */
  network: ParsedIP;
  /** the prefix length */
  prefix: number;
  /** 32 when the address was written as IPv4, else 128 (also for ::ffff:a.b.c.d): IPNet.Mask.Size()'s bits */
  bits: 32 | 128;
}

const V4_IN_V6 = 0xffffn << 32n;
const BIG = 0xffffff; // Go's parse.go bound on dtoi/xtoi

/** Go's dtoi: decimal digits at the start of s; [value, digits consumed] or undefined. */
function dtoi(s: string, from: number): [number, number] | undefined {
  let n = 0;
  let i = from;
  for (; i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= BIG) return undefined;
  }
  return i === from ? undefined : [n, i - from];
}

/** Go's xtoi: hexadecimal digits at the start of s; [value, digits consumed] or undefined. */
function xtoi(s: string, from: number): [number, number] | undefined {
  let n = 0;
  let i = from;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 16);
    if (Number.isNaN(d)) break;
    n = n * 16 + d;
    if (n >= BIG) return undefined;
  }
  return i === from ? undefined : [n, i - from];
}

/** IPv4 "d.d.d.d" as a 32-bit value. Sloppy: fields are any run of decimal digits <= 255. */
function parseIPv4(s: string, strict: boolean): bigint | undefined {
  let v = 0n;
  let pos = 0;
  for (let i = 0; i < 4; i++) {
    if (i > 0) {
      if (s[pos] !== '.') return undefined;
      pos++;
    }
    const d = dtoi(s, pos);
    if (!d || d[0] > 0xff) return undefined;
    if (strict && d[1] > 1 && s[pos] === '0') return undefined; // netip: "octet with leading zero"
    pos += d[1];
    v = (v << 8n) | BigInt(d[0]);
  }
  return pos === s.length ? v : undefined;
}

/** IPv6 as a 128-bit value: a transcription of Go's parseIPv6 (k8s fork; strict adds netip's 4-digit limit). */
function parseIPv6(s: string, strict: boolean): bigint | undefined {
  const groups: number[] = []; // 16-bit groups, an embedded IPv4 counts as two
  let ellipsis = -1; // index in groups where "::" stands
  let pos = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    pos = 2;
    if (pos === s.length) return 0n;
  }
  while (groups.length < 8) {
    const x = xtoi(s, pos);
    if (!x || x[0] > 0xffff || (strict && x[1] > 4)) return undefined;
    if (s[pos + x[1]] === '.') {
      // a trailing IPv4 in the last two groups (or anywhere "::" leaves room for it)
      if (ellipsis < 0 && groups.length !== 6) return undefined;
      if (groups.length + 2 > 8) return undefined;
      const v4 = parseIPv4(s.slice(pos), strict);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      pos = s.length;
      break;
    }
    groups.push(x[0]);
    pos += x[1];
    if (pos === s.length) break;
    if (s[pos] !== ':' || pos + 1 === s.length) return undefined;
    pos++;
    if (s[pos] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = groups.length;
      pos++;
      if (pos === s.length) break;
    }
  }
  if (pos !== s.length) return undefined;
  if (groups.length < 8) {
    if (ellipsis < 0) return undefined;
    groups.splice(ellipsis, 0, ...new Array<number>(8 - groups.length).fill(0));
  } else if (ellipsis >= 0) {
    return undefined; // "::" must stand for at least one group
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** An address from its 128-bit form (Go's 16-byte net.IP): IPv4-mapped becomes family 4. */
export function ipFrom16(v: bigint): ParsedIP {
  return v >> 32n === 0xffffn ? { family: 4, value: v & 0xffffffffn } : { family: 6, value: v };
}

/** The 128-bit form of an address (Go's To16). */
export function to16(ip: ParsedIP): bigint {
  return ip.family === 4 ? V4_IN_V6 | ip.value : ip.value;
}

/**
 * Parse an IP address: k8s.io/utils/net ParseIPSloppy, or with `strict` Go's net.ParseIP.
 * As in Go, the first '.' or ':' decides between IPv4 and IPv6 syntax; zones ("%eth0") are refused.
 */
export function parseIP(s: string, strict = false): ParsedIP | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '.') {
      const v = parseIPv4(s, strict);
      return v === undefined ? undefined : { family: 4, value: v };
    }
    if (s[i] === ':') {
      const v = parseIPv6(s, strict);
      return v === undefined ? undefined : ipFrom16(v);
    }
  }
  return undefined;
}

export function isIP(s: string): boolean {
  return parseIP(s) !== undefined;
}

/** utilsnet.IsIPv6String: a valid (sloppy) IP that is not IPv4 nor IPv4-mapped. */
export function isIPv6String(s: string): boolean {
  return parseIP(s)?.family === 6;
}

/** Go's net.IP.Equal. */
export function ipEqual(a: ParsedIP, b: ParsedIP): boolean {
  return a.family === b.family && a.value === b.value;
}

export function isLoopback(ip: ParsedIP): boolean {
  return ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n;
}

export function isUnspecified(ip: ParsedIP): boolean {
  return ip.value === 0n;
}

/** Go's net.IP.IsGlobalUnicast: not unspecified, loopback, link-local, multicast or broadcast. */
export function isGlobalUnicast(ip: ParsedIP): boolean {
  if (ip.value === 0n || isLoopback(ip)) return false;
  if (ip.family === 4) {
    const v = ip.value;
    return v !== 0xffffffffn && v >> 16n !== 0xa9fen && v >> 28n !== 0xen; // broadcast, 169.254/16, 224/4
  }
  const top16 = ip.value >> 112n;
  return top16 >> 8n !== 0xffn && (top16 & 0xffc0n) !== 0xfe80n; // ff00::/8, fe80::/10
}

/** Go's net.IP.String(): dotted quad, or RFC 5952 IPv6 (longest run of 2+ zero groups as "::", first on ties). */
export function formatIP(ip: ParsedIP): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((sh) => ((ip.value >> sh) & 0xffn).toString()).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * Parse "address/prefix": ParseCIDRSloppy, or with `strict` Go's net.ParseCIDR. The prefix is any run
 * of decimal digits (Go's dtoi: "/008" is 8) up to 32 for IPv4 syntax, 128 otherwise.
 */
export function parseCIDR(s: string, strict = false): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const maskText = s.slice(slash + 1);
  const v4 = parseIPv4(addr, strict);
  let ip: ParsedIP | undefined;
  let bits: 32 | 128;
  if (v4 !== undefined) {
    ip = { family: 4, value: v4 };
    bits = 32;
  } else {
    const v6 = parseIPv6(addr, strict);
    ip = v6 === undefined ? undefined : ipFrom16(v6);
    bits = 128;
  }
  const d = dtoi(maskText, 0);
  if (!ip || !d || d[1] !== maskText.length || d[0] > bits) return undefined;
  const prefix = d[0];
  const host = BigInt(bits - prefix);
  const value = bits === 32 ? ip.value : to16(ip);
  const masked = (value >> host) << host;
  const network = bits === 32 ? { family: 4 as const, value: masked } : ipFrom16(masked);
  return { ip, network, prefix, bits };
}

/** The mask length Go shows and compares with when the network is IPv4 but the mask 128 bits (networkNumberAndMask). */
function effectivePrefix(c: ParsedCIDR): number {
  return c.network.family === 4 && c.bits === 128 ? c.prefix - 96 : c.prefix;
}

/** Go's IPNet.Contains: an IPv4 address never matches an IPv6 network, and the reverse. */
export function cidrContains(c: ParsedCIDR, ip: ParsedIP): boolean {
  if (c.network.family !== ip.family) return false;
  const host = BigInt((ip.family === 4 ? 32 : 128) - effectivePrefix(c));
  return ip.value >> host === c.network.value >> host;
}

/** Go's IPNet.String(): "network/prefix" ("::ffff:10.0.0.0/104" prints as "10.0.0.0/8"). */
export function formatCIDR(c: ParsedCIDR): string {
  return `${formatIP(c.network)}/${effectivePrefix(c)}`;
}

/** Number of addresses in a subnet, as k8s.io/utils/net RangeSize counts them (/31, /32, /127, /128 give 0). */
export function rangeSize(c: ParsedCIDR): bigint {
  const host = c.bits - c.prefix;
  if ((c.bits === 32 && host >= 31) || (c.bits === 128 && host >= 127)) return 0n;
  if (host >= 63) return (1n << 63n) - 1n;
  return 1n << BigInt(host);
}

/** k8s.io/utils/net GetIndexedIP: the address `index` places after the network address ("10.96.0.0/12", 1 -> 10.96.0.1). */
export function indexedIP(c: ParsedCIDR, index: number): ParsedIP | { error: string } {
  const ip = ipFrom16((to16(c.network) + BigInt(index)) & ((1n << 128n) - 1n));
  if (!cidrContains(c, ip)) {
    return { error: `can't generate IP with index ${index} from subnet. subnet too small. subnet: "${formatCIDR(c)}"` };
  }
  return ip;
}

/** Go's net.SplitHostPort, with its error texts. */
export function splitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const addrErr = (why: string) => ({ error: hostport === '' ? why : `address ${hostport}: ${why}` });
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

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** "host[:port]" split as kubeadm's ParseHostPort starts: net.SplitHostPort, else all of it is the host (port ''). */
export function splitEndpoint(hostport: string): { host: string; port: string } {
  const sp = splitHostPort(hostport);
  return 'error' in sp ? { host: hostport, port: '' } : sp;
}

/** kubeadm's ParsePort: decimal 1..65535. */
export function parsePort(port: string): number | undefined {
  if (!/^\d+$/.test(port)) return undefined;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** kubeadm's ParseHostPort: "host[:port]" where host is an IP or an RFC 1123 subdomain and port 1..65535. */
export function parseHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const { host, port } = splitEndpoint(hostport);
  if (port !== '' && parsePort(port) === undefined) {
    return { error: `hostport ${hostport}: port ${port} must be a valid number between 1 and 65535, inclusive` };
  }
  if (isIP(host) || isDNS1123Subdomain(host)) return { host, port };
  return { error: `hostport ${hostport}: host '${host}' must be a valid IP address or a valid RFC-1123 DNS subdomain` };
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const WILDCARD_RE = new RegExp(`^\\*\\.${DNS1123_SUBDOMAIN}$`);

/** apimachinery validation.IsDNS1123Subdomain: its error messages (empty list = valid). */
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

/** apimachinery validation.IsWildcardDNS1123Subdomain: its error messages (empty list = valid). */
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

export function isDNS1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN_RE.test(s);
}

export function isWildcardDNS1123Subdomain(s: string): boolean {
  return s.length <= 253 && WILDCARD_RE.test(s);
}
