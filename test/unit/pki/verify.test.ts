// Reuse rules for files already on disk: failures must name the file and the problem.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCertificate, generateAll, loadSigner, type PkiResult } from '../../../src/pki/certs.js';
import { encodePrivateKeyPem, generatePrivateKey, parsePrivateKeyPem, parsePublicKeyPem } from '../../../src/pki/keys.js';
import { parseCertificatePem } from '../../../src/pki/load.js';
import { apiServerAltNames, certSpec } from '../../../src/pki/specs.js';
import { checkExistingCert, checkExternalCA, coversName, verifyChain } from '../../../src/pki/verify.js';
import { makeConfig } from './fixtures.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const cfg = makeConfig({ encryptionAlgorithm: 'ECDSA-P256', nodeName: 'cp1', certSANs: ['*.svc.example.com'] });
const DIR = '/etc/kubernetes/pki';

let pki: PkiResult;
let other: PkiResult;
const files = (r: PkiResult) => new Map(r.files.map((f) => [f.path, f.data]));

beforeAll(async () => {
  [pki, other] = await Promise.all([
    generateAll(cfg, NOW, undefined, { skipSa: true }),
    generateAll(cfg, NOW, undefined, { skipSa: true }),
  ]);
});

describe('checkExistingCert', () => {
  it('accepts a certificate that chains, covers the SANs and matches its key', () => {
    const f = files(pki);
    const r = checkExistingCert(certSpec('apiserver'), f.get('apiserver.crt'), f.get('apiserver.key'), {
      dir: DIR,
      now: NOW,
      ca: pki.certs[0]!.cert!,
      altNames: apiServerAltNames(cfg),
    });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('reports a key that belongs to another certificate', () => {
    const f = files(pki);
    const r = checkExistingCert(certSpec('apiserver'), f.get('apiserver.crt'), files(other).get('apiserver.key'), {
      dir: DIR,
      now: NOW,
      ca: pki.certs[0]!.cert!,
    });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'the private key /etc/kubernetes/pki/apiserver.key does not match the certificate /etc/kubernetes/pki/apiserver.crt',
    ]);
  });

  it('reports a certificate signed by a different CA', () => {
    const r = checkExistingCert(certSpec('apiserver'), files(other).get('apiserver.crt'), files(other).get('apiserver.key'), {
      dir: DIR,
      now: NOW,
      ca: pki.certs[0]!.cert!,
    });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /^certificate apiserver \(\/etc\/kubernetes\/pki\/apiserver\.crt\) is not signed by corresponding CA: x509: certificate signed by unknown authority/,
    );
  });

  it('reports SANs the configuration now needs', () => {
    const f = files(pki);
    const wanted = apiServerAltNames(makeConfig({ nodeName: 'cp1', certSANs: ['10.0.0.5', 'api.example.com', 'x.svc.example.com'] }));
    const r = checkExistingCert(certSpec('apiserver'), f.get('apiserver.crt'), f.get('apiserver.key'), {
      dir: DIR,
      now: NOW,
      altNames: wanted,
    });
    expect(r.errors).toEqual([
      'certificate apiserver (/etc/kubernetes/pki/apiserver.crt) does not include the DNS name api.example.com, the IP address 10.0.0.5 needed by the configuration',
    ]);
  });

  it('reports an expired leaf (chain check) and warns about the period', () => {
    const f = files(pki);
    const later = new Date(NOW.getTime() + 400 * 24 * 3600_000);
    const r = checkExistingCert(certSpec('apiserver'), f.get('apiserver.crt'), f.get('apiserver.key'), {
      dir: DIR,
      now: later,
      ca: pki.certs[0]!.cert!,
    });
    expect(r.warnings[0]).toMatch(/^WARNING: could not validate bounds for certificate apiserver: the certificate has expired: NotBefore: 2026-03-01 11:55:00 \+0000 UTC, NotAfter: 2027-03-01 12:00:00 \+0000 UTC$/);
    expect(r.errors[0]).toMatch(/is not signed by corresponding CA: x509: certificate has expired or is not yet valid: current time 2027-04-05T12:00:00Z is after 2027-03-01T12:00:00Z/);
  });

  it('reports a CA file that holds a leaf', () => {
    const f = files(pki);
    const r = checkExistingCert(certSpec('ca'), f.get('apiserver.crt'), f.get('apiserver.key'), { dir: DIR, now: NOW });
    expect(r.errors).toEqual(['certificate ca (/etc/kubernetes/pki/ca.crt) is not a CA']);
  });

  it('reports corrupt PEM and missing files by path', () => {
    const r = checkExistingCert(certSpec('front-proxy-client'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', undefined, {
      dir: DIR,
      now: NOW,
    });
    expect(r.errors[0]).toMatch(
      /^couldn't load the certificate file \/etc\/kubernetes\/pki\/front-proxy-client\.crt: error reading \/etc\/kubernetes\/pki\/front-proxy-client\.crt: /,
    );
    const r2 = checkExistingCert(certSpec('etcd-peer'), undefined, undefined, { dir: DIR, now: NOW });
    expect(r2.errors).toEqual(['certificate etcd-peer (/etc/kubernetes/pki/etcd/peer.crt) does not exist']);
  });
});

