// The API client and the init cluster phases against a real kube-apiserver (the lab fixture), and
// parity with upstream: upstream kubeadm v1.37.2 runs its init phases (upload-config, upload-certs,
// mark-control-plane, bootstrap-token, addon) against one fresh control plane, tskubeadm runs its
// own against another with the same PKI and configuration, and the stored objects are compared.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { generatePki, labBinary, startControlPlane, type ControlPlane } from '../lab/fixture/controlplane.js';
import { KUBERNETES_VERSION } from '../../src/versions.js';
import { createKubeClient, loadKubeClient, type KubeClient } from '../../src/kube/client.js';
import { NodeHost } from '../../src/host/node-host.js';
import { isNotFound } from '../../src/kube/errors.js';
import type { ClusterConfiguration } from '../../src/config/types.js';
import type { ConfigMapObject, KubeObject, ObjectRef, SecretObject } from '../../src/kube/types.js';
import { memoryOutput } from '../../src/output.js';
import { decryptKubeadmCertsSecret } from '../../src/kube/objects/copycerts.js';
import { uploadKubeadmConfig, uploadKubeletConfig } from '../../src/phases/shared/cluster/uploadconfig.js';
import { uploadCerts } from '../../src/phases/shared/cluster/uploadcerts.js';
import { markControlPlane } from '../../src/phases/shared/cluster/markcontrolplane.js';
import { runBootstrapToken } from '../../src/phases/shared/cluster/bootstraptoken.js';
import { ensureAdminClusterRoleBinding } from '../../src/phases/shared/cluster/adminbinding.js';
import { ensureCoreDNS, ensureKubeProxy } from '../../src/phases/shared/cluster/addons.js';
import type { Host } from '../../src/host/types.js';

const run = promisify(execFile);
const ADVERTISE = '10.231.0.11';
const CERT_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const NODE = 'cp-int';

let dir: string;
let pki: string;

function kubeadmConfig(): string {
  return `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
certificateKey: ${CERT_KEY}
bootstrapTokens:
- token: abcdef.0123456789abcdef
  description: integration
localAPIEndpoint:
  advertiseAddress: ${ADVERTISE}
  bindPort: 6443
nodeRegistration:
  name: ${NODE}
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: ${pki}
networking:
  podSubnet: 10.244.0.0/16
---
${KUBE_PROXY_DOC}`;
}

// a user KubeProxyConfiguration: exercises the Go-type round trip (durations re-printed, pointers,
// omitempty logging fields, an unknown field dropped)
const KUBE_PROXY_DOC = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
bogus: 1
metricsBindAddress: 0.0.0.0:10249
iptables:
  syncPeriod: 60s
  masqueradeBit: 14
conntrack:
  tcpEstablishedTimeout: 86400s
  maxPerCore: 32768
nodePortAddresses:
- primary
logging:
  format: json
  verbosity: 2
