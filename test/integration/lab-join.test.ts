// tskubeadm alone makes a highly available cluster on three lab hosts behind the lab's haproxy:
//   host 1: tskubeadm init --upload-certs      (controlPlaneEndpoint = the balancer)
//   host 2: tskubeadm join --control-plane     (the command init printed)
//   host 3: tskubeadm join                     (worker)
// Then the same checks as the upstream reference (lab-ha.test.ts), bad input refused with nothing
// written, a dry run that changes nothing, a control-plane join that fails after adding its etcd
// member and takes it back, and both directions of compatibility with upstream kubeadm (its join on
// this cluster leaves the same files as ours). Needs root and `npm run lab:build`.
import { describe, expect, it } from 'vitest';
import { MIN, eventually, installCni, kubectl, onHost, runDnsCheckPod } from '../lab/fixture/labhost.js';
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
  etcdManifestOf,
  twoVotingMembers,
  KUBELET_OWN,
  waitLbServer,
  writeHaKubeadmConfig,
  type JoinCommands,
  type FileSnapshot,
} from '../lab/fixture/ha.js';
import { onHostResultN, tskubeadm } from './helpers/lab.js';
import { stopwatch, tskReset, useHaHosts } from './helpers/ha-hosts.js';

const IGNORE = '--ignore-preflight-errors=SystemVerification';



const tsk = (cmd: string[]): string[] => (cmd[0] === 'tskubeadm' || cmd[0] === 'kubeadm' ? [tskubeadm, ...cmd.slice(1)] : cmd);
const upstream = (cmd: string[]): string[] => ['kubeadm', ...cmd.slice(1)];

