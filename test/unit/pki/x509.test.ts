// The certificate DER encoder and reader (src/pki/x509.ts, der.ts) against openssl's view of the
// same bytes. Against certificates upstream kubeadm wrote: test/integration/x509-vs-kubeadm.test.ts.
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOid, integer, oid, readTime, readTlv, time } from '../../../src/pki/der.js';
import { parseCertificateDer } from '../../../src/pki/load.js';
import { encodeName, encodeTbs, readCertificate, signTbs, signatureAlgorithmFor } from '../../../src/pki/x509.js';

function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function selfSigned(key: KeyObject, cn: string, org: string[], notBefore: Date, notAfter: Date): Buffer {
  const alg = signatureAlgorithmFor(key);
  const name = encodeName(cn, org);
  const spki = exportSpki(key);
  const tbs = encodeTbs({
    serial: 0x1234_5678_9abc_def0n,
    signature: alg,
    issuer: name,
    notBefore,
    notAfter,
    subject: name,
    spki,
    extensions: [{ oid: '2.5.29.19', critical: true, value: Uint8Array.of(0x30, 0x03, 0x01, 0x01, 0xff) }],
  });
  return Buffer.from(signTbs(tbs, alg, key));
}

function exportSpki(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

describe('DER primitives', () => {
  it('INTEGER is minimal two\'s complement', () => {
    expect(Buffer.from(integer(0n)).toString('hex')).toBe('020100');
    expect(Buffer.from(integer(0x7fn)).toString('hex')).toBe('02017f');
    expect(Buffer.from(integer(0x80n)).toString('hex')).toBe('02020080');
    expect(Buffer.from(integer(0xff00_0000_0000_0001n)).toString('hex')).toBe('020900ff00000000000001');
    // a serial with leading zero bytes is not padded (Go's big.Int encoding)
    expect(Buffer.from(integer(0x12_3456_789an)).toString('hex')).toBe('0205123456789a');
  });

  it('OIDs round trip', () => {
    for (const o of ['2.5.29.17', '1.2.840.113549.1.1.11', '1.2.840.10045.4.3.2', '1.3.6.1.5.5.7.3.1', '2.999.3']) {
      expect(decodeOid(readTlv(oid(o)).value)).toBe(o);
    }
  });

  it('UTCTime for 1950-2049, GeneralizedTime outside, both read back', () => {
    const cases: Array<[string, string]> = [
      ['2026-03-01T11:55:00.789Z', '170d3236303330313131353530305a'],
      ['2049-12-31T23:59:59Z', '170d3439313233313233353935395a'],
      ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
      ['1950-01-01T00:00:00Z', '170d3530303130313030303030305a'],
      ['1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'],
    ];
    for (const [iso, hex] of cases) {
      const der = time(new Date(iso));
      expect(Buffer.from(der).toString('hex')).toBe(hex);
      expect(readTime(readTlv(der)).toISOString()).toBe(new Date(iso).toISOString().replace(/\.\d{3}Z$/, '.000Z'));
    }
  });

  it('Names: O before CN, PrintableString when possible, UTF8String otherwise, SET OF sorted', () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const view = (b: Uint8Array) => openssl(['asn1parse', '-inform', 'DER'], Buffer.from(b));
    let v = view(encodeName('kubernetes-admin', ['kubeadm:cluster-admins']));
    expect(v.indexOf('organizationName')).toBeLessThan(v.indexOf('commonName'));
    expect(v).toMatch(/PRINTABLESTRING\s+:kubeadm:cluster-admins/);
    expect(v).toMatch(/PRINTABLESTRING\s+:kubernetes-admin/);
    v = view(encodeName('system:node:*.example', []));
    expect(v).toMatch(/UTF8STRING\s+:system:node:\*\.example/);
    v = view(encodeName('a&b', []));
    expect(v).toMatch(/UTF8STRING\s+:a&b/);
    // two organizations share one RDN, encoded in DER order whatever the input order
    expect(hex(encodeName('x', ['zz', 'a']))).toBe(hex(encodeName('x', ['a', 'zz'])));
    v = view(encodeName('x', ['zz', 'a']));
    expect(v.match(/ SET /g)?.length).toBe(2);
    expect(v.indexOf(':a\n')).toBeLessThan(v.indexOf(':zz\n'));
  });
});

describe('encode and read a certificate', () => {
  for (const [label, gen] of [
    ['RSA-2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey],
    ['ECDSA-P256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey],
    ['ECDSA-P384', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey],
  ] as Array<[string, () => KeyObject]>) {
    it(`${label}: openssl reads what we wrote, and we read it back`, () => {
      const key = gen();
      const nb = new Date('2026-03-01T11:55:00Z');
      const na = new Date('2056-02-27T12:00:00Z'); // past 2049: GeneralizedTime
      const der = selfSigned(key, 'kubernetes', ['system:masters'], nb, na);
      const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
      const t = openssl(['x509', '-noout', '-text'], pem);
      expect(t).toContain('Version: 3 (0x2)');
      expect(t).toContain('Serial Number: 1311768467463790320 (0x123456789abcdef0)');
      const sig = { 'RSA-2048': 'sha256WithRSAEncryption', 'ECDSA-P256': 'ecdsa-with-SHA256', 'ECDSA-P384': 'ecdsa-with-SHA384' }[label];
      expect(t).toContain(`Signature Algorithm: ${sig}`);
      expect(t).toContain('Subject: O = system:masters, CN = kubernetes');
      expect(t).toContain('Not Before: Mar  1 11:55:00 2026 GMT');
      expect(t).toContain('Not After : Feb 27 12:00:00 2056 GMT');
      expect(t).toMatch(/Basic Constraints: critical\n\s+CA:TRUE/);
      // signature verifies (self-signed)
      const dir = mkdtempSync(join(tmpdir(), 'tsk-x509-'));
      try {
        writeFileSync(join(dir, 'c.crt'), pem);
        expect(openssl(['verify', '-CAfile', join(dir, 'c.crt'), '-attime', String(nb.getTime() / 1000 + 60), join(dir, 'c.crt')])).toContain(': OK');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const c = parseCertificateDer(der);
      expect(c.serial).toBe(0x1234_5678_9abc_def0n);
      expect(c.commonName).toBe('kubernetes');
      expect(c.organization).toEqual(['system:masters']);
      expect(c.subject).toBe('CN=kubernetes,O=system:masters');
      expect(c.issuerDer.equals(c.subjectDer)).toBe(true);
      expect(c.notBefore.toISOString()).toBe(nb.toISOString());
      expect(c.notAfter.toISOString()).toBe(na.toISOString());
      expect(c.isCA).toBe(true);
      expect(c.spki.equals(exportSpki(key))).toBe(true);
      expect(c.native.verify(c.native.publicKey)).toBe(true);
      expect(c.native.checkPrivateKey(key)).toBe(true);
    });
  }

  it('rejects what is not a certificate', () => {
    expect(() => readCertificate(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toThrow(/x509: malformed/);
    expect(() => readCertificate(Uint8Array.of(0x30, 0x83, 0x01))).toThrow(/DER/);
  });
});