describe('verifyChain and hostname coverage', () => {
  it('rejects a leaf whose issuer is not a CA', async () => {
    const k1 = await generatePrivateKey('ECDSA-P256');
    const k2 = await generatePrivateKey('ECDSA-P256');
    const nb = new Date(NOW.getTime() - 60_000);
    const na = new Date(NOW.getTime() + 3600_000);
    const notCA = await createCertificate({ commonName: 'fake-ca', isCA: false, usages: ['clientAuth'], notBefore: nb, notAfter: na }, k1);
    const leaf = await createCertificate(
      { commonName: 'leaf', isCA: false, usages: ['clientAuth'], notBefore: nb, notAfter: na },
      k2,
      { cert: notCA, key: k1 },
    );
    expect(verifyChain(leaf, [], notCA, NOW)).toBe('x509: certificate is not authorized to sign other certificates');
    // openssl agrees
    expect(() =>
      execFileSync('openssl', ['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', '/dev/stdin'], { input: notCA.pem + leaf.pem, stdio: 'pipe' }),
    ).toThrow();
  });

  it('follows intermediates in the leaf file', async () => {
    const rootKey = await generatePrivateKey('ECDSA-P256');
    const midKey = await generatePrivateKey('ECDSA-P256');
    const leafKey = await generatePrivateKey('ECDSA-P256');
    const nb = new Date(NOW.getTime() - 60_000);
    const na = new Date(NOW.getTime() + 3600_000);
    const root = await createCertificate({ commonName: 'root', isCA: true, notBefore: nb, notAfter: na }, rootKey);
    const mid = await createCertificate({ commonName: 'mid', isCA: true, notBefore: nb, notAfter: na }, midKey, { cert: root, key: rootKey });
    const leaf = await createCertificate({ commonName: 'leaf', isCA: false, usages: ['serverAuth'], notBefore: nb, notAfter: na }, leafKey, {
      cert: mid,
      key: midKey,
    });
    expect(verifyChain(leaf, [mid], root, NOW)).toBeUndefined();
    expect(verifyChain(leaf, [], root, NOW)).toMatch(/unknown authority/);
  });

  it('matches names the way Go VerifyHostname does', () => {
    const c = pki.certs[1]!.cert!;
    expect(coversName(c, 'KUBERNETES.default')).toBe(true);
    expect(coversName(c, 'a.svc.example.com')).toBe(true);
    expect(coversName(c, 'a.b.svc.example.com')).toBe(false);
    expect(coversName(c, '*.svc.example.com')).toBe(true);
    expect(coversName(c, '10.96.0.1')).toBe(true);
    expect(coversName(c, '10.96.0.2')).toBe(false);
  });
});

