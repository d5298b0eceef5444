// Random probable primes for RSA keys (./rsa.ts): an incremental small-prime sieve over a random
// start, then a Miller-Rabin test written here with OpenSSL doing the modular exponentiations.
//
// Why not crypto.checkPrime: OpenSSL 3's BN_check_prime raises any `checks` below 64 to 64
// Miller-Rabin rounds, so every prime cost 64 modexps where FIPS 186-5 asks for 4 or 5, and so does
// Go's crypto/internal/fips140/rsa (isPrime), which upstream kubeadm's crypto/rsa.GenerateKey uses
// whether or not Go runs in FIPS mode. (Go draws a fresh random candidate for every try, FIPS 186-5
// A.1.3, and divides it by the 255 odd primes up to 1619; this search steps from one random start
// through a window sieved by the primes below 2^16: see ./rsa.ts's security argument.) Here b^m mod c is one RSA public operation
// (crypto.publicEncrypt with RSA_NO_PADDING on a public key whose modulus is the candidate c and
// whose exponent is m), ~0.23 ms for a 1024-bit c, and the few squarings after it are BigInt
// arithmetic. bench/rsa-keygen.mjs measures it.
//
// The search runs on the main thread in short slices (so file writes and the rest of the phase keep
// going), and, when enough primes are waiting, also in a worker thread (one on 2 CPUs) started from
// source text (`new Worker(source, { eval: true })`): the product ships as one bundled file, so a
// worker cannot be started from a separate script path. The worker's source is primeSearchKit's own
// text, which is why that function must stay self-contained (no reference to anything outside it;
// `crypto` is passed in); test/unit/pki/primes.test.ts runs it in an empty context to check.

import * as nodeCrypto from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** One prime search; run() works until it finds a prime or `deadline` (performance.now() ms) passes. */
export interface PrimeSearch {
  run(deadline: number): bigint | undefined;
}

export interface PrimeSearchKit {
  /** Miller-Rabin with `rounds` random bases in [2, c-2] (FIPS 186-5 B.3.1); false for c < 2 and even c > 2. */
  millerRabin(c: bigint, rounds: number): boolean;
  /** One Miller-Rabin round with a given base: true if c is a strong probable prime to `base`. */
  strongProbablePrime(c: bigint, base: bigint): boolean;
  /** A search for a prime of exactly `bits` bits (top two bits set), p != 1 mod 65537. */
  newSearch(bits: number, rounds: number): PrimeSearch;
  /** counters for the benchmarks: candidates given to Miller-Rabin, sieve windows drawn */
  stats: { candidates: number; windows: number };
}

/**
 * The prime search. SELF-CONTAINED: its source text (`primeSearchKit.toString()`) is also what the
 * worker thread runs, so it must not use anything from this module's scope or any import; node's
 * crypto module comes in as an argument, and Buffer/performance are node globals.
 */
