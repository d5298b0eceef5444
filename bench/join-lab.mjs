#!/usr/bin/env node
// `join` on lab hosts: tskubeadm against upstream kubeadm, alternating, each join undone between runs
// (`kubeadm reset -f` on the joined host, its Node deleted; reset also removes a control plane's etcd
// member). One cluster serves every run: upstream `kubeadm init --upload-certs` on host 1 with the lab's
// haproxy as controlPlaneEndpoint (so neither tool joins a cluster of its own making).
//   - worker join on host 3, RUNS times per tool;
//   - control-plane join on host 2 (--control-plane --certificate-key), RUNS times per tool.
// Per-phase times come from the moment each phase's first output line arrives (same method for both
// tools, since kubeadm prints no timings).
//
//   npm run build && npm run lab:build && RUNS=3 [KINDS=worker|control-plane] node bench/join-lab.mjs
import { holdLabLock, median, requireRootAndTools, timed } from './lab-lib.mjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lab = join(repo, 'test/lab');
const RUNS = Number(process.env.RUNS ?? 3);
const STATE = process.env.TSK_LAB_STATE ?? '/var/lib/tskubeadm-lab';
const LB = '10.231.0.100:6443';
const TOOLS = { tskubeadm: join(repo, 'bin/tskubeadm'), kubeadm: join(repo, '.lab/bin/kubeadm') };
const IGNORE = '--ignore-preflight-errors=SystemVerification';

requireRootAndTools('join-lab', TOOLS);
await holdLabLock();

const onHost = (n, ...args) => timed(join(lab, 'exec.sh'), ['-h', String(n), ...args]);

// which join phase an output line belongs to, by its [tag] (and one line kubeadm tags kubelet-start)
const TAG_PHASE = {
  preflight: 'preflight', 'download-certs': 'control-plane-prepare', certs: 'control-plane-prepare', kubeconfig: 'control-plane-prepare',
  'control-plane': 'control-plane-prepare', 'check-etcd': 'check-etcd', 'kubelet-start': 'kubelet-start', etcd: 'etcd-join',
  'kubelet-check': 'kubelet-wait-bootstrap', 'mark-control-plane': 'control-plane-join', 'control-plane-check': 'wait-control-plane',
};
const ORDER = ['preflight', 'control-plane-prepare', 'check-etcd', 'kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join', 'wait-control-plane', 'done'];

function phaseTimes(lines, total) {
  const starts = new Map();
  for (const [t, l] of lines) {
    const m = /^\[([a-z-]+)\]/.exec(l);
    let phase = m ? TAG_PHASE[m[1]] : undefined;
    if (l.includes('Waiting for the kubelet to perform the TLS Bootstrap')) phase = 'kubelet-wait-bootstrap';
    if (l.startsWith('This node has joined the cluster')) phase = 'done';
    if (phase && !starts.has(phase)) starts.set(phase, t);
  }
  const seen = ORDER.filter((p) => starts.has(p)).map((p) => [p, starts.get(p)]);
  const out = {};
  for (let i = 0; i < seen.length; i++) out[seen[i][0]] = (seen[i + 1]?.[1] ?? total) - seen[i][1];
  if (seen.length) out[seen[0][0]] += seen[0][1];
  return out;
}

async function undo(n) {
  await onHost(n, TOOLS.kubeadm, 'reset', '-f');
  // a container the kubelet was starting while reset ran may write into /var/lib/etcd after reset emptied it
  await onHost(n, 'rm', '-rf', '/etc/cni/net.d/10-tsklab.conflist', '/var/lib/etcd/member');
  await onHost(1, 'kubectl', 'delete', 'node', `tsklab-h${n}`, '--ignore-not-found');
}


