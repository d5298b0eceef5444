// The RSA prime search bin/tskubeadm starts before the CLI bundle loads (bin/early-primes.cjs), and
// its hand-over to src/pki/primes.ts: which command lines start it and for what key size, that the
// first randomPrime() takes over the worker and its primes (real primes, from dist/prime-worker.cjs,
// the program primes.ts itself runs), and that a search nobody needs is stopped.
import { execFileSync } from 'node:child_process';
import { checkPrimeSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { holdMainThread, primePolicy, primeSchedulerState, primeWorkerSource, randomPrime, sparePrimes, stopEarlyPrimes } from '../../../src/pki/primes.js';
import { millerRabinRounds } from '../../../src/pki/rsa.js';

const require = createRequire(import.meta.url);
const early = require('../../../bin/early-primes.cjs') as {
  earlyPrimePlan(argv: string[], readText?: (f: string) => string | undefined): { bits: number; rounds: number; primes: number } | undefined;
  startEarlyPrimes(argv: string[]): void;
  WORKER_FILE: string;
  EARLY: symbol;
};

interface EarlyState {
  found: bigint[];
  inflight: number;
  failed: boolean;
  worker: { once(ev: 'exit', f: (code: number) => void): void; threadId: number };
}
const earlyState = (): EarlyState | undefined => (globalThis as unknown as Record<symbol, EarlyState | undefined>)[early.EARLY];

const BUILT_PRIMES = new URL('../../../dist/pki/primes.js', import.meta.url).href;

const configWith = (alg: string) => (f: string) => (f === 'cfg.yaml' ? `apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nencryptionAlgorithm: ${alg}\n` : undefined);

describe('which command lines start an early search', () => {
  const plan = (argv: string[], alg?: string) => early.earlyPrimePlan(argv, alg ? configWith(alg) : () => undefined);
  it.each([
    [['init'], 32],
    [['init', '--config', 'cfg.yaml'], 32],
    [['init', 'phase', 'certs', 'all', '--rootfs', '/r'], 22],
    [['init', 'phase', 'certs'], 22],
    [['init', 'phase', 'certs', 'apiserver'], 2],
    [['init', 'phase', 'kubeconfig', 'all'], 10],
    [['init', 'phase', 'kubeconfig', 'admin', '--config=cfg.yaml'], 2],
  ])('%j: RSA-2048 primes, %i at most', (argv, primes) => {
    expect(plan(argv as string[])).toEqual({ bits: 1024, rounds: 5, primes });
  });

  it.each([
    [['init', '--help']],
    [['init', 'phase', 'certs', 'all', '-h']],
    [['init', 'phase', 'preflight']],
    [['init', 'phase', 'etcd', 'local']],
    [['join', '10.0.0.1:6443']],
    [['version']],
    [[]],
  ])('%j: none', (argv) => {
    expect(plan(argv as string[])).toBeUndefined();
  });

  it('the key size comes from the --config file; ECDSA needs no primes; an unreadable file means the default', () => {
    for (const nlen of [2048, 3072, 4096]) {
      expect(plan(['init', '--config', 'cfg.yaml'], `RSA-${nlen}`)).toEqual({ bits: nlen / 2, rounds: millerRabinRounds(nlen), primes: 32 });
      expect(plan(['init', '--config=cfg.yaml'], `"RSA-${nlen}"`)).toMatchObject({ bits: nlen / 2 });
    }
    expect(plan(['init', '--config', 'cfg.yaml'], 'ECDSA-P256')).toBeUndefined();
    expect(plan(['init', 'phase', 'certs', 'all', '--config', 'cfg.yaml'], 'ECDSA-P384')).toBeUndefined();
    expect(early.earlyPrimePlan(['init', '--config', 'missing.yaml'], () => undefined)).toEqual({ bits: 1024, rounds: 5, primes: 32 });
  });
});

describe('hand-over to src/pki/primes.ts', () => {
  const saved = { ...primePolicy };
  afterEach(() => {
    Object.assign(primePolicy, saved);
    stopEarlyPrimes();
  });

  it('dist/prime-worker.cjs is the program the built primes.ts runs in its own workers', () => {
    expect(existsSync(early.WORKER_FILE), `${early.WORKER_FILE} (npm run build)`).toBe(true);
    // the compiled module, asked by a plain node (vitest transforms what it imports, text included)
    const built = execFileSync(process.execPath, ['--input-type=module', '-e', `process.stdout.write((await import(${JSON.stringify(BUILT_PRIMES)})).primeWorkerSource())`], { encoding: 'utf8' });
    expect(readFileSync(early.WORKER_FILE, 'utf8').trim()).toBe(built.trim());
    expect(primeWorkerSource()).toContain('function primeSearchKit(');
  });

  it('the first randomPrime takes over the worker: its primes first, then the worker serves the queue', async () => {
    // the adopted worker is the only one allowed; the main thread does not search
    Object.assign(primePolicy, { mainThread: false, maxWorkers: 1, workerThreshold: 0 });
    early.startEarlyPrimes(['init', 'phase', 'kubeconfig', 'all']);
    const state = earlyState();
    expect(state).toBeDefined();
    const deadline = Date.now() + 30_000;
    while (state!.found.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(state!.found.length).toBeGreaterThanOrEqual(2);
    const early2 = [...state!.found];
    const before = primeSchedulerState();

    const first = await randomPrime(1024, 5);
    expect(earlyState()).toBeUndefined();
    expect(first).toBe(early2[0]);
    // more than the early worker had: the rest comes from the same (adopted) worker
    const rest = await Promise.all(Array.from({ length: 5 }, () => randomPrime(1024, 5)));
    const all = [first, ...rest];
    expect(new Set(all).size).toBe(all.length);
    for (const p of all) {
      expect(p >> 1022n).toBe(3n);
      expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
    }
    const after = primeSchedulerState();
    expect(after.found.main - before.found.main).toBe(0);
    expect(after.workerFailure).toBeUndefined();
    // a spare of another size is never handed out for this one
    expect(sparePrimes()['512/5'] ?? 0).toBe(0);
  }, 60_000);

  it('while preflight holds the main thread, the taken-over worker is the only one (no extra worker beside it)', async () => {
    Object.assign(primePolicy, { mainThread: true, maxWorkers: 1, workerThreshold: 4 });
    const release = holdMainThread();
    try {
      early.startEarlyPrimes(['init', 'phase', 'certs', 'all']);
      expect(earlyState()).toBeDefined();
      const before = primeSchedulerState();
      const pending = Array.from({ length: 6 }, () => randomPrime(1024, 5));
      // dispatch has run for every request: without the early worker, a held main thread gets two
      expect(primeSchedulerState().workers).toBe(1);
      const ps = await Promise.all(pending);
      for (const p of ps) expect(checkPrimeSync(p, { checks: 64 })).toBe(true);
      const after = primeSchedulerState();
      expect(after.found.main - before.found.main).toBe(0);
      expect(after.mainSlices - before.mainSlices).toBe(0);
    } finally {
      release();
    }
  }, 60_000);

  it('stopEarlyPrimes ends a search nobody took over', async () => {
    early.startEarlyPrimes(['init']);
    const state = earlyState();
    expect(state).toBeDefined();
    const exited = new Promise<number>((r) => state!.worker.once('exit', r));
    stopEarlyPrimes();
    expect(earlyState()).toBeUndefined();
    expect(typeof (await exited)).toBe('number');
  });
});

describe('reading --config early', () => {
  const { readHead } = require('../../../bin/early-primes.cjs') as { readHead(f: string): string | undefined };
  it('reads a regular file, and leaves a pipe (--config /dev/stdin) for the CLI', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'tsk-early-'));
    try {
      writeFileSync(join(dir, 'c.yaml'), 'encryptionAlgorithm: RSA-3072\n');
      expect(readHead(join(dir, 'c.yaml'))).toContain('RSA-3072');
      expect(readHead(join(dir, 'missing.yaml'))).toBeUndefined();
      // a child whose stdin is a pipe: readHead('/dev/stdin') must not consume it
      const script = `const { readHead } = require(${JSON.stringify(require.resolve('../../../bin/early-primes.cjs'))});
        const early = readHead('/dev/stdin');
        let rest = ''; process.stdin.on('data', (d) => (rest += d)).on('end', () => process.stdout.write(JSON.stringify({ early, rest })));`;
      const r = spawnSync(process.execPath, ['-e', script], { input: 'kind: InitConfiguration\n', encoding: 'utf8' });
      expect(JSON.parse(r.stdout)).toEqual({ rest: 'kind: InitConfiguration\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
