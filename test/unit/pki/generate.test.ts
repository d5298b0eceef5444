// The full certificate set, written to a temp dir and read back with the openssl binary.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptionAlgorithm } from '../../../src/config/types.js';
import { generateAll, type PkiResult } from '../../../src/pki/certs.js';
import { caCertPin } from '../../../src/pki/pin.js';
import { makeConfig } from './fixtures.js';

function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}
function opensslBuf(args: string[], input?: string | Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

const NOW = new Date('2026-03-01T12:00:00Z');

function text(dir: string, base: string): string {
  return openssl(['x509', '-in', join(dir, `${base}.crt`), '-noout', '-text']);
}
function section(t: string, name: string): string {
  const i = t.indexOf(name);
  if (i === -1) return '';
  return t.slice(i + name.length).split('\n')[1]!.trim();
}
function opensslDate(d: Date): string {
  // "Mar  1 11:55:00 2026 GMT"
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const hms = d.toISOString().slice(11, 19);
  return `${mon} ${day} ${hms} ${d.getUTCFullYear()} GMT`;
}

for (const alg of ['RSA-2048', 'ECDSA-P256'] as EncryptionAlgorithm[]) {
  describe(`generateAll with ${alg}`, () => {
    let dir: string;
    let res: PkiResult;
    const cfg = makeConfig({
      encryptionAlgorithm: alg,
      nodeName: 'cp1',
      advertiseAddress: '192.168.10.5',
      controlPlaneEndpoint: 'k8s.example.com',
      certSANs: ['10.0.0.5', 'extra.example.com'],
      certificateValidityPeriod: '2160h',
      caCertificateValidityPeriod: '43800h0m0s',
    });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tsk-pki-'));
      res = await generateAll(cfg, NOW, undefined, { clientCerts: ['admin.conf', 'kubelet.conf'] });
      for (const f of res.files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.data, { mode: f.mode });
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes every file kubeadm writes, keys 0600 and certs 0644', () => {
      expect(res.files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
        ['ca.key', '600'],
        ['ca.crt', '644'],
        ['apiserver.key', '600'],
        ['apiserver.crt', '644'],
        ['apiserver-kubelet-client.key', '600'],
        ['apiserver-kubelet-client.crt', '644'],
        ['front-proxy-ca.key', '600'],
        ['front-proxy-ca.crt', '644'],
        ['front-proxy-client.key', '600'],
        ['front-proxy-client.crt', '644'],
        ['etcd/ca.key', '600'],
        ['etcd/ca.crt', '644'],
        ['etcd/server.key', '600'],
        ['etcd/server.crt', '644'],
        ['etcd/peer.key', '600'],
        ['etcd/peer.crt', '644'],
        ['etcd/healthcheck-client.key', '600'],
        ['etcd/healthcheck-client.crt', '644'],
        ['apiserver-etcd-client.key', '600'],
        ['apiserver-etcd-client.crt', '644'],
        ['sa.key', '600'],
        ['sa.pub', '600'],
      ]);
    });

    it('prints kubeadm lines in order', () => {
      const lines = [...res.certs.flatMap((c) => c.messages), ...res.sa.messages];
      expect(lines[0]).toBe('[certs] Generating "ca" certificate and key');
      expect(lines[1]).toBe('[certs] Generating "apiserver" certificate and key');
      expect(lines[2]).toBe(
        '[certs] apiserver serving cert is signed for DNS names [cp1 extra.example.com k8s.example.com kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local] and IPs [10.96.0.1 192.168.10.5 10.0.0.5]',
      );
      expect(lines).toContain('[certs] Generating "etcd/ca" certificate and key');
      expect(lines).toContain(
        '[certs] etcd/peer serving cert is signed for DNS names [cp1 localhost] and IPs [192.168.10.5 127.0.0.1 ::1]',
      );
      expect(lines.at(-1)).toBe('[certs] Generating "sa" key and public key');
      expect(lines).toHaveLength(14);
    });

    it('chains verify with openssl', () => {
      const chains: [string, string][] = [
        ['ca', 'apiserver'],
        ['ca', 'apiserver-kubelet-client'],
        ['front-proxy-ca', 'front-proxy-client'],
        ['etcd/ca', 'etcd/server'],
        ['etcd/ca', 'etcd/peer'],
        ['etcd/ca', 'etcd/healthcheck-client'],
        ['etcd/ca', 'apiserver-etcd-client'],
      ];
      for (const [ca, leaf] of chains) {
        const out = openssl(['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', join(dir, `${ca}.crt`), join(dir, `${leaf}.crt`)]);
        expect(out.trim()).toBe(`${join(dir, `${leaf}.crt`)}: OK`);
      }
      // and not across CAs
      expect(() =>
        openssl(['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', join(dir, 'ca.crt'), join(dir, 'etcd/server.crt')]),
      ).toThrow();
    });

    it('subjects, issuers, SANs, usages and constraints match the table', () => {
      const expectCert = (
        base: string,
        subject: string,
        issuer: string,
        eku: string,
        san: string,
        ca: boolean,
      ) => {
        const t = text(dir, base);
        expect(t).toContain(`Subject: ${subject}\n`);
        expect(t).toContain(`Issuer: ${issuer}\n`);
        expect(section(t, 'X509v3 Basic Constraints: critical')).toBe(ca ? 'CA:TRUE' : 'CA:FALSE');
        expect(section(t, 'X509v3 Key Usage: critical')).toBe(
          ca ? 'Digital Signature, Key Encipherment, Certificate Sign' : 'Digital Signature, Key Encipherment',
        );
        expect(section(t, 'X509v3 Extended Key Usage:')).toBe(eku);
        expect(section(t, 'X509v3 Subject Alternative Name:')).toBe(san);
        expect(t.includes('X509v3 Subject Key Identifier')).toBe(ca);
        expect(t.includes('X509v3 Authority Key Identifier')).toBe(!ca);
        expect(t).toContain(
          `Signature Algorithm: ${alg === 'RSA-2048' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA256'}`,
        );
      };
      expectCert('ca', 'CN = kubernetes', 'CN = kubernetes', '', 'DNS:kubernetes', true);
      expectCert(
        'apiserver',
        'CN = kube-apiserver',
        'CN = kubernetes',
        'TLS Web Server Authentication',
        'DNS:cp1, DNS:extra.example.com, DNS:k8s.example.com, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, IP Address:10.96.0.1, IP Address:192.168.10.5, IP Address:10.0.0.5',
        false,
      );
      expectCert('apiserver-kubelet-client', 'CN = kube-apiserver-kubelet-client', 'CN = kubernetes', 'TLS Web Client Authentication', '', false);
      expectCert('front-proxy-ca', 'CN = front-proxy-ca', 'CN = front-proxy-ca', '', 'DNS:front-proxy-ca', true);
      expectCert('front-proxy-client', 'CN = front-proxy-client', 'CN = front-proxy-ca', 'TLS Web Client Authentication', '', false);
      expectCert('etcd/ca', 'CN = etcd-ca', 'CN = etcd-ca', '', 'DNS:etcd-ca', true);
      const etcdSan = 'DNS:cp1, DNS:localhost, IP Address:192.168.10.5, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1';
      expectCert('etcd/server', 'CN = cp1', 'CN = etcd-ca', 'TLS Web Server Authentication, TLS Web Client Authentication', etcdSan, false);
      expectCert('etcd/peer', 'CN = cp1', 'CN = etcd-ca', 'TLS Web Server Authentication, TLS Web Client Authentication', etcdSan, false);
      expectCert('etcd/healthcheck-client', 'CN = kube-etcd-healthcheck-client', 'CN = etcd-ca', 'TLS Web Client Authentication', '', false);
      expectCert('apiserver-etcd-client', 'CN = kube-apiserver-etcd-client', 'CN = etcd-ca', 'TLS Web Client Authentication', '', false);
    });

    it('AuthorityKeyIdentifier of each leaf is its CA SubjectKeyIdentifier (SHA-256/160 of the key bits)', () => {
      const ski = section(text(dir, 'etcd/ca'), 'X509v3 Subject Key Identifier:');
      const aki = section(text(dir, 'etcd/peer'), 'X509v3 Authority Key Identifier:');
      expect(aki).toBe(ski);
      // RFC 7093 method 1 over the subjectPublicKey BIT STRING contents
      const der = opensslBuf(['x509', '-in', join(dir, 'etcd/ca.crt'), '-pubkey', '-noout']);
      const spki = opensslBuf(['pkey', '-pubin', '-outform', 'der'], der);
      const parsed = openssl(['asn1parse', '-inform', 'der'], spki);
      const bitLine = parsed.split('\n').find((l) => l.includes('BIT STRING'))!;
      const m = /^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)/.exec(bitLine)!;
      const start = Number(m[1]) + Number(m[2]) + 1; // skip the unused-bits byte
      const keyBits = spki.subarray(start, Number(m[1]) + Number(m[2]) + Number(m[3]));
      const want = createHash('sha256').update(keyBits).digest().subarray(0, 20).toString('hex').toUpperCase().match(/../g)!.join(':');
      expect(ski).toBe(want);
    });

    it('validity: NotBefore = start - 5m for all; NotAfter from the configured periods', () => {
      const nb = opensslDate(new Date(NOW.getTime() - 5 * 60_000));
      for (const base of ['ca', 'apiserver', 'etcd/ca', 'etcd/server', 'front-proxy-client']) {
        expect(openssl(['x509', '-in', join(dir, `${base}.crt`), '-noout', '-startdate']).trim()).toBe(`notBefore=${nb}`);
      }
      const leafEnd = opensslDate(new Date(NOW.getTime() + 2160 * 3600_000));
      const caEnd = opensslDate(new Date(NOW.getTime() + 43800 * 3600_000));
      expect(openssl(['x509', '-in', join(dir, 'apiserver.crt'), '-noout', '-enddate']).trim()).toBe(`notAfter=${leafEnd}`);
      expect(openssl(['x509', '-in', join(dir, 'ca.crt'), '-noout', '-enddate']).trim()).toBe(`notAfter=${caEnd}`);
    });

    it('serial numbers are positive and below 2^63-1', () => {
      for (const base of ['ca', 'apiserver', 'etcd/peer']) {
        const s = openssl(['x509', '-in', join(dir, `${base}.crt`), '-noout', '-serial']).trim().replace('serial=', '');
        const v = BigInt(`0x${s}`);
        expect(v > 0n && v < (1n << 63n) - 1n).toBe(true);
      }
    });

    it('keys use the PEM types kubeadm writes and match their certificates', () => {
      const keyType = alg === 'RSA-2048' ? 'RSA PRIVATE KEY' : 'EC PRIVATE KEY';
      for (const f of res.files.filter((x) => x.path.endsWith('.key'))) {
        expect(f.data.startsWith(`-----BEGIN ${keyType}-----\n`)).toBe(true);
      }
      expect(res.files.find((f) => f.path === 'sa.pub')!.data.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
      if (alg === 'RSA-2048') expect(openssl(['rsa', '-in', join(dir, 'sa.key'), '-noout', '-text'])).toContain('Private-Key: (2048 bit');
      else expect(openssl(['ec', '-in', join(dir, 'sa.key'), '-noout', '-text'])).toContain('ASN1 OID: prime256v1');
      for (const base of ['ca', 'apiserver', 'etcd/ca', 'etcd/server', 'front-proxy-client']) {
        const fromCert = openssl(['x509', '-in', join(dir, `${base}.crt`), '-noout', '-pubkey']);
        const fromKey = openssl(['pkey', '-in', join(dir, `${base}.key`), '-pubout']);
        expect(fromKey).toBe(fromCert);
      }
      const saPub = openssl(['pkey', '-in', join(dir, 'sa.key'), '-pubout']);
      expect(res.files.find((f) => f.path === 'sa.pub')!.data).toBe(saPub);
    });

    it('the CA pin matches openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum', () => {
      const pub = opensslBuf(['x509', '-in', join(dir, 'ca.crt'), '-pubkey', '-noout']);
      const der = opensslBuf(['pkey', '-pubin', '-outform', 'der'], pub);
      const sum = execFileSync('sha256sum', { input: der, encoding: 'utf8' }).split(' ')[0];
      expect(caCertPin(res.certs[0]!.certPem!)).toBe(`sha256:${sum}`);
    });

    it('client certificates for kubeconfig files: CA NotBefore, clientAuth, subject with O', () => {
      const admin = res.clientCerts.get('admin.conf')!;
      const kubelet = res.clientCerts.get('kubelet.conf')!;
      const p = join(dir, 'admin-client.crt');
      writeFileSync(p, admin.certPem);
      const t = openssl(['x509', '-in', p, '-noout', '-text']);
      expect(t).toContain('Subject: O = kubeadm:cluster-admins, CN = kubernetes-admin\n');
      expect(section(t, 'X509v3 Extended Key Usage:')).toBe('TLS Web Client Authentication');
      expect(openssl(['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', join(dir, 'ca.crt'), p]).trim()).toBe(`${p}: OK`);
      expect(kubelet.cert.commonName).toBe('system:node:cp1');
      expect(kubelet.cert.organization).toEqual(['system:nodes']);
      expect(admin.cert.notBefore.getTime()).toBe(res.certs[0]!.cert!.notBefore.getTime());
      expect(admin.cert.notAfter.getTime()).toBe(NOW.getTime() + 2160 * 3600_000);
    });
  });
}

describe('generateAll edge cases', () => {
  it('skips etcd certificates with external etcd and says so', async () => {
    const res = await generateAll(makeConfig({ externalEtcd: true, encryptionAlgorithm: 'ECDSA-P256' }), NOW);
    expect(res.certs.filter((c) => c.status === 'skipped').map((c) => c.messages[0])).toEqual([
      '[certs] External etcd mode: Skipping etcd/ca certificate authority generation',
      '[certs] External etcd mode: Skipping etcd/server certificate generation',
      '[certs] External etcd mode: Skipping etcd/peer certificate generation',
      '[certs] External etcd mode: Skipping etcd/healthcheck-client certificate generation',
      '[certs] External etcd mode: Skipping apiserver-etcd-client certificate generation',
    ]);
    expect(res.files.some((f) => f.path.startsWith('etcd/'))).toBe(false);
  });

  it('uses P-384 with ecdsa-with-SHA384 for ECDSA-P384', async () => {
    const res = await generateAll(makeConfig({ encryptionAlgorithm: 'ECDSA-P384' }), NOW, undefined, { skipSa: true });
    const t = openssl(['x509', '-noout', '-text'], res.certs[1]!.certPem!);
    expect(t).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(t).toContain('NIST CURVE: P-384');
  });
});