describe('generateAll with files on disk', () => {
  it('reuses CAs and leaves, and only generates what is missing', async () => {
    const f = files(pki);
    f.delete('apiserver.crt');
    f.delete('apiserver.key');
    const r = await generateAll(cfg, NOW, f, { skipSa: true });
    expect(r.certs.map((c) => c.status)).toEqual([
      'existing',
      'generated',
      'existing',
      'existing',
      'existing',
      'existing',
      'existing',
      'existing',
      'existing',
      'existing',
    ]);
    expect(r.certs[0]!.messages).toEqual(['[certs] Using existing ca certificate authority']);
    expect(r.certs[2]!.messages).toEqual(['[certs] Using existing apiserver-kubelet-client certificate and key on disk']);
    expect(r.files.map((x) => x.path)).toEqual(['apiserver.key', 'apiserver.crt']);
    const fresh = parseCertificatePem(r.files[1]!.data);
    expect(verifyChain(fresh, [], pki.certs[0]!.cert!, NOW)).toBeUndefined();
  });

  it('fails when an existing leaf was signed by another CA, naming both', async () => {
    const f = files(pki);
    f.set('front-proxy-client.crt', files(other).get('front-proxy-client.crt')!);
    await expect(generateAll(cfg, NOW, f, { skipSa: true })).rejects.toThrow(
      '[certs] certificate front-proxy-client not signed by CA certificate front-proxy-ca: x509: certificate signed by unknown authority ' +
        '(possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "front-proxy-ca")',
    );
  });

  it('keyless CA: existing leaves are used, a missing one is an error naming the CA key', async () => {
    const f = files(pki);
    f.delete('ca.key');
    const ok = await generateAll(cfg, NOW, f, { skipSa: true });
    expect(ok.certs[0]!.messages).toEqual(['[certs] Using existing ca keyless certificate authority']);
    expect(ok.files).toEqual([]);
    f.delete('apiserver.crt');
    await expect(generateAll(cfg, NOW, f, { skipSa: true })).rejects.toThrow(
      "couldn't load CA certificate ca: failure loading ca certificate authority: failed to load key: " +
        "couldn't load the private key file /etc/kubernetes/pki/ca.key: open /etc/kubernetes/pki/ca.key: no such file or directory",
    );
  });

  it('a leaf key without its certificate is an error naming the file', async () => {
    const f = files(pki);
    f.delete('etcd/server.crt');
    await expect(generateAll(cfg, NOW, f, { skipSa: true })).rejects.toThrow(
      'failed to write or validate certificate "etcd-server": failure loading etcd/server certificate: ' +
        "couldn't load the certificate file /etc/kubernetes/pki/etcd/server.crt: open /etc/kubernetes/pki/etcd/server.crt: no such file or directory",
    );
    // corrupt certificate and no key: the key is looked at first
    f.set('etcd/server.crt', 'garbage');
    f.delete('etcd/server.key');
    await expect(generateAll(cfg, NOW, f, { skipSa: true })).rejects.toThrow(
      'failed to write or validate certificate "etcd-server": failure loading etcd/server key: ' +
        "couldn't load the private key file /etc/kubernetes/pki/etcd/server.key: open /etc/kubernetes/pki/etcd/server.key: no such file or directory",
    );
    // a CA key without its certificate
    const g = files(pki);
    g.delete('front-proxy-ca.crt');
    await expect(generateAll(cfg, NOW, g, { skipSa: true })).rejects.toThrow(
      'failure loading front-proxy-ca certificate: failed to load certificate: ' +
        "couldn't load the certificate file /etc/kubernetes/pki/front-proxy-ca.crt: open /etc/kubernetes/pki/front-proxy-ca.crt: no such file or directory",
    );
  });

  it('an existing sa.key is kept; a corrupt one is an error', async () => {
    const k = await generatePrivateKey('ECDSA-P256');
    const f = files(pki);
    f.set('sa.key', encodePrivateKeyPem(k));
    const r = await generateAll(cfg, NOW, f);
    expect(r.sa).toEqual({ status: 'existing', files: [], messages: ['[certs] Using the existing "sa" key'] });
    f.set('sa.key', 'garbage');
    await expect(generateAll(cfg, NOW, f)).rejects.toThrow(
      'file sa.key existed but it could not be loaded properly: error reading private key file /etc/kubernetes/pki/sa.key: ' +
        'data does not contain a valid RSA or ECDSA private key',
    );
  });
});

