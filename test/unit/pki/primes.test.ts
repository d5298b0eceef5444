// The prime search behind RSA key generation (src/pki/primes.ts): the Miller-Rabin test (OpenSSL
// doing the modular exponentiations) must accept primes and reject every kind of composite,
// including ones that fool a Fermat test (Carmichael numbers) or a fixed base 2 (composite Mersenne
// numbers); the scheduler must hand primes back from the main thread and from worker threads, keep
// the event loop turning, and turn a broken worker into a clear rejection.
import { checkPrimeSync, generatePrimeSync, getDiffieHellman, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  holdMainThread,
  millerRabin,
  primePolicy,
  primeSchedulerState,
  primeSearchKit,
  primeWorkerSource,
  randomPrime,
  setPrimeWorkerSourceForTests,
  strongProbablePrime,
} from '../../../src/pki/primes.js';
import * as crypto from 'node:crypto';

const modp = (name: string): bigint => BigInt(`0x${getDiffieHellman(name).getPrime('hex')}`);

/** reference b^e mod m, left-to-right over the exponent's bits (the product code goes right to left) */
function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (const bit of e.toString(2)) {
    r = (r * r) % m;
    if (bit === '1') r = (r * b) % m;
  }
  return r % m;
}

/** A Carmichael number (6k+1)(12k+1)(18k+1) of about `bits` bits, all three factors prime (Chernick). */
function carmichael(bits: number): { n: bigint; factors: bigint[] } {
  const kBits = Math.floor((bits - 11) / 3);
  const small: number[] = [];
  for (let i = 5; i < 4000; i += 2) if (i % 3 && small.every((p) => p * p > i || i % p)) small.push(i);
  const inv = (a: number, p: number): number => {
    for (let x = 1; x < p; x++) if ((a * x) % p === 1) return x;
    throw new Error('not invertible');
  };
  const mults = [6, 12, 18];
  const invs = small.map((p) => mults.map((a) => inv(a % p, p)));
  for (;;) {
    const buf = randomBytes(Math.ceil(kBits / 8));
    const k0 = (BigInt(`0x${buf.toString('hex')}`) >> BigInt(buf.length * 8 - kBits)) | (1n << BigInt(kBits - 1));
    // sieve k0 + i: none of 6k+1, 12k+1, 18k+1 divisible by a small prime
    const W = 1 << 20;
    const bad = new Uint8Array(W);
    small.forEach((p, j) => {
      const r = Number(k0 % BigInt(p));
      mults.forEach((a, t) => {
        for (let i = ((p - ((a * r + 1) % p)) * invs[j]![t]!) % p; i < W; i += p) bad[i] = 1;
      });
    });
    for (let i = 0; i < W; i++) {
      if (bad[i]) continue;
      const k = k0 + BigInt(i);
      const f = [6n * k + 1n, 12n * k + 1n, 18n * k + 1n];
      if (f.every((x) => checkPrimeSync(x))) return { n: f[0]! * f[1]! * f[2]!, factors: f };
    }
  }
}

