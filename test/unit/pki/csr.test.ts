// CSRs built on der.ts and signed with node:crypto, read back by OpenSSL.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createCertificate } from '../../../src/pki/certs.js';
import { createCsrPem } from '../../../src/pki/csr.js';
import { generatePrivateKey } from '../../../src/pki/keys.js';

function openssl(pem: string): string {
  // -verify checks the self-signature; openssl exits non-zero when it fails
  return execFileSync('openssl', ['req', '-noout', '-text', '-verify'], { input: pem, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

describe('createCsrPem', () => {
  it('RSA, with SANs: OpenSSL verifies it and reads subject and SANs', async () => {
    const key = await generatePrivateKey('RSA-2048');
    const pem = createCsrPem({ commonName: 'kube-apiserver', dnsNames: ['kubernetes', 'node1'], ips: ['10.96.0.1', 'fd00::10'] }, key);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    const text = openssl(pem);
    expect(text).toMatch(/Subject: CN\s?=\s?kube-apiserver/);
    expect(text).toContain('DNS:kubernetes, DNS:node1, IP Address:10.96.0.1, IP Address:FD00:0:0:0:0:0:0:10');
    expect(text).toContain('Requested Extensions:');
    expect(text).not.toContain('critical');
    expect(text).toContain('sha256WithRSAEncryption');
  });

  it('ECDSA, organization and no SANs: no attributes', async () => {
    const key = await generatePrivateKey('ECDSA-P256');
    const text = openssl(createCsrPem({ commonName: 'kubernetes-admin', organization: ['kubeadm:cluster-admins'] }, key));
    expect(text).toMatch(/Subject: O\s?=\s?kubeadm:cluster-admins, CN\s?=\s?kubernetes-admin/);
    expect(text).toContain('ecdsa-with-SHA256');
    expect(text).not.toContain('Subject Alternative Name');
    expect(text).toMatch(/Attributes:\n\s+\(none\)/);
  });

  it('refuses a non-ASCII DNS name in a CSR or a certificate, naming it (Go cannot encode it as an IA5String)', async () => {
    const key = await generatePrivateKey('ECDSA-P256');
    const msg = 'x509: DNS name "bücher.example" cannot be encoded as an IA5String in a certificate\'s subject alternative names: it is not ASCII (write an internationalized name in its punycode "xn--" form)';
    expect(() => createCsrPem({ commonName: 'kube-apiserver', dnsNames: ['kubernetes', 'bücher.example'] }, key)).toThrow(msg);
    const tmpl = { commonName: 'kube-apiserver', dnsNames: ['kubernetes', 'bücher.example'], isCA: true, notBefore: new Date(0), notAfter: new Date(1e12) };
    await expect(createCertificate(tmpl, key)).rejects.toThrow(msg);
    // the punycode form is plain ASCII and goes through
    const text = openssl(createCsrPem({ commonName: 'kube-apiserver', dnsNames: ['xn--bcher-kva.example'] }, key));
    expect(text).toContain('DNS:xn--bcher-kva.example');
    expect(() => createCsrPem({ commonName: 'x', dnsNames: ['\u0080.example'] }, key)).toThrow(/"\u0080\.example"/);
  });
});