`;

const cluster = (): ClusterConfiguration => ({
  etcd: { local: { dataDir: '/var/lib/etcd', extraArgs: [], extraEnvs: [], serverCertSANs: [], peerCertSANs: [] } },
  networking: { serviceSubnet: '10.96.0.0/12', podSubnet: '10.244.0.0/16', dnsDomain: 'cluster.local' },
  kubernetesVersion: 'v1.37.2',
  controlPlaneEndpoint: '',
  apiServer: { extraArgs: [], extraVolumes: [], extraEnvs: [], certSANs: [] },
  controllerManager: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
  scheduler: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
  dns: { disabled: false },
  proxy: { disabled: false },
  certificatesDir: pki,
  imageRepository: 'registry.k8s.io',
  featureGates: {},
  clusterName: 'kubernetes',
  encryptionAlgorithm: 'RSA-2048',
  certificateValidityPeriod: '8760h0m0s',
  caCertificateValidityPeriod: '87600h0m0s',
});

/** Reads host files straight from disk (the PKI lives in the test's temp dir). */
const diskHost = {
  exists: async (p: string) => {
    try {
      readFileSync(p);
      return true;
    } catch {
      return false;
    }
  },
  readFile: async (p: string) => readFileSync(p),
} as unknown as Host;

const ref = (apiVersion: string, kind: string, name: string, namespace?: string): ObjectRef => ({
  apiVersion,
  kind,
  name,
  ...(namespace ? { namespace } : {}),
});
const RBAC = 'rbac.authorization.k8s.io/v1';

/** Everything kubeadm's phases create (the upload-certs token Secret is looked up separately). */
const OBJECTS: ObjectRef[] = [
  ref('v1', 'ConfigMap', 'kubeadm-config', 'kube-system'),
  ref(RBAC, 'Role', 'kubeadm:nodes-kubeadm-config', 'kube-system'),
  ref(RBAC, 'RoleBinding', 'kubeadm:nodes-kubeadm-config', 'kube-system'),
  ref('v1', 'ConfigMap', 'kubelet-config', 'kube-system'),
  ref(RBAC, 'Role', 'kubeadm:kubelet-config', 'kube-system'),
  ref(RBAC, 'RoleBinding', 'kubeadm:kubelet-config', 'kube-system'),
  ref('v1', 'Secret', 'kubeadm-certs', 'kube-system'),
  ref(RBAC, 'Role', 'kubeadm:kubeadm-certs', 'kube-system'),
  ref(RBAC, 'RoleBinding', 'kubeadm:kubeadm-certs', 'kube-system'),
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
  ref('v1', 'ConfigMap', 'coredns', 'kube-system'),
  ref(RBAC, 'ClusterRole', 'system:coredns'),
  ref(RBAC, 'ClusterRoleBinding', 'system:coredns'),
  ref('v1', 'ServiceAccount', 'coredns', 'kube-system'),
  ref('apps/v1', 'Deployment', 'coredns', 'kube-system'),
  ref('v1', 'Service', 'kube-dns', 'kube-system'),
  ref('v1', 'ConfigMap', 'kube-proxy', 'kube-system'),
  ref('apps/v1', 'DaemonSet', 'kube-proxy', 'kube-system'),
  ref('v1', 'ServiceAccount', 'kube-proxy', 'kube-system'),
  ref(RBAC, 'ClusterRoleBinding', 'kubeadm:node-proxier'),
  ref(RBAC, 'Role', 'kube-proxy', 'kube-system'),
  ref(RBAC, 'RoleBinding', 'kube-proxy', 'kube-system'),
];

function strip(o: KubeObject, server: string): KubeObject {
  const c = JSON.parse(JSON.stringify(o).split(server).join('https://SERVER')) as KubeObject;
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) delete c.metadata[k];
  delete c['status'];
  if (c.metadata.annotations && Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  return c;
}

interface Snapshot {
  node: KubeObject;
  objects: Map<string, KubeObject>;
  certs: Map<string, string>;
  certsOwnerData: Record<string, string>;
  tokenExpiration: string;
}

async function snapshot(client: KubeClient, server: string): Promise<Snapshot> {
  const objects = new Map<string, KubeObject>();
  for (const r of OBJECTS) {
    const o = await client.get(r);
    expect(o, `${r.kind} ${r.name}`).toBeDefined();
    objects.set(`${r.kind}/${r.namespace ?? ''}/${r.name}`, strip(o!, server));
  }
  // the kubeadm-certs values are sealed with random nonces: compare what they decrypt to
  const certsSecret = objects.get('Secret/kube-system/kubeadm-certs') as SecretObject;
  const certs = new Map([...decryptKubeadmCertsSecret(certsSecret, CERT_KEY)].map(([k, v]) => [k, v.toString('base64')]));
  const ownerName = certsSecret.metadata.ownerReferences![0]!.name;
  const owner = (await client.get<SecretObject>(ref('v1', 'Secret', ownerName, 'kube-system')))!;
  const ownerData = Object.fromEntries(Object.entries(owner.data!).map(([k, v]) => [k, Buffer.from(v!, 'base64').toString()]));
  certsSecret.data = Object.fromEntries(Object.keys(certsSecret.data!).map((k) => [k, 'SEALED']));
  certsSecret.metadata.ownerReferences = certsSecret.metadata.ownerReferences!.map((r) => ({ ...r, name: 'OWNER', uid: 'UID' }));
  const token = objects.get('Secret/kube-system/bootstrap-token-abcdef') as SecretObject;
  const tokenExpiration = Buffer.from(token.data!['expiration']!, 'base64').toString();
  token.data!['expiration'] = 'EXPIRATION';
  return {
    node: strip((await client.get(ref('v1', 'Node', NODE)))!, server),
    objects,
    certs,
    certsOwnerData: { ...ownerData, 'token-id': 'ID', 'token-secret': 'SECRET', expiration: 'EXP' },
    tokenExpiration,
  };
}

async function freshControlPlane(name: string): Promise<{ cp: ControlPlane; client: KubeClient }> {
  const cp = await startControlPlane({ pkiDir: pki, workDir: join(dir, name) });
  const client = await createKubeClient({ kubeconfig: readFileSync(cp.adminKubeconfig, 'utf8') });
  // a registered Node, as the kubelet would have created it
  await client.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } } });
  return { cp, client };
}

describe('KubeClient against a real kube-apiserver', () => {
  let cp: ControlPlane;
  let client: KubeClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsk-kube-'));
    pki = join(dir, 'pki');
    await generatePki(pki, ADVERTISE);
    writeFileSync(join(dir, 'kubeadm.yaml'), kubeadmConfig());
    cp = await startControlPlane({ pkiDir: pki, workDir: join(dir, 'basic') });
    client = await createKubeClient({ kubeconfig: readFileSync(cp.adminKubeconfig, 'utf8') });
  });

  afterAll(async () => {
    await cp?.stop();
  });

  it('creates, reads, replaces, lists and deletes', async () => {
    const key = ref('v1', 'ConfigMap', 'tsk-test', 'default');
    expect(await client.get(key)).toBeUndefined();
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tsk-test', namespace: 'default', labels: { app: 'tsk' } }, data: { a: '1' } });
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tsk-test', namespace: 'default', labels: { app: 'tsk' } }, data: { a: '2' } });
    const got = await client.get<ConfigMapObject>(key);
    expect(got!.data).toEqual({ a: '2' });
    expect(got!.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await client.list('v1', 'ConfigMap', 'default', { labelSelector: 'app=tsk' });
    expect(listed.map((o) => o.metadata.name)).toEqual(['tsk-test']);
    expect(listed[0]!.kind).toBe('ConfigMap');
    expect(await client.delete(key)).toBe(true);
    expect(await client.delete(key)).toBe(false);
  });

  it('finds kinds outside its table through discovery', async () => {
    const pc = await client.get(ref('scheduling.k8s.io/v1', 'PriorityClass', 'system-node-critical'));
    expect(pc!['value']).toBe(2000001000);
  });

  it('reports API errors with the object, the status and the server message', async () => {
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid', namespace: 'default' } };
    const e = (await client.create(bad).catch((x: unknown) => x)) as Error & { status?: number };
    expect(e.status).toBe(422);
    expect(e.message).toMatch(/^unable to create ConfigMap "default\/Not_Valid": 422 Invalid: ConfigMap "Not_Valid" is invalid/);
    const nf = await client.update({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'absent', namespace: 'default' } }).catch((x: unknown) => x);
    expect(isNotFound(nf)).toBe(true);
  });

  it('bootstraps admin.conf: Forbidden at first, then kubeadm:cluster-admins is created with super-admin.conf', async () => {
    const kdir = join(dir, 'admin-kubeconfig');
    await run(labBinary('kubeadm'), [
      'init', 'phase', 'kubeconfig', 'admin',
      // an explicit version: otherwise kubeadm asks dl.k8s.io for "stable-1" (a DNS query, network traffic)
      `--kubernetes-version=${KUBERNETES_VERSION}`,
      `--cert-dir=${pki}`,
      `--kubeconfig-dir=${kdir}`,
      `--control-plane-endpoint=${cp.server.replace('https://', '')}`,
    ]);
    const admin = await createKubeClient({ kubeconfig: readFileSync(join(kdir, 'admin.conf'), 'utf8') });
    const crb = ref(RBAC, 'ClusterRoleBinding', 'kubeadm:cluster-admins');
    await expect(admin.get(crb)).rejects.toThrow(/403 Forbidden/);
    expect(await ensureAdminClusterRoleBinding(admin, undefined, { timeoutMs: 5_000 }).catch((e: Error) => e.message)).toBe(
      'the ClusterRoleBinding for the kubeadm:cluster-admins Group is missing but there is no super-admin.conf to create it',
    );
    const use = await ensureAdminClusterRoleBinding(admin, client, { timeoutMs: 10_000 });
    expect(use).toBe(admin);
    const stored = await admin.get(crb);
    expect(stored!['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
    expect(stored!['subjects']).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }]);
    // a second run finds it with admin.conf alone
    expect(await ensureAdminClusterRoleBinding(admin, undefined)).toBe(admin);
  });

  // ---- the transport: every way join's discovery and kubeadm's kubeconfigs reach the API ----

  /** who the API server says the client is (SelfSubjectReview: allowed for every authenticated user) */
  async function whoAmI(c: KubeClient): Promise<{ username: string; groups: string[] }> {
    const r = await c.create<KubeObject>({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { name: '' } });
    return (r['status'] as { userInfo: { username: string; groups: string[] } }).userInfo;
  }
  const certCN = (pem: string) => /CN=([^\n]+)/.exec(new X509Certificate(pem).subject)![1]!;

  /** the public cluster-info ConfigMap and the Role/RoleBinding letting anonymous read it, as kubeadm's bootstrap-token phase makes them */
  async function publishClusterInfo(): Promise<void> {
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig: 'x' } });
    await client.apply({
      apiVersion: RBAC, kind: 'Role', metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: 'kube-public' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] }],
    });
    await client.apply({
      apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: 'kube-public' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeadm:bootstrap-signer-clusterinfo' },
      subjects: [{ kind: 'User', name: 'system:anonymous' }],
    });
  }
  const clusterInfo = ref('v1', 'ConfigMap', 'cluster-info', 'kube-public');

  it("anonymous with TLS verification off (kubeadm's first cluster-info fetch)", async () => {
    await publishClusterInfo();
    const insecure = await createKubeClient({ server: cp.server, insecureSkipTLSVerify: true });
    expect((await insecure.get<ConfigMapObject>(clusterInfo))!.data).toEqual({ kubeconfig: 'x' });
    // anonymous really: anything else is forbidden to system:anonymous
    await expect(insecure.get(ref('v1', 'Namespace', 'default'))).rejects.toThrow(/403 Forbidden: namespaces "default" is forbidden: User "system:anonymous"/);
  });

  it('anonymous verified against a pinned CA given as PEM bytes; another CA is refused', async () => {
    await publishClusterInfo();
    const pinned = await createKubeClient({ server: cp.server, caData: Buffer.from(cp.caPem) });
    expect((await pinned.get<ConfigMapObject>(clusterInfo))!.data).toEqual({ kubeconfig: 'x' });
    const otherPki = join(dir, 'other-pki');
    await generatePki(otherPki, ADVERTISE);
    const wrong = await createKubeClient({ server: cp.server, caData: readFileSync(join(otherPki, 'ca.crt')) });
    await expect(wrong.get(clusterInfo)).rejects.toThrow(/unable to get ConfigMap "kube-public\/cluster-info": .*(certificate|self.signed|verify)/i);
  });

  it('bearer token: a bootstrap token authenticates as system:bootstrap:<id> (tls-bootstrap-token-user)', async () => {
    await client.apply({
      apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
      metadata: { name: 'bootstrap-token-tskxyz', namespace: 'kube-system' },
      stringData: { 'token-id': 'tskxyz', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token' },
    });
    const tokenClient = await createKubeClient({ server: cp.server, caData: cp.caPem, token: 'tskxyz.0123456789abcdef' });
    const me = await whoAmI(tokenClient);
    expect(me.username).toBe('system:bootstrap:tskxyz');
    expect(me.groups).toContain('system:bootstrappers:kubeadm:default-node-token');
    // the same credentials as a kubeconfig (kubeadm's CreateWithToken shape)
    const kc = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(cp.caPem).toString('base64')}
    server: ${cp.server}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: tls-bootstrap-token-user
  name: tls-bootstrap-token-user@kubernetes
current-context: tls-bootstrap-token-user@kubernetes
kind: Config
users:
- name: tls-bootstrap-token-user
  user:
    token: tskxyz.0123456789abcdef
`;
    expect((await whoAmI(await createKubeClient({ kubeconfig: kc }))).username).toBe('system:bootstrap:tskxyz');
    const bad = await createKubeClient({ server: cp.server, caData: cp.caPem, token: 'tskxyz.ffffffffffffffff' });
    await expect(whoAmI(bad)).rejects.toThrow(/401 Unauthorized/);
  });

  it('client certificate and key from FILES under --rootfs (kubelet.conf), and tokenFile', async () => {
    const root = join(dir, 'rootfs');
    mkdirSync(join(root, 'var/lib/kubelet/pki'), { recursive: true });
    mkdirSync(join(root, 'etc/kubernetes'), { recursive: true });
    writeFileSync(join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'), cp.clientCertPem + cp.clientKeyPem);
    chmodSync(join(root, 'var/lib/kubelet/pki/kubelet-client-current.pem'), 0o600);
    const pem = '/var/lib/kubelet/pki/kubelet-client-current.pem';
    const kubeletConf = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(cp.caPem).toString('base64')}
    server: ${cp.server}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:n1
  name: system:node:n1@kubernetes
current-context: system:node:n1@kubernetes
kind: Config
users:
- name: system:node:n1
  user:
    client-certificate: ${pem}
    client-key: ${pem}
`;
    writeFileSync(join(root, 'etc/kubernetes/kubelet.conf'), kubeletConf);
    const host = new NodeHost({ rootfs: root });
    const fromFiles = await loadKubeClient(host, '/etc/kubernetes/kubelet.conf');
    expect((await whoAmI(fromFiles)).username).toBe(certCN(cp.clientCertPem));
    // the same file paths outside the rootfs do not exist: a clear error naming file, path and user
    await expect(loadKubeClient(new NodeHost(), join(root, 'etc/kubernetes/kubelet.conf'))).rejects.toThrow(
      /kubelet\.conf: invalid configuration: \[unable to read client-cert \/var\/lib\/kubelet\/pki\/kubelet-client-current\.pem for system:node:n1 due to/,
    );

    // tokenFile: a bootstrap token in a file under the rootfs
    await client.apply({
      apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token',
      metadata: { name: 'bootstrap-token-tskfil', namespace: 'kube-system' },
      stringData: { 'token-id': 'tskfil', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true' },
    });
    writeFileSync(join(root, 'etc/kubernetes/token'), 'tskfil.0123456789abcdef\n');
    writeFileSync(join(root, 'etc/kubernetes/token.conf'), kubeletConf.replace(`client-certificate: ${pem}\n    client-key: ${pem}`, 'tokenFile: /etc/kubernetes/token'));
    expect((await whoAmI(await loadKubeClient(host, '/etc/kubernetes/token.conf'))).username).toBe('system:bootstrap:tskfil');
  });

  it('relative credential paths resolve against the working directory, as upstream kubeadm resolves them', async () => {
    // the kubeconfig in one directory, the credentials relative to ANOTHER one, the working directory
    const kdir = join(dir, 'relative-kc');
    const wd = join(dir, 'relative-wd');
    mkdirSync(kdir, { recursive: true });
    mkdirSync(join(wd, 'creds'), { recursive: true });
    writeFileSync(join(wd, 'creds/admin.crt'), cp.clientCertPem);
    writeFileSync(join(wd, 'creds/admin.key'), cp.clientKeyPem);
    const kc = join(kdir, 'admin.conf');
    writeFileSync(kc, `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(cp.caPem).toString('base64')}
    server: ${cp.server}
  name: kubernetes
contexts:
- context: {cluster: kubernetes, user: admin}
  name: admin
current-context: admin
kind: Config
users:
- name: admin
  user:
    client-certificate: creds/admin.crt
    client-key: creds/admin.key
`);
    const kubeadm = labBinary('kubeadm');
    const env = { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '', http_proxy: '', https_proxy: '', no_proxy: '' };
    // upstream: works from wd, fails from the kubeconfig's own directory
    await run(kubeadm, ['token', 'list', '--kubeconfig', kc], { cwd: wd, env });
    const upstreamErr = (await run(kubeadm, ['token', 'list', '--kubeconfig', kc], { cwd: kdir, env }).catch((e: { stderr: string }) => e)) as { stderr: string };
    expect(upstreamErr.stderr).toContain('invalid configuration: [unable to read client-cert creds/admin.crt for admin due to open creds/admin.crt: no such file or directory, unable to read client-key creds/admin.key for admin due to');
    const before = process.cwd();
    try {
      process.chdir(wd);
      expect((await whoAmI(await loadKubeClient(new NodeHost(), kc))).username).toBe(certCN(cp.clientCertPem));
      process.chdir(kdir);
      const ours = ((await loadKubeClient(new NodeHost(), kc).catch((e: Error) => e)) as Error).message;
      // the same problems in the same words up to the OS error text
      const words = (m: string) => [...m.matchAll(/unable to read (\S+ \S+ for \S+) due to/g)].map((x) => x[1]);
      expect(words(ours)).toEqual(words(upstreamErr.stderr));
      expect(words(ours)).toEqual(['client-cert creds/admin.crt for admin', 'client-key creds/admin.key for admin']);
    } finally {
      process.chdir(before);
    }
  });

  it('auth-provider is refused as upstream kubeadm refuses it', async () => {
    const kc = join(dir, 'auth-provider.conf');
    writeFileSync(kc, `apiVersion: v1
clusters:
- cluster: {server: '${cp.server}', certificate-authority-data: ${Buffer.from(cp.caPem).toString('base64')}}
  name: c
contexts:
- context: {cluster: c, user: u}
  name: x
current-context: x
kind: Config
users:
- name: u
  user:
    auth-provider: {name: oidc, config: {client-id: a, idp-issuer-url: 'https://127.0.0.1:2'}}
`);
    const upstream = (await run(labBinary('kubeadm'), ['token', 'list', '--kubeconfig', kc]).catch((e: { stderr: string }) => e)) as { stderr: string };
    const m = /failed to create API client: (.*)/.exec(upstream.stderr);
    expect(m?.[1]).toBe('no Auth Provider found for name "oidc"');
    await expect(loadKubeClient(new NodeHost(), kc)).rejects.toThrow(`${kc}: user "u": ${m![1]}`);
  });

  it('an exec credential plugin (run through the host layer) gives the client certificate', async () => {
    const root = join(dir, 'rootfs-exec');
    mkdirSync(join(root, 'etc/kubernetes'), { recursive: true });
    const out = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: cp.clientCertPem, clientKeyData: cp.clientKeyPem } });
    writeFileSync(join(dir, 'cred.json'), out);
    const plugin = join(dir, 'cred-plugin.sh');
    // the plugin checks it was told what client-go tells it
    writeFileSync(plugin, `#!/bin/sh\ncase "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 7 ;; esac\nexec cat ${join(dir, 'cred.json')}\n`);
    chmodSync(plugin, 0o755);
    const kc = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(cp.caPem).toString('base64')}
    server: ${cp.server}
  name: kubernetes