describe('Miller-Rabin', () => {
  it('accepts primes: OpenSSL-generated 512/1024/1536-bit ones, RFC 3526 MODP primes, Mersenne primes', () => {
    for (const bits of [512, 1024, 1024, 1024, 1536]) {
      const p = generatePrimeSync(bits, { bigint: true });
      expect(millerRabin(p, 5)).toBe(true);
    }
    expect(millerRabin(modp('modp5'), 4)).toBe(true); // 1536 bits
    expect(millerRabin(modp('modp14'), 4)).toBe(true); // 2048 bits
    expect(millerRabin(modp('modp15'), 2)).toBe(true); // 3072 bits: still OpenSSL's modexp
    expect(millerRabin((1n << 127n) - 1n, 5)).toBe(true);
    expect(millerRabin((1n << 521n) - 1n, 5)).toBe(true);
    expect(millerRabin((1n << 607n) - 1n, 5)).toBe(true);
  });

  it('above 3072 bits (OpenSSL refuses a big public exponent there) it still works, in BigInt', () => {
    const p = modp('modp16'); // 4096 bits
    expect(millerRabin(p, 1)).toBe(true);
    expect(millerRabin(p + 2n, 1)).toBe(false);
  }, 60_000);

  it('zero, one, even numbers and small values', () => {
    for (const c of [0n, 1n, 4n, 9n, 15n, 561n, 1000n, 1023n, 1024n, 2047n, 1n << 64n, (1n << 1024n) - 2n, 1n << 1024n]) {
      expect(millerRabin(c, 5), String(c)).toBe(false);
    }
    for (const c of [2n, 3n, 5n, 7n, 1009n, 1021n, 1031n, 1033n, 65537n, 2147483647n]) expect(millerRabin(c, 5), String(c)).toBe(true);
    expect(millerRabin(-7n, 5)).toBe(false);
  });

  it('rejects products of two 512-bit primes, squares of primes, numbers with a small factor', () => {
    for (let i = 0; i < 4; i++) {
      const p = generatePrimeSync(512, { bigint: true });
      const q = generatePrimeSync(512, { bigint: true });
      expect(millerRabin(p * q, 5)).toBe(false);
      expect(millerRabin(p * p, 5)).toBe(false);
      expect(millerRabin(p * 65537n, 5)).toBe(false);
    }
  });

  it('rejects ~1024-bit Carmichael numbers, which pass the Fermat test to every coprime base', () => {
    const { n, factors } = carmichael(1024);
    expect(n.toString(2).length).toBeGreaterThanOrEqual(1015);
    expect(factors.every((f) => checkPrimeSync(f))).toBe(true);
    expect(modPow(2n, n - 1n, n)).toBe(1n); // a Fermat test would call it prime
    expect(modPow(3n, n - 1n, n)).toBe(1n);
    // up to 1/8 of all bases are strong liars for these (k odd): one round is not enough, but 20
    // random rounds leave at most 2^-60; a Fermat test passes them all
    expect(millerRabin(n, 20)).toBe(false);
  }, 60_000);

  it('rejects composite Mersenne numbers, strong pseudoprimes to base 2: the bases must be random', () => {
    for (const e of [1021n, 1031n, 1277n]) {
      // e prime, 2^e - 1 composite: (2^e - 1) - 1 = 2 * m with m = 2^(e-1) - 1 a multiple of e, so 2^m = 1
      const m = (1n << e) - 1n;
      expect(checkPrimeSync(m)).toBe(false);
      expect(strongProbablePrime(m, 2n)).toBe(true); // 2^((m-1)/2) = 1 mod m
      expect(millerRabin(m, 5)).toBe(false);
    }
    expect(strongProbablePrime(2047n, 2n)).toBe(true);
    expect(strongProbablePrime(2047n, 3n)).toBe(false);
    expect(millerRabin(2047n, 5)).toBe(false);
  });

  it('one round agrees with a BigInt modpow on primes and composites', () => {
    const p = generatePrimeSync(256, { bigint: true });
    const q = generatePrimeSync(256, { bigint: true });
    const n = p * q;
    for (const b of [2n, 3n, 5n, 7n, 11n]) {
      expect(strongProbablePrime(p, b)).toBe(true);
      // n - 1 = m * 2^s; n is a strong probable prime to b iff b^m = 1 or some b^(m 2^j) = -1
      let m = n - 1n;
      let s = 0;
      while (!(m & 1n)) [m, s] = [m >> 1n, s + 1];
      let z = modPow(b, m, n);
      let ok = z === 1n || z === n - 1n;
      for (let j = 1; j < s && !ok; j++) ok = (z = (z * z) % n) === n - 1n;
      expect(strongProbablePrime(n, b)).toBe(ok);
    }
    expect(() => strongProbablePrime(p, 1n)).toThrow(/base/);
    expect(() => strongProbablePrime(p + 1n, 2n)).toThrow(/odd/);
  });
});

describe('prime search', () => {
  it('finds primes of exactly the size asked, top two bits set, not 1 mod 65537', () => {
    const kit = primeSearchKit(crypto);
    for (const bits of [256, 512, 1024]) {
      const p = kit.newSearch(bits, 5).run(Infinity)!;
      expect(p >> BigInt(bits - 2)).toBe(3n);
      expect(p % 65537n).not.toBe(1n);
      expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
    }
    expect(kit.stats.candidates).toBeGreaterThan(3);
    expect(() => kit.newSearch(1020, 5)).toThrow(/unsupported prime size/);
  });

  it('stops at the deadline and resumes where it was', () => {
    const kit = primeSearchKit(crypto);
    let slices = 0;
    for (let i = 0; i < 5; i++) {
      const search = kit.newSearch(1024, 5);
      let p: bigint | undefined;
      while ((p = search.run(0)) === undefined) slices++;
      expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
    }
    // one in ~35 sieve survivors is prime: five searches all ending on their first is ~2^-25
    expect(slices).toBeGreaterThan(0);
  });

  it('its source runs alone: nothing from outside the function (it is the worker program)', async () => {
    const vm = await import('node:vm');
    const { createRequire } = await import('node:module');
    const sandbox = { require: createRequire(import.meta.url), Buffer, performance, result: undefined as unknown };
    vm.runInNewContext(`result = (${primeSearchKit.toString()})(require('node:crypto')).newSearch(512, 5).run(Infinity)`, sandbox);
    expect(typeof sandbox.result).toBe('bigint');
    expect(checkPrimeSync(sandbox.result as bigint)).toBe(true);
    expect(primeWorkerSource()).toContain(primeSearchKit.toString());
  });
});

