// A highly-available cluster on three lab hosts with UPSTREAM kubeadm only — the reference the
// tskubeadm join tests copy. The lab's load balancer (test/lab/lb.sh: Debian's haproxy configured as
// kubeadm's HA guide does, TCP on 10.231.0.100:6443, /healthz checks) is the controlPlaneEndpoint:
//   host 1: kubeadm init --upload-certs      (control plane, etcd member 1)
//   host 2: kubeadm join --control-plane     (control plane, etcd member 2)
//   host 3: kubeadm join                     (worker; its kubelet reaches the API through the balancer)
// Then: all nodes Ready, two voting etcd members, both API servers answer through the balancer, a pod
// on the worker resolves kubernetes.default, kubectl through the balancer keeps working with host 1's
// kube-apiserver stopped, and reset removes host 2's etcd member. Needs root and `npm run lab:build`.
// Slow: three control-plane-sized hosts on a small machine (see test/lab/README.md for figures).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { MIN, eventually, hostHasCluster, installCni, kubectl, labUp, onHost, runDnsCheckPod } from '../lab/fixture/labhost.js';
import {
  LB_ADDR,
  LB_ENDPOINT,
  LB_NAME,
  apiserversBehindLb,
  compareSnapshots,
  etcdMembers,
  hostAddr,
  hostName,
  kubeadmInitHa,
  kubectlLb,
  lbServers,
  resetHosts,
  snapshotHostFiles,
  etcdManifestOf,
  twoVotingMembers,
  KUBELET_OWN,
  startApiserver,
  stopApiserver,
  waitLbServer,
  type FileSnapshot,
  type JoinCommands,
} from '../lab/fixture/ha.js';
import { onHostResultN, tskubeadm } from './helpers/lab.js';

const IGNORE = '--ignore-preflight-errors=SystemVerification'; // cgroup v1 host (see test/lab/README.md)

