// RSA key generation from primes (src/pki/rsa.ts): keys openssl accepts (`openssl rsa -check`),
// of exactly the requested size with e = 65537, and the FIPS 186-5 checks on p, q and d.
import { execFileSync } from 'node:child_process';
import { checkPrimeSync, createPrivateKey, createPublicKey, publicEncrypt, privateDecrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readChildren, readTlv, readUnsigned } from '../../../src/pki/der.js';
import { encodePrivateKeyPem, generatePrivateKey } from '../../../src/pki/keys.js';
import { generateRsaKey, millerRabinRounds, modInverse, randomPrime, rsaPrivateKeyDer } from '../../../src/pki/rsa.js';

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
