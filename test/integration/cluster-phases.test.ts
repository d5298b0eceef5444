// The init cluster phases driven through tskubeadm's CLI against the lab's real kube-apiserver
// fixture, each one side by side with upstream kubeadm v1.37.2 (.lab/bin/kubeadm) running the same
// command against a second fixture that holds the same objects:
//
//   - re-running a phase exits 0 and leaves the same objects;
//   - objects that already exist with other content end in the state upstream leaves them in;
//   - --dry-run changes nothing on the apiserver;
//   - an apiserver that refuses connections or hangs (its process frozen with SIGSTOP) gives a
//     one-line error naming the phase, exit 1, no stack trace, and no hang.
//
// Both tools get a --kubeconfig for the fixture's system:masters client, except mark-control-plane
// which (in kubeadm as in tskubeadm) takes no --kubeconfig: it always uses
// /etc/kubernetes/admin.conf pointed at localAPIEndpoint. It runs with --rootfs (upstream chroots,
// so this needs root) on a directory holding that admin.conf. kubeadm refuses a loopback
// localAPIEndpoint, so both fixtures run inside a network namespace this test makes, serving at an
// address there (test/lab/fixture/netns.ts): no connection goes to an address the machine had.
//
// The comparisons mask only what differs from run to run or from one apiserver to the other
// (uids, resourceVersions, timestamps, the server URL, random token ids, AES-GCM nonces).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, generatePki, labBinary, startControlPlane, type ControlPlane } from '../lab/fixture/controlplane.js';
import { createTestNetns, type TestNetns } from '../lab/fixture/netns.js';
import { run } from '../../src/cli/main.js';
import { createKubeClient, type KubeClient } from '../../src/kube/client.js';
import { decryptKubeadmCertsSecret } from '../../src/kube/objects/copycerts.js';
import type { KubeObject, ObjectRef, SecretObject } from '../../src/kube/types.js';

const CERT_KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const NODE = 'cp-phases';
const TOKEN = 'abcdef.0123456789abcdef';
const RBAC = 'rbac.authorization.k8s.io/v1';
const API_CALL_TIMEOUT = '3s';

const ref = (apiVersion: string, kind: string, name: string, namespace?: string): ObjectRef => ({
  apiVersion,
  kind,
  name,
  ...(namespace ? { namespace } : {}),
});

// ---------------------------------------------------------------------------------------------
// running the two tools

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function ours(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const t0 = Date.now();
  const streams = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } };
  const code = await run(args, streams, { env });
  return { code, stdout, stderr, ms: Date.now() - t0 };
}

const NO_PROXY_ENV = { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '', http_proxy: '', https_proxy: '', no_proxy: '' };

