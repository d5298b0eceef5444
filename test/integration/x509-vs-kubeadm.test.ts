// The certificate DER encoder and reader (src/pki/x509.ts, der.ts) against certificates upstream
// kubeadm v1.37.2 (the lab's build) wrote: our reader agrees with openssl on them, and re-encoding
// upstream's fields with upstream's CA key gives upstream's certificate byte for byte (PKCS#1 v1.5 is
// deterministic).
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTlv } from '../../src/pki/der.js';
import { formatIP, parseIP } from '../../src/util/net.js';
import { parseCertificateDer, parseCertificatePem } from '../../src/pki/load.js';
import { authorityKeyIdOf, encodeName, encodeTbs, keyUsage, readCertificate, signTbs, signatureAlgorithmFor } from '../../src/pki/x509.js';
import { UPSTREAM_KUBEADM as KUBEADM } from './helpers/upstream.js';

function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('certificates upstream kubeadm wrote', () => {
  let dir: string;
  const crts: string[] = [];

  beforeAll(() => {
    // upstream kubeadm comes from the lab build (.ci/run runs `npm run lab:build` before the tests)
    expect(existsSync(KUBEADM), `${KUBEADM} is missing: run npm run lab:build`).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'tsk-x509-up-'));
    for (const alg of ['RSA-2048', 'ECDSA-P256']) {
      const d = join(dir, alg);
      const cfg = join(dir, `${alg}.yaml`);
      writeFileSync(
        cfg,
        // a pinned kubernetesVersion keeps kubeadm from asking dl.k8s.io for "stable-1"
        'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.2\n' +
          `encryptionAlgorithm: ${alg}\ncertificatesDir: ${d}\napiServer:\n  certSANs: ["10.1.2.3", "fd00::1", "api.example.com"]\n`,
      );
      const r = spawnSync(KUBEADM, ['init', 'phase', 'certs', 'all', '--config', cfg], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const sub of ['', 'etcd']) {
        for (const f of readdirSync(join(d, sub))) {
          const p = join(d, sub, f);
          if (statSync(p).isFile() && f.endsWith('.crt')) crts.push(p);
        }
      }
    }
    expect(crts.length).toBe(20);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('our reader agrees with openssl on every field kubeadm looks at', () => {
    for (const p of crts) {
      const c = parseCertificatePem(readFileSync(p, 'utf8'), p);
      const t = openssl(['x509', '-in', p, '-noout', '-text', '-nameopt', 'RFC2253']);
      const serial = openssl(['x509', '-in', p, '-noout', '-serial']).trim().replace('serial=', '');
      expect(c.serial, p).toBe(BigInt(`0x${serial}`));
      expect(t, p).toContain(`Subject: ${c.subject}\n`);
      expect(t, p).toContain(`Issuer: ${c.issuer}\n`);
      const pubDer = execFileSync('openssl', ['x509', '-in', p, '-noout', '-pubkey']).toString();
      expect(c.spki.toString('base64'), p).toBe(pubDer.replace(/-----[^-]+-----|\s/g, ''));
      const enddate = openssl(['x509', '-in', p, '-noout', '-enddate']).trim().replace('notAfter=', '');
      expect(c.notAfter.getTime(), p).toBe(new Date(enddate).getTime());
      expect(c.isCA, p).toBe(/CA:TRUE/.test(t));
      const san = /X509v3 Subject Alternative Name: \n\s+(.*)\n/.exec(t)?.[1] ?? '';
      const dns = [...san.matchAll(/DNS:([^,]+)/g)].map((m) => m[1]);
      const ips = [...san.matchAll(/IP Address:([^,]+)/g)].map((m) => m[1]!.toLowerCase());
      expect(c.dnsNames, p).toEqual(dns);
      expect(c.ipStrings, p).toEqual(ips.map((s) => formatIP(parseIP(s)!)));
      const eku = /X509v3 Extended Key Usage: \n\s+(.*)\n/.exec(t)?.[1] ?? '';
      expect(c.extKeyUsages.map((o) => ({ '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication', '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication' })[o]).join(', '), p).toBe(eku);
      const ski = /X509v3 Subject Key Identifier: \n\s+(.*)\n/.exec(t)?.[1];
      expect(c.subjectKeyId?.toString('hex').toUpperCase().match(/../g)?.join(':'), p).toBe(ski);
      const aki = /X509v3 Authority Key Identifier: \n\s+(?:keyid:)?(.*)\n/.exec(t)?.[1];
      const ourAki = authorityKeyIdOf(c.extensions);
      expect(ourAki ? Buffer.from(ourAki).toString('hex').toUpperCase().match(/../g)!.join(':') : undefined, p).toBe(aki);
      const ku = keyUsage(c.extensions);
      expect(Boolean(ku & (1 << 5)), p).toBe(/Certificate Sign/.test(t));
      expect(Boolean(ku & 1), p).toBe(/Digital Signature/.test(t));
    }
  });

  it('re-encoding upstream\'s fields gives upstream\'s TBSCertificate; RSA re-signed with its CA key gives the whole certificate', () => {
    const caKeys = new Map<string, string>(); // subject DER (hex) -> key file of each CA
    for (const p of crts) {
      const c = parseCertificatePem(readFileSync(p, 'utf8'), p);
      if (c.isCA) caKeys.set(c.subjectDer.toString('hex') + dirname(p.replace(/\/etcd\//, '/')), p.replace(/\.crt$/, '.key'));
    }
    for (const p of crts) {
      const der = parseCertificatePem(readFileSync(p, 'utf8'), p).der;
      const f = readCertificate(der);
      const c = parseCertificateDer(der);
      // the issuer's key: the CA (of the same algorithm's tree) whose subject is this certificate's issuer
      const caKeyFile = caKeys.get(c.issuerDer.toString('hex') + dirname(p.replace(/\/etcd\//, '/')));
      expect(caKeyFile, p).toBeDefined();
      const caKey = createPrivateKey(readFileSync(caKeyFile!));
      const alg = signatureAlgorithmFor(caKey);
      const tbs = encodeTbs({
        serial: f.serial,
        signature: alg,
        issuer: f.issuerDer,
        notBefore: f.notBefore,
        notAfter: f.notAfter,
        subject: f.subjectDer,
        spki: f.spki,
        extensions: f.extensions,
      });
      const theirTbs = readTlv(readTlv(der).value).raw;
      expect(Buffer.from(tbs).equals(Buffer.from(theirTbs)), p).toBe(true);
      // the subject Name we would encode for it is the same bytes too
      expect(Buffer.from(encodeName(c.commonName, c.organization)).equals(c.subjectDer), p).toBe(true);
      if (caKey.asymmetricKeyType === 'rsa') expect(Buffer.from(signTbs(tbs, alg, caKey)).equals(der), p).toBe(true);
    }
  });
});
