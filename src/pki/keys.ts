// Private keys: generation per encryptionAlgorithm and PEM encoding the way kubeadm writes them
// (RSA -> PKCS#1 "RSA PRIVATE KEY", ECDSA -> SEC1 "EC PRIVATE KEY", public keys -> PKIX "PUBLIC KEY").
// ECDSA keys come from node's async generateKeyPair (on the libuv thread pool), RSA keys from
// ./rsa.ts, whose primes are searched by ./primes.ts on the main thread in short slices and, when
// more than 2 keys are pending, in a worker thread too.

import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import type { EncryptionAlgorithm } from '../config/types.js';
import { generateRsaKey } from './rsa.js';

export type KeyKind = 'rsa' | 'ecdsa';

export interface PrivateKey {
  kind: KeyKind;
  /** RSA modulus bits, or EC curve size (256/384/521) */
  bits: number;
  /** for ECDSA: "P-256" | "P-384" | "P-521" */
  curve?: string;
  key: KeyObject;
  /** DER SubjectPublicKeyInfo of the public half */
  spki: Buffer;
}

const ALGORITHMS: readonly EncryptionAlgorithm[] = ['RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256', 'ECDSA-P384'];

export function isEncryptionAlgorithm(s: string): s is EncryptionAlgorithm {
  return (ALGORITHMS as readonly string[]).includes(s);
}

const NODE_CURVES: Record<string, { web: string; bits: number }> = {
  prime256v1: { web: 'P-256', bits: 256 },
  secp384r1: { web: 'P-384', bits: 384 },
  secp521r1: { web: 'P-521', bits: 521 },
};

function wrap(key: KeyObject): PrivateKey {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (key.asymmetricKeyType === 'rsa') {
    return { kind: 'rsa', bits: key.asymmetricKeyDetails?.modulusLength ?? 0, key, spki };
  }
  if (key.asymmetricKeyType === 'ec') {
    const c = NODE_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!c) throw new Error(`unsupported elliptic curve ${key.asymmetricKeyDetails?.namedCurve ?? '(unknown)'}`);
    return { kind: 'ecdsa', bits: c.bits, curve: c.web, key, spki };
  }
  throw new Error(`unsupported key type ${key.asymmetricKeyType ?? '(unknown)'}`);
}

/** Generate a private key for the given encryptionAlgorithm ("" means RSA-2048, as in kubeadm). */
export function generatePrivateKey(algorithm: EncryptionAlgorithm | '' = 'RSA-2048'): Promise<PrivateKey> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, priv: KeyObject) => {
      if (err) reject(err);
      else resolve(wrap(priv));
    };
    switch (algorithm) {
      case '':
      case 'RSA-2048':
        return void generateRsaKey(2048).then((k) => resolve(wrap(k)), reject);
      case 'RSA-3072':
        return void generateRsaKey(3072).then((k) => resolve(wrap(k)), reject);
      case 'RSA-4096':
        return void generateRsaKey(4096).then((k) => resolve(wrap(k)), reject);
      case 'ECDSA-P256':
        return generateKeyPair('ec', { namedCurve: 'prime256v1' }, done);
      case 'ECDSA-P384':
        return generateKeyPair('ec', { namedCurve: 'secp384r1' }, done);
      default:
        reject(new Error(`cannot obtain key size from unknown RSA algorithm: "${String(algorithm)}"`));
    }
  });
}

/** The private key PEM exactly as kubeadm writes it. */
export function encodePrivateKeyPem(k: PrivateKey): string {
  const type = k.kind === 'rsa' ? 'pkcs1' : 'sec1';
  return k.key.export({ type, format: 'pem' }) as string;
}

/** The PKIX "PUBLIC KEY" PEM (sa.pub). */
export function encodePublicKeyPem(k: PrivateKey): string {
  return derToPem('PUBLIC KEY', k.spki);
}

export function derToPem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

export interface PemBlock {
  type: string;
  der: Buffer;
}

/** All PEM blocks in a text, in order (like repeated pem.Decode; text between blocks is ignored). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const body = m[2]!;
    // PEM headers ("Proc-Type: ...") are not supported for keys kubeadm reads; skip such blocks
    if (/^[A-Za-z-]+:/m.test(body)) continue;
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) continue;
    out.push({ type: m[1]!, der: Buffer.from(b64, 'base64') });
  }
  return out;
}

const PRIVATE_KEY_TYPES: Record<string, 'pkcs1' | 'sec1' | 'pkcs8'> = {
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'PRIVATE KEY': 'pkcs8',
};

/** Go's error text for a file that does not exist ("open <path>: no such file or directory"). */
export function notFound(path: string): string {
  return `open ${path}: no such file or directory`;
}

