// Pins the shared address helpers to Go's answers. Every expected value below is what Go 1.26 returns
// (net.ParseIP / net.ParseCIDR / net.SplitHostPort / IP.String / IPNet.String / IPNet.Contains, and
// k8s.io/utils/net ParseIPSloppy / ParseCIDRSloppy / GetIndexedIP / RangeSize / IsIPv6String,
// kubeadm's ParseHostPort), recorded by running them on these inputs.
import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  formatCIDR,
  formatIP,
  indexedIP,
  isGlobalUnicast,
  isIPv6String,
  isLoopback,
  isUnspecified,
  joinHostPort,
  parseCIDR,
  parseHostPort,
  parseIP,
  rangeSize,
  splitHostPort,
} from '../../../src/util/net.js';
import { indexedIPOfCIDRList, ipFromSanBytes, ipSanBytes } from '../../../src/pki/ip.js';
import { httpProxyCheck, httpProxyCIDRCheck } from '../../../src/preflight/checks.js';
import type { CheckContext } from '../../../src/preflight/runner.js';

const text = (ip: ReturnType<typeof parseIP>) => (ip ? formatIP(ip) : null);

describe('parseIP', () => {
  // [input, ParseIPSloppy(input).String() or null, To4() != nil, net.ParseIP(input).String() or null]
  const table: [string, string | null, boolean, string | null][] = [
    ['1.2.3.4', '1.2.3.4', true, '1.2.3.4'],
    ['010.0.0.1', '10.0.0.1', true, null], // leading zeros: decimal for the sloppy parser, refused by net.ParseIP
    ['127.001.002.003', '127.1.2.3', true, null],
    ['0000001.2.3.4', '1.2.3.4', true, null], // any number of leading zeros
    ['1.2.3', null, false, null],
    ['256.1.1.1', null, false, null],
    ['1.2.3.4.5', null, false, null],
    ['1..2.3', null, false, null],
    [' 1.2.3.4', null, false, null],
    ['1.2.3.4 ', null, false, null],
    ['', null, false, null],
    ['abc', null, false, null],
    ['::', '::', false, '::'],
    ['::1', '::1', false, '::1'],
    ['::ffff:1.2.3.4', '1.2.3.4', true, '1.2.3.4'], // IPv4-mapped is IPv4
    ['::FFFF:1.2.3.4', '1.2.3.4', true, '1.2.3.4'],
    ['::ffff:7f01:0203', '127.1.2.3', true, '127.1.2.3'],
    ['::ffff:010.1.2.3', '10.1.2.3', true, null],
    ['0:0:0:0:000000:ffff:127.1.2.3', '127.1.2.3', true, null], // a 6-digit group is fine while <= 0xffff
    ['::1.2.3.4', '::102:304', false, '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304', false, '1:2:3:4:5:6:102:304'],
    ['1:2:3:4:5:1.2.3.4', null, false, null],
    ['1::2::3', null, false, null],
    ['fe80::1%eth0', null, false, null], // zones are not IPs
    ['FE80::ABCD', 'fe80::abcd', false, 'fe80::abcd'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0', false, '1:2:3:4:5:6:7:0'],
    ['1:2:3:4::5:6:7:8', null, false, null], // "::" must stand for at least one group
    ['1:2:3:4:5:6:7:8:9', null, false, null],
    ['::00001', '::1', false, null],
    ['12345::', null, false, null],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', false, '2001:db8::1:0:0:1'], // first of equal zero runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1', false, '2001:0:0:1::1'], // longest zero run
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3', false, '1:0:0:2::3'],
    ['123:', null, false, null],
    [':1', null, false, null],
    ['1:::2', null, false, null],
    ['[::1]', null, false, null],
  ];
  it.each(table)('%j', (input, sloppy, v4, strict) => {
    expect(text(parseIP(input))).toBe(sloppy);
    if (sloppy !== null) expect(parseIP(input)!.family).toBe(v4 ? 4 : 6);
    expect(text(parseIP(input, true))).toBe(strict);
    expect(isIPv6String(input)).toBe(sloppy !== null && !v4);
  });

  it('classifies addresses like net.IP (IsLoopback, IsUnspecified, IsGlobalUnicast)', () => {
    const facts = (s: string) => {
      const ip = parseIP(s)!;
      return [isLoopback(ip), isUnspecified(ip), isGlobalUnicast(ip)].map(Number).join('');
    };
    const byFacts = {
      '100': ['127.0.0.1', '::ffff:127.0.0.1', '::1'],
      '010': ['0.0.0.0', '::ffff:0.0.0.0', '::'],
      '000': ['169.254.1.1', '224.0.0.1', '255.255.255.255', 'fe80::1', 'ff02::1'],
      '001': ['10.0.0.1', 'fd00::1'],
    };
    for (const [want, addrs] of Object.entries(byFacts)) expect(addrs.map(facts)).toEqual(addrs.map(() => want));
  });
});