export function primeSearchKit(crypto: typeof nodeCrypto, sieveLimit = 1 << 16): PrimeSearchKit {
  const E = 65537;
  /** odd candidates examined from one random start before drawing a new one */
  const WINDOW = 4096;
  const stats = { candidates: 0, windows: 0 };

  // odd primes below sieveLimit (2^16: about as fast as 2^17 or 2^18, which leave fewer candidates
  // for Miller-Rabin but cost more per window), in groups whose product is below 2^53: a window
  // start's residues are one BigInt remainder per group (V8 divides by a one-digit BigInt quickly),
  // then number arithmetic
  const primes: number[] = [];
  {
    const composite = new Uint8Array(sieveLimit);
    for (let i = 3; i < sieveLimit; i += 2) {
      if (composite[i]) continue;
      primes.push(i);
      for (let j = i * i; j < sieveLimit; j += 2 * i) composite[j] = 1;
    }
  }
  const groupEnd: number[] = [];
  const groupProduct: bigint[] = [];
  {
    let product = 1;
    for (let i = 0; i < primes.length; i++) {
      if (product * primes[i]! >= 2 ** 53) {
        groupEnd.push(i);
        groupProduct.push(BigInt(product));
        product = 1;
      }
      product *= primes[i]!;
    }
    groupEnd.push(primes.length);
    groupProduct.push(BigInt(product));
  }

  const toHex = (x: bigint, bytes: number): string => x.toString(16).padStart(bytes * 2, '0');
  const base64url = (x: bigint): string => {
    const h = x.toString(16);
    return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex').toString('base64url');
  };
  const bitLength = (x: bigint): number => {
    const h = x.toString(16);
    return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0]!, 16)));
  };

  interface Prepared {
    c: bigint;
    cMinus1: bigint;
    /** c - 1 = m * 2^s, m odd */
    s: number;
    bits: number;
    bytes: number;
    m: bigint;
    /** RSA public key (n = c, e = m): publicEncrypt(x) = x^m mod c; none above 3072 bits, where
     * OpenSSL refuses public exponents over 64 bits (key generation never tests such numbers) */
    key: nodeCrypto.KeyObject | undefined;
  }

  /** For an odd c > 3. */
  function prepare(c: bigint): Prepared {
    const cMinus1 = c - 1n;
    let m = cMinus1;
    let s = 0;
    while ((m & 0xffffffffn) === 0n) {
      m >>= 32n;
      s += 32;
    }
    while ((m & 1n) === 0n) {
      m >>= 1n;
      s++;
    }
    const bits = bitLength(c);
    const key = bits <= 3072 ? crypto.createPublicKey({ key: { kty: 'RSA', n: base64url(c), e: base64url(m) }, format: 'jwk' }) : undefined;
    return { c, cMinus1, s, m, bits, bytes: Math.ceil(bits / 8), key };
  }

  /** b^e mod m in BigInt arithmetic (slow: only for moduli OpenSSL will not take with a big exponent). */
  function modPow(b: bigint, e: bigint, m: bigint): bigint {
    let r = 1n;
    for (b %= m; e > 0n; e >>= 1n) {
      if (e & 1n) r = (r * b) % m;
      b = (b * b) % m;
    }
    return r;
  }

  /** FIPS 186-5 B.3.1 steps 4.5-4.7 for one base b (1 < b < c-1). */
  function round(w: Prepared, b: bigint): boolean {
    let z: bigint;
    if (w.key) {
      const out = crypto.publicEncrypt({ key: w.key, padding: crypto.constants.RSA_NO_PADDING }, Buffer.from(toHex(b, w.bytes), 'hex'));
      z = BigInt(`0x${out.toString('hex')}`);
    } else z = modPow(b, w.m, w.c);
    if (z === 1n || z === w.cMinus1) return true;
    for (let j = 1; j < w.s; j++) {
      z = (z * z) % w.c;
      if (z === w.cMinus1) return true;
      if (z === 1n) return false;
    }
    return false;
  }

  /** A uniformly random base in [2, c-2]: random bits(c)-bit strings, out-of-range ones redrawn (as Go does). */
  function randomBase(w: Prepared): bigint {
    for (;;) {
      const buf = crypto.randomBytes(w.bytes);
      buf[0]! &= 0xff >> (w.bytes * 8 - w.bits);
      const b = BigInt(`0x${buf.toString('hex')}`);
      if (b > 1n && b < w.cMinus1) return b;
    }
  }

  function smallIsPrime(c: number): boolean {
    if (c < 2) return false;
    for (let d = 2; d * d <= c; d++) if (c % d === 0) return false;
    return true;
  }

  function millerRabin(c: bigint, rounds: number): boolean {
    if (c < 1024n) return smallIsPrime(Number(c));
    if ((c & 1n) === 0n) return false;
    const w = prepare(c);
    for (let i = 0; i < rounds; i++) if (!round(w, randomBase(w))) return false;
    return true;
  }

  function strongProbablePrime(c: bigint, base: bigint): boolean {
    if (c < 5n || (c & 1n) === 0n) throw new Error('strongProbablePrime: c must be odd and at least 5');
    const w = prepare(c);
    const b = ((base % c) + c) % c;
    if (b < 2n || b > c - 2n) throw new Error('strongProbablePrime: base must be in [2, c-2] mod c');
    return round(w, b);
  }

  function newSearch(bits: number, rounds: number): PrimeSearch {
    if (bits % 8 !== 0 || bits < 256) throw new Error(`rsa: unsupported prime size ${bits}`);
    const limit = 1n << BigInt(bits);
    /** marks[i] = 1: start + 2i has a factor below sieveLimit or is 1 mod 65537 */
    const marks = new Uint8Array(WINDOW);
    let start = 0n;
    let next = WINDOW;

    function newWindow(): void {
      stats.windows++;
      const buf = crypto.randomBytes(bits / 8);
      buf[0]! |= 0xc0;
      buf[buf.length - 1]! |= 1;
      start = BigInt(`0x${buf.toString('hex')}`);
      marks.fill(0);
      let i = 0;
      for (let g = 0; g < groupProduct.length; g++) {
        const r = Number(start % groupProduct[g]!);
        for (const end = groupEnd[g]!; i < end; i++) {
          const p = primes[i]!;
          // start + 2k = 0 mod p  <=>  k = -r * 2^-1 mod p
          for (let k = (((p - (r % p)) % p) * ((p + 1) / 2)) % p; k < WINDOW; k += p) marks[k] = 1;
        }
      }
      const re = Number(start % BigInt(E));
      for (let k = (((1 - re + E) % E) * ((E + 1) / 2)) % E; k < WINDOW; k += E) marks[k] = 1;
      next = 0;
    }

    return {
      run(deadline: number): bigint | undefined {
        for (;;) {
          if (next >= WINDOW) newWindow();
          while (next < WINDOW) {
            const k = next++;
            if (marks[k]) continue;
            const c = start + BigInt(2 * k);
            if (c >= limit) {
              next = WINDOW;
              break;
            }
            stats.candidates++;
            const w = prepare(c);
            let prime = true;
            for (let i = 0; i < rounds && prime; i++) prime = round(w, randomBase(w));
            if (prime) return c;
            if (performance.now() >= deadline) return undefined;
          }
        }
      },
    };
  }

  return { millerRabin, strongProbablePrime, newSearch, stats };
}

