// RSA key generation from primes (src/pki/rsa.ts): keys openssl accepts (`openssl rsa -check`),
// of exactly the requested size with e = 65537, and the FIPS 186-5 checks on p, q and d.
import { execFileSync, spawnSync } from 'node:child_process';
import { checkPrimeSync, createPrivateKey, createPublicKey, publicEncrypt, privateDecrypt, sign, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readChildren, readTlv, readUnsigned } from '../../../src/pki/der.js';
import { encodePrivateKeyPem, generatePrivateKey } from '../../../src/pki/keys.js';
import {
  decodeRsaPrivateKey,
  encodeRsaPrivateKey,
  generateRsaKey,
  millerRabinRounds,
  modInverse,
  randomPrime,
  rsaKeyParts,
  rsaKeyProblem,
  rsaPrivateKeyDer,
  setRsaKeyPartsHookForTests,
  type RsaKeyParts,
} from '../../../src/pki/rsa.js';
import { phase, tmpDir, writeTmp } from '../phases/helpers.js';
import { initConfig } from '../../helpers/configs.js';

function fields(pem: string): bigint[] {
  const der = createPrivateKey(pem).export({ type: 'pkcs1', format: 'der' });
  return readChildren(readTlv(der).value).map((t) => readUnsigned(t.value));
}

