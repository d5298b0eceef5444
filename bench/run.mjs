#!/usr/bin/env node
// npm run bench: tskubeadm (built dist/, through bin/tskubeadm) against upstream kubeadm
// (.lab/bin/kubeadm) doing the four file phases of `init` in a fresh temp --rootfs:
//   init phase certs all; init phase kubeconfig all; init phase etcd local; init phase control-plane all
// for RSA-2048 and ECDSA-P256, RUNS times each, the two tools alternating (and swapping which goes
// first) so that neither always runs on a warmer machine. Reports the median wall time of the four
// phases together, the peak RSS of the biggest of the four processes (median over runs), per-phase
// medians, and the tskubeadm/kubeadm ratio. A second table does the same four phases as ONE process
// (`init --skip-phases <every other phase>`), which shows what process start-up costs.
//
// Peak RSS comes from /usr/bin/time -f %M when it is installed, otherwise from polling VmHWM in
// /proc/<pid>/status while the process runs (slightly low for very short processes).
//
//   npm run build && npm run bench            # RUNS=5 by default
//   RUNS=9 npm run bench

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSK = join(repo, 'bin/tskubeadm');
const KUBEADM = join(repo, '.lab/bin/kubeadm');
const RUNS = Number(process.env.RUNS ?? 5);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

