// A re-implementation of Go's environment proxy selection (net/http ProxyFromEnvironment +
// apimachinery's NO_PROXY CIDR extension), which the HTTPProxy and HTTPProxyCIDR checks use to tell
// whether a URL would go through a proxy. apimachinery parses with ParseIPSloppy/ParseCIDRSloppy,
// net/http with the strict net.ParseIP/ParseCIDR.
import { cidrContains, isLoopback, ipEqual, parseCIDR, parseIP, splitHostPort, type ParsedIP } from '../util/net.js';

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
  const sloppyIP = parseIP(host);
  if (sloppyIP) {
    for (const rule of noProxyK8s.split(',')) {
      const c = parseCIDR(rule);
      if (c && cidrContains(c, sloppyIP)) return undefined;
    }
  }

  const proxy = scheme === 'https' ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : envAny(env, 'HTTP_PROXY', 'http_proxy');
  if (proxy === '') return undefined;
  if (!useProxy(host, port, parseIP(host, true), envAny(env, 'NO_PROXY', 'no_proxy'))) return undefined;
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
    const c = parseCIDR(p, true);
    if (c) {
      if (ip && cidrContains(c, ip)) return false;
      continue;
    }
    let phost = p;
    let pport = '';
    const hp = splitHostPort(p);
    if (!('error' in hp)) {
      ({ host: phost, port: pport } = hp);
      if (phost === '') continue;
    }
    const pip = parseIP(phost, true);
    if (pip) {
      if (ip && ipEqual(pip, ip) && (pport === '' || pport === port)) return false;
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