describe('lab HA: upstream kubeadm, two control planes and a worker behind haproxy', () => {
  let release: (() => void) | undefined;
  let join: JoinCommands | undefined;
  /** what upstream's joins left on hosts 2 and 3, for the tskubeadm joins on the same cluster */
  const upstreamFiles: Record<number, FileSnapshot> = {};
  const took: Record<string, number> = {};
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      took[what] = Date.now() - t;
      console.log(`[lab-ha] ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  };

  beforeAll(async () => {
    release = await acquireLabLock();
    await timed('lab:up (3 hosts + balancer)', () => labUp(3, { lb: true }));
    // clusters left over from an earlier run: workers first, host 1 last
    const left: number[] = [];
    for (const n of [3, 2, 1]) if (await hostHasCluster(n)) left.push(n);
    if (left.length > 0) await resetHosts(left);
  }, 45 * MIN);

  afterAll(async () => {
    try {
      const left: number[] = [];
      for (const n of [3, 2, 1]) if (await hostHasCluster(n).catch(() => true)) left.push(n);
      if (left.length > 0) await resetHosts(left);
    } finally {
      release?.();
      console.log(`[lab-ha] timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(took).map(([k, v]) => [k, Math.round(v / 100) / 10])))}`);
    }
  }, 15 * MIN);

  it('the balancer has hosts 1..3 as backends, checks them, and every host knows it by name', async () => {
    const servers = await lbServers();
    expect(servers.map((s) => [s.name, s.addr])).toEqual([1, 2, 3].map((n) => [hostName(n), `${hostAddr(n)}:6443`]));
    // nothing serves on :6443 yet: the health checks take every backend out
    for (const n of [1, 2, 3]) await waitLbServer(n, 'DOWN');
    for (const n of [1, 2, 3]) expect((await onHost(n, ['getent', 'hosts', LB_NAME])).trim().split(/\s+/)).toEqual([LB_ADDR, LB_NAME]);
  }, 3 * MIN);

  it('host 1: kubeadm init --upload-certs with the balancer as controlPlaneEndpoint', async () => {
    const init = await timed('init host 1', () => kubeadmInitHa(1));
    expect(init.output).toContain('Your Kubernetes control-plane has initialized successfully!');
    expect(init.output).toContain('You can now join any number of control-plane nodes running the following command on each as root:');
    expect(init.output).toMatch(/\[upload-certs\] Using certificate key:\n[0-9a-f]{64}\n/);
    expect(init.certificateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(init.controlPlane.slice(0, 3)).toEqual(['kubeadm', 'join', LB_ENDPOINT]);
    expect(init.worker.slice(0, 3)).toEqual(['kubeadm', 'join', LB_ENDPOINT]);
    join = init;
    // admin.conf and super-admin.conf name the balancer; kubelet.conf (like the controller-manager's
    // and scheduler's) the host's own kube-apiserver: upstream's init/kubeconfig.go unsets
    // controlPlaneEndpoint for it
    const server = (f: string): Promise<string> =>
      onHost(1, ['kubectl', 'config', 'view', '--kubeconfig', `/etc/kubernetes/${f}`, '-o', 'jsonpath={.clusters[0].cluster.server}']);
    expect(await server('admin.conf')).toBe(`https://${LB_ENDPOINT}`);
    expect(await server('super-admin.conf')).toBe(`https://${LB_ENDPOINT}`);
    expect(await server('kubelet.conf')).toBe(`https://${hostAddr(1)}:6443`);
    await timed('balancer marks host 1 UP', () => waitLbServer(1, 'UP'));
    await timed('CNI host 1', () => installCni(1));
  }, 15 * MIN);

  it('host 2: kubeadm join --control-plane --certificate-key through the balancer', async () => {
    expect(join).toBeDefined();
    const out = await timed('control-plane join host 2', () =>
      onHost(2, [...join!.controlPlane, '--apiserver-advertise-address', hostAddr(2), IGNORE], 20 * MIN),
    );
    expect(out).toContain('This node has joined the cluster and a new control plane instance was created');
    expect(out).toContain('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
    // admin.conf names the balancer; the kubelet of a joined control plane talks to its own
    // kube-apiserver (upstream's join/kubelet.go points its bootstrap kubeconfig at localAPIEndpoint)
    const server = (f: string): Promise<string> =>
      onHost(2, ['kubectl', 'config', 'view', '--kubeconfig', `/etc/kubernetes/${f}`, '-o', 'jsonpath={.clusters[0].cluster.server}']);
    expect(await server('admin.conf')).toBe(`https://${LB_ENDPOINT}`);
    expect(await server('kubelet.conf')).toBe(`https://${hostAddr(2)}:6443`);
    // the same PKI files as host 1; the shared CAs and service-account keys came from the
    // kubeadm-certs Secret, the serving certificate is host 2's own. One mode differs, as upstream
    // writes them: init writes sa.pub with keyutil.WriteKey (0600), join's copycerts.go writes
    // whatever is not a private key with certutil.WriteCert (0644)
    const pki1 = await snapshotHostFiles(1, ['/etc/kubernetes/pki']);
    const pki2 = await snapshotHostFiles(2, ['/etc/kubernetes/pki']);
    expect(compareSnapshots(pki1, pki2)).toEqual(['/etc/kubernetes/pki/sa.pub: mode 600 vs 644']);
    for (const f of ['ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key']) {
      const p = `/etc/kubernetes/pki/${f}`;
      expect(pki2.get(p)?.content?.equals(pki1.get(p)!.content!), p).toBe(true);
    }
    expect(pki2.get('/etc/kubernetes/pki/apiserver.crt')?.content?.equals(pki1.get('/etc/kubernetes/pki/apiserver.crt')!.content!)).toBe(false);
    await timed('balancer marks host 2 UP', () => waitLbServer(2, 'UP'));
    await timed('CNI host 2', () => installCni(2));
  }, 25 * MIN);

  it('host 3: kubeadm join as a worker through the balancer', async () => {
    expect(join).toBeDefined();
    const out = await timed('worker join host 3', () => onHost(3, [...join!.worker, IGNORE], 12 * MIN));
    expect(out).toContain('This node has joined the cluster:');
    expect(await onHost(3, ['kubectl', 'config', 'view', '--kubeconfig', '/etc/kubernetes/kubelet.conf', '-o', 'jsonpath={.clusters[0].cluster.server}'])).toBe(
      `https://${LB_ENDPOINT}`,
    );
    // upstream's files on a worker joined through the balancer (logged: the reference for tskubeadm's join)
    const files = await snapshotHostFiles(3, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    upstreamFiles[3] = files;
    console.log(
      [...files].map(([p, e]) => `${e.type} ${e.mode.padStart(4, '0')} ${e.uid}:${e.gid} ${p}${e.target ? ` -> ${e.target}` : ''}`).join('\n'),
    );
    const ca1 = (await snapshotHostFiles(1, ['/etc/kubernetes/pki/ca.crt'])).get('/etc/kubernetes/pki/ca.crt');
    expect(files.get('/etc/kubernetes/pki/ca.crt')?.content?.toString()).toBe(ca1?.content?.toString());
    expect(files.get('/etc/kubernetes/kubelet.conf')?.type).toBe('f');
    expect(files.has('/etc/kubernetes/bootstrap-kubelet.conf')).toBe(false); // removed once the kubelet has its certificate
    await timed('CNI host 3', () => installCni(3));
  }, 15 * MIN);

  it('all three nodes turn Ready; hosts 1 and 2 are control-plane nodes', async () => {
    // polled, not `kubectl wait`: the guide's haproxy closes connections idle for 20 s (timeout client/server)
    await timed('3 nodes Ready', () =>
      eventually(
        'three Ready nodes',
        async () => {
          const out = await kubectl('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}');
          const ready = out.split('\n').filter((l) => l.endsWith(' True')).length;
          return ready === 3 ? out : undefined;
        },
        10 * MIN,
      ),
    );
    const nodes = await kubectl('get', 'nodes', '-o', 'wide');
    console.log(nodes);
    expect(nodes).toMatch(/tsklab-h1\s+Ready\s+control-plane/);
    expect(nodes).toMatch(/tsklab-h2\s+Ready\s+control-plane/);
    expect(nodes).toMatch(/tsklab-h3\s+Ready\s+<none>/);
  }, 12 * MIN);

  it('etcd has two voting members, one per control-plane host', async () => {
    const members = await twoVotingMembers();
    expect(members.map((m) => [m.name, m.peerURLs]).sort()).toEqual([
      ['tsklab-h1', [`https://${hostAddr(1)}:2380`]],
      ['tsklab-h2', [`https://${hostAddr(2)}:2380`]],
    ]);
    // the same view from host 2's own etcd
    expect((await etcdMembers(2)).map((m) => m.name).sort()).toEqual(['tsklab-h1', 'tsklab-h2']);
  }, 6 * MIN);

  it('both kube-apiservers answer through the balancer', async () => {
    const servers = await lbServers();
    expect(servers.map((s) => [s.name, s.status])).toEqual([
      ['tsklab-h1', 'UP'],
      ['tsklab-h2', 'UP'],
      ['tsklab-h3', 'DOWN'],
    ]);
    // each kube-apiserver's serving certificate names its own host: connections through the
    // balancer reach both
    const seen = await apiserversBehindLb(1, [hostAddr(1), hostAddr(2)]);
    expect([...seen].sort()).toEqual([hostAddr(1), hostAddr(2)]);
    expect((await kubectlLb(1, 'get', '--raw', '/readyz')).trim()).toBe('ok');
    // both registered themselves as endpoints of the kubernetes Service
    const eps = await kubectl('get', 'endpointslices', '-n', 'default', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'jsonpath={.items[*].endpoints[*].addresses[*]}');
    expect(eps.trim().split(/\s+/).sort()).toEqual([hostAddr(1), hostAddr(2)]);
  }, 5 * MIN);

  it('a pod on the worker (host 3) resolves kubernetes.default', async () => {
    const { phase, logs } = await timed('DNS pod on host 3', () => runDnsCheckPod('dns-check-h3', { nodeName: 'tsklab-h3' }));
    expect(logs).toContain('PING kubernetes.default (10.96.0.1)');
    expect(phase).toBe('Succeeded');
  }, 5 * MIN);

  it("with host 1's kube-apiserver stopped, kubectl through the balancer still works", async () => {
    await timed('stop kube-apiserver host 1', () => stopApiserver(1));
    try {
      await timed('balancer marks host 1 DOWN', () => waitLbServer(1, 'DOWN'));
      for (let i = 0; i < 5; i++) {
        const names = await kubectlLb(1, 'get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}');
        expect(names.split(' ').sort()).toEqual(['tsklab-h1', 'tsklab-h2', 'tsklab-h3']);
      }
      // writes too (etcd keeps quorum: both members run, only an API server is gone)
      await kubectlLb(1, 'create', 'configmap', 'ha-check', '-n', 'default', '--from-literal=k=v');
      expect(await kubectlLb(1, 'get', 'configmap', 'ha-check', '-n', 'default', '-o', 'jsonpath={.data.k}')).toBe('v');
      await kubectlLb(1, 'delete', 'configmap', 'ha-check', '-n', 'default');
      // every connection the balancer made in the meantime went to host 2
      expect(await apiserversBehindLb(1, [hostAddr(1)], 6)).toEqual(new Set([hostAddr(2)]));
    } finally {
      await timed('start kube-apiserver host 1', () => startApiserver(1));
    }
    await waitLbServer(1, 'UP');
  }, 12 * MIN);

  it('tskubeadm join (worker, then control plane) on this upstream-made cluster leaves the files kubeadm join left', async () => {
    expect(join).toBeDefined();
    const stamped = KUBELET_OWN;
    const same = ['/var/lib/kubelet/config.yaml', '/var/lib/kubelet/kubeadm-flags.env', '/var/lib/kubelet/instance-config.yaml', '/etc/kubernetes/pki/ca.crt'];
    // the worker: leave (reset, Node deleted), then join with tskubeadm and the command kubeadm init printed
    upstreamFiles[2] = await snapshotHostFiles(2, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    await resetHosts([3]);
    await kubectl('delete', 'node', 'tsklab-h3');
    const w = await timed('tskubeadm worker join host 3', () => onHostResultN(3, [tskubeadm, ...join!.worker.slice(1), IGNORE], 12 * MIN));
    expect(w.stdout, w.stderr).toContain('This node has joined the cluster:');
    const mineW = await snapshotHostFiles(3, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    expect(compareSnapshots(upstreamFiles[3]!, mineW, stamped)).toEqual([]);
    for (const f of [...same, '/etc/kubernetes/kubelet.conf']) expect(mineW.get(f)?.content?.toString(), f).toBe(upstreamFiles[3]!.get(f)?.content?.toString());
    // the control plane: kubeadm reset removes its etcd member; tskubeadm joins it again
    await resetHosts([2]);
    await kubectl('delete', 'node', 'tsklab-h2');
    expect((await etcdMembers(1)).map((m) => m.name)).toEqual(['tsklab-h1']);
    const c = await timed('tskubeadm control-plane join host 2', () =>
      onHostResultN(2, [tskubeadm, ...join!.controlPlane.slice(1), '--apiserver-advertise-address', hostAddr(2), IGNORE], 15 * MIN),
    );
    expect(c.stdout, c.stderr).toContain('This node has joined the cluster and a new control plane instance was created:');
    const mineC = await snapshotHostFiles(2, undefined, { exclude: /^\/var\/lib\/kubelet\/pods\// });
    expect(compareSnapshots(upstreamFiles[2]!, mineC, stamped)).toEqual([]);
    for (const f of [...same, '/etc/kubernetes/manifests/kube-apiserver.yaml', '/etc/kubernetes/manifests/kube-controller-manager.yaml', '/etc/kubernetes/manifests/kube-scheduler.yaml']) {
      expect(mineC.get(f)?.content?.toString(), f).toBe(upstreamFiles[2]!.get(f)?.content?.toString());
    }
    expect(etcdManifestOf(mineC)).toBe(etcdManifestOf(upstreamFiles[2]!));
    const members = await twoVotingMembers();
    expect(members.map((m) => m.name).sort()).toEqual(['tsklab-h1', 'tsklab-h2']);
    // marked as kubeadm marks a control plane: its label and taint
    const node = JSON.parse(await kubectl('get', 'node', 'tsklab-h2', '-o', 'json')) as { metadata: { labels: Record<string, string> }; spec: { taints?: { key: string; effect: string }[] } };
    expect(node.metadata.labels['node-role.kubernetes.io/control-plane']).toBe('');
    expect(node.metadata.labels['node.kubernetes.io/exclude-from-external-load-balancers']).toBe('');
    expect(node.spec.taints).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
  }, 25 * MIN);

  it('kubeadm reset on every host; resetting host 2 removes its etcd member', async () => {
    await timed('reset host 3', () => resetHosts([3]));
    await timed('reset host 2', () => resetHosts([2]));
    expect((await etcdMembers(1)).map((m) => m.name)).toEqual(['tsklab-h1']);
    await timed('reset host 1', () => resetHosts([1]));
    for (const n of [1, 2, 3]) expect(await hostHasCluster(n)).toBe(false);
  }, 15 * MIN);
});