// ---------------------------------------------------------------------------------------------
// Scheduling: a FIFO of prime requests served by the main thread (in slices of at most
// primePolicy.sliceMs between event-loop turns, so I/O callbacks and the phases' own work keep
// running) and by worker threads, started when more than primePolicy.workerThreshold requests are
// waiting. A worker is stopped as soon as it is idle with nothing waiting; a busy one holds a ref
// (the process waits for a prime someone may await, as it did for the libuv pool's checkPrime), an
// idle one none.
//
// Measured on 2 CPUs (bench/rsa-pool.mjs, fresh processes): for 11 and 16 RSA-2048 keys the main
// thread plus one worker is fastest (2 workers with an idle main thread: about as fast, more CPU
// and memory, first key later; main thread alone: ~30% slower). For `kubeconfig all` (5 keys) a
// worker still saves ~10% of the phase's wall time (the phase's own work shares the main thread),
// for ~30 ms more CPU. A worker costs ~20 ms of CPU to start and ~11-13 MiB of peak RSS.

/** How prime searches use threads (tests and benchmarks change it). */
export interface PrimeThreadPolicy {
  /** search on the main thread too */
  mainThread: boolean;
  /** most worker threads at once */
  maxWorkers: number;
  /** start a worker only when more than this many prime requests are waiting */
  workerThreshold: number;
  /** longest main-thread stretch of searching before yielding to the event loop, ms */
  sliceMs: number;
}

export const primePolicy: PrimeThreadPolicy = {
  mainThread: true,
  // one per CPU besides the main thread's, at most 3 (2 CPUs: 1)
  maxWorkers: Math.min(3, Math.max(1, availableParallelism() - 1)),
  // 1 or 2 keys: done on the main thread about as soon as a worker would have started
  workerThreshold: 4,
  sliceMs: 8,
};