describe('external CA mode', () => {
  it('is not external while ca.key is present', () => {
    expect(checkExternalCA('ca', files(pki), { dir: DIR, now: NOW })).toEqual({ external: false, errors: [], warnings: [] });
  });

  it('requires every leaf, with its key, signed by the CA', () => {
    const f = files(pki);
    f.delete('ca.key');
    expect(checkExternalCA('ca', f, { dir: DIR, now: NOW })).toEqual({ external: true, errors: [], warnings: [] });
    f.delete('apiserver-kubelet-client.key');
    f.set('apiserver.crt', files(other).get('apiserver.crt')!);
    const r = checkExternalCA('ca', f, { dir: DIR, now: NOW });
    expect(r.external).toBe(true);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toBe(
      'certificate API server is not signed by corresponding CA: x509: certificate signed by unknown authority ' +
        '(possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "kubernetes")',
    );
    expect(r.errors[1]).toBe(
      "failure loading key for apiserver-kubelet-client: couldn't load the private key file /etc/kubernetes/pki/apiserver-kubelet-client.key: " +
        'open /etc/kubernetes/pki/apiserver-kubelet-client.key: no such file or directory',
    );
  });

  it('etcd CA: all four etcd leaves are required', () => {
    const f = files(pki);
    f.delete('etcd/ca.key');
    f.delete('etcd/peer.crt');
    const r = checkExternalCA('etcd-ca', f, { dir: DIR, now: NOW });
    expect(r.errors).toEqual([
      "failure loading certificate for etcd peer: couldn't load the certificate file /etc/kubernetes/pki/etcd/peer.crt: " +
        'open /etc/kubernetes/pki/etcd/peer.crt: no such file or directory',
    ]);
  });
});

