// kubeadm-certs: AES-GCM sealing with Go's layout (nonce ‖ ciphertext ‖ tag), key names, owner
// reference, RBAC (kubeadm v1.37.2 phases/copycerts, util/crypto).
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  certsToTransfer,
  createCertificateKey,
  decodeCertificateKey,
  decryptBytes,
  decryptKubeadmCertsSecret,
  encryptBytes,
  kubeadmCertsRole,
  kubeadmCertsRoleBinding,
  kubeadmCertsSecret,
  uploadCertsTokenSpec,
} from '../../../src/kube/objects/copycerts.js';
import { bootstrapTokenSecret } from '../../../src/kube/objects/bootstraptoken.js';

const KEY_HEX = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const key = Buffer.from(KEY_HEX, 'hex');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

// Produced by Go's crypto/cipher: gcm.Seal(nonce, nonce, PEM, nil) with KEY_HEX and nonce a0a1..ab,
// i.e. exactly what kubeadm's EncryptBytes emits for that nonce.
const GO_SEALED =
  'oKGio6SlpqeoqaqrBF9G1R1cPyBytuSrH/g2vN27vXAOez+gb7IFpLiwK3Z124AIjuf/EXGOeQT+7YIhCmXRhemxzO1c9bl36pV6MqJWPSffSNb0WdXx';

describe('AES-GCM sealing', () => {
  it('decrypts what Go sealed (nonce, then ciphertext, then tag)', () => {
    expect(decryptBytes(Buffer.from(GO_SEALED, 'base64'), key).toString()).toBe(PEM);
  });

  it('seals exactly as Go does for the same nonce', () => {
    const nonce = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaab', 'hex');
    expect(encryptBytes(Buffer.from(PEM), key, nonce).toString('base64')).toBe(GO_SEALED);
  });

  it('matches the published AES-256-GCM vector (GCM spec test case 14)', () => {
    const sealed = encryptBytes(Buffer.alloc(16), Buffer.alloc(32), Buffer.alloc(12));
    expect(sealed.toString('hex')).toBe('000000000000000000000000' + 'cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919');
  });

  it('layout check with an independent sealing: nonce ‖ ct ‖ tag opens', () => {
    const nonce = Buffer.from('0f0e0d0c0b0a090807060504', 'hex');
    const c = createCipheriv('aes-256-gcm', key, nonce);
    const ct = Buffer.concat([c.update('hello'), c.final()]);
    const sealed = Buffer.concat([nonce, ct, c.getAuthTag()]);
    expect(decryptBytes(sealed, key).toString()).toBe('hello');
  });

  it('round-trips with a fresh random nonce each time', () => {
    const a = encryptBytes(Buffer.from(PEM), key);
    const b = encryptBytes(Buffer.from(PEM), key);
    expect(a.length).toBe(12 + PEM.length + 16);
    expect(a.equals(b)).toBe(false);
    expect(decryptBytes(a, key).toString()).toBe(PEM);
  });

  it('fails with the wrong key or truncated data', () => {
    const sealed = encryptBytes(Buffer.from(PEM), key);
    expect(() => decryptBytes(sealed, Buffer.alloc(32, 1))).toThrow('cipher: message authentication failed');
    expect(() => decryptBytes(sealed.subarray(0, 5), key)).toThrow('size of data is less than the nonce');
    expect(() => decryptBytes(sealed, Buffer.alloc(7))).toThrow('crypto/aes: invalid key size 7');
  });
});

describe('certificate key', () => {
  it('is 32 random bytes in hex', () => {
    const k = createCertificateKey();
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(createCertificateKey()).not.toBe(k);
    expect(decodeCertificateKey(k)).toHaveLength(32);
  });
  it("rejects bad hex with Go's messages", () => {
    expect(() => decodeCertificateKey('abc')).toThrow('error decoding certificate key: encoding/hex: odd length hex string');
    expect(() => decodeCertificateKey('zz')).toThrow("error decoding certificate key: encoding/hex: invalid byte: U+007A 'z'");
  });
});