let mainKit: PrimeSearchKit | undefined;
const kit = (): PrimeSearchKit => (mainKit ??= primeSearchKit(nodeCrypto));

/** Miller-Rabin with `rounds` random bases in [2, c-2] (see primeSearchKit). */
export function millerRabin(c: bigint, rounds: number): boolean {
  return kit().millerRabin(c, rounds);
}

/** One Miller-Rabin round with the given base: true if c is a strong probable prime to it. */
export function strongProbablePrime(c: bigint, base: bigint): boolean {
  return kit().strongProbablePrime(c, base);
}

interface Job {
  bits: number;
  rounds: number;
  resolve: (p: bigint) => void;
  reject: (e: Error) => void;
  /** asked for before anyone wanted it (bin/early-primes.cjs): its prime goes to the spares */
  speculative?: boolean;
}

const queue: Job[] = [];
let mainBusy = false;
const workers = new Set<PrimeWorker>();
/** set when a worker thread failed: no more workers are started, the main thread does the rest */
let workerFailure: string | undefined;
const found = { main: 0, worker: 0 };
let mainSlices = 0;

/** A random probable prime of exactly `bits` bits (top two bits set), p != 1 mod 65537, `rounds` Miller-Rabin rounds. */
export function randomPrime(bits: number, rounds: number): Promise<bigint> {
  if (bits % 8 !== 0 || bits < 256) return Promise.reject(new Error(`rsa: unsupported prime size ${bits}`));
  adoptEarlyPrimes();
  const spare = spares.get(spareKey(bits, rounds));
  if (spare?.length) return Promise.resolve(spare.shift()!);
  return new Promise<bigint>((resolve, reject) => {
    queue.push({ bits, rounds, resolve, reject });
    dispatch();
  });
}

// ---------------------------------------------------------------------------------------------
// Primes searched before the CLI had loaded. bin/tskubeadm starts bin/early-primes.cjs's worker
// (running dist/prime-worker.cjs, this module's primeWorkerSource()) first thing for an init command
// that will make RSA keys, guessing the size from --config; the first randomPrime() takes over that
// worker and the primes it found. They come from this process's own worker, searched exactly as
// here: a spare is only ever used for a request of the same size and round count.

const EARLY = Symbol.for('tskubeadm.earlyPrimes');

/** What bin/early-primes.cjs leaves on globalThis[EARLY]. */
interface EarlyPrimes {
  worker: Worker;
  bits: number;
  rounds: number;
  /** primes found so far */
  found: bigint[];
  /** requests sent and not answered yet */
  inflight: number;
  /** the worker failed or exited */
  failed: boolean;
  /** its listeners, removed when this module takes the worker over */
  listeners: { message: (m: unknown) => void; error: (e: Error) => void; exit: (code: number) => void };
}

const spares = new Map<string, bigint[]>();
/** the early worker was taken over (it counts as the held main thread's extra worker) */
let adoptedEarly = false;
const spareKey = (bits: number, rounds: number): string => `${bits}/${rounds}`;

/** A prime nobody had asked for yet: to the oldest waiting request of its kind, else to the spares. */
function giveSpare(bits: number, rounds: number, p: bigint): void {
  const i = queue.findIndex((j) => j.bits === bits && j.rounds === rounds);
  if (i >= 0) {
    found.worker++;
    queue.splice(i, 1)[0]!.resolve(p);
    return;
  }
  const list = spares.get(spareKey(bits, rounds)) ?? [];
  list.push(p);
  spares.set(spareKey(bits, rounds), list);
}

function takeEarly(): EarlyPrimes | undefined {
  const g = globalThis as { [EARLY]?: EarlyPrimes };
  const e = g[EARLY];
  if (!e) return undefined;
  delete g[EARLY];
  e.worker.off('message', e.listeners.message);
  e.worker.off('error', e.listeners.error);
  e.worker.off('exit', e.listeners.exit);
  return e;
}