/** The message kubeadm gives when a key file is missing (TryLoadKeyFromDisk). */
export function missingKeyMessage(path: string): string {
  return `couldn't load the private key file ${path}: ${notFound(path)}`;
}

/**
 * Parse private key data like client-go's keyutil.ParsePrivateKeyPEM: the first PKCS#1 RSA, SEC1 EC
 * or PKCS#8 block that parses wins; other blocks (e.g. "EC PARAMETERS") and blocks that do not
 * parse are skipped. Throws Go's bare message.
 */
export function parsePrivateKeyData(pem: string | Uint8Array): PrivateKey {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  for (const b of pemBlocks(text)) {
    const type = PRIVATE_KEY_TYPES[b.type];
    if (!type) continue;
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: b.der, format: 'der', type });
    } catch {
      continue;
    }
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw new UnsupportedKeyError();
    return wrap(key);
  }
  throw new Error('data does not contain a valid RSA or ECDSA private key');
}

class UnsupportedKeyError extends Error {}

/**
 * Load a private key file's content as kubeadm's TryLoadKeyFromDisk does: RSA or ECDSA only.
 * `file` names the source in errors, with kubeadm's wording.
 */
export function parsePrivateKeyPem(pem: string | Uint8Array, file = 'private key'): PrivateKey {
  try {
    return parsePrivateKeyData(pem);
  } catch (e) {
    if (e instanceof UnsupportedKeyError) throw new Error(`the private key file ${file} is neither in RSA nor ECDSA format`);
    throw new Error(`couldn't load the private key file ${file}: error reading private key file ${file}: ${errText(e)}`);
  }
}

/**
 * Parse a public key file's content (PKIX "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"; blocks that do
 * not parse are skipped, as client-go does). Returns the key and its DER SubjectPublicKeyInfo.
 */
export function parsePublicKeyPem(pem: string | Uint8Array, file = 'public key'): { key: KeyObject; spki: Buffer } {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  for (const b of pemBlocks(text)) {
    if (b.type !== 'PUBLIC KEY' && b.type !== 'RSA PUBLIC KEY') continue;
    try {
      const key = createPublicKey({ key: b.der, format: 'der', type: b.type === 'PUBLIC KEY' ? 'spki' : 'pkcs1' });
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') continue;
      return { key, spki: key.export({ type: 'spki', format: 'der' }) };
    } catch {
      continue;
    }
  }
  throw new Error(
    `couldn't load the public key file ${file}: error reading public key file ${file}: data does not contain any valid RSA or ECDSA public keys`,
  );
}

/** The encryptionAlgorithm name matching a key, if it is one kubeadm can generate. */
export function algorithmOf(k: PrivateKey): EncryptionAlgorithm | undefined {
  if (k.kind === 'rsa') {
    const a = `RSA-${k.bits}`;
    return isEncryptionAlgorithm(a) ? a : undefined;
  }
  if (k.curve === 'P-256') return 'ECDSA-P256';
  if (k.curve === 'P-384') return 'ECDSA-P384';
  return undefined;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Keys generated ahead of need. `kubeadm init` needs 16 keys of one algorithm (10 certificates,
 * sa, 5 kubeconfig users); starting them while preflight runs hides most of the RSA cost.
 * At most `concurrency` ECDSA generations run at once so the libuv pool stays available for file
 * I/O. RSA generations all start at once: their prime searches queue in ./primes.ts, which decides
 * which threads run them (oldest first, so keys still come out in order).
 */
export class KeyPool {
  readonly algorithm: EncryptionAlgorithm;
  private readonly concurrency: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly ready: Promise<PrivateKey>[] = [];

  constructor(algorithm: EncryptionAlgorithm, opts: { concurrency?: number } = {}) {
    this.algorithm = algorithm;
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
  }

  /** Start generating `n` more keys in the background. */
  prefetch(n: number): void {
    for (let i = 0; i < n; i++) {
      const p = this.schedule();
      p.catch(() => undefined); // surfaced by take()
      this.ready.push(p);
    }
  }

  /** The oldest prefetched key, or a new one when none is queued. */
  take(): Promise<PrivateKey> {
    return this.ready.shift() ?? this.schedule();
  }

  /** Keys queued or being generated and not yet taken. */
  get pending(): number {
    return this.ready.length;
  }

  private schedule(): Promise<PrivateKey> {
    return new Promise<PrivateKey>((resolve, reject) => {
      const run = () => {
        this.running++;
        generatePrivateKey(this.algorithm)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.waiting.shift()?.();
          });
      };
      if (this.running < this.concurrency || this.algorithm.startsWith('RSA')) run();
      else this.waiting.push(run);
    });
  }
}
