// RSA key generation from primes, about four times faster than node's generateKeyPair('rsa') on
// OpenSSL 3.0 (bench/rsa-keygen.mjs), which derives every prime with FIPS 186-4's auxiliary-prime
// method. Here each prime comes from an incremental small-prime sieve over a random start, with the
// probable-prime test done by OpenSSL (crypto.checkPrime, on the libuv pool).
//
// Security argument:
// - Randomness: each prime search starts at a fresh crypto.randomBytes value (the OS CSPRNG via
//   OpenSSL) with the top two bits set, so p, q > 1.5 * 2^(k-1) > sqrt(2) * 2^(k-1) and n = p*q has
//   exactly nlen bits (FIPS 186-5 A.1.3 steps 4.4/5.4); the low bit is set so the start is odd.
// - Search: from that start we step through odd numbers (at most WINDOW of them) and skip those
//   with a prime factor below SIEVE_LIMIT. This is the classic incremental search (Go's
//   crypto/rand.Prime, OpenSSL 1.x's BN_generate_prime_ex). It picks primes that follow long gaps
//   slightly more often than uniform choice would, which costs a handful of bits of entropy out of
//   ~1000 (Brandt and Damgard, "On generation of probable primes by incremental search", 1992);
//   no attack on RSA is known from it. (FIPS 186-5 A.1.3 strictly asks for a fresh random value
//   per candidate; node's OpenSSL is not in FIPS mode here, and upstream kubeadm's keys are not
//   FIPS-validated either unless Go runs with GODEBUG=fips140=only.)
// - Primality: crypto.checkPrime with `checks` at least FIPS 186-5 Table B.1's Miller-Rabin round
//   count for probable primes p, q: 5 rounds for 1024-bit primes (nlen 2048, error <= 2^-112),
//   4 for 1536-bit (nlen 3072, 2^-128) and 4 for 2048-bit primes (nlen 4096, 2^-144) -- the same
//   counts Go's crypto/internal/fips140/rsa uses. OpenSSL 3's BN_check_prime raises any smaller
//   count to its own minimum of 64 rounds (checks 1 and 64 take the same time), so in practice we
//   get 64.
// - Key: e = 65537; candidates with p = 1 mod e are skipped, so gcd(e, p-1) = gcd(e, q-1) = 1;
//   |p - q| > 2^(nlen/2 - 100) (A.1.3 step 5.5); d = e^-1 mod lcm(p-1, q-1) and d > 2^(nlen/2)
//   (A.1.1); CRT values dP, dQ, qInv. Failing either check draws new primes.
// - Self-test: the PKCS#1 DER is loaded by OpenSSL (createPrivateKey), its modulus size is checked,
//   and a PKCS#1 v1.5 SHA-256 signature made with it (CRT path) must verify with the public half,
//   as Go's FIPS module does ("RSA sign and verify PCT") -- a composite "prime" or a wrong CRT
//   value fails this.

