// What certificates need on top of the shared address helpers (../util/net.ts): the byte form of an
// iPAddress SAN, and the service-subnet addresses that go into SANs and DNS settings.
import { indexedIP, ipFrom16, parseCIDR, type ParsedIP } from '../util/net.js';

/** The bytes Go puts in a certificate's iPAddress SAN: 4 for IPv4 (and IPv4-mapped), 16 otherwise. */
export function ipSanBytes(ip: ParsedIP): Uint8Array {
  const n = ip.family === 4 ? 4 : 16;
  const out = new Uint8Array(n);
  let v = ip.value;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** An IP from the 4- or 16-byte form found in a certificate (16 bytes of ::ffff:a.b.c.d is IPv4, as in Go). */
export function ipFromSanBytes(b: Uint8Array): ParsedIP | undefined {
  if (b.length !== 4 && b.length !== 16) return undefined;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return b.length === 4 ? { family: 4, value: v } : ipFrom16(v);
}

/**
 * The address at `index` in the first CIDR of a comma-separated list (Go's
 * GetKubernetesServiceCIDR + netutils.GetIndexedIP), e.g. ("10.96.0.0/12", 1) -> 10.96.0.1.
 * Throws with Go's texts when a CIDR does not parse (netutils.ParseCIDRs) or the subnet is too small.
 */
export function indexedIPOfCIDRList(cidrList: string, index: number): ParsedIP {
  const parts = cidrList.split(',');
  const cidrs = parts.map((c, i) => {
    const parsed = parseCIDR(c);
    if (!parsed) throw new Error(`unable to parse ServiceSubnet ${cidrList}: invalid CIDR[${i}]: <nil> (invalid CIDR address: ${c})`);
    return parsed;
  });
  const ip = indexedIP(cidrs[0]!, index);
  if ('error' in ip) throw new Error(ip.error);
  return ip;
}

