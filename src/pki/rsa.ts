// RSA key generation from primes: ~20 ms of CPU per RSA-2048 key, against ~130 ms for node's
// generateKeyPair('rsa') on OpenSSL 3.0, which derives every prime with FIPS 186-4's
// auxiliary-prime method and 64 Miller-Rabin rounds, and ~52 ms for crypto.checkPrime-tested
// primes (bench/rsa-keygen.mjs). Each prime comes from ./primes.ts: an incremental small-prime
// sieve over a random start, then Miller-Rabin with FIPS 186-5's round count, OpenSSL doing the
// modular exponentiations; searches run on the main thread in short slices and in a worker thread.
//
// What upstream kubeadm does (pkiutil calls crypto/rsa.GenerateKey; read in Go 1.26's
// crypto/internal/fips140/rsa, which crypto/rsa uses whether or not FIPS mode is on): randomPrime
// follows FIPS 186-5 A.1.3, drawing a fresh random odd candidate with the top two bits set for
// every try, dividing it by the 255 odd primes 3..1619, then isPrime's Miller-Rabin with random
// bases; d = e^-1 mod lambda(n); newPrivateKey's checkPrivateKey verifies p*q = n, e*dP = 1 mod p-1,
// e*dQ = 1 mod q-1, qInv*q = 1 mod p, d mod p-1 = dP, d mod q-1 = dQ, |p - q| > 2^(nlen/2 - 100)
// and d > 2^(nlen/2). Its sign/verify "PCT" runs only in FIPS mode (fips140.PCT returns at once
// otherwise). x509.ParsePKCS1PrivateKey runs the same checkPrivateKey (Precompute + Validate), so
// the API server, etcd and the rest refuse at start-up any key that fails one of them.
//
// Security argument:
// - Randomness: each prime search starts at a fresh crypto.randomBytes value (the OS CSPRNG via
//   OpenSSL) with the top two bits set, so p, q > 1.5 * 2^(k-1) > sqrt(2) * 2^(k-1) and n = p*q has
//   exactly nlen bits (FIPS 186-5 A.1.3 steps 4.4/5.4); the low bit is set so the start is odd.
// - Search: from that start we step through odd numbers (at most 4096 of them) and skip those with
//   a prime factor below 2^16: the classic incremental search (OpenSSL 1.x's BN_generate_prime_ex;
//   Go 1.26 uses it nowhere: crypto/rand.Prime and RSA key generation both draw a fresh value per
//   candidate). It picks primes that follow long gaps slightly more often than
//   uniform choice would, which costs a handful of bits of entropy out of ~1000 (Brandt and
//   Damgard, "On generation of probable primes by incremental search", 1992); no attack on RSA is
//   known from it. FIPS 186-5 A.1.3 and Go draw a fresh random value per candidate; measured here
//   (bench/prime-ab.mjs 200 2048, issue #13) that costs ~38% more CPU per RSA-2048 key (median
//   36.5 ms against 26.5 ms, trial division by primes < 2^11; 30-39 ms for limits 2^10..2^16),
//   so it was not adopted. (RSA-4096, 40 keys: 296 against 306 ms median, mean +13%.) Node's OpenSSL is not in FIPS mode here, and upstream kubeadm's keys are not
//   FIPS-validated either unless Go runs with GODEBUG=fips140=on/only.
// - Primality: FIPS 186-5 B.3.1 Miller-Rabin with millerRabinRounds(nlen) rounds, each with its own
//   base drawn uniformly from [2, c-2] (a random bits(c)-bit string from crypto.randomBytes, redrawn
//   when out of range): 5 rounds for the 1024-bit primes of a 2048-bit key (error probability
//   <= 2^-112), 4 for 1536-bit (nlen 3072, 2^-128) and 4 for 2048-bit primes (nlen 4096, 2^-144).
//   These are FIPS 186-5 Table B.1's counts and exactly what Go's crypto/internal/fips140/rsa
//   (isPrime: >= 3747 bits 3, >= 1345 bits 4, >= 476 bits 5) runs with random bases for the
//   keys upstream kubeadm generates, so these keys are no weaker than upstream's. No fixed base is
//   used: the first round's random base rejects almost every composite, the other rounds only run
//   on candidates that pass it. b^m mod c is an RSA public operation done by OpenSSL (modulus c,
//   exponent m, no padding), the s-1 squarings after it BigInt arithmetic; OpenSSL only limits the
//   exponent for moduli above 3072 bits, and our moduli (the candidates) have at most 2048.
//   (crypto.checkPrime, used before, runs at least 64 rounds on OpenSSL 3 whatever `checks` says.)
// - Key: e = 65537; candidates with p = 1 mod e are skipped, so gcd(e, p-1) = gcd(e, q-1) = 1;
//   |p - q| > 2^(nlen/2 - 100) (A.1.3 step 5.5); d = e^-1 mod lcm(p-1, q-1) and d > 2^(nlen/2)
//   (A.1.1); CRT values dP, dQ, qInv. Failing either check draws new primes.
// - Consistency check: the PKCS#1 DER is loaded by OpenSSL (createPrivateKey), and the integers it
//   exports again (what encodePrivateKeyPem writes) are checked in BigInt by rsaKeyProblem: sizes,
//   n = p*q, e*d = 1 mod lambda(n), e*dP = 1 mod p-1, e*dQ = 1 mod q-1, qInv*q = 1 mod p (Go's
//   checkPrivateKey's conditions). A failure is a bug and is thrown, not retried. It costs a few
//   BigInt multiplications and remainders: a median of ~9 us per RSA-2048 key (~30 us per
//   RSA-4096 key), ~28 us (~89 us) with OpenSSL's export and the decoding, over 200 (50) keys,
//   against ~1.7 ms (~11 ms) for the sign/verify self-test (bench/rsa-check.mjs).
// - Self-test: a PKCS#1 v1.5 SHA-256 signature made with the key must verify with its public half
//   (Go runs the same "RSA sign and verify PCT" in FIPS mode only). It catches a composite "prime"
//   (d is then wrong), NOT a wrong CRT value: OpenSSL 3 checks each CRT result with e and silently
//   recomputes a wrong one with d (rsa_ossl_mod_exp), so a key with a bad dP, dQ or qInv signs
//   correctly here (and passes verify) yet Go refuses it; the consistency check above is what
//   catches those. (`openssl rsa -check` also reports them, on stdout/stderr, with exit status 0.)

