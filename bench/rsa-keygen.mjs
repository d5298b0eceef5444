#!/usr/bin/env node
// Where the RSA-2048 time goes, and what each generator costs. Measures, for N keys all requested
// at once, wall and CPU (user+sys of the whole process, all threads):
//   A. crypto.generateKeyPair('rsa')       - OpenSSL 3.0's own generator (FIPS 186-4 auxiliary
//                                            primes, 64 Miller-Rabin rounds per 1024-bit prime)
//   B. two crypto.generatePrime(1024) + CRT - OpenSSL's prime search, key assembled in JS
//   C. incremental sieve (first 2048 odd primes) + crypto.checkPrime(checks: 5) - the previous
//      src/pki/rsa.ts; OpenSSL 3's BN_check_prime raises `checks` below 64 to 64 rounds (checkPrime
//      of a 1024-bit prime takes the same ~15 ms with checks 1, 5 or 64), so C really runs 64
//   D. src/pki/primes.ts's search run synchronously on the main thread (sieve < 2^16, then FIPS
//      186-5 Miller-Rabin, 5 random bases, b^m mod c by OpenSSL via publicEncrypt RSA_NO_PADDING):
//      the CPU cost of one key, with no thread pool or worker
//   E. src/pki/rsa.ts generateRsaKey as the product runs it (main thread + a worker thread)
// Keys are checked: openssl-compatible PKCS#1 export, sign/verify round trip, 2048-bit n.
// D and E use dist/ (npm run build first). This is a measurement for the pki module's owner, not
// product code. Each variant's wall includes nothing else running; run it on a quiet machine.
//
//   node bench/rsa-keygen.mjs [N=16] [VARIANTS=ABCDE]

import { checkPrime, createPrivateKey, createPublicKey, generateKeyPair, generatePrime, randomBytes, sign, verify } from 'node:crypto';
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 16);
const ONLY = process.argv[3] ?? 'ABCDE';
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
  const c0 = process.cpuUsage();
  const keys = await Promise.all(Array.from({ length: N }, fn));
  const ms = performance.now() - t;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  console.log(`${label.padEnd(62)} ${ms.toFixed(0).padStart(6)} ms wall for ${N} keys (${(ms / N).toFixed(1).padStart(5)} ms/key), CPU ${(cpu / N).toFixed(1).padStart(5)} ms/key`);
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
const checked = [];
if (ONLY.includes('A')) await timeIt('A generateKeyPair rsa 2048', () => genKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }));
if (ONLY.includes('B')) {
  checked.push(
    ...(await timeIt('B 2x generatePrime(1024) + assemble', async () => {
      for (;;) {
        const [p, q] = await Promise.all([genPrime(1024, { bigint: true }), genPrime(1024, { bigint: true })]);
        if ((p - 1n) % E && (q - 1n) % E && (p * q).toString(2).length === 2048) return assemble(p, q);
      }
    })),
  );
}
if (ONLY.includes('C')) {
  checked.push(
    ...(await timeIt('C sieve (2048 small primes) + checkPrime (previous rsa.ts)', async () => {
      const [p, q] = await Promise.all([sievePrime(1024, 5), sievePrime(1024, 5)]);
      return assemble(p, q);
    })),
  );
}
if (ONLY.includes('D')) {
  const { primeSearchKit } = await import(join(repo, 'dist/pki/primes.js'));
  const kit = primeSearchKit(crypto);
  kit.newSearch(1024, 5).run(Infinity); // warm up
  kit.stats.candidates = 0;
  kit.stats.windows = 0;
  checked.push(
    ...(await timeIt('D sieve < 2^16 + Miller-Rabin x5 via publicEncrypt, main only', async () => {
      for (;;) {
        const p = kit.newSearch(1024, 5).run(Infinity);
        const q = kit.newSearch(1024, 5).run(Infinity);
        if ((p * q).toString(2).length === 2048) return assemble(p, q);
      }
    })),
  );
  console.log(`  D: ${(kit.stats.candidates / (2 * N)).toFixed(1)} candidates reached Miller-Rabin per prime`);
}
if (ONLY.includes('E')) {
  const { generateRsaKey } = await import(join(repo, 'dist/pki/rsa.js'));
  checked.push(...(await timeIt('E src/pki/rsa.ts generateRsaKey (main + worker)', () => generateRsaKey(2048))));
}
for (const k of checked) check(k);
console.log(`${ONLY.replace('A', '')} keys: 2048-bit, PKCS#1 export and sign/verify OK`);

// one 1024-bit modular exponentiation (full-size exponent) through OpenSSL, as Miller-Rabin uses it
const p = crypto.generatePrimeSync(1024, { bigint: true });
const key = crypto.createPublicKey({ key: { kty: 'RSA', n: b64u(p), e: b64u((p - 1n) >> 1n) }, format: 'jwk' });
const base = Buffer.alloc(128);
base[127] = 3;
let t = performance.now();
for (let i = 0; i < 400; i++) crypto.publicEncrypt({ key, padding: crypto.constants.RSA_NO_PADDING }, base);
console.log(`1024-bit modexp via publicEncrypt(RSA_NO_PADDING): ${((performance.now() - t) / 400).toFixed(3)} ms`);
t = performance.now();
for (let i = 0; i < 400; i++) crypto.createPublicKey({ key: { kty: 'RSA', n: b64u(p), e: b64u((p - 1n) >> 1n) }, format: 'jwk' });
console.log(`  + a public key per candidate (JWK): ${((performance.now() - t) / 400).toFixed(3)} ms`);