import { checkPrime, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { integer, sequence } from './der.js';

const E = 65537n;
const E_NUM = 65537;

/** FIPS 186-5 Table B.1: minimum Miller-Rabin rounds for probable primes p, q of a key of nlen bits. */
export function millerRabinRounds(nlen: number): number {
  if (nlen <= 2048) return 5; // 1024-bit primes, error probability 2^-112
  return 4; // 1536-bit primes (2^-128) and 2048-bit primes (2^-144)
}

// odd primes below SIEVE_LIMIT
const SIEVE_LIMIT = 1 << 14;
const SMALL_PRIMES: number[] = (() => {
  const composite = new Uint8Array(SIEVE_LIMIT);
  const out: number[] = [];
  for (let i = 3; i < SIEVE_LIMIT; i += 2) {
    if (composite[i]) continue;
    out.push(i);
    for (let j = i * i; j < SIEVE_LIMIT; j += 2 * i) composite[j] = 1;
  }
  return out;
})();
const SMALL_BIG = SMALL_PRIMES.map(BigInt);

/** odd offsets searched from one random start before drawing a new one */
const WINDOW = 1 << 13;

function isProbablePrime(c: bigint, checks: number): Promise<boolean> {
  return new Promise((resolve, reject) => checkPrime(c, { checks }, (err, ok) => (err ? reject(err) : resolve(ok))));
}

/** A random probable prime of exactly `bits` bits (top two bits set) with p != 1 mod 65537. */
export async function randomPrime(bits: number, checks: number): Promise<bigint> {
  if (bits % 8 !== 0 || bits < 256) throw new Error(`rsa: unsupported prime size ${bits}`);
  const limit = 1n << BigInt(bits);
  for (;;) {
    const buf = randomBytes(bits / 8);
    buf[0]! |= 0xc0;
    buf[buf.length - 1]! |= 1;
    const start = BigInt(`0x${buf.toString('hex')}`);
    const res = new Int32Array(SMALL_PRIMES.length);
    for (let i = 0; i < SMALL_BIG.length; i++) res[i] = Number(start % SMALL_BIG[i]!);
    const resE = Number(start % E);
    for (let k = 0; k < WINDOW; k += 2) {
      let ok = true;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((res[i]! + k) % SMALL_PRIMES[i]! === 0) {
          ok = false;
          break;
        }
      }
      if (!ok || (resE + k) % E_NUM === 1) continue;
      const c = start + BigInt(k);
      if (c >= limit) break;
      if (await isProbablePrime(c, checks)) return c;
    }
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** a^-1 mod m (a, m coprime). */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('rsa: value not invertible');
  return ((s0 % m) + m) % m;
}

/** The PKCS#1 RSAPrivateKey for primes p, q and e = 65537, or undefined when they fail FIPS 186-5's checks. */
export function rsaPrivateKeyDer(p: bigint, q: bigint, nlen: number): Uint8Array | undefined {
  const half = BigInt(nlen / 2);
  const diff = p > q ? p - q : q - p;
  if (diff <= 1n << (half - 100n)) return undefined;
  const n = p * q;
  if (n.toString(2).length !== nlen) return undefined;
  const p1 = p - 1n;
  const q1 = q - 1n;
  if (gcd(E, p1) !== 1n || gcd(E, q1) !== 1n) return undefined;
  const lambda = (p1 / gcd(p1, q1)) * q1;
  const d = modInverse(E, lambda);
  if (d <= 1n << half) return undefined;
  return sequence(integer(0n), integer(n), integer(E), integer(d), integer(p), integer(q), integer(d % p1), integer(d % q1), integer(modInverse(q, p)));
}

const SELF_TEST_MESSAGE = Buffer.from('tskubeadm RSA key generation self-test');

/** A new RSA private key with an nlen-bit modulus (2048, 3072 or 4096) and e = 65537. */
export async function generateRsaKey(nlen: number): Promise<KeyObject> {
  if (nlen !== 2048 && nlen !== 3072 && nlen !== 4096) throw new Error(`rsa: unsupported key size ${nlen}`);
  const checks = millerRabinRounds(nlen);
  for (;;) {
    // one after the other: a key keeps one pool thread busy, so the KeyPool's concurrency is the
    // number of threads key generation takes (and the rest of the pool stays free for file I/O)
    const p = await randomPrime(nlen / 2, checks);
    const q = await randomPrime(nlen / 2, checks);
    const der = rsaPrivateKeyDer(p, q, nlen);
    if (!der) continue;
    const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
    if (key.asymmetricKeyDetails?.modulusLength !== nlen || key.asymmetricKeyDetails.publicExponent !== E) {
      throw new Error('rsa: generated key has the wrong size or exponent');
    }
    const sig = sign('sha256', SELF_TEST_MESSAGE, key);
    if (!verify('sha256', SELF_TEST_MESSAGE, createPublicKey(key), sig)) throw new Error('rsa: generated key failed its sign/verify self-test');
    return key;
  }
}