describe('keys', () => {
  it('parses PKCS#1, SEC1 (after EC PARAMETERS) and PKCS#8 keys', async () => {
    const rsa = await generatePrivateKey('RSA-2048');
    const pkcs8 = rsa.key.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(pkcs8.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(parsePrivateKeyPem(pkcs8).bits).toBe(2048);
    const ecPem = execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey'], { encoding: 'utf8' });
    expect(ecPem).toContain('-----BEGIN EC PARAMETERS-----');
    const ec = parsePrivateKeyPem(ecPem, '/x/ec.key');
    expect([ec.kind, ec.curve]).toEqual(['ecdsa', 'P-256']);
    expect(encodePrivateKeyPem(ec).startsWith('-----BEGIN EC PRIVATE KEY-----')).toBe(true);
  });

  it('names the file for corrupt or unsupported keys', () => {
    const msg =
      "couldn't load the private key file /etc/kubernetes/pki/ca.key: error reading private key file /etc/kubernetes/pki/ca.key: " +
      'data does not contain a valid RSA or ECDSA private key';
    expect(() => parsePrivateKeyPem('nothing here', '/etc/kubernetes/pki/ca.key')).toThrow(msg);
    expect(() =>
      parsePrivateKeyPem('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n', '/etc/kubernetes/pki/ca.key'),
    ).toThrow(msg);
    const ed = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' });
    expect(() => parsePrivateKeyPem(ed, '/k/ed.key')).toThrow('the private key file /k/ed.key is neither in RSA nor ECDSA format');
  });

  it('reads sa.pub back', async () => {
    const k = await generatePrivateKey('ECDSA-P384');
    const pub = execFileSync('openssl', ['pkey', '-pubout'], { input: encodePrivateKeyPem(k), encoding: 'utf8' });
    expect(parsePublicKeyPem(pub).spki.equals(k.spki)).toBe(true);
  });

  it('loadSigner rejects a CA key that does not match', () => {
    const f = files(pki);
    expect(() => loadSigner('ca', f.get('ca.crt')!, files(other).get('ca.key')!, DIR)).toThrow(
      'the private key /etc/kubernetes/pki/ca.key does not match the certificate /etc/kubernetes/pki/ca.crt',
    );
    expect(() => loadSigner('ca', f.get('apiserver.crt')!, f.get('apiserver.key')!, DIR)).toThrow(
      'ca certificate is not a certificate authority (/etc/kubernetes/pki/ca.crt)',
    );
  });
});

describe('generateAll for a single phase (only)', () => {
  it('creates just the requested certificate with the CA from disk', async () => {
    const f = files(pki);
    f.delete('apiserver.crt');
    f.delete('apiserver.key');
    f.delete('etcd/ca.crt'); // not needed for apiserver
    const r = await generateAll(cfg, NOW, f, { only: ['apiserver'] });
    expect(r.certs.map((c) => [c.spec.name, c.status])).toEqual([['apiserver', 'generated']]);
    expect(r.files.map((x) => x.path)).toEqual(['apiserver.key', 'apiserver.crt']);
    expect(r.sa.status).toBe('skipped');
    expect(verifyChain(parseCertificatePem(r.files[1]!.data), [], pki.certs[0]!.cert!, NOW)).toBeUndefined();
  });

  it('needs the CA on disk, as kubeadm says', async () => {
    await expect(generateAll(cfg, NOW, new Map(), { only: ['apiserver'] })).rejects.toThrow(
      "couldn't load CA certificate ca: couldn't load ca certificate authority from /etc/kubernetes/pki",
    );
    const f = files(pki);
    f.delete('etcd/ca.key');
    f.delete('etcd/peer.crt');
    await expect(generateAll(cfg, NOW, f, { only: ['etcd-peer'] })).rejects.toThrow(
      "couldn't load CA certificate etcd-ca: failure loading etcd/ca certificate authority: failed to load key: " +
        "couldn't load the private key file /etc/kubernetes/pki/etcd/ca.key: open /etc/kubernetes/pki/etcd/ca.key: no such file or directory",
    );
  });

  it('a single CA phase or the sa phase', async () => {
    const ca = await generateAll(cfg, NOW, new Map(), { only: ['front-proxy-ca'] });
    expect(ca.certs.map((c) => [c.spec.name, c.status, c.messages[0]])).toEqual([
      ['front-proxy-ca', 'generated', '[certs] Generating "front-proxy-ca" certificate and key'],
    ]);
    const sa = await generateAll(cfg, NOW, new Map(), { only: ['sa'] });
    expect(sa.certs).toEqual([]);
    expect(sa.files.map((x) => x.path)).toEqual(['sa.key', 'sa.pub']);
  });
});

describe('shared certificates (join --control-plane)', () => {
  it('passes with the CAs and sa of a cluster; a missing CA key only warns', async () => {
    const f = files(pki);
    const k = await generatePrivateKey('ECDSA-P256');
    const { encodePublicKeyPem } = await import('../../../src/pki/keys.js');
    const { sharedCertificatesExist, checkSaKeyPair } = await import('../../../src/pki/verify.js');
    f.set('sa.key', encodePrivateKeyPem(k));
    f.set('sa.pub', encodePublicKeyPem(k));
    expect(sharedCertificatesExist(true, f, { dir: DIR, now: NOW })).toEqual({ ok: true, errors: [], warnings: [] });
    expect(checkSaKeyPair(f.get('sa.key'), f.get('sa.pub'), DIR)).toEqual({ pairMatches: true });
    f.delete('front-proxy-ca.key');
    const r = sharedCertificatesExist(true, f, { dir: DIR, now: NOW });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      "assuming external key for front-proxy CA: couldn't load the private key file /etc/kubernetes/pki/front-proxy-ca.key: " +
        'open /etc/kubernetes/pki/front-proxy-ca.key: no such file or directory',
    ]);
  });

  it('aggregates errors like kubeadm', async () => {
    const { sharedCertificatesExist, checkSaKeyPair } = await import('../../../src/pki/verify.js');
    const f = files(pki);
    f.delete('etcd/ca.crt');
    const rsa = await generatePrivateKey('RSA-2048');
    const ec = await generatePrivateKey('ECDSA-P256');
    const { encodePublicKeyPem } = await import('../../../src/pki/keys.js');
    f.set('sa.key', encodePrivateKeyPem(rsa));
    f.set('sa.pub', encodePublicKeyPem(ec));
    expect(checkSaKeyPair(f.get('sa.key'), f.get('sa.pub'), DIR).error).toBe(
      'the private key file /etc/kubernetes/pki/sa.key is in RSA format but the public key file /etc/kubernetes/pki/sa.pub is not in RSA format',
    );
    const r = sharedCertificatesExist(true, f, { dir: DIR, now: NOW });
    expect(r.error).toBe(
      '[failure loading key for service account: the private key file /etc/kubernetes/pki/sa.key is in RSA format but the public key file /etc/kubernetes/pki/sa.pub is not in RSA format, ' +
        "failure loading certificate for etcd CA: couldn't load the certificate file /etc/kubernetes/pki/etcd/ca.crt: open /etc/kubernetes/pki/etcd/ca.crt: no such file or directory]",
    );
    expect(sharedCertificatesExist(false, f, { dir: DIR, now: NOW }).errors).toHaveLength(1);
    f.set('sa.pub', 'junk');
    expect(checkSaKeyPair(f.get('sa.key'), f.get('sa.pub'), DIR).error).toBe(
      "couldn't load the public key file /etc/kubernetes/pki/sa.pub: error reading public key file /etc/kubernetes/pki/sa.pub: data does not contain any valid RSA or ECDSA public keys",
    );
  });
});
