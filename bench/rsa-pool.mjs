#!/usr/bin/env node
// RSA key generation as the KeyPool does it: N keys (16, what `kubeadm init` needs) with at most
// CONCURRENCY generations in flight, comparing node's generateKeyPair('rsa') with src/pki/rsa.ts
// (built dist/). Runs alternate between the two so both see the same machine load; prints the
// median wall and CPU (user+sys of this process, thread pool included) per method.
//
//   npm run build && node bench/rsa-pool.mjs [N=16] [RUNS=7] [BITS=2048] [CONCURRENCY=2]

import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { generateRsaKey } = await import(join(repo, 'dist/pki/rsa.js'));
const [N = 16, RUNS = 7, BITS = 2048, CONCURRENCY = 2] = process.argv.slice(2).map(Number);
const genKeyPair = promisify(generateKeyPair);

const methods = {
  generateKeyPair: () => genKeyPair('rsa', { modulusLength: BITS, publicExponent: 0x10001 }),
  'pki/rsa.ts': () => generateRsaKey(BITS),
};

async function pool(fn) {
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const results = Object.fromEntries(Object.keys(methods).map((k) => [k, { wall: [], cpu: [] }]));
console.log(`node ${process.version}, ${N} keys of ${BITS} bits, concurrency ${CONCURRENCY}, ${RUNS} runs; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let r = 0; r < RUNS; r++) {
  const order = r % 2 ? Object.keys(methods).reverse() : Object.keys(methods);
  for (const name of order) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await pool(methods[name]);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    results[name].wall.push(wall);
    results[name].cpu.push((c.user + c.system) / 1000);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(16)} median wall ${median(r.wall).toFixed(0).padStart(5)} ms  CPU ${median(r.cpu).toFixed(0).padStart(5)} ms  (wall runs: ${r.wall.map((x) => x.toFixed(0)).join(' ')})`,
  );
}
