// upload-certs / download-certs: the kube-system/kubeadm-certs Secret. Each value is the file
// sealed with AES-GCM under the certificate key (32 bytes → AES-256): a random 12-byte nonce, then
// the ciphertext, then the 16-byte tag (Go's gcm.Seal(nonce, nonce, data, nil) layout). The Secret
// is owned by a short-lived bootstrap token Secret so the garbage collector removes it with the token.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ClusterConfiguration } from '../../config/types.js';
import type { OwnerReference, SecretObject } from '../types.js';
import { getNamedRule, group, KUBE_SYSTEM, NODE_BOOTSTRAP_TOKEN_AUTH_GROUP, role, roleBinding, type BindingObject, type RoleObject } from './rbac.js';
import type { TokenSpec } from './bootstraptoken.js';

export const KUBEADM_CERTS_SECRET = 'kubeadm-certs';
export const KUBEADM_CERTS_ROLE = 'kubeadm:kubeadm-certs';
/** kubeadm's CertificateKeySize */
export const CERTIFICATE_KEY_SIZE = 32;
/** kubeadm's DefaultCertTokenDuration as a Go duration */
export const CERT_TOKEN_TTL = '2h0m0s';
export const CERT_TOKEN_DESCRIPTION = 'Proxy for managing TTL for the kubeadm-certs secret';

const NONCE_SIZE = 12;
const TAG_SIZE = 16;

/** A fresh certificate key: 32 random bytes as 64 lower-case hex characters. */
export function createCertificateKey(): string {
  return randomBytes(CERTIFICATE_KEY_SIZE).toString('hex');
}

/** hex.DecodeString of a certificate key, failing with Go's wording (bad characters before bad length). */
export function decodeCertificateKey(keyHex: string): Buffer {
  for (const ch of keyHex) {
    if (!/[0-9a-fA-F]/.test(ch)) {
      const cp = ch.codePointAt(0)!;
      throw new Error(
        `error decoding certificate key: encoding/hex: invalid byte: U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(ch).replace(/^"|"$/g, "'")}`,
      );
    }
  }
  if (keyHex.length % 2 !== 0) throw new Error('error decoding certificate key: encoding/hex: odd length hex string');
  return Buffer.from(keyHex, 'hex');
}

function algorithmFor(key: Uint8Array): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  switch (key.length) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    case 32:
      return 'aes-256-gcm';
    default:
      throw new Error(`crypto/aes: invalid key size ${key.length}`);
  }
}

/** nonce ‖ ciphertext ‖ tag. `nonce` is for tests; normally 12 fresh random bytes. */
export function encryptBytes(data: Uint8Array, key: Uint8Array, nonce: Uint8Array = randomBytes(NONCE_SIZE)): Buffer {
  if (nonce.length !== NONCE_SIZE) throw new Error(`the nonce must be ${NONCE_SIZE} bytes`);
  const c = createCipheriv(algorithmFor(key), key, nonce);
  const body = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([Buffer.from(nonce), body, c.getAuthTag()]);
}

/** Opens what encryptBytes (or kubeadm's EncryptBytes) sealed. Throws when the key is wrong. */
export function decryptBytes(sealed: Uint8Array, key: Uint8Array): Buffer {
  const alg = algorithmFor(key);
  if (sealed.length < NONCE_SIZE) throw new Error('size of data is less than the nonce');
  if (sealed.length < NONCE_SIZE + TAG_SIZE) throw new Error('cipher: message authentication failed');
  const nonce = sealed.subarray(0, NONCE_SIZE);
  const tag = sealed.subarray(sealed.length - TAG_SIZE);
  const body = sealed.subarray(NONCE_SIZE, sealed.length - TAG_SIZE);
  const d = createDecipheriv(alg, key, nonce);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    throw new Error('cipher: message authentication failed');
  }
}

/** Secret key for a file name: "/" becomes "-" ("etcd/ca.crt" → "etcd-ca.crt"). */
export function certOrKeyNameToSecretName(name: string): string {
  return name.split('/').join('-');
}

/**
 * The files kubeadm transfers, keyed by their Secret key, with the host path to read: the cluster
 * CA, front-proxy CA and service-account key pair always; the etcd CA for local etcd, or the
 * external etcd client files (from the config) for external etcd.
 */
export function certsToTransfer(cluster: Pick<ClusterConfiguration, 'certificatesDir' | 'etcd'>): Map<string, string> {
  const dir = cluster.certificatesDir.replace(/\/+$/, '');
  const m = new Map<string, string>();
  const add = (name: string, path: string) => m.set(certOrKeyNameToSecretName(name), path);
  for (const n of ['ca.crt', 'ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.pub', 'sa.key']) add(n, `${dir}/${n}`);
  const ext = cluster.etcd.external;
  if (!ext) {
    add('etcd/ca.crt', `${dir}/etcd/ca.crt`);
    add('etcd/ca.key', `${dir}/etcd/ca.key`);
  } else {
    add('external-etcd-ca.crt', ext.caFile);
    add('external-etcd.crt', ext.certFile);
    add('external-etcd.key', ext.keyFile);
  }
  return m;
}

/** The bootstrap token that owns the kubeadm-certs Secret: 2 h TTL, no usages, no groups. */
export function uploadCertsTokenSpec(token: string): TokenSpec {
  return { token, description: CERT_TOKEN_DESCRIPTION, ttl: CERT_TOKEN_TTL };
}

/** metav1.NewControllerRef(secret, v1/Secret). */
export function secretOwnerReference(secret: { metadata: { name: string; uid?: string } }): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    name: secret.metadata.name,
    uid: secret.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface KubeadmCertsInput {
  /** Secret key → file contents; undefined for a file that does not exist (sent as null, as kubeadm does) */
  files: Map<string, Uint8Array | undefined>;
  /** the decoded 32-byte certificate key */
  key: Uint8Array;
  /** the owning token Secret, as read back from the API (its uid matters) */
  owner: { metadata: { name: string; uid?: string } };
  /** nonce source, for tests */
  nonce?: () => Uint8Array;
}

export function kubeadmCertsSecret(input: KubeadmCertsInput): SecretObject {
  const data: Record<string, string | null> = {};
  for (const name of [...input.files.keys()].sort()) {
    const content = input.files.get(name);
    data[name] = content === undefined ? null : encryptBytes(content, input.key, input.nonce?.()).toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: KUBEADM_CERTS_SECRET, namespace: KUBE_SYSTEM, ownerReferences: [secretOwnerReference(input.owner)] },
    data,
  };
}

/** Decrypts every value of a kubeadm-certs Secret; empty values stay empty. */
export function decryptKubeadmCertsSecret(secret: Pick<SecretObject, 'data'>, keyHex: string): Map<string, Buffer> {
  const key = decodeCertificateKey(keyHex);
  const out = new Map<string, Buffer>();
  for (const [name, value] of Object.entries(secret.data ?? {})) {
    const sealed = Buffer.from(value ?? '', 'base64');
    out.set(name, sealed.length ? decryptBytes(sealed, key) : Buffer.alloc(0));
  }
  return out;
}

export function kubeadmCertsRole(): RoleObject {
  return role(KUBEADM_CERTS_ROLE, KUBE_SYSTEM, [getNamedRule('secrets', KUBEADM_CERTS_SECRET)]);
}

export function kubeadmCertsRoleBinding(): BindingObject {
  return roleBinding(KUBEADM_CERTS_ROLE, KUBE_SYSTEM, KUBEADM_CERTS_ROLE, [group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP)]);
}