function upstream(args: string[], cwd?: string): Promise<Result> {
  const t0 = Date.now();
  return new Promise((res) => {
    execFile(labBinary('kubeadm'), args, { env: NO_PROXY_ENV, timeout: 60_000, ...(cwd ? { cwd } : {}) }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      res({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// one side: a fixture, its client, its configuration files and its rootfs for mark-control-plane

interface Side {
  name: string;
  cp: ControlPlane;
  client: KubeClient;
  /** the configuration on the real filesystem (tskubeadm reads --config there) */
  config: string;
  /** rootfs for mark-control-plane: etc/kubernetes/admin.conf and the configuration as /config.yaml */
  rootfs: string;
}

let dir: string;
let pki: string;
/** the fixtures' address: inside the test's network namespace (localAPIEndpoint) */
let hostIP: string;
let netns: TestNetns | undefined;

function configText(bindPort: number, nodeRegistrationExtra = ''): string {
  return `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
- token: ${TOKEN}
  description: cluster phases test
  ttl: 24h0m0s
certificateKey: ${CERT_KEY}
localAPIEndpoint:
  advertiseAddress: ${hostIP}
  bindPort: ${bindPort}
nodeRegistration:
  name: ${NODE}
  criSocket: unix:///var/run/containerd/containerd.sock
${nodeRegistrationExtra}timeouts:
  kubernetesAPICall: ${API_CALL_TIMEOUT}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: ${pki}
networking:
  podSubnet: 10.244.0.0/16
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
`;
}

/** a configuration + rootfs whose apiserver is at `port` of the host address, `kubeconfig` as admin.conf */
function writeSideFiles(name: string, port: number, kubeconfig: string, nodeRegistrationExtra = ''): { config: string; rootfs: string } {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, configText(port, nodeRegistrationExtra));
  const rootfs = join(dir, `${name}-rootfs`);
  mkdirSync(join(rootfs, 'etc/kubernetes'), { recursive: true });
  copyFileSync(kubeconfig, join(rootfs, 'etc/kubernetes/admin.conf'));
  copyFileSync(config, join(rootfs, 'config.yaml'));
  return { config, rootfs };
}

async function startSide(name: string): Promise<Side> {
  // served at the namespace's address, which localAPIEndpoint names
  const cp = await startControlPlane({ pkiDir: pki, workDir: join(dir, name), netns: { name: netns!.name, address: hostIP } });
  const client = await createKubeClient({ kubeconfig: readFileSync(cp.adminKubeconfig, 'utf8') });
  // the Node as the kubelet registers it
  await client.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux' } } });
  return { name, cp, client, ...writeSideFiles(name, cp.apiServerPort, cp.adminKubeconfig) };
}

/** `init phase <phase...>` with the side's configuration and kubeconfig (or its rootfs for mark-control-plane) */
function phaseArgs(phase: string[], side: { config: string; rootfs: string; kubeconfig: string }, tool: 'ours' | 'upstream', extra: string[] = []): string[] {
  if (phase[0] === 'mark-control-plane') {
    // upstream chroots into --rootfs and reads --config there; tskubeadm reads --config from the real filesystem
    return ['init', 'phase', ...phase, '--rootfs', side.rootfs, '--config', tool === 'upstream' ? '/config.yaml' : side.config, ...extra];
  }
  const flags = phase[0] === 'upload-certs' ? ['--upload-certs'] : [];
  return ['init', 'phase', ...phase, ...flags, '--config', side.config, '--kubeconfig', side.kubeconfig, ...extra];
}

const sideArgs = (s: Side) => ({ config: s.config, rootfs: s.rootfs, kubeconfig: s.cp.adminKubeconfig });

// ---------------------------------------------------------------------------------------------
// normalized object state

function strip(o: KubeObject, apiServerPort: number): KubeObject {
  const port = String(apiServerPort);
  const text = JSON.stringify(o)
    .split(`${hostIP}:${port}`).join('SERVER')
    .split(`127.0.0.1:${port}`).join('SERVER');
  const c = JSON.parse(text) as KubeObject;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) delete c.metadata[k];
  delete c['status'];
  if (c.metadata.annotations && Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  return c;
}

interface PhaseCase {
  /** `init phase` words */
  phase: string[];
  /** the name kubeadm gives it in "error execution phase <name>" */
  errorName: string;
  /** the objects the phase writes */
  objects: ObjectRef[];
  /** extra masking for run-dependent content */
  normalize?: (objects: Map<string, KubeObject>, client: KubeClient) => Promise<void>;
  /** change the objects as a user (or an older release) might have left them */
  tamper: (client: KubeClient) => Promise<void>;
  /** what upstream did with the tampered objects (checked on upstream's side, to show the case bites) */
  upstreamResult?: (final: Map<string, KubeObject>) => void;
}

const key = (r: ObjectRef) => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

async function state(side: Side, c: PhaseCase): Promise<Map<string, KubeObject>> {
  const m = new Map<string, KubeObject>();
  for (const r of c.objects) {
    const o = await side.client.get(r);
    expect(o, `${side.name}: ${key(r)} exists`).toBeDefined();
    m.set(key(r), strip(o!, side.cp.apiServerPort));
  }
  await c.normalize?.(m, side.client);
  return m;
}

/** read-modify-write through the API */
async function edit<T extends KubeObject>(client: KubeClient, r: ObjectRef, f: (o: T) => void): Promise<void> {
  const o = (await client.get<T>(r))!;
  f(o);
  await client.update(o);
}

interface WithData extends KubeObject {
  data?: Record<string, string>;
}
interface WithRules extends KubeObject {
  rules?: unknown[];
}
interface WithSubjects extends KubeObject {
  subjects?: unknown[];
}
interface Workload extends KubeObject {
  spec: { replicas?: number; template: { metadata?: { labels?: Record<string, string> }; spec: { containers: { image: string; args?: string[] }[] } } };
}
interface NodeLike extends KubeObject {
  spec?: { taints?: { key: string; value?: string; effect: string }[] };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString();

// ---------------------------------------------------------------------------------------------
// the phases

const CERT_FILES: Record<string, string> = {
  'ca.crt': 'ca.crt',
  'ca.key': 'ca.key',
  'etcd-ca.crt': 'etcd/ca.crt',
  'etcd-ca.key': 'etcd/ca.key',
  'front-proxy-ca.crt': 'front-proxy-ca.crt',
  'front-proxy-ca.key': 'front-proxy-ca.key',
  'sa.key': 'sa.key',
  'sa.pub': 'sa.pub',
};

const CASES: PhaseCase[] = [
  {
    phase: ['upload-config', 'kubeadm'],
    errorName: 'upload-config/kubeadm',
    objects: [
      ref('v1', 'ConfigMap', 'kubeadm-config', 'kube-system'),
      ref(RBAC, 'Role', 'kubeadm:nodes-kubeadm-config', 'kube-system'),
      ref(RBAC, 'RoleBinding', 'kubeadm:nodes-kubeadm-config', 'kube-system'),
    ],
    tamper: async (c) => {
      await edit<WithData>(c, ref('v1', 'ConfigMap', 'kubeadm-config', 'kube-system'), (o) => {
        o.data = { ClusterConfiguration: 'kind: ClusterConfiguration\nclusterName: other\n', extra: 'x' };
        o.metadata.labels = { owner: 'someone-else' };
      });
      await edit<WithRules>(c, ref(RBAC, 'Role', 'kubeadm:nodes-kubeadm-config', 'kube-system'), (o) => {
        o.rules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }];
      });
      await edit<WithSubjects>(c, ref(RBAC, 'RoleBinding', 'kubeadm:nodes-kubeadm-config', 'kube-system'), (o) => {
        o.subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'someone' }];
      });
    },
    upstreamResult: (m) => {
      // kubeadm mutates the ConfigMap: its ClusterConfiguration replaced, other keys and labels kept
      const cm = m.get('ConfigMap/kube-system/kubeadm-config') as WithData;
      expect(cm.data!['extra']).toBe('x');
      expect(cm.metadata.labels).toEqual({ owner: 'someone-else' });
      expect(cm.data!['ClusterConfiguration']).toContain('kubernetesVersion: v1.37.2');
    },
  },
  {
    phase: ['upload-config', 'kubelet'],
    errorName: 'upload-config/kubelet',
    objects: [
      ref('v1', 'ConfigMap', 'kubelet-config', 'kube-system'),
      ref(RBAC, 'Role', 'kubeadm:kubelet-config', 'kube-system'),
      ref(RBAC, 'RoleBinding', 'kubeadm:kubelet-config', 'kube-system'),
      ref('v1', 'Node', NODE),
    ],
    tamper: async (c) => {
      await edit<WithData>(c, ref('v1', 'ConfigMap', 'kubelet-config', 'kube-system'), (o) => {
        o.data = { kubelet: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmaxPods: 7\n' };
        o.metadata.annotations = { note: 'edited' };
      });
      await edit<WithRules>(c, ref(RBAC, 'Role', 'kubeadm:kubelet-config', 'kube-system'), (o) => {
        o.rules = [];
      });
    },
  },
  {
    phase: ['upload-certs'],
    errorName: 'upload-certs',
    objects: [
      ref('v1', 'Secret', 'kubeadm-certs', 'kube-system'),
      ref(RBAC, 'Role', 'kubeadm:kubeadm-certs', 'kube-system'),
      ref(RBAC, 'RoleBinding', 'kubeadm:kubeadm-certs', 'kube-system'),
    ],
    // the values are sealed with random nonces and the owner is a new random token each run:
    // compare what they decrypt to and the owner's shape
    normalize: async (m, client) => {
      const s = m.get('Secret/kube-system/kubeadm-certs') as SecretObject;
      const plain = decryptKubeadmCertsSecret(s, CERT_KEY);
      s.data = Object.fromEntries([...plain].map(([k, v]) => [k, `DECRYPTED:${createHashHex(v)}`]));
      const owners = s.metadata.ownerReferences ?? [];
      expect(owners).toHaveLength(1);
      const owner = (await client.get<SecretObject>(ref('v1', 'Secret', owners[0]!.name, 'kube-system')))!;
      expect(owner, 'the owner token Secret exists').toBeDefined();
      expect(owners[0]!.uid).toBe(owner.metadata.uid);
      const od = Object.fromEntries(Object.entries(owner.data ?? {}).map(([k, v]) => [k, unb64(v!)]));
      expect(owner.metadata.name).toBe(`bootstrap-token-${od['token-id']}`);
      expect(Date.parse(od['expiration']!) - Date.now()).toBeGreaterThan(110 * 60_000);
      s.metadata.ownerReferences = owners.map((o) => ({ ...o, name: 'OWNER', uid: 'UID' }));
      const ownerShape = strip(owner, 0);
      ownerShape.metadata.name = 'OWNER';
      ownerShape['data'] = { ...od, 'token-id': 'ID', 'token-secret': 'SECRET', expiration: 'EXP' };
      m.set('owner', ownerShape);
    },
    tamper: async (c) => {
      await edit<WithData>(c, ref('v1', 'Secret', 'kubeadm-certs', 'kube-system'), (o) => {
        o.data = { 'ca.crt': b64('not sealed'), stale: b64('x') };
        delete o.metadata.ownerReferences;
      });
      await edit<WithRules>(c, ref(RBAC, 'Role', 'kubeadm:kubeadm-certs', 'kube-system'), (o) => {
        o.rules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }];
      });
    },
  },
  {
    phase: ['mark-control-plane'],
    errorName: 'mark-control-plane',
    objects: [ref('v1', 'Node', NODE)],
    tamper: async (c) => {
      await edit<NodeLike>(c, ref('v1', 'Node', NODE), (o) => {
        o.metadata.labels = { ...o.metadata.labels, 'example.com/rack': 'r1', 'node-role.kubernetes.io/control-plane': 'old' };
        o.spec = {
          ...o.spec,
          taints: [
            ...(o.spec?.taints ?? []),
            { key: 'example.com/dedicated', value: 'db', effect: 'NoExecute' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'PreferNoSchedule' },
          ],
        };
      });
    },
    upstreamResult: (m) => {
      const n = m.get(`Node//${NODE}`) as NodeLike;
      expect(n.metadata.labels).toMatchObject({ 'example.com/rack': 'r1', 'node.kubernetes.io/exclude-from-external-load-balancers': '' });
      expect(n.spec!.taints).toContainEqual({ key: 'example.com/dedicated', value: 'db', effect: 'NoExecute' });
      expect(n.spec!.taints).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
    },
  },
  {
    phase: ['bootstrap-token'],
    errorName: 'bootstrap-token',
    objects: [
      ref('v1', 'Secret', 'bootstrap-token-abcdef', 'kube-system'),
      ref(RBAC, 'ClusterRole', 'kubeadm:get-nodes'),
      ref(RBAC, 'ClusterRoleBinding', 'kubeadm:get-nodes'),
      ref(RBAC, 'ClusterRoleBinding', 'kubeadm:kubelet-bootstrap'),
      ref(RBAC, 'ClusterRoleBinding', 'kubeadm:node-autoapprove-bootstrap'),
      ref(RBAC, 'ClusterRoleBinding', 'kubeadm:node-autoapprove-certificate-rotation'),
      ref(RBAC, 'ClusterRoleBinding', 'kubeadm:apiserver-kubelet-client'),
      ref('v1', 'ConfigMap', 'cluster-info', 'kube-public'),
      ref(RBAC, 'Role', 'kubeadm:bootstrap-signer-clusterinfo', 'kube-public'),
      ref(RBAC, 'RoleBinding', 'kubeadm:bootstrap-signer-clusterinfo', 'kube-public'),
    ],
    normalize: async (m) => {
      const t = m.get('Secret/kube-system/bootstrap-token-abcdef') as SecretObject;
      const exp = unb64(t.data!['expiration']!);
      const left = Date.parse(exp) - Date.now();
      expect(left).toBeGreaterThan(23 * 3600_000);
      expect(left).toBeLessThanOrEqual(24 * 3600_000);
      t.data!['expiration'] = 'EXPIRATION';
    },
    tamper: async (c) => {
      await edit<SecretObject>(c, ref('v1', 'Secret', 'bootstrap-token-abcdef', 'kube-system'), (o) => {
        o.data = { ...o.data, description: b64('edited'), 'usage-bootstrap-signing': b64('false'), 'auth-extra-groups': b64('system:bootstrappers:other') };
      });
      await edit<WithData>(c, ref('v1', 'ConfigMap', 'cluster-info', 'kube-public'), (o) => {
        o.data = { kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: []\n', 'jws-kubeconfig-abcdef': 'signed-by-the-controller-manager' };
      });
      await edit<WithRules>(c, ref(RBAC, 'ClusterRole', 'kubeadm:get-nodes'), (o) => {
        o.rules = [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }];
      });
      await edit<WithSubjects>(c, ref(RBAC, 'ClusterRoleBinding', 'kubeadm:kubelet-bootstrap'), (o) => {
        o.subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers:other' }];
      });
    },
  },
  {
    phase: ['addon', 'coredns'],
    errorName: 'addon/coredns',
    objects: [
      ref('v1', 'ConfigMap', 'coredns', 'kube-system'),
      ref(RBAC, 'ClusterRole', 'system:coredns'),
      ref(RBAC, 'ClusterRoleBinding', 'system:coredns'),
      ref('v1', 'ServiceAccount', 'coredns', 'kube-system'),
      ref('apps/v1', 'Deployment', 'coredns', 'kube-system'),
      ref('v1', 'Service', 'kube-dns', 'kube-system'),
    ],
    tamper: async (c) => {
      await edit<WithData>(c, ref('v1', 'ConfigMap', 'coredns', 'kube-system'), (o) => {
        o.data = { Corefile: '.:53 {\n    errors\n    forward . 9.9.9.9\n}\n' };
      });
      await edit<Workload>(c, ref('apps/v1', 'Deployment', 'coredns', 'kube-system'), (o) => {
        o.spec.replicas = 3;
        o.spec.template.spec.containers[0]!.image = 'registry.example/coredns/coredns:v1.10.1';
        o.spec.template.spec.containers[0]!.args = ['-conf', '/etc/coredns/Corefile', '-dns.port', '53'];
      });
      await edit<WithRules>(c, ref(RBAC, 'ClusterRole', 'system:coredns'), (o) => {
        o.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
      });
      await edit<KubeObject>(c, ref('v1', 'Service', 'kube-dns', 'kube-system'), (o) => {
        o.metadata.labels = { ...o.metadata.labels, extra: 'yes' };
      });
    },
    upstreamResult: (m) => {
      // the user's Corefile and replica count survive; the image is kubeadm's again
      expect((m.get('ConfigMap/kube-system/coredns') as WithData).data!['Corefile']).toContain('forward . 9.9.9.9');
      const d = m.get('Deployment/kube-system/coredns') as Workload;
      expect(d.spec.replicas).toBe(3);
      expect(d.spec.template.spec.containers[0]!.image).toMatch(/^registry\.k8s\.io\/coredns\/coredns:/);
    },
  },
  {
    phase: ['addon', 'kube-proxy'],
    errorName: 'addon/kube-proxy',
    objects: [
      ref('v1', 'ConfigMap', 'kube-proxy', 'kube-system'),
      ref('apps/v1', 'DaemonSet', 'kube-proxy', 'kube-system'),
      ref('v1', 'ServiceAccount', 'kube-proxy', 'kube-system'),
      ref(RBAC, 'ClusterRoleBinding', 'kubeadm:node-proxier'),
      ref(RBAC, 'Role', 'kube-proxy', 'kube-system'),
      ref(RBAC, 'RoleBinding', 'kube-proxy', 'kube-system'),
    ],
    tamper: async (c) => {
      await edit<WithData>(c, ref('v1', 'ConfigMap', 'kube-proxy', 'kube-system'), (o) => {
        o.data = { ...o.data, 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n' };
      });
      await edit<Workload>(c, ref('apps/v1', 'DaemonSet', 'kube-proxy', 'kube-system'), (o) => {
        o.spec.template.spec.containers[0]!.image = 'registry.example/kube-proxy:v1.36.0';
        o.spec.template.metadata = { ...o.spec.template.metadata, labels: { ...o.spec.template.metadata?.labels, extra: 'yes' } };
      });
      await edit<WithRules>(c, ref(RBAC, 'Role', 'kube-proxy', 'kube-system'), (o) => {
        o.rules = [];
      });
    },
  },
];

function createHashHex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// everything on the apiserver, for the dry-run checks

const ALL_KINDS: [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'ServiceAccount'],
  ['v1', 'Service'],
  ['v1', 'Node'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'DaemonSet'],
  [RBAC, 'Role'],
  [RBAC, 'RoleBinding'],
  [RBAC, 'ClusterRole'],
  [RBAC, 'ClusterRoleBinding'],
];

async function inventory(client: KubeClient): Promise<string[]> {
  const lines: string[] = [];
  for (const [v, k] of ALL_KINDS) {
    for (const o of await client.list(v, k)) lines.push(`${k} ${o.metadata.namespace ?? ''}/${o.metadata.name} rv=${o.metadata.resourceVersion}`);
  }
  return lines.sort();
}

// ---------------------------------------------------------------------------------------------

let A: Side; // tskubeadm's
let B: Side; // upstream kubeadm's

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsk-cluster-phases-'));
  pki = join(dir, 'pki');
  netns = createTestNetns('phases');
  hostIP = netns.address;
  await generatePki(pki, hostIP);
  [A, B] = await Promise.all([startSide('ours'), startSide('upstream')]);
  // a fresh apiserver keeps creating its own objects for a moment after /readyz (the default/kubernetes
  // Service is among the last): wait for it, so that inventories taken by the tests only see our changes
  await Promise.all([A, B].map((side) => apiserverSettled(side.client)));
}, 120_000);