describe('parseCIDR', () => {
  // [input, ParseCIDRSloppy: [ip.String(), IPNet.String(), Mask.Size()] or null, net.ParseCIDR's IPNet.String() or null]
  const table: [string, [string, string, number, number] | null, string | null][] = [
    ['10.96.0.0/12', ['10.96.0.0', '10.96.0.0/12', 12, 32], '10.96.0.0/12'],
    ['fd00::/108', ['fd00::', 'fd00::/108', 108, 128], 'fd00::/108'],
    ['10.0.0.1/33', null, null],
    ['10.0.0.0/08', ['10.0.0.0', '10.0.0.0/8', 8, 32], '10.0.0.0/8'],
    ['10.0.0.0/0008', ['10.0.0.0', '10.0.0.0/8', 8, 32], '10.0.0.0/8'], // the prefix is any run of digits
    ['010.96.0.0/12', ['10.96.0.0', '10.96.0.0/12', 12, 32], null],
    ['10.0.0.0/', null, null],
    ['10.0.0.0/-1', null, null],
    ['10.0.0.0/+8', null, null],
    ['10.0.0.0/8 ', null, null],
    ['10.0.0.0', null, null],
    ['10.96.0.0/12,fd00::/108', null, null],
    ['::ffff:10.0.0.0/104', ['10.0.0.0', '10.0.0.0/8', 104, 128], '10.0.0.0/8'], // a 128-bit mask over an IPv4 network
    ['::ffff:1.2.3.4/24', ['1.2.3.4', '::/24', 24, 128], '::/24'],
    ['::ffff:1.2.3.4/128', ['1.2.3.4', '1.2.3.4/32', 128, 128], '1.2.3.4/32'],
    ['fe80::1%eth0/64', null, null],
    ['2001:DB8::1/48', ['2001:db8::1', '2001:db8::/48', 48, 128], '2001:db8::/48'],
  ];
  it.each(table)('%j', (input, sloppy, strict) => {
    const c = parseCIDR(input);
    expect(c ? [formatIP(c.ip), formatCIDR(c), c.prefix, c.bits] : null).toEqual(sloppy);
    const s = parseCIDR(input, true);
    expect(s ? formatCIDR(s) : null).toBe(strict);
  });

  it('families, sizes and indexed addresses follow k8s.io/utils/net', () => {
    const c = (s: string) => parseCIDR(s)!;
    // IsIPv4CIDRString reads the address as written; IsDualStackCIDRs and the node mask read the network
    expect([c('::ffff:1.2.3.4/24').ip.family, c('::ffff:1.2.3.4/24').network.family]).toEqual([4, 6]);
    expect(c('::ffff:10.0.0.0/104').network.family).toBe(4);
    expect(rangeSize(c('10.96.0.0/12'))).toBe(1048576n);
    expect(rangeSize(c('::ffff:10.0.0.0/104'))).toBe(16777216n);
    expect(rangeSize(c('10.0.0.0/31'))).toBe(2n);
    expect(rangeSize(c('128.0.0.0/1'))).toBe(0n); // RangeSize gives 0 for /0, /1 (and /0, /1 of IPv6)
    expect(rangeSize(c('fd00::/64'))).toBe(9223372036854775807n);
    const at = (s: string, i: number) => {
      const r = indexedIP(c(s), i);
      return 'error' in r ? r.error : formatIP(r);
    };
    expect(at('10.96.0.0/12', 1)).toBe('10.96.0.1');
    expect(at('fd00::/108', 10)).toBe('fd00::a');
    expect(at('::ffff:10.96.0.0/108', 10)).toBe('10.96.0.10');
    expect(at('::ffff:1.2.3.4/24', 1)).toBe('::1');
    expect(at('10.0.0.0/31', 1)).toBe('10.0.0.1');
    expect(at('::ffff:1.2.3.4/128', 1)).toBe(`can't generate IP with index 1 from subnet. subnet too small. subnet: "1.2.3.4/32"`);
    expect(at('255.255.255.255/32', 1)).toBe(`can't generate IP with index 1 from subnet. subnet too small. subnet: "255.255.255.255/32"`);
    expect(at('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', 1)).toBe(
      `can't generate IP with index 1 from subnet. subnet too small. subnet: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"`,
    );
    expect(formatIP(indexedIPOfCIDRList('10.96.0.0/12,fd00::/108', 10))).toBe('10.96.0.10');
    expect(() => indexedIPOfCIDRList('10.96.0.0/12, fd00::/108', 1)).toThrow(
      'unable to parse ServiceSubnet 10.96.0.0/12, fd00::/108: invalid CIDR[1]: <nil> (invalid CIDR address:  fd00::/108)',
    );
  });

  it('contains like IPNet.Contains: IPv4 (and IPv4-mapped) never match an IPv6 network, nor the reverse', () => {
    const has = (net: string, ip: string) => cidrContains(parseCIDR(net)!, parseIP(ip)!);
    expect(has('10.96.0.0/12', '10.100.1.1')).toBe(true);
    expect(has('10.96.0.0/12', '10.112.0.0')).toBe(false);
    expect(has('10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(has('::ffff:10.0.0.0/104', '10.1.2.3')).toBe(true);
    expect(has('::ffff:0.0.0.0/96', '1.2.3.4')).toBe(true);
    expect(has('::/0', '1.2.3.4')).toBe(false);
    expect(has('0.0.0.0/0', '::1')).toBe(false);
    expect(has('fec0::/10', 'fec0::1')).toBe(true);
    expect(has('fd00::/108', 'fd00::f:ffff')).toBe(true);
    expect(has('fd00::/108', 'fd00::10:0')).toBe(false);
  });
});

describe('host:port', () => {
  // [input, net.SplitHostPort, kubeadm ParseHostPort]
  type R = { host: string; port: string } | { error: string };
  const table: [string, R, R][] = [
    ['[::1]:6443', { host: '::1', port: '6443' }, { host: '::1', port: '6443' }],
    ['host:6443', { host: 'host', port: '6443' }, { host: 'host', port: '6443' }],
    ['::1', { error: 'address ::1: too many colons in address' }, { host: '::1', port: '' }],
    ['host', { error: 'address host: missing port in address' }, { host: 'host', port: '' }],
    [':80', { host: '', port: '80' }, { error: "hostport :80: host '' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['[::1]', { error: 'address [::1]: missing port in address' }, { error: "hostport [::1]: host '[::1]' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['[::1]:80:90', { error: 'address [::1]:80:90: too many colons in address' }, { error: "hostport [::1]:80:90: host '[::1]:80:90' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['[a[b]:80', { error: "address [a[b]:80: unexpected '[' in address" }, { error: "hostport [a[b]:80: host '[a[b]:80' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['a]:80', { error: "address a]:80: unexpected ']' in address" }, { error: "hostport a]:80: host 'a]:80' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['', { error: 'missing port in address' }, { error: "hostport : host '' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['[fe80::1%eth0]:6443', { host: 'fe80::1%eth0', port: '6443' }, { error: "hostport [fe80::1%eth0]:6443: host 'fe80::1%eth0' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['1.2.3.4:6443', { host: '1.2.3.4', port: '6443' }, { host: '1.2.3.4', port: '6443' }],
    ['host:0', { host: 'host', port: '0' }, { error: 'hostport host:0: port 0 must be a valid number between 1 and 65535, inclusive' }],
    ['host:65536', { host: 'host', port: '65536' }, { error: 'hostport host:65536: port 65536 must be a valid number between 1 and 65535, inclusive' }],
    ['host:00080', { host: 'host', port: '00080' }, { host: 'host', port: '00080' }],
    ['Host:80', { host: 'Host', port: '80' }, { error: "hostport Host:80: host 'Host' must be a valid IP address or a valid RFC-1123 DNS subdomain" }],
    ['::ffff:1.2.3.4', { error: 'address ::ffff:1.2.3.4: too many colons in address' }, { host: '::ffff:1.2.3.4', port: '' }],
    ['::00001', { error: 'address ::00001: too many colons in address' }, { host: '::00001', port: '' }],
  ];
  it.each(table)('%j', (input, split, kubeadm) => {
    expect(splitHostPort(input)).toEqual(split);
    expect(parseHostPort(input)).toEqual(kubeadm);
  });

  it('joins like net.JoinHostPort', () => {
    expect(joinHostPort('10.0.0.1', 6443)).toBe('10.0.0.1:6443');
    expect(joinHostPort('fd00::1', '2379')).toBe('[fd00::1]:2379');
    expect(joinHostPort('host', '')).toBe('host:');
  });
});

describe('certificate SAN bytes', () => {
  it('are 4 bytes for IPv4 (also written IPv4-mapped) and 16 for IPv6, and read back as Go does', () => {
    expect([...ipSanBytes(parseIP('10.96.0.1')!)]).toEqual([10, 96, 0, 1]);
    expect([...ipSanBytes(parseIP('::ffff:10.96.0.1')!)]).toEqual([10, 96, 0, 1]);
    expect(Buffer.from(ipSanBytes(parseIP('fd00::a')!)).toString('hex')).toBe('fd00000000000000000000000000000a');
    expect(text(ipFromSanBytes(Buffer.from('00000000000000000000ffff0a600001', 'hex'))!)).toBe('10.96.0.1');
    expect(text(ipFromSanBytes(Uint8Array.from([127, 0, 0, 1]))!)).toBe('127.0.0.1');
    expect(ipFromSanBytes(Uint8Array.from([1, 2, 3]))).toBeUndefined();
  });
});

describe('HTTPProxy / HTTPProxyCIDR address handling', () => {
  const ctx = (env: Record<string, string>) => ({ host: { env: (n: string) => env[n] } }) as unknown as CheckContext;
  const proxied = ctx({ HTTPS_PROXY: 'proxy:3128' });

  it('IPv4-mapped and zoned hosts are not IPv6 to kubeadm, so the URL it builds does not parse', async () => {
    expect((await httpProxyCheck('https', '::ffff:1.2.3.4').run(proxied)).errors).toEqual([
      'parse "https://::ffff:1.2.3.4": invalid port "::ffff:1.2.3.4" after host',
    ]);
    expect((await httpProxyCheck('https', 'fe80::1%eth0').run(proxied)).errors).toEqual([
      'parse "https://fe80::1%25eth0": invalid port "::1%25eth0" after host',
    ]);
  });

  it('subnets and NO_PROXY entries are read with the sloppy parser (leading zeros), the Go proxy rules strictly', async () => {
    expect((await httpProxyCIDRCheck('https', '010.96.0.0/12').run(proxied)).warnings).toEqual([
      'connection to "010.96.0.0/12" uses proxy "http://proxy:3128". This may lead to malfunctional cluster setup. Make sure that Pod and Services IP ranges specified correctly as exceptions in proxy configuration',
    ]);
    expect((await httpProxyCIDRCheck('https', '10.96.0.0/12').run(ctx({ HTTPS_PROXY: 'p:1', NO_PROXY: '010.96.0.0/12' }))).warnings).toEqual([]);
    expect((await httpProxyCheck('https', '10.0.0.1').run(ctx({ HTTPS_PROXY: 'p:1', NO_PROXY: '010.0.0.1' }))).warnings).toHaveLength(1);
    expect((await httpProxyCIDRCheck('https', '::ffff:1.2.3.4/128').run(proxied)).errors).toEqual([
      `unable to get first IP address from the given CIDR (1.2.3.4/32): can't generate IP with index 1 from subnet. subnet too small. subnet: "1.2.3.4/32"`,
    ]);
  });
});