/** Take over the early worker, if there is one: its primes become spares, it becomes one of ours. */
function adoptEarlyPrimes(): void {
  const e = takeEarly();
  if (!e) return;
  for (const p of e.found) giveSpare(e.bits, e.rounds, p);
  if (e.failed || workerFailure !== undefined) {
    void e.worker.terminate();
    return;
  }
  adoptedEarly = true;
  const jobs: Job[] = [];
  for (let i = 0; i < e.inflight; i++) {
    jobs.push({ bits: e.bits, rounds: e.rounds, speculative: true, resolve: (p) => giveSpare(e.bits, e.rounds, p), reject: () => undefined });
  }
  workers.add(new PrimeWorker([], { worker: e.worker, inflight: jobs }));
}

/** No RSA keys after all (ECDSA, or every key already on disk): stop the early worker, if any. */
export function stopEarlyPrimes(): void {
  void takeEarly()?.worker.terminate();
}

/** Spare primes by "bits/rounds", for tests. */
export function sparePrimes(): Record<string, number> {
  return Object.fromEntries([...spares].map(([k, v]) => [k, v.length]));
}

/** The scheduler's state, for tests and benchmarks. */
export function primeSchedulerState(): {
  /** requests not started */
  waiting: number;
  mainBusy: boolean;
  workers: number;
  /** requests sent to workers and not answered yet */
  inWorkers: number;
  workerFailure: string | undefined;
  /** primes found so far by the main thread and by workers */
  found: { main: number; worker: number };
  /** main-thread slices run so far */
  mainSlices: number;
} {
  let inWorkers = 0;
  for (const w of workers) inWorkers += w.jobs.length;
  return { waiting: queue.length, mainBusy, workers: workers.size, inWorkers, workerFailure, found: { ...found }, mainSlices };
}

let mainHolds = 0;

/**
 * Keeps prime searches off the main thread until the returned function is called: init's
 * preflight, which runs while the keys for later phases are generated, needs the main thread for
 * its own work (mostly waiting on commands and the CRI). Workers start at once instead, one more
 * than usual (the main thread's share; measured on 2 CPUs: the kubelet starts ~30 ms sooner in a
 * whole init) unless the early worker was taken over: that one has been searching since the process
 * started, and a second worker beside it and preflight's main thread only made the three compete
 * for 2 CPUs (the kubelet started ~20-40 ms later, 18 runs each way). Without a worker (none
 * allowed, or one failed) the main thread searches anyway.
 */
export function holdMainThread(): () => void {
  mainHolds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    mainHolds--;
    dispatch();
  };
}

function dispatch(): void {
  const held = mainHolds > 0 && primePolicy.maxWorkers >= 1 && workerFailure === undefined;
  const useMain = (primePolicy.mainThread && !held) || primePolicy.maxWorkers < 1 || workerFailure !== undefined;
  const threshold = held ? 0 : primePolicy.workerThreshold;
  if (useMain && !mainBusy && queue.length) runOnMain(queue.shift()!);
  // a worker holds a second request while working on one, so that it never waits for the main
  // thread (busy in a slice) to hand it the next; the last request stays for whoever is free first
  for (const w of workers) {
    while (queue.length && (w.jobs.length === 0 || (w.jobs.length < 2 && queue.length >= 2))) w.start(queue.shift()!);
  }
  const extra = held && !adoptedEarly ? 1 : 0;
  while (workerFailure === undefined && workers.size < primePolicy.maxWorkers + extra && queue.length > threshold) {
    // the newest requests: the oldest are wanted first, and the worker takes a while to start
    workers.add(new PrimeWorker(queue.length >= 2 ? [queue.pop()!, queue.pop()!].reverse() : [queue.pop()!]));
  }
  if (!queue.length) for (const w of workers) if (!w.jobs.length) w.stop();
}