contexts:
- context: {cluster: kubernetes, user: plugged}
  name: plugged
current-context: plugged
kind: Config
users:
- name: plugged
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${plugin}
      interactiveMode: Never
`;
    const viaPlugin = await createKubeClient({ kubeconfig: kc, host: new NodeHost() });
    expect((await whoAmI(viaPlugin)).username).toBe(certCN(cp.clientCertPem));
  });

  it('reports an unreachable server as a connection error', async () => {
    const dead = await createKubeClient({ kubeconfig: readFileSync(cp.adminKubeconfig, 'utf8'), server: 'https://127.0.0.1:1' });
    await expect(dead.get(ref('v1', 'Namespace', 'default'))).rejects.toThrow(/unable to get Namespace "default": ECONNREFUSED/);
  });
});

describe('init cluster phases: parity with upstream kubeadm v1.37.2', () => {
  let upstream: Snapshot;
  let ours: Snapshot;
  let clusterConfigurationText: string;
  let kubeletText: string;

  beforeAll(async () => {
    dir ??= mkdtempSync(join(tmpdir(), 'tsk-kube-'));
    // 1. upstream kubeadm's phases against a fresh control plane
    {
      const { cp, client } = await freshControlPlane('upstream');
      try {
        const kubeadm = labBinary('kubeadm');
        const cfg = join(dir, 'kubeadm.yaml');
        const common = ['--config', cfg, '--kubeconfig', cp.adminKubeconfig];
        for (const args of [
          ['init', 'phase', 'upload-config', 'all', ...common],
          ['init', 'phase', 'upload-certs', '--upload-certs', ...common],
          ['init', 'phase', 'bootstrap-token', ...common],
          ['init', 'phase', 'addon', 'all', ...common],
        ]) {
          await run(kubeadm, args, { env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '', http_proxy: '', https_proxy: '', no_proxy: '' } });
        }
        upstream = await snapshot(client, cp.server);
        const cm = (await client.get<ConfigMapObject>(ref('v1', 'ConfigMap', 'kubeadm-config', 'kube-system')))!;
        clusterConfigurationText = cm.data!['ClusterConfiguration']!;
        const kcm = (await client.get<ConfigMapObject>(ref('v1', 'ConfigMap', 'kubelet-config', 'kube-system')))!;
        kubeletText = kcm.data!['kubelet']!;
      } finally {
        await cp.stop();
      }
    }
    // 2. ours against another fresh control plane with the same PKI
    {
      const { cp, client } = await freshControlPlane('ours');
      try {
        const out = memoryOutput();
        const now = new Date();
        await uploadKubeadmConfig(client, out, clusterConfigurationText);
        await uploadKubeletConfig(client, out, kubeletText, { userSupplied: false });
        await uploadCerts(client, diskHost, out, {
          cluster: cluster(),
          certificateKey: CERT_KEY,
          generateToken: () => 'q1w2e3.r4t5y6u7i8o9p0as',
          now,
        });
        await markControlPlane(client, out, NODE, null);
        await runBootstrapToken(client, out, {
          tokens: [
            {
              token: 'abcdef.0123456789abcdef',
              description: 'integration',
              ttl: '24h0m0s',
              usages: ['signing', 'authentication'],
              groups: ['system:bootstrappers:kubeadm:default-node-token'],
            },
          ],
          skipTokenPrint: false,
          adminKubeconfig: readFileSync(cp.adminKubeconfig, 'utf8'),
          now,
        });
        await ensureCoreDNS(client, out, cluster());
        const userConfig = load(KUBE_PROXY_DOC) as Record<string, unknown>;
        await ensureKubeProxy(client, out, { cluster: cluster(), localAPIEndpoint: { advertiseAddress: ADVERTISE, bindPort: 6443 }, userConfig, env: {} });
        ours = await snapshot(client, cp.server);
        // re-running is idempotent (everything now takes the update path)
        await uploadKubeadmConfig(client, out, clusterConfigurationText);
        await ensureCoreDNS(client, out, cluster());
        await ensureKubeProxy(client, out, { cluster: cluster(), localAPIEndpoint: { advertiseAddress: ADVERTISE, bindPort: 6443 }, env: {} });
        await markControlPlane(client, out, NODE, null);
      } finally {
        await cp.stop();
      }
    }
  }, 240_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const r of OBJECTS) {
    const key = `${r.kind}/${r.namespace ?? ''}/${r.name}`;
    it(`${key} is stored exactly as upstream stores it`, () => {
      expect(ours.objects.get(key)).toEqual(upstream.objects.get(key));
    });
  }

  it('kubeadm-certs decrypts to the same files, owned by a token Secret of the same shape', () => {
    expect(ours.certs).toEqual(upstream.certs);
    expect([...ours.certs.keys()].sort()).toEqual(
      ['ca.crt', 'ca.key', 'etcd-ca.crt', 'etcd-ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.key', 'sa.pub'],
    );
    expect(ours.certsOwnerData).toEqual(upstream.certsOwnerData);
  });

  // upstream's mark-control-plane phase only talks to /etc/kubernetes/admin.conf, so the Node is
  // checked against kubeadm's documented result instead
  it('the Node carries the control-plane labels and taint', () => {
    expect(ours.node.metadata.labels).toEqual({
      'kubernetes.io/hostname': NODE,
      'node-role.kubernetes.io/control-plane': '',
      'node.kubernetes.io/exclude-from-external-load-balancers': '',
    });
    // the API server's admission added not-ready when the Node was created; kubeadm keeps existing
    // taints after its own
    expect(ours.node['spec']).toEqual({
      taints: [
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      ],
    });
    expect(upstream.node.metadata.labels).toEqual({ 'kubernetes.io/hostname': NODE });
  });

  it('the bootstrap token expires 24 h from now', () => {
    for (const s of [ours, upstream]) {
      const ms = Date.parse(s.tokenExpiration) - Date.now();
      expect(ms).toBeGreaterThan(23 * 3600_000);
      expect(ms).toBeLessThanOrEqual(24 * 3600_000);
    }
  });
});
