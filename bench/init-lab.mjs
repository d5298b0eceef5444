#!/usr/bin/env node
// Whole `init` on lab host 1 to a Ready node: tskubeadm against upstream kubeadm, alternating, with
// `kubeadm reset -f` (the same reset for both) between runs, after one uncounted warm-up init of
// each. For each run:
//   - the time of the init command itself;
//   - the time until the node is Ready, with the lab's network add-on installed as soon as init
//     returns in its --own-ipam mode (pod addresses from a block of the podSubnet the add-on picks,
//     as Calico does): what both tools and the control plane's start decide;
//   - the time until the node has its podCIDR (node.spec.podCIDR, set by the kube-controller-manager's
//     node IPAM once it holds its leader lease and has started its controllers): the earliest moment
//     an add-on that uses it (flannel, kindnet, the lab's default mode) can give the node its network.
//     The node is Ready ~0.2 s after that in the default mode.
// Per-phase times come from the moment each phase's first output line arrives (the same method for
// both tools, since kubeadm prints no timings): a phase lasts until the next phase starts printing.
//
//   npm run build && npm run lab:build && RUNS=3 node bench/init-lab.mjs
import { holdLabLock, median, requireRootAndTools, timed } from './lab-lib.mjs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lab = join(repo, 'test/lab');
const RUNS = Number(process.env.RUNS ?? 3);
const CONFIG = join(lab, 'kubeadm-config.yaml');
const TOOLS = {
  tskubeadm: join(repo, 'bin/tskubeadm'),
  kubeadm: join(repo, '.lab/bin/kubeadm'),
};
const INIT = ['init', '--config', CONFIG, '--ignore-preflight-errors=SystemVerification'];

requireRootAndTools('init-lab', TOOLS);
await holdLabLock();

const onHost = (...args) => timed(join(lab, 'exec.sh'), args);

// which phase an output line belongs to, by its [tag]
const TAG_PHASE = {
  init: 'preflight', preflight: 'preflight', certs: 'certs', kubeconfig: 'kubeconfig', etcd: 'etcd',
  'control-plane': 'control-plane', 'kubelet-start': 'kubelet-start', 'wait-control-plane': 'wait-control-plane',
  'kubelet-check': 'wait-control-plane', 'control-plane-check': 'wait-control-plane', 'upload-config': 'upload-config',
  kubelet: 'upload-config', 'upload-certs': 'upload-certs', 'mark-control-plane': 'mark-control-plane',
  'bootstrap-token': 'bootstrap-token', 'kubelet-finalize': 'kubelet-finalize', addons: 'addon',
};
const ORDER = ['preflight', 'certs', 'kubeconfig', 'etcd', 'control-plane', 'kubelet-start', 'wait-control-plane', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize', 'addon', 'show-join-command'];

function phaseTimes(lines, total) {
  const starts = new Map();
  for (const [t, l] of lines) {
    const m = /^\[([a-z-]+)\]/.exec(l);
    let phase = m ? TAG_PHASE[m[1]] : undefined;
    if (!phase && l.startsWith('Your Kubernetes control-plane')) phase = 'show-join-command';
    if (phase && !starts.has(phase)) starts.set(phase, t);
  }
  const seen = ORDER.filter((p) => starts.has(p)).map((p) => [p, starts.get(p)]);
  const out = {};
  for (let i = 0; i < seen.length; i++) out[seen[i][0]] = (seen[i + 1]?.[1] ?? total) - seen[i][1];
  // start-up before the first line counts for the first phase
  if (seen.length) out[seen[0][0]] += seen[0][1];
  return out;
}

async function reset() {
  await onHost(TOOLS.kubeadm, 'reset', '-f');
  await onHost('rm', '-f', '/etc/cni/net.d/10-tsklab.conflist');
}


await timed('bash', [join(lab, 'up.sh')]);
const left = await onHost('sh', '-c', 'ls /etc/kubernetes/manifests 2>/dev/null | wc -l');
if (left.lines[0]?.[1].trim() !== '0') await reset();

// one uncounted init of each tool first: the first init after lab:up is slower (cold page cache,
// containerd's first sandboxes), and would otherwise always fall to the tool that goes first
for (const tool of ['kubeadm', 'tskubeadm']) {
  await onHost(TOOLS[tool], ...INIT);
  await reset();
}

const results = { tskubeadm: [], kubeadm: [] };
for (let r = 0; r < RUNS; r++) {
  const order = r % 2 ? ['kubeadm', 'tskubeadm'] : ['tskubeadm', 'kubeadm'];
  for (const tool of order) {
    const init = await onHost(TOOLS[tool], ...INIT);
    const t1 = process.hrtime.bigint();
    const since = () => init.total + Number(process.hrtime.bigint() - t1) / 1e6;
    const [ready, podCIDR] = await Promise.all([
      (async () => {
        await timed('bash', [join(lab, 'install-cni.sh'), '--own-ipam']);
        await onHost('kubectl', 'wait', '--for=condition=Ready', 'node', '--all', '--timeout=300s');
        return since();
      })(),
      (async () => {
        await onHost('kubectl', 'wait', '--for=jsonpath={.spec.podCIDR}', 'node', '--all', '--timeout=300s');
        return since();
      })(),
    ]);
    results[tool].push({ init: init.total, ready, podCIDR, phases: phaseTimes(init.lines, init.total) });
    console.error(`run ${r + 1} ${tool}: init ${(init.total / 1000).toFixed(2)} s, Ready ${(ready / 1000).toFixed(2)} s, podCIDR ${(podCIDR / 1000).toFixed(2)} s`);
    await reset();
  }
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const row = (name, a, b) => `${name.padEnd(24)} ${fmt(a).padStart(9)} ${fmt(b).padStart(9)} ${(a / b).toFixed(2).padStart(7)}`;
console.log(`\nwhole init on lab host 1, median of ${RUNS} runs each (alternating, kubeadm reset -f between)`);
console.log(`${''.padEnd(24)} ${'tskubeadm'.padStart(9)} ${'kubeadm'.padStart(9)} ${'ratio'.padStart(7)}`);
console.log(row('init command', median(results.tskubeadm.map((x) => x.init)), median(results.kubeadm.map((x) => x.init))));
console.log(row('init to node Ready', median(results.tskubeadm.map((x) => x.ready)), median(results.kubeadm.map((x) => x.ready))));
console.log(row('init to node podCIDR', median(results.tskubeadm.map((x) => x.podCIDR)), median(results.kubeadm.map((x) => x.podCIDR))));
// each tskubeadm run next to the kubeadm run of the same round (the two alternate who goes first)
const paired = results.tskubeadm.map((t, i) => t.init / results.kubeadm[i].init);
console.log(`${'  per round, init ratio'.padEnd(24)} ${paired.map((r) => r.toFixed(2)).join(' ')}  (median ${median(paired).toFixed(2)})`);
console.log('per phase (from output line arrival):');
for (const p of ORDER) {
  const a = results.tskubeadm.map((x) => x.phases[p]).filter((x) => x !== undefined);
  const b = results.kubeadm.map((x) => x.phases[p]).filter((x) => x !== undefined);
  if (a.length && b.length) console.log(row(`  ${p}`, median(a), median(b)));
}