import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { integer, readChildren, readTlv, sequence } from './der.js';
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

/** The integers of a two-prime PKCS#1 RSAPrivateKey (version 0). */
export interface RsaKeyParts {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dP: bigint;
  dQ: bigint;
  qInv: bigint;
}

/** The key for primes p, q and e = 65537, or undefined when they fail FIPS 186-5's checks. */
export function rsaKeyParts(p: bigint, q: bigint, nlen: number): RsaKeyParts | undefined {
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
  return { n, e: E, d, p, q, dP: d % p1, dQ: d % q1, qInv: modInverse(q, p) };
}

/** PKCS#1 RSAPrivateKey DER of a two-prime key. */
export function encodeRsaPrivateKey(k: RsaKeyParts): Uint8Array {
  return sequence(integer(0n), integer(k.n), integer(k.e), integer(k.d), integer(k.p), integer(k.q), integer(k.dP), integer(k.dQ), integer(k.qInv));
}

/** The PKCS#1 RSAPrivateKey for primes p, q and e = 65537, or undefined when they fail FIPS 186-5's checks. */
export function rsaPrivateKeyDer(p: bigint, q: bigint, nlen: number): Uint8Array | undefined {
  const k = rsaKeyParts(p, q, nlen);
  return k && encodeRsaPrivateKey(k);
}

/** The integers of a two-prime PKCS#1 RSAPrivateKey DER (version 0, nine non-negative INTEGERs, nothing after). */
export function decodeRsaPrivateKey(der: Uint8Array): RsaKeyParts {
  const top = readTlv(der);
  if (top.tag !== 0x30 || top.end !== der.length) throw new Error('rsa: not a single DER SEQUENCE');
  const ints = readChildren(top.value).map((t) => {
    if (t.tag !== 0x02 || t.value.length === 0 || t.value[0]! & 0x80) throw new Error('rsa: RSAPrivateKey field is not a non-negative INTEGER');
    return BigInt(`0x${Buffer.from(t.value.buffer, t.value.byteOffset, t.value.length).toString('hex')}`);
  });
  if (ints.length !== 9 || ints[0] !== 0n) throw new Error('rsa: not a two-prime (version 0) RSAPrivateKey');
  const [, n, e, d, p, q, dP, dQ, qInv] = ints as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  return { n, e, d, p, q, dP, dQ, qInv };
}

