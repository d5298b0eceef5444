// `certs check-expiration` and `certs certificate-key`: tskubeadm against upstream kubeadm and
// `node -e 0`, each command run N times (default 20) in rotation; prints the median wall times.
// check-expiration reads a tree made by `tskubeadm init phase certs all` + `kubeconfig all` under
// --rootfs, with --config (no cluster). Needs root (kubeadm's --rootfs is chroot(2)) and .lab/bin/kubeadm.
//   node bench/certs.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 20);
const TSK = path.join(repo, 'bin/tskubeadm');
const KUBEADM = path.join(repo, '.lab/bin/kubeadm');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-bench-certs-'));
const cfg = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.231.0.11
nodeRegistration:
  name: node1
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
`;
fs.writeFileSync(path.join(root, 'cfg.yaml'), cfg);
for (const p of [['certs', 'all'], ['kubeconfig', 'all']]) {
  execFileSync(TSK, ['init', 'phase', ...p, '--config', path.join(root, 'cfg.yaml'), '--rootfs', root], { stdio: 'ignore' });
}

const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'tskubeadm certs check-expiration': [TSK, ['certs', 'check-expiration', '--config', path.join(root, 'cfg.yaml'), '--rootfs', root]],
  'kubeadm certs check-expiration': [KUBEADM, ['certs', 'check-expiration', '--config', '/cfg.yaml', '--rootfs', root]],
  'tskubeadm certs certificate-key': [TSK, ['certs', 'certificate-key']],
  'kubeadm certs certificate-key': [KUBEADM, ['certs', 'certificate-key']],
};
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < N; i++) {
  for (const [name, [cmd, args]] of Object.entries(commands)) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    times[name].push(ms);
  }
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`medians of ${N} runs (ms), commands in rotation:`);
for (const [name, t] of Object.entries(times)) console.log(`  ${name.padEnd(36)} ${median(t).toFixed(1)}`);
fs.rmSync(root, { recursive: true, force: true });
