#!/usr/bin/env node
// Where the RSA-2048 time goes, and what a faster generator could save. Measures, for N keys
// generated concurrently on the libuv pool (as the certs/kubeconfig phases do):
//   A. crypto.generateKeyPair('rsa')       - what src/pki/keys.ts does (OpenSSL 3.0: 64 Miller-Rabin
//                                            rounds per 1024-bit prime)
//   B. two crypto.generatePrime(1024) + CRT - OpenSSL's prime search, key assembled in JS
//   C. incremental sieve + crypto.checkPrime(checks: 5) - FIPS 186-5 (table B.1) rounds for
//      1024-bit primes of a 2048-bit key; the key assembled in JS
// B and C keys are checked: openssl-compatible PKCS#1 export, sign/verify round trip, 2048-bit n.
// Note: OpenSSL 3's BN_check_prime raises `checks` below 64 to 64 rounds (checkPrime of a 1024-bit
// prime takes the same ~15 ms with checks 1, 5 or 64, twice that with 128), so C really runs 64.
// The product version is src/pki/rsa.ts; bench/rsa-pool.mjs compares it the way KeyPool runs it.
// This is a measurement for the pki module's owner, not product code.
//
//   node bench/rsa-keygen.mjs [N=16]

import { checkPrime, createPrivateKey, createPublicKey, generateKeyPair, generatePrime, randomBytes, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';

const N = Number(process.argv[2] ?? 16);
const genKeyPair = promisify(generateKeyPair);
const genPrime = promisify(generatePrime);
const isPrime = promisify(checkPrime);
const E = 65537n;

const b64u = (n) => {
  let h = n.toString(16);
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex').toString('base64url');
};
const modInv = (a, m) => {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
};
const gcd = (a, b) => {
  while (b) [a, b] = [b, a % b];
  return a;
};

function assemble(p, q) {
  if (p < q) [p, q] = [q, p];
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInv(E, lambda);
  return createPrivateKey({
    format: 'jwk',
    key: { kty: 'RSA', n: b64u(n), e: b64u(E), d: b64u(d), p: b64u(p), q: b64u(q), dp: b64u(d % (p - 1n)), dq: b64u(d % (q - 1n)), qi: b64u(modInv(q, p)) },
  });
}

// small odd primes for the sieve
const SMALL = [];
for (let i = 3; SMALL.length < 2048; i += 2) if (SMALL.every((p) => p * p > i || i % p)) SMALL.push(i);

async function sievePrime(bits, rounds) {
  for (;;) {
    const buf = randomBytes(bits / 8);
    buf[0] |= 0xc0; // top two bits: p*q has exactly 2*bits bits
    buf[buf.length - 1] |= 1;
    const start = BigInt('0x' + buf.toString('hex'));
    const res = SMALL.map((p) => Number(start % BigInt(p)));
    for (let k = 0; k < 4096; k += 2) {
      let ok = true;
      for (let i = 0; i < SMALL.length; i++) {
        if ((res[i] + k) % SMALL[i] === 0) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const c = start + BigInt(k);
      if ((c - 1n) % E === 0n) continue; // e must be invertible mod p-1
      if (await isPrime(c, { checks: rounds })) return c;
    }
  }
}

async function timeIt(label, fn) {
  const t = performance.now();
  const keys = await Promise.all(Array.from({ length: N }, fn));
  const ms = performance.now() - t;
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms for ${N} keys (${(ms / N).toFixed(1)} ms/key wall)`);
  return keys;
}

function check(key) {
  const pub = createPublicKey(key);
  if (key.asymmetricKeyDetails.modulusLength !== 2048) throw new Error('wrong size');
  const msg = Buffer.from('tskubeadm');
  const sig = sign('sha256', msg, key);
  if (!verify('sha256', msg, pub, sig)) throw new Error('sign/verify failed');
  key.export({ type: 'pkcs1', format: 'pem' });
}

console.log(`node ${process.version}, openssl ${process.versions.openssl}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`);
await timeIt('A generateKeyPair rsa 2048 (current)', () => genKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }));
const b = await timeIt('B 2x generatePrime(1024) + assemble', async () => {
  for (;;) {
    const [p, q] = await Promise.all([genPrime(1024, { bigint: true }), genPrime(1024, { bigint: true })]);
    if ((p - 1n) % E && (q - 1n) % E && (p * q).toString(2).length === 2048) return assemble(p, q);
  }
});
const c = await timeIt('C sieve + checkPrime(checks: 5) + assemble', async () => {
  const [p, q] = await Promise.all([sievePrime(1024, 5), sievePrime(1024, 5)]);
  return assemble(p, q);
});
for (const k of [...b, ...c]) check(k);
console.log('B and C keys: 2048-bit, PKCS#1 export and sign/verify OK');