/**
 * The first way key k (for a modulus of nlen bits) is inconsistent, or undefined when it is whole:
 * n = p*q with exactly nlen bits and p, q of nlen/2 bits each, e = 65537, 2^(nlen/2) < d < n,
 * |p - q| > 2^(nlen/2 - 100), e*d = 1 mod lambda(n), each CRT value reduced (0 < dP < p-1,
 * 0 < dQ < q-1, 0 < qInv < p) with e*dP = 1 mod p-1, e*dQ = 1 mod q-1 and qInv*q = 1 mod p.
 * Go's checkPrivateKey (crypto/internal/fips140/rsa, run by x509.ParsePKCS1PrivateKey) refuses a key
 * that fails any of its own versions of these. e*d = 1 mod lambda(n) = lcm(p-1, q-1) is checked as
 * e*d = 1 modulo p-1 and modulo q-1 (equivalent: both divide e*d - 1 exactly when their lcm does),
 * so no gcd is needed; with the CRT conditions it also gives dP = d mod p-1 and dQ = d mod q-1,
 * Go's "d does not match dP/dQ" checks. A handful of BigInt multiplications and remainders.
 * Primality of p and q is not checked here (Miller-Rabin did that; so does Go, only at generation).
 */
export function rsaKeyProblem(k: RsaKeyParts, nlen: number): string | undefined {
  const bits = (x: bigint): number => x.toString(2).length;
  const { n, e, d, p, q, dP, dQ, qInv } = k;
  if (e !== E) return `e is ${e}, not ${E}`;
  if (p <= 2n || q <= 2n || bits(p) !== nlen / 2 || bits(q) !== nlen / 2) return `p and q are not both ${nlen / 2}-bit values`;
  if (p * q !== n) return 'n != p*q';
  if (bits(n) !== nlen) return `n has ${bits(n)} bits, not ${nlen}`;
  const half = BigInt(nlen / 2);
  if ((p > q ? p - q : q - p) <= 1n << (half - 100n)) return '|p - q| <= 2^(nlen/2 - 100)';
  if (d <= 1n << half || d >= n) return 'd is not between 2^(nlen/2) and n';
  const p1 = p - 1n;
  const q1 = q - 1n;
  const ed = e * d;
  if (ed % p1 !== 1n || ed % q1 !== 1n) return 'e*d != 1 mod lambda(n)';
  if (dP <= 0n || dP >= p1 || (e * dP) % p1 !== 1n) return 'e*dP != 1 mod p-1 (invalid CRT exponent dP)';
  if (dQ <= 0n || dQ >= q1 || (e * dQ) % q1 !== 1n) return 'e*dQ != 1 mod q-1 (invalid CRT exponent dQ)';
  if (qInv <= 0n || qInv >= p || (qInv * q) % p !== 1n) return 'qInv*q != 1 mod p (invalid CRT coefficient)';
  return undefined;
}

/** Tests only: a change to each new key's integers just before they are DER-encoded (undefined: none). */
let partsHookForTests: ((k: RsaKeyParts) => RsaKeyParts) | undefined;
export function setRsaKeyPartsHookForTests(hook: ((k: RsaKeyParts) => RsaKeyParts) | undefined): void {
  partsHookForTests = hook;
}

const SELF_TEST_MESSAGE = Buffer.from('tskubeadm RSA key generation self-test');

/** A new RSA private key with an nlen-bit modulus (2048, 3072 or 4096) and e = 65537. */
export async function generateRsaKey(nlen: number): Promise<KeyObject> {
  if (nlen !== 2048 && nlen !== 3072 && nlen !== 4096) throw new Error(`rsa: unsupported key size ${nlen}`);
  const rounds = millerRabinRounds(nlen);
  for (;;) {
    // both primes are queued at once: with a worker thread running they are searched in parallel
    const [p, q] = await Promise.all([randomPrime(nlen / 2, rounds), randomPrime(nlen / 2, rounds)]);
    const parts = rsaKeyParts(p, q, nlen);
    if (!parts) continue;
    const key = createPrivateKey({ key: Buffer.from(encodeRsaPrivateKey(partsHookForTests ? partsHookForTests(parts) : parts)), format: 'der', type: 'pkcs1' });
    // the integers OpenSSL holds, which are what encodePrivateKeyPem writes
    const problem = rsaKeyProblem(decodeRsaPrivateKey(key.export({ type: 'pkcs1', format: 'der' })), nlen);
    if (problem) throw new Error(`rsa: generated ${nlen}-bit key refused by its consistency check: ${problem}`);
    const sig = sign('sha256', SELF_TEST_MESSAGE, key);
    if (!verify('sha256', SELF_TEST_MESSAGE, createPublicKey(key), sig)) throw new Error('rsa: generated key failed its sign/verify self-test');
    return key;
  }
}