describe('RSA key generation', () => {
  for (const bits of [2048, 3072, 4096]) {
    it(`${bits}-bit keys: openssl rsa -check passes; size, e and the FIPS 186-5 conditions hold`, async () => {
      const count = bits === 2048 ? 4 : 1;
      const keys = await Promise.all(Array.from({ length: count }, () => generatePrivateKey(`RSA-${bits}` as 'RSA-2048')));
      const moduli = new Set<bigint>();
      for (const k of keys) {
        expect(k.kind).toBe('rsa');
        expect(k.bits).toBe(bits);
        const pem = encodePrivateKeyPem(k);
        expect(pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
        const out = execFileSync('openssl', ['rsa', '-check', '-noout'], { input: pem, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
        expect(out).toContain('RSA key ok');
        const text = execFileSync('openssl', ['rsa', '-noout', '-text'], { input: pem, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
        expect(text).toContain(`Private-Key: (${bits} bit, 2 primes)`);
        expect(text).toContain('publicExponent: 65537 (0x10001)');
        const [version, n, e, d, p, q, dp, dq, qi] = fields(pem) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
        expect(version).toBe(0n);
        expect(e).toBe(65537n);
        expect(n.toString(2).length).toBe(bits);
        expect(p.toString(2).length).toBe(bits / 2);
        expect(q.toString(2).length).toBe(bits / 2);
        expect(p * q).toBe(n);
        expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
        expect(checkPrimeSync(q, { checks: 64 })).toBe(true);
        expect((p > q ? p - q : q - p) > 1n << BigInt(bits / 2 - 100)).toBe(true);
        expect((p - 1n) % 65537n).not.toBe(0n);
        expect((q - 1n) % 65537n).not.toBe(0n);
        const g = (a: bigint, b: bigint): bigint => (b ? g(b, a % b) : a);
        const lambda = ((p - 1n) * (q - 1n)) / g(p - 1n, q - 1n);
        expect((e * d) % lambda).toBe(1n);
        expect(d < lambda).toBe(true);
        expect(d > 1n << BigInt(bits / 2)).toBe(true);
        expect(dp).toBe(d % (p - 1n));
        expect(dq).toBe(d % (q - 1n));
        expect((qi * q) % p).toBe(1n);
        // the key works for encryption too
        const msg = Buffer.from('hello');
        expect(privateDecrypt(k.key, publicEncrypt(createPublicKey(k.key), msg)).equals(msg)).toBe(true);
        moduli.add(n);
      }
      expect(moduli.size).toBe(count);
    }, 120_000);
  }

  it('Miller-Rabin rounds are FIPS 186-5 Table B.1\'s', () => {
    expect(millerRabinRounds(2048)).toBe(5);
    expect(millerRabinRounds(3072)).toBe(4);
    expect(millerRabinRounds(4096)).toBe(4);
  });

  it('primes have the top two bits set and are not 1 mod 65537', async () => {
    for (let i = 0; i < 4; i++) {
      const p = await randomPrime(512, 5);
      expect(p >> 510n).toBe(3n);
      expect(p % 65537n).not.toBe(1n);
      expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
    }
  });

  it('refuses primes too close together, a short modulus, or e not invertible', async () => {
    const p = await randomPrime(1024, 5);
    // the next prime after p: |p - q| is tiny
    let q = p + 2n;
    while (!checkPrimeSync(q)) q += 2n;
    expect(rsaPrivateKeyDer(p, q, 2048)).toBeUndefined();
    const r = await randomPrime(1024, 5);
    expect(rsaPrivateKeyDer(p, r, 2048)).toBeDefined();
    expect(rsaPrivateKeyDer(p, r, 2050)).toBeUndefined();
    // a value just below p with x - 1 divisible by e (right size and distance, only gcd(e, x-1) fails)
    const x = 65537n * 2n * (p / (65537n * 2n)) + 1n;
    expect(x.toString(2).length).toBe(1024);
    expect(rsaPrivateKeyDer(x, r, 2048)).toBeUndefined();
    expect(rsaPrivateKeyDer(x + 2n, r, 2048)).toBeDefined();
  }, 60_000);

  it('modInverse', () => {
    expect(modInverse(3n, 11n)).toBe(4n);
    expect(modInverse(65537n, 1000000n * 6n + 1n) * 65537n % 6000001n).toBe(1n);
    expect(() => modInverse(6n, 9n)).toThrow(/not invertible/);
  });

  it('rejects sizes kubeadm does not generate', async () => {
    await expect(generateRsaKey(1024)).rejects.toThrow(/unsupported key size/);
  });
});

/** Two random primes that make a valid key of nlen bits. */
async function validParts(nlen: number): Promise<RsaKeyParts> {
  for (;;) {
    const k = rsaKeyParts(await randomPrime(nlen / 2, 5), await randomPrime(nlen / 2, 5), nlen);
    if (k) return k;
  }
}

describe('RSA key consistency check (issue #13)', () => {
  afterEach(() => setRsaKeyPartsHookForTests(undefined));

  it('passes a whole key and names each inconsistency Go would refuse', async () => {
    const k = await validParts(2048);
    expect(rsaKeyProblem(k, 2048)).toBeUndefined();
    expect(decodeRsaPrivateKey(encodeRsaPrivateKey(k))).toEqual(k);
    const lambda = ((k.p - 1n) * (k.q - 1n)) / ((a: bigint, b: bigint): bigint => { while (b) [a, b] = [b, a % b]; return a; })(k.p - 1n, k.q - 1n);
    const cases: [Partial<RsaKeyParts>, RegExp][] = [
      [{ e: 3n }, /e is 3/],
      [{ n: k.n + 2n }, /n != p\*q/],
      [{ d: k.d + 2n }, /e\*d != 1 mod lambda/],
      [{ d: k.d + lambda / 2n }, /e\*d != 1 mod lambda/],
      [{ dP: k.dP + 1n }, /invalid CRT exponent dP/],
      [{ dP: k.dP + (k.p - 1n) }, /invalid CRT exponent dP/], // congruent, but not reduced: d mod p-1 != dP
      [{ dQ: k.dQ + 1n }, /invalid CRT exponent dQ/],
      [{ qInv: k.qInv + 1n }, /invalid CRT coefficient/],
      [{ qInv: k.qInv + k.p }, /invalid CRT coefficient/],
      [{ d: 1n << 1000n }, /d is not between/],
    ];
    for (const [change, re] of cases) expect(rsaKeyProblem({ ...k, ...change }, 2048)).toMatch(re);
    expect(rsaKeyProblem(k, 3072)).toMatch(/not both 1536-bit/);
  }, 60_000);

  it('a key with a corrupted CRT value (dP+1) is refused before it is returned, though sign/verify would pass it', async () => {
    let corrupted: RsaKeyParts | undefined;
    setRsaKeyPartsHookForTests((k) => (corrupted = { ...k, dP: k.dP + 1n }));
    await expect(generateRsaKey(2048)).rejects.toThrow('rsa: generated 2048-bit key refused by its consistency check: e*dP != 1 mod p-1 (invalid CRT exponent dP)');
    // the old self-test alone: OpenSSL recomputes the bad CRT result with d, so the signature verifies
    const bad = createPrivateKey({ key: Buffer.from(encodeRsaPrivateKey(corrupted!)), format: 'der', type: 'pkcs1' });
    const msg = Buffer.from('m');
    expect(verify('sha256', msg, createPublicKey(bad), sign('sha256', msg, bad))).toBe(true);
    // while `openssl rsa -check` reports it (with exit status 0: only its output tells)
    const r = spawnSync('openssl', ['rsa', '-check', '-noout'], { input: bad.export({ type: 'pkcs1', format: 'pem' }), encoding: 'utf8' });
    expect(r.stdout).not.toContain('RSA key ok');
    expect(r.stderr).toContain('dmp1 not congruent to d');
    for (const [change, re] of [
      [(k: RsaKeyParts) => ({ ...k, dQ: k.dQ + 1n }), /invalid CRT exponent dQ/],
      [(k: RsaKeyParts) => ({ ...k, qInv: k.qInv + 1n }), /invalid CRT coefficient/],
    ] as const) {
      setRsaKeyPartsHookForTests(change);
      await expect(generateRsaKey(2048)).rejects.toThrow(re);
    }
  }, 60_000);

  it('init phase certs all: a refused key stops the phase with nothing written', async () => {
    const root = tmpDir('tsk-rsa-bad-');
    try {
      const cfg = writeTmp(tmpDir('tsk-rsa-cfg-'), 'cfg.yaml', initConfig({ encryptionAlgorithm: 'RSA-2048' }));
      setRsaKeyPartsHookForTests((k) => ({ ...k, dP: k.dP + 1n }));
      const r = await phase(root, cfg, ['certs', 'all']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('refused by its consistency check: e*dP != 1 mod p-1 (invalid CRT exponent dP)');
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          if (e.isDirectory()) walk(path.join(d, e.name));
          else files.push(path.join(d, e.name));
        }
      };
      walk(root);
      expect(files).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