if (!existsSync(join(repo, 'dist/cli/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
if (!existsSync(KUBEADM)) {
  console.error(`${KUBEADM} is missing: run \`npm run lab:build\` first`);
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error('upstream kubeadm implements --rootfs with chroot(2): run the benchmark as root');
  process.exit(1);
}

const PHASES = [
  ['certs', 'all'],
  ['kubeconfig', 'all'],
  ['etcd', 'local'],
  ['control-plane', 'all'],
];
// every init phase except the four, for the one-process variant (same names in both tools)
const OTHER_PHASES = [
  'preflight',
  'kubelet-start',
  'wait-control-plane',
  'upload-config',
  'upload-certs',
  'mark-control-plane',
  'bootstrap-token',
  'kubelet-finalize',
  'addon',
  'show-join-command',
];

const config = (alg) => `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.231.0.11
nodeRegistration:
  name: bench-node
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
encryptionAlgorithm: ${alg}
`;

/** Run one command; resolve with wall ms and peak RSS (KiB). Rejects on a non-zero exit. */
function measure(cmd, args) {
  return new Promise((res, rej) => {
    const argv = TIME ? [TIME, ['-f', '@@maxrss=%M cpu=%U+%S', cmd, ...args]] : [cmd, args];
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv[1], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH } });
    let err = '';
    let hwm = 0;
    child.stderr.on('data', (b) => (err += b));
    let poll;
    if (!TIME) {
      const read = () => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwm = Math.max(hwm, Number(m[1]));
        } catch {
          /* exited */
        }
      };
      poll = setInterval(read, 2);
    }
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (poll) clearInterval(poll);
      const m = /@@maxrss=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(err);
      let cpuMs;
      if (m) {
        hwm = Number(m[1]);
        cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
      } else {
        // without /usr/bin/time: the children's CPU as the kernel accounted it to us
        cpuMs = undefined;
      }
      if (code !== 0) rej(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err}`));
      else res({ ms, rssKiB: hwm, cpuMs });
    });
  });
}

/** One run of the four phases (separately, or as one init process) in a fresh rootfs. */
async function runOnce(tool, alg, oneProcess) {
  const root = mkdtempSync(join(tmpdir(), `tsk-bench-${tool}-`));
  try {
    writeFileSync(join(root, 'cfg.yaml'), config(alg));
    // kubeadm reads --config inside its chroot; tskubeadm from the real filesystem
    const cfg = tool === 'kubeadm' ? '/cfg.yaml' : join(root, 'cfg.yaml');
    const bin = tool === 'kubeadm' ? KUBEADM : TSK;
    const cmdFor = (words) => (tool === 'kubeadm' ? [bin, words] : [process.execPath, [bin, ...words]]);
    const invocations = oneProcess
      ? [['init', '--skip-phases', OTHER_PHASES.join(','), '--rootfs', root, '--config', cfg]]
      : PHASES.map((p) => ['init', 'phase', ...p, '--rootfs', root, '--config', cfg]);
    const per = [];
    for (const words of invocations) {
      const [c, a] = cmdFor(words);
      per.push(await measure(c, a));
    }
    if (!existsSync(join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'))) throw new Error(`${tool}: no manifests written`);
    const cpuMs = per.every((p) => p.cpuMs !== undefined) ? per.reduce((s, p) => s + p.cpuMs, 0) : undefined;
    return { ms: per.reduce((s, p) => s + p.ms, 0), rssKiB: Math.max(...per.map((p) => p.rssKiB)), cpuMs, per };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtMs = (ms) => `${(ms / 1000).toFixed(3)} s`;
const fmtRss = (k) => `${(k / 1024).toFixed(1)} MiB`;

async function bench(alg, oneProcess) {
  const res = { tskubeadm: [], kubeadm: [] };
  // one warm-up run each (page cache, binaries), not counted
  await runOnce('tskubeadm', alg, oneProcess);
  await runOnce('kubeadm', alg, oneProcess);
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? ['kubeadm', 'tskubeadm'] : ['tskubeadm', 'kubeadm'];
    for (const tool of order) res[tool].push(await runOnce(tool, alg, oneProcess));
  }
  return res;
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`node ${process.version}, ${RUNS} runs per tool and algorithm, peak RSS${TIME ? ' and CPU (user+sys)' : ''} from ${TIME ? '/usr/bin/time' : '/proc VmHWM polling'}`);
console.log(`load average at start: ${load} (wall times stretch on a busy machine; CPU times much less)`);
const summary = [];
for (const oneProcess of [false, true]) {
  console.log(
    oneProcess
      ? '\n== the four phases in ONE process: init --skip-phases <all others> =='
      : '\n== the four file phases as separate invocations (certs all, kubeconfig all, etcd local, control-plane all) ==',
  );
  for (const alg of ['RSA-2048', 'ECDSA-P256']) {
    const r = await bench(alg, oneProcess);
    const row = (tool) => ({
      ms: median(r[tool].map((x) => x.ms)),
      rss: median(r[tool].map((x) => x.rssKiB)),
      per: r[tool][0].per.map((_, i) => median(r[tool].map((x) => x.per[i].ms))),
      all: r[tool].map((x) => x.ms),
      cpu: r[tool].every((x) => x.cpuMs !== undefined) ? median(r[tool].map((x) => x.cpuMs)) : undefined,
    });
    const t = row('tskubeadm');
    const k = row('kubeadm');
    console.log(`\n${alg}`);
    for (const [name, x] of [
      ['tskubeadm', t],
      ['kubeadm', k],
    ]) {
      const per = oneProcess ? '' : `   per phase: ${x.per.map((ms, i) => `${PHASES[i].join(' ')} ${fmtMs(ms)}`).join(', ')}`;
      const cpu = x.cpu !== undefined ? `  CPU ${fmtMs(x.cpu)}` : '';
      console.log(`  ${name.padEnd(10)} median ${fmtMs(x.ms)}${cpu}  peak RSS ${fmtRss(x.rss)}  (runs: ${x.all.map((ms) => (ms / 1000).toFixed(2)).join(' ')})${per}`);
    }
    const ratio = t.ms / k.ms;
    console.log(`  ratio tskubeadm/kubeadm: time ${ratio.toFixed(2)}x, peak RSS ${(t.rss / k.rss).toFixed(2)}x`);
    summary.push({ mode: oneProcess ? 'one process' : 'four processes', alg, t: t.ms, k: k.ms, ratio });
  }
}

console.log('\n== targets (issue 4, four file phases as separate invocations) ==');
for (const s of summary.filter((x) => x.mode === 'four processes')) {
  if (s.alg === 'RSA-2048') {
    console.log(`  RSA-2048: ${s.ratio.toFixed(2)}x upstream (target <= 0.60x): ${s.ratio <= 0.6 ? 'met' : 'NOT met'}`);
  } else {
    console.log(`  ECDSA-P256: ${fmtMs(s.t)} (target < 0.500 s): ${s.t < 500 ? 'met' : 'NOT met'}`);
  }
}
for (const s of summary.filter((x) => x.mode === 'one process')) {
  console.log(`  (one process) ${s.alg}: tskubeadm ${fmtMs(s.t)}, kubeadm ${fmtMs(s.k)}, ${s.ratio.toFixed(2)}x`);
}