function runOnMain(job: Job): void {
  mainBusy = true;
  let search: PrimeSearch | undefined;
  const done = (p: bigint | undefined, err?: unknown): void => {
    mainBusy = false;
    if (err !== undefined) job.reject(err instanceof Error ? err : new Error(String(err)));
    else {
      found.main++;
      job.resolve(p!);
    }
    dispatch();
  };
  const slice = (): void => {
    mainSlices++;
    let p: bigint | undefined;
    try {
      search ??= kit().newSearch(job.bits, job.rounds);
      p = search.run(performance.now() + primePolicy.sliceMs);
    } catch (err) {
      return done(undefined, err);
    }
    if (p === undefined) setImmediate(slice);
    else done(p);
  };
  setImmediate(slice);
}

let workerSourceOverride: string | undefined;

/** The worker's whole program: primeSearchKit's own text, and a message loop (one prime per message). */
export function primeWorkerSource(): string {
  if (workerSourceOverride !== undefined) return workerSourceOverride;
  return [
    `'use strict';`,
    `const { parentPort } = require('node:worker_threads');`,
    `const kit = (${primeSearchKit.toString()})(require('node:crypto'));`,
    `parentPort.on('message', (m) => {`,
    `  let r;`,
    `  try { r = { prime: kit.newSearch(m.bits, m.rounds).run(Infinity) }; }`,
    `  catch (e) { r = { error: e instanceof Error ? e.message : String(e) }; }`,
    `  parentPort.postMessage(r);`,
    `});`,
  ].join('\n');
}

/** Tests only: run `source` in the next workers instead (undefined: the real one), and forget a worker failure. */
export function setPrimeWorkerSourceForTests(source: string | undefined): void {
  workerSourceOverride = source;
  workerFailure = undefined;
}

class PrimeWorker {
  /** requests sent to the worker, in order; it answers them one by one */
  readonly jobs: Job[] = [];
  private readonly worker: Worker;
  private stopping = false;

  /** `adopt`: a worker already running (the early one) with the requests it has in flight */
  constructor(jobs: Job[], adopt?: { worker: Worker; inflight: Job[] }) {
    this.worker =
      adopt?.worker ??
      new Worker(primeWorkerSource(), {
        eval: true,
        // no loaders or flags of the main thread's (a tsx/vitest loader would only slow it down)
        execArgv: [],
        name: 'tskubeadm RSA primes',
        // a small young generation keeps the BigInt garbage (and peak RSS) down; the live set is tiny
        // (bin/early-primes.cjs starts its worker with the same options)
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 64 },
      });
    if (adopt) this.jobs.push(...adopt.inflight);
    this.worker.on('message', (m: { prime?: bigint; error?: string }) => {
      const j = this.jobs.shift();
      this.updateRef();
      if (typeof m.prime === 'bigint') {
        if (!j?.speculative) found.worker++;
        j?.resolve(m.prime);
      } else j?.reject(new Error(`rsa: prime search in a worker thread failed: ${m.error ?? 'no result'}`));
      dispatch();
    });
    this.worker.on('error', (err) => this.fail(`rsa: prime search worker thread failed: ${err.message}`));
    this.worker.on('exit', (code) => this.fail(`rsa: prime search worker thread exited unexpectedly (code ${code})`));
    for (const j of jobs) this.start(j);
    this.updateRef();
  }

  start(job: Job): void {
    this.jobs.push(job);
    this.updateRef();
    this.worker.postMessage({ bits: job.bits, rounds: job.rounds });
  }

  /** the process waits for the worker only while someone waits for one of its primes */
  private updateRef(): void {
    if (this.jobs.some((j) => !j.speculative)) this.worker.ref();
    else this.worker.unref();
  }

  stop(): void {
    this.stopping = true;
    workers.delete(this);
    this.worker.unref();
    void this.worker.terminate();
  }

  private fail(message: string): void {
    if (this.stopping) return;
    this.stopping = true;
    workers.delete(this);
    workerFailure ??= message;
    const js = this.jobs.splice(0);
    void this.worker.terminate();
    for (const j of js) j.reject(new Error(message));
    dispatch();
  }
}
