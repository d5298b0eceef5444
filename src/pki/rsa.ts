// RSA key generation from primes: ~20 ms of CPU per RSA-2048 key, against ~130 ms for node's
// generateKeyPair('rsa') on OpenSSL 3.0, which derives every prime with FIPS 186-4's
// auxiliary-prime method and 64 Miller-Rabin rounds, and ~52 ms for crypto.checkPrime-tested
// primes (bench/rsa-keygen.mjs). Each prime comes from ./primes.ts: an incremental small-prime
// sieve over a random start, then Miller-Rabin with FIPS 186-5's round count, OpenSSL doing the
// modular exponentiations; searches run on the main thread in short slices and in a worker thread.
//
// Security argument:
// - Randomness: each prime search starts at a fresh crypto.randomBytes value (the OS CSPRNG via
//   OpenSSL) with the top two bits set, so p, q > 1.5 * 2^(k-1) > sqrt(2) * 2^(k-1) and n = p*q has
//   exactly nlen bits (FIPS 186-5 A.1.3 steps 4.4/5.4); the low bit is set so the start is odd.
// - Search: from that start we step through odd numbers (at most 4096 of them) and skip those with
//   a prime factor below 2^16. This is the classic incremental search (Go's crypto/rand.Prime,
//   OpenSSL 1.x's BN_generate_prime_ex). It picks primes that follow long gaps slightly more often
//   than uniform choice would, which costs a handful of bits of entropy out of ~1000 (Brandt and
//   Damgard, "On generation of probable primes by incremental search", 1992); no attack on RSA is
//   known from it. (FIPS 186-5 A.1.3, and Go's FIPS module, draw a fresh random value per
//   candidate; node's OpenSSL is not in FIPS mode here, and upstream kubeadm's keys are not
//   FIPS-validated either unless Go runs with GODEBUG=fips140=only.)
// - Primality: FIPS 186-5 B.3.1 Miller-Rabin with millerRabinRounds(nlen) rounds, each with its own
//   base drawn uniformly from [2, c-2] (a random bits(c)-bit string from crypto.randomBytes, redrawn
//   when out of range): 5 rounds for the 1024-bit primes of a 2048-bit key (error probability
//   <= 2^-112), 4 for 1536-bit (nlen 3072, 2^-128) and 4 for 2048-bit primes (nlen 4096, 2^-144).
//   These are FIPS 186-5 Table B.1's counts and exactly what Go's crypto/internal/fips140/rsa
//   (isPrime, millerRabinIterations: >= 1345 bits 4, >= 476 bits 5) runs with random bases for the
//   keys upstream kubeadm generates, so these keys are no weaker than upstream's. No fixed base is
//   used: the first round's random base rejects almost every composite, the other rounds only run
//   on candidates that pass it. b^m mod c is an RSA public operation done by OpenSSL (modulus c,
//   exponent m, no padding), the s-1 squarings after it BigInt arithmetic; OpenSSL only limits the
//   exponent for moduli above 3072 bits, and our moduli (the candidates) have at most 2048.
//   (crypto.checkPrime, used before, runs at least 64 rounds on OpenSSL 3 whatever `checks` says.)
// - Key: e = 65537; candidates with p = 1 mod e are skipped, so gcd(e, p-1) = gcd(e, q-1) = 1;
//   |p - q| > 2^(nlen/2 - 100) (A.1.3 step 5.5); d = e^-1 mod lcm(p-1, q-1) and d > 2^(nlen/2)
//   (A.1.1); CRT values dP, dQ, qInv. Failing either check draws new primes.
// - Self-test: the PKCS#1 DER is loaded by OpenSSL (createPrivateKey), its modulus size is checked,
//   and a PKCS#1 v1.5 SHA-256 signature made with it (CRT path) must verify with the public half,
//   as Go's FIPS module does ("RSA sign and verify PCT") -- a composite "prime" or a wrong CRT
//   value fails this.

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { integer, sequence } from './der.js';
import { randomPrime } from './primes.js';

export { millerRabin, randomPrime, strongProbablePrime } from './primes.js';

const E = 65537n;

/**
 * Miller-Rabin rounds for the probable primes p, q of a key of nlen bits: FIPS 186-5 Table B.1's
 * minimum, and what Go's crypto/internal/fips140/rsa (isPrime) runs for primes of that size.
 */
export function millerRabinRounds(nlen: number): number {
  if (nlen <= 2048) return 5; // 1024-bit primes, error probability 2^-112
  return 4; // 1536-bit primes (2^-128) and 2048-bit primes (2^-144)
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
  const rounds = millerRabinRounds(nlen);
  for (;;) {
    // both primes are queued at once: with a worker thread running they are searched in parallel
    const [p, q] = await Promise.all([randomPrime(nlen / 2, rounds), randomPrime(nlen / 2, rounds)]);
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