async function apiserverSettled(client: KubeClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await client.get({ apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'kubernetes' }))) {
    if (Date.now() > deadline) throw new Error('the apiserver did not create the default/kubernetes Service within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** the apiserver process the frozen-apiserver test stopped, resumed in any case before the fixtures stop */
let frozenPid: number | undefined;

afterAll(async () => {
  if (frozenPid) process.kill(frozenPid, 'SIGCONT');
  await Promise.all([A?.cp.stop(), B?.cp.stop()]);
  netns?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** every phase with --dry-run: exit 0, and the apiserver's objects (by resourceVersion) unchanged */
async function dryRunChangesNothing(): Promise<void> {
  const before = await inventory(A.client);
  // the dry-run files go to a directory of the test's, not /etc/kubernetes/tmp
  const env = { ...process.env, KUBEADM_INIT_DRYRUN_DIR: join(dir, 'dry-run') };
  for (const c of CASES) {
    const r = await ours(phaseArgs(c.phase, sideArgs(A), 'ours', ['--dry-run']), env);
    expect(r.stderr, c.errorName).not.toMatch(/error/i);
    expect(r.code, c.errorName).toBe(0);
  }
  expect(await inventory(A.client)).toEqual(before);
}

describe('--dry-run on a fresh control plane', () => {
  it('changes nothing on the apiserver, and exits 0 for every phase', dryRunChangesNothing);
});

for (const c of CASES) {
  describe(`init phase ${c.phase.join(' ')}`, () => {
    it('re-running exits 0 and leaves the same objects, as upstream leaves them', async () => {
      const [o1, u1] = await Promise.all([ours(phaseArgs(c.phase, sideArgs(A), 'ours')), upstream(phaseArgs(c.phase, sideArgs(B), 'upstream'))]);
      expect(u1, 'upstream, first run').toMatchObject({ code: 0 });
      expect(o1, 'first run').toMatchObject({ code: 0, stderr: '' });
      const first = await state(A, c);
      const [o2, u2] = await Promise.all([ours(phaseArgs(c.phase, sideArgs(A), 'ours')), upstream(phaseArgs(c.phase, sideArgs(B), 'upstream'))]);
      expect(u2, 'upstream, second run').toMatchObject({ code: 0 });
      expect(o2, 'second run').toMatchObject({ code: 0, stderr: '' });
      expect(o2.stdout).toBe(o1.stdout);
      const second = await state(A, c);
      expect(second).toEqual(first);
      expect(second).toEqual(await state(B, c));
    });

    it('objects that exist with other content end as upstream leaves them', async () => {
      await Promise.all([c.tamper(A.client), c.tamper(B.client)]);
      // the same starting point on both sides
      const tamperedA = await state(A, { ...c, normalize: undefined });
      expect(tamperedA).toEqual(await state(B, { ...c, normalize: undefined }));
      const [o, u] = await Promise.all([ours(phaseArgs(c.phase, sideArgs(A), 'ours')), upstream(phaseArgs(c.phase, sideArgs(B), 'upstream'))]);
      expect(u, 'upstream').toMatchObject({ code: 0 });
      expect(o).toMatchObject({ code: 0, stderr: '' });
      const final = await state(B, c);
      c.upstreamResult?.(final);
      expect(await state(A, c)).toEqual(final);
    });
  });
}

describe('the kubeadm-certs Secret', () => {
  it('decrypts with the certificate key to the files under certificatesDir', async () => {
    const s = (await A.client.get<SecretObject>(ref('v1', 'Secret', 'kubeadm-certs', 'kube-system')))!;
    const plain = decryptKubeadmCertsSecret(s, CERT_KEY);
    expect([...plain.keys()].sort()).toEqual(Object.keys(CERT_FILES).sort());
    for (const [k, file] of Object.entries(CERT_FILES)) expect(plain.get(k)!.equals(readFileSync(join(pki, file))), k).toBe(true);
  });
});

describe('--dry-run once every object exists', () => {
  it('changes nothing on the apiserver', dryRunChangesNothing);
});

describe('addon coredns with a kube-dns Service on another cluster IP', () => {
  it('fails as upstream fails (the cluster IP is immutable), and succeeds once the Service is gone', async () => {
    const svc = ref('v1', 'Service', 'kube-dns', 'kube-system');
    const recreate = async (client: KubeClient): Promise<void> => {
      const old = (await client.get<KubeObject & { spec: Record<string, unknown> }>(svc))!;
      await client.delete(svc);
      await client.waitFor(svc, (o) => o === undefined, { timeoutMs: 10_000 });
      const { ports, selector } = old.spec;
      await client.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: old.metadata.labels }, spec: { clusterIP: '10.96.0.53', ports, selector } });
    };
    await Promise.all([recreate(A.client), recreate(B.client)]);
    const phase = ['addon', 'coredns'];
    const [o, u] = await Promise.all([ours(phaseArgs(phase, sideArgs(A), 'ours')), upstream(phaseArgs(phase, sideArgs(B), 'upstream'))]);
    expect(u.code, u.stderr).toBe(1);
    expect(o.code, o.stderr).toBe(u.code);
    const firstLine = (r: Result) => r.stderr.split('\n').find((l) => l.startsWith('error: '))!;
    // the whole message is the apiserver's answer under kubeadm's context
    expect(firstLine(o)).toMatch(/^error: error execution phase addon\/coredns: unable to create\/update the DNS service: /);
    expect(firstLine(o)).toContain('may not change once set');
    expect(firstLine(u)).toContain('may not change once set');
    expect(firstLine(o).split(': ').slice(0, 3)).toEqual(firstLine(u).split(': ').slice(0, 3));
    const c = CASES.find((x) => x.errorName === 'addon/coredns')!;
    expect(await state(A, c)).toEqual(await state(B, c));
    // without the Service, the phase creates it again on the kubeadm address
    await Promise.all([A.client.delete(svc), B.client.delete(svc)]);
    const [o2, u2] = await Promise.all([ours(phaseArgs(phase, sideArgs(A), 'ours')), upstream(phaseArgs(phase, sideArgs(B), 'upstream'))]);
    expect(u2.code).toBe(0);
    expect(o2.code).toBe(0);
    expect(((await A.client.get<KubeObject & { spec: { clusterIP: string } }>(svc))!).spec.clusterIP).toBe('10.96.0.10');
    expect(await state(A, c)).toEqual(await state(B, c));
  });
});

describe('mark-control-plane with nodeRegistration.taints', () => {
  const markWith = async (label: string, taints: string): Promise<void> => {
    const run2 = (s: Side, tool: 'ours' | 'upstream') => {
      const files = writeSideFiles(`${s.name}-${label}`, s.cp.apiServerPort, s.cp.adminKubeconfig, taints);
      return phaseArgs(['mark-control-plane'], { ...files, kubeconfig: s.cp.adminKubeconfig }, tool);
    };
    const [o, u] = await Promise.all([ours(run2(A, 'ours')), upstream(run2(B, 'upstream'))]);
    expect(u, 'upstream').toMatchObject({ code: 0 });
    expect(o).toMatchObject({ code: 0, stderr: '', stdout: u.stdout });
    const c = CASES.find((x) => x.phase[0] === 'mark-control-plane')!;
    expect(await state(A, c)).toEqual(await state(B, c));
  };
  it('adds the configured taints to the ones the Node has', () =>
    markWith('taints', '  taints:\n  - key: example.com/gpu\n    value: "true"\n    effect: NoSchedule\n  - key: node-role.kubernetes.io/control-plane\n    effect: NoExecute\n'));
  it('adds none with an explicit empty list', () => markWith('no-taints', '  taints: []\n'));
});

describe('a relative --kubeconfig', () => {
  it('is opened from the working directory, as kubeadm does', async () => {
    const args = (s: Side) => ['init', 'phase', 'upload-config', 'kubeadm', '--config', relative(dir, s.config), '--kubeconfig', relative(dir, s.cp.adminKubeconfig)];
    const u = await upstream(args(B), dir);
    expect(u, 'upstream').toMatchObject({ code: 0 });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await ours(args(A))).toMatchObject({ code: 0, stderr: '', stdout: u.stdout });
    } finally {
      process.chdir(cwd);
    }
  });
});

