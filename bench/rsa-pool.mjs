#!/usr/bin/env node
// RSA key generation as `kubeadm init` phases need it: N keys (5 = kubeconfig all, 11 = certs all,
// 16 = a whole init) all requested at once, each run in a FRESH node process (module import and
// worker start-up included), so what is measured is what one tskubeadm invocation pays.
// Variants:
//   generateKeyPair  node's crypto.generateKeyPair('rsa'), 2 at a time (libuv pool)
//   checkPrime       the previous src/pki/rsa.ts: incremental sieve (primes < 2^14) + crypto.checkPrime
//                    (OpenSSL 3 runs >= 64 Miller-Rabin rounds), 2 keys at a time on the libuv pool
//   main             src/pki/rsa.ts, prime searches on the main thread only
//   main+1w          main thread + 1 worker thread (started at once)
//   1w / 2w          worker threads only (main thread idle)
//   keypool          KeyPool (src/pki/keys.ts) with the default policy of src/pki/primes.ts (main
//                    thread, + 1 worker on 2 CPUs when more than 4 primes are waiting): the product
// Prints per variant and N the median (and min) wall from "import done" to "all keys ready", the
// process's CPU (user+sys, all threads), when the first key was ready, and the main thread's worst
// event-loop delay (how long a file write could wait). Uses dist/ (npm run build first).
//
//   node bench/rsa-pool.mjs [RUNS=7] [COUNTS=5,11,16] [BITS=2048] [VARIANTS=all]

import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';

const self = fileURLToPath(import.meta.url);
const repo = resolve(dirname(self), '..');
const VARIANTS = {
  generateKeyPair: null,
  checkPrime: null,
  main: { mainThread: true, maxWorkers: 0 },
  'main+1w': { mainThread: true, maxWorkers: 1, workerThreshold: 0 },
  '1w': { mainThread: false, maxWorkers: 1, workerThreshold: 0 },
  '2w': { mainThread: false, maxWorkers: 2, workerThreshold: 0 },
  keypool: null,
};

function parent() {
  const [RUNS = '7', COUNTS = '5,11,16', BITS = '2048', ONLY = 'all'] = process.argv.slice(2);
  const names = ONLY === 'all' ? Object.keys(VARIANTS) : ONLY.split(',');
  const counts = COUNTS.split(',').map(Number);
  console.log(`node ${process.version}, openssl ${process.versions.openssl}, ${BITS}-bit keys, ${RUNS} fresh processes per cell; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results = {};
  for (let r = 0; r < Number(RUNS); r++) {
    for (const n of counts) {
      const order = r % 2 ? [...names].reverse() : names;
      for (const name of order) {
        const out = execFileSync(process.execPath, [self, '--child', name, String(n), BITS], { encoding: 'utf8' });
        ((results[`${name} ${n}`] ??= [])).push(JSON.parse(out));
      }
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const f = (x) => x.toFixed(0).padStart(5);
  for (const n of counts) {
    console.log(`\n${n} keys:              wall ms (median / min)   CPU ms   first key ms   max loop delay ms`);
    for (const name of names) {
      const rs = results[`${name} ${n}`];
      const col = (k) => rs.map((x) => x[k]);
      console.log(
        `  ${name.padEnd(16)} ${f(median(col('wall')))} / ${f(Math.min(...col('wall')))}      ${f(median(col('cpu')))}   ${f(median(col('first')))}          ${f(median(col('delay')))}`,
      );
    }
  }
  console.log(`\nload at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

async function child(name, n, bits) {
  const crypto = await import('node:crypto');
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { promisify } = await import('node:util');
  const primes = await import(join(repo, 'dist/pki/primes.js'));
  const { generateRsaKey } = await import(join(repo, 'dist/pki/rsa.js'));
  const { KeyPool } = await import(join(repo, 'dist/pki/keys.js'));
  if (VARIANTS[name]) Object.assign(primes.primePolicy, VARIANTS[name]);
  const genKeyPair = promisify(crypto.generateKeyPair);
  const one = {
    generateKeyPair: () => genKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }),
    checkPrime: () => checkPrimeKey(crypto, bits),
  }[name] ?? (() => generateRsaKey(bits));

  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const ready = [];
  const stamp = () => ready.push(performance.now() - t0);
  if (name === 'keypool') {
    const pool = new KeyPool(`RSA-${bits}`);
    pool.prefetch(n);
    for (let i = 0; i < n; i++) await pool.take().then(stamp);
  } else if (name === 'generateKeyPair' || name === 'checkPrime') {
    let next = 0;
    const lane = async () => {
      while (next < n) {
        next++;
        await one().then(stamp);
      }
    };
    await Promise.all([lane(), lane()]);
  } else {
    await Promise.all(Array.from({ length: n }, () => one().then(stamp)));
  }
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  h.disable();
  process.stdout.write(JSON.stringify({ wall, cpu: (c.user + c.system) / 1000, first: Math.min(...ready), delay: h.max / 1e6 }));
}

// The previous generator (src/pki/rsa.ts before the Miller-Rabin rewrite), for comparison.
let small;
async function checkPrimeKey(crypto, nlen) {
  const E = 65537n;
  if (!small) {
    small = [];
    for (let i = 3; i < 1 << 14; i += 2) if (small.every((p) => p * p > i || i % p)) small.push(i);
  }
  const isPrime = (c) => new Promise((res, rej) => crypto.checkPrime(c, { checks: nlen <= 2048 ? 5 : 4 }, (e, ok) => (e ? rej(e) : res(ok))));
  const prime = async (bits) => {
    for (;;) {
      const buf = crypto.randomBytes(bits / 8);
      buf[0] |= 0xc0;
      buf[buf.length - 1] |= 1;
      const start = BigInt(`0x${buf.toString('hex')}`);
      const res = small.map((p) => Number(start % BigInt(p)));
      next: for (let k = 0; k < 8192; k += 2) {
        for (let i = 0; i < small.length; i++) if ((res[i] + k) % small[i] === 0) continue next;
        const c = start + BigInt(k);
        if (c % E === 1n) continue;
        if (await isPrime(c)) return c;
      }
    }
  };
  const b64u = (x) => {
    const h = x.toString(16);
    return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex').toString('base64url');
  };
  const inv = (a, m) => {
    let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
    while (r1) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [s0, s1] = [s1, s0 - q * s1];
    }
    return ((s0 % m) + m) % m;
  };
  const gcd = (a, b) => (b ? gcd(b, a % b) : a);
  const p = await prime(nlen / 2);
  const q = await prime(nlen / 2);
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = inv(E, lambda);
  const key = crypto.createPrivateKey({
    format: 'jwk',
    key: { kty: 'RSA', n: b64u(p * q), e: b64u(E), d: b64u(d), p: b64u(p), q: b64u(q), dp: b64u(d % (p - 1n)), dq: b64u(d % (q - 1n)), qi: b64u(inv(q, p)) },
  });
  const msg = Buffer.from('self-test');
  if (!crypto.verify('sha256', msg, crypto.createPublicKey(key), crypto.sign('sha256', msg, key))) throw new Error('self-test');
  return key;
}

if (process.argv[2] === '--child') await child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else parent();