describe('files to transfer', () => {
  const base = { certificatesDir: '/etc/kubernetes/pki' };
  it('local etcd: cluster CA, front-proxy CA, SA keys and the etcd CA', () => {
    const m = certsToTransfer({ ...base, etcd: { local: {} as never } });
    expect(Object.fromEntries(m)).toEqual({
      'ca.crt': '/etc/kubernetes/pki/ca.crt',
      'ca.key': '/etc/kubernetes/pki/ca.key',
      'front-proxy-ca.crt': '/etc/kubernetes/pki/front-proxy-ca.crt',
      'front-proxy-ca.key': '/etc/kubernetes/pki/front-proxy-ca.key',
      'sa.pub': '/etc/kubernetes/pki/sa.pub',
      'sa.key': '/etc/kubernetes/pki/sa.key',
      'etcd-ca.crt': '/etc/kubernetes/pki/etcd/ca.crt',
      'etcd-ca.key': '/etc/kubernetes/pki/etcd/ca.key',
    });
  });
  it('external etcd: the configured client files under external-etcd* names', () => {
    const m = certsToTransfer({
      ...base,
      etcd: { external: { endpoints: ['https://e:2379'], caFile: '/x/ca.pem', certFile: '/x/c.pem', keyFile: '/x/k.pem' } },
    });
    expect(m.get('external-etcd-ca.crt')).toBe('/x/ca.pem');
    expect(m.get('external-etcd.crt')).toBe('/x/c.pem');
    expect(m.get('external-etcd.key')).toBe('/x/k.pem');
    expect(m.has('etcd-ca.crt')).toBe(false);
    expect(m.size).toBe(9);
  });
});

describe('kubeadm-certs Secret', () => {
  const owner = { metadata: { name: 'bootstrap-token-74ucsm', uid: '7f1c2d7e-0000-4000-8000-000000000001' } };
  const files = new Map<string, Uint8Array | undefined>([
    ['ca.crt', Buffer.from(PEM)],
    ['sa.pub', undefined],
  ]);
  const secret = kubeadmCertsSecret({ files, key, owner });

  it('is kube-system/kubeadm-certs owned (as controller) by the token Secret', () => {
    expect(secret.metadata.name).toBe('kubeadm-certs');
    expect(secret.metadata.namespace).toBe('kube-system');
    expect(secret.type).toBeUndefined(); // the server defaults it to Opaque
    expect(secret.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Secret', name: 'bootstrap-token-74ucsm', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
  });

  it('stores sealed file contents; a missing file is null', () => {
    expect(secret.data!['sa.pub']).toBeNull();
    expect(decryptBytes(Buffer.from(secret.data!['ca.crt']!, 'base64'), key).toString()).toBe(PEM);
  });

  it('decrypts back for download-certs', () => {
    const back = decryptKubeadmCertsSecret(secret, KEY_HEX);
    expect(back.get('ca.crt')!.toString()).toBe(PEM);
    expect(back.get('sa.pub')!.length).toBe(0);
    expect(() => decryptKubeadmCertsSecret(secret, 'ff'.repeat(32))).toThrow('message authentication failed');
  });

  it('RBAC: get on kubeadm-certs for bootstrap tokens', () => {
    expect(kubeadmCertsRole().rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['kubeadm-certs'] }]);
    expect(kubeadmCertsRoleBinding().metadata).toEqual({ name: 'kubeadm:kubeadm-certs', namespace: 'kube-system' });
    expect(kubeadmCertsRoleBinding().subjects).toEqual([{ kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }]);
  });

  it('the owner token: 2h, a description, no usages, no groups', () => {
    const s = bootstrapTokenSecret(uploadCertsTokenSpec('74ucsm.7bgipjr4qvm3gvcn'), new Date('2026-11-22T19:25:23Z'));
    const data = Object.fromEntries(Object.entries(s.data!).map(([k, v]) => [k, Buffer.from(v!, 'base64').toString()]));
    expect(data).toEqual({
      description: 'Proxy for managing TTL for the kubeadm-certs secret',
      expiration: '2026-11-22T21:25:23Z',
      'token-id': '74ucsm',
      'token-secret': '7bgipjr4qvm3gvcn',
    });
  });
});
