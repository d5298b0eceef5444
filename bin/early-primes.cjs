// RSA prime search started before the CLI has loaded. An init command that makes RSA keys spends
// its first ~80 ms loading the bundle and the configuration with the second CPU idle; here a worker
// thread starts searching primes for those keys at once. src/pki/primes.ts takes the worker over at
// the first randomPrime() (its primes become spares for requests of the same size and round count;
// see "Primes searched before the CLI had loaded" there), or stops it when no RSA key is needed.
//
// The command line is read only as far as needed to guess: an `init` that runs the certs or
// kubeconfig phases (the whole init, or `init phase certs|kubeconfig ...`), the key size from the
// --config file's encryptionAlgorithm (none for ECDSA). A wrong guess costs CPU time on the other
// core, never a key: the search is capped at the primes the command can need, the worker never keeps
// the process alive, and the CLI decides everything again from the validated configuration.
//
// The worker runs dist/prime-worker.cjs, which `npm run build` writes from primes.ts's
// primeWorkerSource(); without it (a bare tsc build) nothing starts early. In the single executable
// (bin/sea.cjs) that file is one of its assets and the worker runs its text (`eval: true`).
'use strict';
const { closeSync, openSync, readSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { DIST, distStore } = require('./bundle.cjs');

const EARLY = Symbol.for('tskubeadm.earlyPrimes');
const WORKER_FILE = join(DIST, 'prime-worker.cjs');

/** RSA key size -> the prime size and Miller-Rabin rounds (src/pki/rsa.ts millerRabinRounds) */
const RSA = {
  'RSA-2048': { bits: 1024, rounds: 5 },
  'RSA-3072': { bits: 1536, rounds: 4 },
  'RSA-4096': { bits: 2048, rounds: 4 },
};
/** primes (two per key) the phases can need: certs 11 keys, kubeconfig 5 */
const PRIMES = { certs: 22, kubeconfig: 10 };

/** the value of --name (as `--name value` or `--name=value`), if given */
function flagValue(argv, name) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

/**
 * The first 64 KiB of a regular file as text, or undefined. Anything else (a pipe such as
 * --config /dev/stdin or <(...)) is left alone: reading it here would take its content from the CLI.
 */
function readHead(file) {
  let fd;
  try {
    if (!statSync(file).isFile()) return undefined;
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(64 << 10);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What an argument list will need: { bits, rounds, primes } for a guessed RSA search, or undefined.
 * `readText(file)` gives the --config file's text (or undefined).
 */
function earlyPrimePlan(argv, readText = readHead) {
  if (argv[0] !== 'init') return undefined;
  if (argv.some((a) => a === '-h' || a === '--help' || a.startsWith('--help='))) return undefined;
  // the words before the first flag: init [phase <name> [<child>]]
  const words = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  let primes;
  if (words.length === 1) primes = PRIMES.certs + PRIMES.kubeconfig;
  else if (words[1] === 'phase' && (words[2] === 'certs' || words[2] === 'kubeconfig')) {
    // one child phase makes one key
    primes = words.length > 3 && words[3] !== 'all' ? 2 : PRIMES[words[2]];
  } else return undefined;
  let algorithm = 'RSA-2048';
  const config = flagValue(argv, '--config');
  if (config) {
    const m = /^[ \t]*encryptionAlgorithm:[ \t]*["']?([A-Za-z0-9-]+)/m.exec(readText(config) ?? '');
    if (m) algorithm = m[1];
  }
  const size = RSA[algorithm] ?? (algorithm.startsWith('ECDSA') ? undefined : RSA['RSA-2048']);
  return size && { ...size, primes };
}

/** Start the search for `argv` (process.argv.slice(2)) if it will make RSA keys. Never throws. */
function startEarlyPrimes(argv) {
  try {
    const store = distStore();
    if (globalThis[EARLY] || !store.has(WORKER_FILE)) return;
    const plan = earlyPrimePlan(argv);
    if (!plan) return;
    const { Worker } = require('node:worker_threads');
    const worker = new Worker(store.embedded ? store.read(WORKER_FILE).toString('utf8') : WORKER_FILE, {
      eval: store.embedded,
      execArgv: [],
      name: 'tskubeadm RSA primes',
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 64 },
    });
    const state = { worker, bits: plan.bits, rounds: plan.rounds, found: [], inflight: 0, failed: false, listeners: undefined };
    const ask = () => {
      state.inflight++;
      worker.postMessage({ bits: plan.bits, rounds: plan.rounds });
    };
    state.listeners = {
      message: (m) => {
        state.inflight--;
        if (m && typeof m.prime === 'bigint') state.found.push(m.prime);
        else state.failed = true;
        if (!state.failed && state.found.length + state.inflight < plan.primes) ask();
      },
      error: () => (state.failed = true),
      exit: () => (state.failed = true),
    };
    worker.on('message', state.listeners.message);
    worker.on('error', state.listeners.error);
    worker.on('exit', state.listeners.exit);
    // two requests in flight, as src/pki/primes.ts keeps them: the worker never waits for the next
    ask();
    if (plan.primes > 1) ask();
    worker.unref();
    globalThis[EARLY] = state;
  } catch {
    /* only a head start: the CLI searches on its own */
  }
}

module.exports = { earlyPrimePlan, readHead, startEarlyPrimes, WORKER_FILE, EARLY };