describe('prime scheduler', () => {
  const saved = { ...primePolicy };
  afterEach(() => {
    Object.assign(primePolicy, saved);
    setPrimeWorkerSourceForTests(undefined);
  });

  it('main thread only: yields to the event loop between slices', async () => {
    // sliceMs 0: a slice ends after its first composite candidate (~35 per prime)
    Object.assign(primePolicy, { mainThread: true, maxWorkers: 0, sliceMs: 0 });
    const before = primeSchedulerState();
    let turns = 0;
    let done = false;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const ps = await Promise.all([randomPrime(1024, 5), randomPrime(1024, 5), randomPrime(1024, 5)]).finally(() => (done = true));
    for (const p of ps) expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
    const after = primeSchedulerState();
    expect(after.found.main - before.found.main).toBe(3);
    expect(after.found.worker - before.found.worker).toBe(0);
    expect(after.workers).toBe(0);
    // more slices than primes, and the event loop turned between them
    const slices = after.mainSlices - before.mainSlices;
    expect(slices).toBeGreaterThan(3);
    expect(turns).toBeGreaterThanOrEqual(slices - 1);
  });

  it('worker threads: primes come back, workers stop when nothing is left', async () => {
    Object.assign(primePolicy, { mainThread: false, maxWorkers: 2, workerThreshold: 0 });
    const before = primeSchedulerState().found;
    const ps = await Promise.all(Array.from({ length: 6 }, () => randomPrime(512, 5)));
    expect(new Set(ps).size).toBe(6);
    for (const p of ps) {
      expect(p >> 510n).toBe(3n);
      expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
    }
    const after = primeSchedulerState();
    expect(after.found.worker - before.worker).toBe(6);
    expect(after.workerFailure).toBeUndefined();
    expect(after.workers).toBe(0);
    expect(after.waiting).toBe(0);
  }, 60_000);

  it('while the main thread is held, a worker searches (even for one prime); after release the main thread helps', async () => {
    Object.assign(primePolicy, { mainThread: true, maxWorkers: 1, workerThreshold: 4 });
    const before = primeSchedulerState();
    const release = holdMainThread();
    let held: bigint[];
    try {
      held = await Promise.all(Array.from({ length: 2 }, () => randomPrime(512, 5)));
      const mid = primeSchedulerState();
      // below the threshold, yet a worker ran them and the main thread did not search at all
      expect(mid.found.worker - before.found.worker).toBe(2);
      expect(mid.found.main - before.found.main).toBe(0);
      expect(mid.mainSlices - before.mainSlices).toBe(0);
    } finally {
      release();
      release(); // a second call changes nothing
    }
    for (const p of held) expect(checkPrimeSync(p)).toBe(true);
    await randomPrime(512, 5);
    // released: one request below the threshold goes to the main thread again
    expect(primeSchedulerState().found.main - before.found.main).toBe(1);
  }, 60_000);

  it('main thread and a worker share the queue', async () => {
    Object.assign(primePolicy, { mainThread: true, maxWorkers: 1, workerThreshold: 0 });
    const before = primeSchedulerState().found;
    const ps = await Promise.all(Array.from({ length: 8 }, () => randomPrime(1024, 5)));
    for (const p of ps) expect(checkPrimeSync(p)).toBe(true);
    const after = primeSchedulerState().found;
    expect(after.main - before.main).toBeGreaterThan(0);
    expect(after.worker - before.worker).toBeGreaterThan(0);
    expect(after.main - before.main + after.worker - before.worker).toBe(8);
  }, 60_000);

  it('a failing worker rejects its prime with a clear message; the main thread does the rest', async () => {
    Object.assign(primePolicy, { mainThread: false, maxWorkers: 1, workerThreshold: 0 });
    setPrimeWorkerSourceForTests(`throw new Error('no crypto here')`);
    const results = await Promise.allSettled([randomPrime(512, 5), randomPrime(512, 5), randomPrime(512, 5)]);
    // the requests the worker held are rejected, the one still queued is done on the main thread
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected.length).toBeLessThan(3);
    for (const r of rejected) expect(String(r.reason)).toMatch(/rsa: prime search worker thread failed: no crypto here/);
    for (const r of results) if (r.status === 'fulfilled') expect(checkPrimeSync(r.value)).toBe(true);
    expect(primeSchedulerState().workerFailure).toMatch(/no crypto here/);
    // no new worker after a failure
    await expect(randomPrime(512, 5)).resolves.toBeTypeOf('bigint');
    expect(primeSchedulerState().workers).toBe(0);
  }, 60_000);

  it('a worker exiting mid-search rejects the prime it was searching', async () => {
    Object.assign(primePolicy, { mainThread: false, maxWorkers: 1, workerThreshold: 0 });
    setPrimeWorkerSourceForTests(`require('node:worker_threads').parentPort.on('message', () => process.exit(3));`);
    const r = await Promise.allSettled([randomPrime(512, 5)]);
    expect(r[0]!.status).toBe('rejected');
    expect(String((r[0] as PromiseRejectedResult).reason)).toMatch(/rsa: prime search worker thread exited unexpectedly \(code 3\)/);
  }, 60_000);

  it('rejects prime sizes it does not search', async () => {
    await expect(randomPrime(1020, 5)).rejects.toThrow(/unsupported prime size 1020/);
    await expect(randomPrime(128, 5)).rejects.toThrow(/unsupported prime size 128/);
  });
});