/** reset a joined host and delete its Node, as an operator does before the host joins again */
async function leave(n: number): Promise<void> {
  await tskReset(n);
  await onHost(1, ['kubectl', 'delete', 'node', `tsklab-h${n}`, '--ignore-not-found']);
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

const watch = stopwatch();

describe('lab: a highly available cluster from tskubeadm alone (3 hosts, haproxy)', () => {
  let join: JoinCommands | undefined;
  const files: Record<string, FileSnapshot> = {};
  /** the worker's Node as tskubeadm's join left it: labels and annotations */
  let workerNode: { labels: Record<string, string>; annotations: Record<string, string> } | undefined;
  const nodeMeta = async (name: string) => {
    const n = JSON.parse(await kubectl('get', 'node', name, '-o', 'json')) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
    return { labels: n.metadata.labels, annotations: n.metadata.annotations };
  };
  /** the node client certificate requests of a node: every one approved and issued */
  const csrsOf = async (node: string): Promise<string[]> => {
    const list = JSON.parse(await kubectl('get', 'csr', '-o', 'json')) as {
      items: { spec: { username: string; signerName: string }; status: { conditions?: { type: string }[]; certificate?: string } }[];
    };
    return list.items
      .filter((c) => c.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && (c.spec.username.startsWith('system:bootstrap:') || c.spec.username === `system:node:${node}`))
      .map((c) => `${(c.status.conditions ?? []).map((x) => x.type).join(',')} ${c.status.certificate ? 'issued' : 'not issued'}`);
  };
  const { timed } = watch;

  useHaHosts('lab-join', watch);

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
    workerNode = await nodeMeta('tsklab-h3');
    // the kubelets' bootstrap certificate requests were approved and signed (kubeadm's auto-approval RBAC)
    for (const csr of await csrsOf('tsklab-h3')) expect(csr).toBe('Approved issued');
    const members = await twoVotingMembers();
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

  // ---- bad input on host 3 (reset first): each refused with a clear message, nothing written ----

  const PIN_RE = /sha256:[0-9a-f]{64}/;
  const tokenOf = (cmd: string[]): string => cmd[cmd.indexOf('--token') + 1]!;
  const pinOf = (cmd: string[]): string => cmd[cmd.indexOf('--discovery-token-ca-cert-hash') + 1]!;

  /** a JoinConfiguration on host n's state dir with short timeouts, for failures that kubeadm retries */
  async function joinConfigFile(n: number, o: { token: string; pin: string; endpoint?: string; controlPlane?: string; nodeName?: string; etcdTimeout?: string }): Promise<string> {
    const cp = o.controlPlane
      ? `controlPlane:\n  certificateKey: ${o.controlPlane}\n  localAPIEndpoint:\n    advertiseAddress: ${hostAddr(n)}\n    bindPort: 6443\n`
      : '';
    const yaml =
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n' +
      `discovery:\n  bootstrapToken:\n    apiServerEndpoint: ${o.endpoint ?? LB_ENDPOINT}\n    token: ${o.token}\n    caCertHashes:\n    - ${o.pin}\n  tlsBootstrapToken: ${o.token}\n` +
      `nodeRegistration:\n  ignorePreflightErrors:\n  - SystemVerification\n  - ImagePull\n${o.nodeName ? `  name: ${o.nodeName}\n` : ''}` +
      cp +
      `timeouts:\n  discovery: 15s\n  etcdAPICall: ${o.etcdTimeout ?? '20s'}\n  tlsBootstrap: 2m0s\n`;
    const file = `/tmp/tsk-join-${n}.yaml`;
    await onHost(n, ['sh', '-c', `cat > ${file} <<'EOF_CFG'\n${yaml}EOF_CFG`]);
    return file;
  }

  async function refusedWithNothingWritten(n: number, args: string[], code: number, message: RegExp | string): Promise<string> {
    const before = await snapshotHostFiles(n, ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/etcd']);
    const t = Date.now();
    const r = await onHostResultN(n, args, 5 * MIN);
    const after = await snapshotHostFiles(n, ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/etcd']);
    expect(r.stderr, r.stdout).toMatch(typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message);
    expect(r.code).toBe(code);
    expect(r.stderr).not.toContain('    at '); // no stack trace below --v=5
    expect(compareSnapshots(before, after, /^\/etc\/kubernetes\/tmp(\/|$)/)).toEqual([]);
    return `${((Date.now() - t) / 1000).toFixed(1)} s`;
  }

  it('bad input on a fresh host: wrong CA hash, unknown and expired tokens, unreachable endpoint, a name a Ready Node has', async () => {
    await leave(3);
    const token = tokenOf(join!.worker);
    const pin = pinOf(join!.worker);
    expect(pin).toMatch(PIN_RE);
    const wrongPin = `sha256:${'0'.repeat(64)}`;
    // kubeadm's message names the CA key it found, which no pin matches
    console.log('wrong pin', await refusedWithNothingWritten(3, [tskubeadm, 'join', LB_ENDPOINT, '--token', token, '--discovery-token-ca-cert-hash', wrongPin, IGNORE], 1, `none of the public keys "${pin}" are pinned`));
    const unknown = await joinConfigFile(3, { token: 'zzzzzz.0123456789abcdef', pin });
    // kubeadm waits timeouts.discovery for a signature, then says none came; we also say why
    console.log('unknown token', await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', unknown], 1, /signature in the cluster-info ConfigMap for token ID "zzzzzz"\. The token is unknown to this cluster or has expired/));
    // a token that existed and expired: the controller-manager drops its signature from cluster-info
    const short = (await onHost(1, [tskubeadm, 'token', 'create', '--ttl', '1s'])).trim();
    const shortId = short.split('.')[0]!;
    await eventually(
      'the expired token to lose its cluster-info signature',
      async () => ((await kubectl('-n', 'kube-public', 'get', 'configmap', 'cluster-info', '-o', 'yaml')).includes(`jws-kubeconfig-${shortId}`) ? undefined : true),
      3 * MIN,
    );
    const expired = await joinConfigFile(3, { token: short, pin });
    console.log('expired token', await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', expired], 1, new RegExp(`token ID "${shortId}"\\. The token is unknown to this cluster or has expired`)));
    const nowhere = await joinConfigFile(3, { token, pin, endpoint: '10.231.0.250:6443' });
    console.log('unreachable', await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', nowhere], 1, '10.231.0.250:6443'));
    const taken = await joinConfigFile(3, { token, pin, nodeName: 'tsklab-h1' });
    console.log('Ready node name', await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', taken], 1, 'a Node with name "tsklab-h1" and status "Ready" already exists in the cluster'));
  }, 20 * MIN);

  it('control-plane refusals: a wrong certificate key, the kubeadm-certs Secret gone, no controlPlaneEndpoint', async () => {
    const token = tokenOf(join!.worker);
    const pin = pinOf(join!.worker);
    const wrongKey = await joinConfigFile(3, { token, pin, controlPlane: 'f'.repeat(64) });
    await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', wrongKey], 1, 'error decoding secret data with provided key');
    await kubectl('-n', 'kube-system', 'delete', 'secret', 'kubeadm-certs');
    try {
      const good = await joinConfigFile(3, { token, pin, controlPlane: join!.certificateKey });
      await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', good], 1, 'init phase upload-certs --upload-certs');
    } finally {
      // --certificate-key cannot go with --config (kubeadm's rule); the defaults name the same files
      await onHost(1, [tskubeadm, 'init', 'phase', 'upload-certs', '--upload-certs', '--certificate-key', join!.certificateKey]);
    }
    const cm = await kubectl('-n', 'kube-system', 'get', 'configmap', 'kubeadm-config', '-o', 'jsonpath={.data.ClusterConfiguration}');
    expect(cm).toContain(`controlPlaneEndpoint: ${LB_ENDPOINT}`);
    await onHost(1, ['sh', '-c', `kubectl -n kube-system get configmap kubeadm-config -o json | sed 's/controlPlaneEndpoint: ${LB_ENDPOINT}\\\\n//' | kubectl replace -f -`]);
    try {
      const good = await joinConfigFile(3, { token, pin, controlPlane: join!.certificateKey });
      await refusedWithNothingWritten(3, [tskubeadm, 'join', '--config', good], 1, "unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address");
    } finally {
      await onHost(1, [tskubeadm, 'init', 'phase', 'upload-config', 'kubeadm', '--config', writeHaKubeadmConfig()]);
    }
    expect(await kubectl('-n', 'kube-system', 'get', 'configmap', 'kubeadm-config', '-o', 'jsonpath={.data.ClusterConfiguration}')).toContain(
      `controlPlaneEndpoint: ${LB_ENDPOINT}`,
    );
  }, 15 * MIN);

  it('join --dry-run writes nothing on the host and changes nothing in the cluster', async () => {
    const nodesBefore = await kubectl('get', 'nodes', '-o', 'name');
    const csrBefore = await kubectl('get', 'csr', '-o', 'name');
    const membersBefore = (await etcdMembers(1)).map((m) => m.name).sort();
    const before = await snapshotHostFiles(3, ['/etc/kubernetes', '/var/lib/kubelet']);
    const r = await onHostResultN(3, [...tsk(join!.worker), IGNORE, '--dry-run'], 5 * MIN);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[kubelet-start] Would start the kubelet');
    expect(r.stdout).toContain('[dryrun] Would write file "/var/lib/kubelet/config.yaml" with content:');
    const after = await snapshotHostFiles(3, ['/etc/kubernetes', '/var/lib/kubelet']);
    expect(compareSnapshots(before, after, /^\/etc\/kubernetes\/tmp(\/|$)/)).toEqual([]);
    expect(await kubectl('get', 'nodes', '-o', 'name')).toBe(nodesBefore);
    expect(await kubectl('get', 'csr', '-o', 'name')).toBe(csrBefore);
    expect((await etcdMembers(1)).map((m) => m.name).sort()).toEqual(membersBefore);
    await onHost(3, ['rm', '-rf', '/etc/kubernetes/tmp']);
  }, 8 * MIN);

  it('upstream kubeadm join (worker) on the tskubeadm cluster leaves the same files as tskubeadm join', async () => {
    const r = await onHostResultN(3, [...upstream(join!.worker), IGNORE], 12 * MIN);
    expect(r.stdout, r.stderr).toContain('This node has joined the cluster:');
    const theirs = await snapshotHostFiles(3, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    // the kubelet names its client certificate by the moment it got it
    const stamped = KUBELET_OWN;
    expect(compareSnapshots(files.tskWorker!, theirs, stamped)).toEqual([]);
    for (const f of ['/var/lib/kubelet/config.yaml', '/var/lib/kubelet/kubeadm-flags.env', '/var/lib/kubelet/instance-config.yaml', '/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/kubelet.conf']) {
      expect(files.tskWorker!.get(f)?.content?.toString(), f).toBe(theirs.get(f)?.content?.toString());
    }
    // the same Node labels and annotations as tskubeadm's join gave it
    // (controllers add annotations shortly after registration: wait for the same set, then compare)
    const sorted = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort());
    const theirNode = await eventually(
      'the Node with the same labels and annotations',
      async () => {
        const m = await nodeMeta('tsklab-h3').catch(() => undefined);
        return m && sorted(m.labels) === sorted(workerNode!.labels) && sorted(m.annotations) === sorted(workerNode!.annotations) ? m : undefined;
      },
      2 * MIN,
    ).catch(async () => nodeMeta('tsklab-h3'));
    expect(theirNode).toEqual(workerNode);
    await leave(3);
    // and tskubeadm joins it again, with a token and line from `tskubeadm token create --print-join-command`
    const line = (await onHost(1, [tskubeadm, 'token', 'create', '--print-join-command'])).trim().split(/\s+/);
    expect(line.slice(0, 3)).toEqual(['tskubeadm', 'join', LB_ENDPOINT]);
    const again = await onHostResultN(3, [...tsk(line), IGNORE], 12 * MIN);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('This node has joined the cluster:');
  }, 25 * MIN);

  it('a control-plane join that fails after adding its etcd member (no etcd image on the host) takes the member back', async () => {
    await leave(2);
    expect((await etcdMembers(1)).map((m) => m.name)).toEqual(['tsklab-h1']);
    const image = (await onHost(2, ['crictl', 'images', '-o', 'json'])).match(/"(registry\.k8s\.io\/etcd:[^"]+)"/)?.[1];
    expect(image).toBeDefined();
    const tar = '/tmp/tsk-etcd-image.tar';
    await onHost(2, ['ctr', '-n', 'k8s.io', 'images', 'export', tar, image!]);
    await onHost(2, ['crictl', 'rmi', image!]);
    try {
      const cfg = await joinConfigFile(2, { token: tokenOf(join!.worker), pin: pinOf(join!.worker), controlPlane: join!.certificateKey, etcdTimeout: '20s' });
      const r = await onHostResultN(2, [tskubeadm, 'join', '--config', cfg], 10 * MIN);
      console.log(r.stdout.slice(-2000), r.stderr.slice(-2000));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('[etcd] Announced new etcd member joining to the existing etcd cluster');
      expect(r.stdout).toContain('Removed the etcd member https://10.231.0.12:2380 this join had added, as the join failed');
      const members = await etcdMembers(1);
      expect(members.map((m) => m.name)).toEqual(['tsklab-h1']);
      expect((await kubectl('get', '--raw', '/readyz')).trim()).toBe('ok');
    } finally {
      await onHost(2, ['ctr', '-n', 'k8s.io', 'images', 'import', tar]);
      await leave(2);
    }
  }, 15 * MIN);

  it('upstream kubeadm join --control-plane on the tskubeadm cluster leaves the same files as tskubeadm join --control-plane', async () => {
    const r = await onHostResultN(2, [...upstream(join!.controlPlane), '--apiserver-advertise-address', hostAddr(2), IGNORE], 15 * MIN);
    expect(r.stdout, r.stderr).toContain('This node has joined the cluster and a new control plane instance was created:');
    const theirs = await snapshotHostFiles(2, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    // the kubelet names its client certificate by the moment it got it
    const stamped = KUBELET_OWN;
    expect(compareSnapshots(files.tskControlPlane!, theirs, stamped)).toEqual([]);
    for (const f of ['/var/lib/kubelet/config.yaml', '/var/lib/kubelet/kubeadm-flags.env', '/etc/kubernetes/manifests/kube-apiserver.yaml', '/etc/kubernetes/manifests/kube-controller-manager.yaml', '/etc/kubernetes/manifests/kube-scheduler.yaml', '/etc/kubernetes/pki/ca.crt', '/etc/kubernetes/pki/sa.pub']) {
      expect(files.tskControlPlane!.get(f)?.content?.toString(), f).toBe(theirs.get(f)?.content?.toString());
    }
    expect(etcdManifestOf(files.tskControlPlane!)).toBe(etcdManifestOf(theirs));
    const members = await twoVotingMembers();
    expect(members.map((m) => m.name).sort()).toEqual(['tsklab-h1', 'tsklab-h2']);
  }, 20 * MIN);

  it('tskubeadm reset on the joined hosts: the worker without an etcd step, the control plane removes its member', async () => {
    const w = await onHostResultN(3, [tskubeadm, 'reset', '--force'], 5 * MIN);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).not.toContain('[reset] Removing etcd member');
    const c = await onHostResultN(2, [tskubeadm, 'reset', '--force'], 5 * MIN);
    expect(c.code, c.stderr).toBe(0);
    expect((await etcdMembers(1)).map((m) => m.name)).toEqual(['tsklab-h1']);
  }, 10 * MIN);
});
