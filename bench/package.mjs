#!/usr/bin/env node
// Start-up of the single executable (`npm run package`, dist/package/tskubeadm-linux-<arch>) against
// bin/tskubeadm (node + the dist/ bundles with their code caches): `version` and `--help`, each run
// RUNS times per tool, the two alternating (and swapping which goes first), median wall times and
// their ratio. The target: the single file within 1.2x of bin/tskubeadm. Also its size.
// Builds the package first when it is missing or older than what it is made from.
//
//   npm run build && node bench/package.mjs      (npm run bench runs it)
//   RUNS=41 node bench/package.mjs

import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lab-lib.mjs';
import { packageFresh, packageOutputs } from '../scripts/package-outputs.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RUNS ?? 21);
const { exe } = packageOutputs(repo);

if (!packageFresh(repo)) {
  console.log('bench/package: building the package (scripts/package.mjs) ...');
  const r = spawnSync(process.execPath, [join(repo, 'scripts/package.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const TOOLS = { 'single file': exe, 'bin/tskubeadm': join(repo, 'bin/tskubeadm') };
const COMMANDS = [['version'], ['--help']];

/** wall ms of one run; the output must be the same as the other tool's (checked once below) */
function once(file, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, { encoding: 'utf8', env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`node ${process.version}, ${RUNS} runs per tool and command, alternating; load average at start: ${load}`);
console.log(`single file: ${exe}, ${(statSync(exe).size / 2 ** 20).toFixed(1)} MiB`);
let worst = 0;
for (const args of COMMANDS) {
  const times = Object.fromEntries(Object.keys(TOOLS).map((t) => [t, []]));
  const outs = Object.fromEntries(Object.entries(TOOLS).map(([t, f]) => [t, once(f, args).out])); // also the warm-up
  if (outs['single file'] !== outs['bin/tskubeadm']) throw new Error(`tskubeadm ${args.join(' ')}: the single file prints something else than bin/tskubeadm`);
  for (let i = 0; i < RUNS; i++) {
    const order = Object.keys(TOOLS);
    if (i % 2) order.reverse();
    for (const t of order) times[t].push(once(TOOLS[t], args).ms);
  }
  const m = Object.fromEntries(Object.entries(times).map(([t, xs]) => [t, median(xs)]));
  const ratio = m['single file'] / m['bin/tskubeadm'];
  worst = Math.max(worst, ratio);
  console.log(`\ntskubeadm ${args.join(' ')}`);
  for (const [t, xs] of Object.entries(times)) console.log(`  ${t.padEnd(14)} median ${m[t].toFixed(1)} ms  (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`);
  console.log(`  ratio single file / bin/tskubeadm: ${ratio.toFixed(2)}x`);
}
console.log(`\ntarget: the single file's start-up within 1.2x of bin/tskubeadm: ${worst <= 1.2 ? 'met' : 'NOT met'} (worst ${worst.toFixed(2)}x)`);