function expectCleanFailure(r: Result, c: PhaseCase, what: RegExp): void {
  expect(r.code, `${c.errorName}: ${r.stderr}`).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  // kubeadm's shape: "error: error execution phase <phase>: <what>", then the --v=5 hint
  expect(lines[0]).toMatch(new RegExp(`^error: error execution phase ${c.errorName.replace('/', '\\/')}: `));
  expect(lines.slice(1)).toEqual(['To see the stack trace of this error execute with --v=5 or higher']);
  expect(lines[0]).toMatch(what);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe('an apiserver that refuses connections', () => {
  it('fails every phase with exit 1 and a one-line error, like upstream', async () => {
    const port = await freePort();
    const kubeconfig = join(dir, 'refused.conf');
    writeFileSync(kubeconfig, readFileSync(A.cp.adminKubeconfig, 'utf8').replace(/server: \S+/, `server: https://127.0.0.1:${port}`));
    const side = { ...writeSideFiles('refused', port, kubeconfig), kubeconfig };
    const results = await Promise.all(
      CASES.map(async (c) => {
        const [o, u] = await Promise.all([ours(phaseArgs(c.phase, side, 'ours')), upstream(phaseArgs(c.phase, side, 'upstream'))]);
        return { c, o, u };
      }),
    );
    for (const { c, o, u } of results) {
      expect(u.code, `upstream ${c.errorName}: ${u.stderr}`).toBe(1);
      expect(u.stderr).toMatch(new RegExp(`error execution phase ${c.errorName}: `));
      expectCleanFailure(o, c, /connection refused|ECONNREFUSED/);
      // the same context as upstream's message, up to the failed request (which each tool words its own way)
      const ctx = (s: string) =>
        s
          .split('\n')
          .find((l) => l.startsWith('error: error execution phase'))!
          .split(/: (?:unable to |Get "|Post "|Put "|Patch ")/)[0]!
          .replace(/bootstrap-token-[a-z0-9]{6}\b/g, 'bootstrap-token-RANDOM');
      expect(ctx(o.stderr), c.errorName).toBe(ctx(u.stderr));
    }
  }, 60_000);
});

function apiServerPid(port: number): number {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (cmd[0]!.endsWith('kube-apiserver') && cmd.includes(`--secure-port=${port}`)) return Number(p);
    } catch {
      // gone
    }
  }
  throw new Error(`no kube-apiserver process with --secure-port=${port}`);
}

describe('an apiserver that does not answer (its process stopped)', () => {
  it(`fails every phase with exit 1 within timeouts.kubernetesAPICall (${API_CALL_TIMEOUT}), no hang`, async () => {
    const pid = apiServerPid(A.cp.apiServerPort);
    frozenPid = pid;
    process.kill(pid, 'SIGSTOP');
    try {
      const results = await Promise.all(CASES.map(async (c) => ({ c, o: await ours(phaseArgs(c.phase, sideArgs(A), 'ours')) })));
      for (const { c, o } of results) {
        expectCleanFailure(o, c, /timed out|timeout|ETIMEDOUT|deadline/i);
        // 3 s of retries, one request cut at most 3 s later, plus start-up
        expect(o.ms, c.errorName).toBeLessThan(15_000);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
      frozenPid = undefined;
    }
  }, 45_000);
});
