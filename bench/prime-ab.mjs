#!/usr/bin/env node
// A/B: src/pki/primes.ts's two ways of drawing candidates for the primes of an RSA key, both run
// synchronously on the main thread (no worker), one key (two primes) at a time, the variants taking
// turns key by key (the order rotating each round) so that the load of a shared machine falls on
// all of them alike:
//   inc   incremental search: one random start, odd numbers after it sieved by the primes < 2^16
//         (the search before issue #13)
//   freshL  FIPS 186-5 A.1.3 as Go's crypto/internal/fips140/rsa does it: a fresh random odd
//         candidate each time, trial division by the odd primes < L, then the same Miller-Rabin
// (drawn/prime counts sieve windows for inc, random candidates for fresh.)
// Prints per variant: CPU ms per key (this thread: process.cpuUsage with nothing else running in the
// process) as median, mean and 90th percentile, and candidates drawn / given to Miller-Rabin per prime.
// Uses dist/ (npm run build first).
//
//   node bench/prime-ab.mjs [ROUNDS=100] [BITS=2048] [VARIANTS=inc,fresh2048,fresh65536]

import * as crypto from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.argv[2] ?? 100);
const BITS = Number(process.argv[3] ?? 2048);
const NAMES = (process.argv[4] ?? 'inc,fresh2048,fresh65536').split(',');
const { primeSearchKit } = await import(join(repo, 'dist/pki/primes.js'));
const { millerRabinRounds } = await import(join(repo, 'dist/pki/rsa.js'));
const rounds = millerRabinRounds(BITS);

/**
 * The fresh-candidate search (not in the product): a random odd candidate of `bits` bits with the
 * top two bits set each time, trial division by the odd primes < limit (one BigInt remainder per
 * group of primes whose product is below 2^53, as primes.ts's sieve does), p = 1 mod 65537 skipped,
 * then the kit's own Miller-Rabin (the same prepare/round/random-base code the search runs).
 */
function freshKit(limit) {
  const primes = [];
  for (let i = 3; i < limit; i += 2) if (primes.every((p) => p * p > i || i % p)) primes.push(i);
  const groupEnd = [];
  const groupProduct = [];
  let product = 1;
  primes.forEach((p, i) => {
    if (product * p >= 2 ** 53) {
      groupEnd.push(i);
      groupProduct.push(BigInt(product));
      product = 1;
    }
    product *= p;
  });
  groupEnd.push(primes.length);
  groupProduct.push(BigInt(product));
  const excluded = (c) => {
    let i = 0;
    for (let g = 0; g < groupProduct.length; g++) {
      const r = Number(c % groupProduct[g]);
      for (const end = groupEnd[g]; i < end; i++) if (r % primes[i] === 0) return true;
    }
    return c % 65537n === 1n;
  };
  const mr = primeSearchKit(crypto);
  const stats = { candidates: 0, windows: 0 };
  return {
    stats,
    newSearch(bits, rounds) {
      const bytes = bits / 8;
      const pool = Buffer.alloc(bytes * 32);
      let used = pool.length;
      return {
        run() {
          for (;;) {
            if (used === pool.length) {
              crypto.randomFillSync(pool);
              used = 0;
            }
            const buf = pool.subarray(used, (used += bytes));
            buf[0] |= 0xc0;
            buf[bytes - 1] |= 1;
            stats.windows++;
            const c = BigInt(`0x${buf.toString('hex')}`);
            if (excluded(c)) continue;
            stats.candidates++;
            if (mr.millerRabin(c, rounds)) return c;
          }
        },
      };
    },
  };
}

const variants = NAMES.map((name) => {
  const m = /^(inc|fresh)(\d+)?$/.exec(name);
  if (!m) throw new Error(`unknown variant ${name}`);
  const kit = m[1] === 'inc' ? primeSearchKit(crypto, Number(m[2] ?? 65536)) : freshKit(Number(m[2] ?? 2048));
  kit.newSearch(BITS / 2, rounds).run(Infinity); // warm up
  kit.stats.candidates = 0;
  kit.stats.windows = 0;
  return { name, kit, cpu: [], wall: [] };
});

for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < variants.length; i++) {
    const v = variants[(i + r) % variants.length];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const p = v.kit.newSearch(BITS / 2, rounds).run(Infinity);
    const q = v.kit.newSearch(BITS / 2, rounds).run(Infinity);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if ((p * q).toString(2).length !== BITS) throw new Error('short modulus');
    v.cpu.push((c.user + c.system) / 1000);
    v.wall.push(wall);
  }
}

const q = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))];
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`node ${process.version}, openssl ${process.versions.openssl}; RSA-${BITS} (primes of ${BITS / 2} bits, ${rounds} Miller-Rabin rounds), ${ROUNDS} keys per variant, interleaved`);
console.log('variant        CPU ms/key: median    mean     p90 | wall median | drawn/prime  MR/prime');
for (const v of variants) {
  const primes = 2 * ROUNDS;
  console.log(
    `${v.name.padEnd(14)} ${q(v.cpu, 0.5).toFixed(1).padStart(17)} ${mean(v.cpu).toFixed(1).padStart(7)} ${q(v.cpu, 0.9).toFixed(1).padStart(7)} | ${q(v.wall, 0.5).toFixed(1).padStart(11)} | ${(v.kit.stats.windows / primes).toFixed(1).padStart(11)} ${(v.kit.stats.candidates / primes).toFixed(1).padStart(9)}`,
  );
}