await timed('bash', [join(lab, 'up.sh')], { TSK_LAB_HOSTS: '3', TSK_LAB_LB: '1' });
for (const n of [3, 2, 1]) {
  const left = await onHost(n, 'sh', '-c', 'ls /etc/kubernetes 2>/dev/null | wc -l');
  if (left.lines[0]?.[1].trim() !== '0') await undo(n).catch(() => undefined);
}
mkdirSync(STATE, { recursive: true });
const cfgFile = join(STATE, 'kubeadm-bench-join.yaml');
writeFileSync(cfgFile, readFileSync(join(lab, 'kubeadm-config.yaml'), 'utf8').replace('kind: ClusterConfiguration\n', `kind: ClusterConfiguration\ncontrolPlaneEndpoint: ${LB}\n`));
const init = await onHost(1, TOOLS.kubeadm, 'init', '--config', cfgFile, '--upload-certs', IGNORE);
const token = /--token (\S+)/.exec(init.out)[1];
const pin = /--discovery-token-ca-cert-hash (\S+)/.exec(init.out)[1];
const key = /--certificate-key (\S+)/.exec(init.out)[1];
await timed('bash', [join(lab, 'install-cni.sh'), '-h', '1']);
const WORKER = ['join', LB, '--token', token, '--discovery-token-ca-cert-hash', pin, IGNORE];
const CONTROL_PLANE = [...WORKER, '--control-plane', '--certificate-key', key, '--apiserver-advertise-address', '10.231.0.12'];

const results = { worker: { tskubeadm: [], kubeadm: [] }, 'control plane': { tskubeadm: [], kubeadm: [] } };
// KINDS=worker or KINDS=control-plane for one of the two
const KINDS = (process.env.KINDS ?? 'worker,control-plane').split(',');
for (const [kind, host, args] of [['worker', 3, WORKER], ['control plane', 2, CONTROL_PLANE]]) {
  if (!KINDS.includes(kind.replace(' ', '-'))) continue;
  // one uncounted join per tool first (cold caches on the joining host)
  for (const tool of ['kubeadm', 'tskubeadm']) {
    await onHost(host, TOOLS[tool], ...args);
    await undo(host);
  }
  for (let r = 0; r < RUNS; r++) {
    for (const tool of r % 2 ? ['kubeadm', 'tskubeadm'] : ['tskubeadm', 'kubeadm']) {
      const j = await onHost(host, TOOLS[tool], ...args);
      results[kind][tool].push({ total: j.total, phases: phaseTimes(j.lines, j.total) });
      console.error(`${kind} run ${r + 1} ${tool}: ${(j.total / 1000).toFixed(2)} s`);
      await undo(host);
    }
  }
}
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const row = (name, a, b) => `${name.padEnd(26)} ${fmt(a).padStart(9)} ${fmt(b).padStart(9)} ${(a / b).toFixed(2).padStart(7)}`;
for (const kind of Object.keys(results)) {
  const { tskubeadm: t, kubeadm: k } = results[kind];
  if (!t.length) continue;
  console.log(`\n${kind} join, median of ${RUNS} runs each (alternating, reset and Node deleted between runs)`);
  console.log(`${''.padEnd(26)} ${'tskubeadm'.padStart(9)} ${'kubeadm'.padStart(9)} ${'ratio'.padStart(7)}`);
  console.log(row('join command', median(t.map((x) => x.total)), median(k.map((x) => x.total))));
  const paired = t.map((x, i) => x.total / k[i].total);
  console.log(`${'  per round ratio'.padEnd(26)} ${paired.map((r) => r.toFixed(2)).join(' ')}  (median ${median(paired).toFixed(2)})`);
  console.log('per phase (from output line arrival):');
  for (const p of ORDER) {
    const a = t.map((x) => x.phases[p]).filter((x) => x !== undefined);
    const b = k.map((x) => x.phases[p]).filter((x) => x !== undefined);
    if (a.length && b.length) console.log(row(`  ${p}`, median(a), median(b)));
  }
}

await onHost(1, TOOLS.kubeadm, 'reset', '-f');
await onHost(1, 'rm', '-f', '/etc/cni/net.d/10-tsklab.conflist');
