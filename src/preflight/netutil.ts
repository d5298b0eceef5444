// IP/CIDR helpers and a re-implementation of Go's environment proxy selection
// (net/http ProxyFromEnvironment + apimachinery's NO_PROXY CIDR extension), which the
// HTTPProxy and HTTPProxyCIDR checks use to tell whether a URL would go through a proxy.
import * as net from 'node:net';

export interface ParsedIP {
  family: 4 | 6;
  /** the address as an unsigned integer (32 or 128 bits) */
  value: bigint;
}

export function parseIP(s: string): ParsedIP | undefined {
  const fam = net.isIP(s);
  if (fam === 4) {
    return { family: 4, value: s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  }
  if (fam === 6) {
    let str = s;
    // an embedded dotted quad (::ffff:1.2.3.4) becomes two groups
    const dq = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
    if (dq) {
      const v4 = parseIP(dq[1]!)!.value;
      str = str.slice(0, -dq[1]!.length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head, tail] = str.includes('::') ? (str.split('::') as [string, string]) : [str, undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
  }
  return undefined;
}

/** Go's net.IP String(): dotted quad, or RFC 5952 compressed IPv6 (IPv4-mapped shown as IPv4) */
export function formatIP(ip: ParsedIP): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  }
  if (ip.value >> 32n === 0xffffn) return formatIP({ family: 4, value: ip.value & 0xffffffffn });
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // longest run of zero groups (length >= 2) is compressed
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export interface ParsedCIDR {
  ip: ParsedIP;
  prefix: number;
  /** the network address */
  network: ParsedIP;
}

export function parseCIDR(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const p = s.slice(slash + 1);
  if (!ip || !/^\d+$/.test(p)) return undefined;
  const prefix = Number(p);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { ip, prefix, network: { family: ip.family, value: ip.value & mask } };
}

export function cidrContains(c: ParsedCIDR, ip: ParsedIP): boolean {
  if (c.ip.family !== ip.family) return false;
  const bits = c.ip.family === 4 ? 32 : 128;
  const shift = BigInt(bits - c.prefix);
  return ip.value >> shift === c.network.value >> shift;
}

export function isLoopback(ip: ParsedIP): boolean {
  if (ip.family === 4) return ip.value >> 24n === 127n;
  if (ip.value === 1n) return true;
  return ip.value >> 32n === 0xffffn && (ip.value & 0xffffffffn) >> 24n === 127n;
}

/** Go's net.JoinHostPort */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function splitHostPort(hostport: string): [string, string] | undefined {
  if (hostport.startsWith('[')) {
    const m = /^\[([^\]]*)\]:([^:]*)$/.exec(hostport);
    return m ? [m[1]!, m[2]!] : undefined;
  }
  const i = hostport.lastIndexOf(':');
  if (i < 0 || hostport.indexOf(':') !== i) return undefined;
  return [hostport.slice(0, i), hostport.slice(i + 1)];
}

type Env = (name: string) => string | undefined;

function envAny(env: Env, ...names: string[]): string {
  for (const n of names) {
    const v = env(n);
    if (v) return v;
  }
  return '';
}

/** Go's parseProxy followed by URL.String(): a scheme-less value gets "http://" */
function normalizeProxy(proxy: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]/.test(proxy)) return proxy;
  return `http://${proxy}`;
}

/**
 * The proxy URL Go's HTTP client would use for `scheme://host:port`, or undefined for a direct
 * connection. `host` is a bare hostname or IP (no brackets).
 */
export function proxyForURL(scheme: 'http' | 'https', host: string, port: string, env: Env): string | undefined {
  // apimachinery: CIDR entries of NO_PROXY (untrimmed) exclude matching IPs
  const noProxyK8s = env('NO_PROXY') || env('no_proxy') || '';
  const ip = parseIP(host);
  if (ip) {
    for (const rule of noProxyK8s.split(',')) {
      const c = parseCIDR(rule);
      if (c && cidrContains(c, ip)) return undefined;
    }
  }

  const proxy = scheme === 'https' ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : envAny(env, 'HTTP_PROXY', 'http_proxy');
  if (proxy === '') return undefined;
  if (!useProxy(host, port, ip, envAny(env, 'NO_PROXY', 'no_proxy'))) return undefined;
  return normalizeProxy(proxy);
}

function useProxy(rawHost: string, port: string, ip: ParsedIP | undefined, noProxy: string): boolean {
  if (rawHost === 'localhost') return false;
  if (ip && isLoopback(ip)) return false;
  const host = rawHost.trim().toLowerCase();
  for (let p of noProxy.split(',')) {
    p = p.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return false;
    const c = parseCIDR(p);
    if (c) {
      if (ip && cidrContains(c, ip)) return false;
      continue;
    }
    let phost = p;
    let pport = '';
    const hp = splitHostPort(p);
    if (hp) {
      [phost, pport] = hp;
      if (phost === '') continue;
    }
    const pip = parseIP(phost);
    if (pip) {
      if (ip && pip.family === ip.family && pip.value === ip.value && (pport === '' || pport === port)) return false;
      continue;
    }
    if (phost.startsWith('*.')) phost = phost.slice(1);
    let matchHost = false;
    if (!phost.startsWith('.')) {
      matchHost = true;
      phost = `.${phost}`;
    }
    if (host.endsWith(phost) || (matchHost && host === phost.slice(1))) {
      if (pport === '' || pport === port) return false;
    }
  }
  return true;
}
