// join's discovery against a real kube-apiserver whose real kube-controller-manager (bootstrapsigner,
// tokencleaner) signs kube-public/cluster-info, exactly as in a kubeadm cluster: the test creates
// the bootstrap-token Secrets, the cluster-info ConfigMap and its anonymous-read RBAC, and waits for
// the controller's signature. Nothing is faked; the JWS checked is the one upstream's signer made.
// The unreachable endpoint is an address inside a network namespace this test makes (root needed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generatePkiWithKubeadm, labBinary, startControlPlane, type ControlPlane } from '../lab/fixture/controlplane.js';
import { createTestNetns, type TestNetns } from '../lab/fixture/netns.js';
import { discover, transportKubeconfig, type DiscoveryDeps } from '../../src/discovery/index.js';
import { buildInsecureBootstrapKubeConfig, buildSecureBootstrapKubeConfig } from '../../src/discovery/token.js';
import type { Discovery } from '../../src/config/types.js';
import { createKubeClient, type KubeClient } from '../../src/kube/client.js';
import { NodeHost } from '../../src/host/node-host.js';
import {
  bootstrapTokenSecret,
  clusterInfoConfigMap,
  clusterInfoKubeconfig,
  clusterInfoRole,
  clusterInfoRoleBinding,
} from '../../src/kube/objects/bootstraptoken.js';
import type { ConfigMapObject } from '../../src/kube/types.js';
import { loadClientConfig, writeClientConfig } from '../../src/kubeconfig/clientcmd.js';
import { memoryOutput } from '../../src/output.js';
import { caCertPin } from '../../src/pki/pin.js';

const TOKEN = 'abcdef.0123456789abcdef';
const OTHER_TOKEN = 'qwerty.0123456789abcdef'; // signed too: cluster-info carries two signatures
const EXPIRED_TOKEN = 'zzzzzz.0123456789abcdef';
const UNKNOWN_TOKEN = 'nnnnnn.0123456789abcdef';

let dir: string;
let cp: ControlPlane;
let admin: KubeClient;
let netns: TestNetns;
let endpoint: string;
let pin: string;

const host = new NodeHost();
const inputs: DiscoveryDeps['inputs'] = { readFile: (p) => host.readFile(p), httpGet: (u, o) => host.httpGet(u, o), env: (n) => host.env(n) };

function deps(out = memoryOutput(1), retryIntervalMs?: number): DiscoveryDeps {
  return { out, inputs, ...(retryIntervalMs ? { retryIntervalMs } : {}) };
}

function tokenDiscovery(token: string, hashes: string[], ep = endpoint): Discovery {
  return { bootstrapToken: { token, apiServerEndpoint: ep, caCertHashes: hashes, unsafeSkipCAVerification: hashes.length === 0 }, tlsBootstrapToken: token };
}

const clusterInfoRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsk-discovery-'));
  await generatePkiWithKubeadm(join(dir, 'pki'));
  cp = await startControlPlane({ pkiDir: join(dir, 'pki'), workDir: join(dir, 'cp'), controllers: ['bootstrapsigner', 'tokencleaner'] });
  endpoint = cp.server.replace(/^https:\/\//, '');
  pin = caCertPin(cp.caPem);
  admin = await createKubeClient({ kubeconfig: readFileSync(cp.adminKubeconfig, 'utf8') });
  // what kubeadm init's bootstrap-token phase creates
  const now = new Date();
  for (const token of [TOKEN, OTHER_TOKEN]) {
    await admin.create(bootstrapTokenSecret({ token, usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] }, now));
  }
  await admin.create(bootstrapTokenSecret({ token: EXPIRED_TOKEN, expires: new Date(now.getTime() - 3600_000).toISOString(), usages: ['signing', 'authentication'] }, now));
  await admin.create(clusterInfoConfigMap(clusterInfoKubeconfig(readFileSync(cp.adminKubeconfig, 'utf8'))));
  await admin.create(clusterInfoRole());
  await admin.create(clusterInfoRoleBinding());
  // the controller-manager signs cluster-info for the two live tokens
  const deadline = Date.now() + 60_000;
  for (;;) {
    const cm = await admin.get<ConfigMapObject>(clusterInfoRef);
    if (cm?.data?.['jws-kubeconfig-abcdef'] && cm.data['jws-kubeconfig-qwerty']) break;
    if (Date.now() > deadline) throw new Error(`cluster-info was not signed: ${JSON.stringify(cm?.data)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  netns = createTestNetns('disc');
}, 180_000);

afterAll(async () => {
  netns?.remove();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('token discovery against a real API server', () => {
  it('with the right CA hash: the TLS bootstrap kubeconfig for the real cluster', async () => {
    const out = memoryOutput(1);
    const res = await discover({ discovery: tokenDiscovery(TOKEN, [pin]), timeoutMs: 30_000 }, deps(out));
    const cluster = res.config.clusters.get('kubernetes')!;
    expect(cluster.server).toBe(cp.server); // from the signed cluster-info
    expect(Buffer.from(cluster.certificateAuthorityData!).toString()).toBe(cp.caPem);
    expect(res.config.users.get('tls-bootstrap-token-user')).toEqual({ token: TOKEN });
    expect(res.config.currentContext).toBe('tls-bootstrap-token-user@kubernetes');
    expect(out.errLines).toContain(
      `I [discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server "${endpoint}"`,
    );
    expect(out.errLines.find((l) => l.includes('Using CA certificate from discovery kubeconfig'))).toContain(`\tHash: ${pin}`);
    // the kubeconfig works: the server knows the caller as the bootstrap token's user (which, as in a
    // kubeadm cluster, may not read cluster-info: only anonymous may)
    const client = await createKubeClient({ kubeconfig: writeClientConfig(res.config) });
    await expect(client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' })).rejects.toThrow(
      'User "system:bootstrap:abcdef" cannot get resource "configmaps"',
    );
  });

  it('writes bootstrap-kubelet.conf byte for byte as upstream kubeadm does, with the same --v=1 CA summary', async () => {
    // upstream: `kubeadm join phase kubelet-start --dry-run` discovers through the same endpoint (its
    // dry-run client reads the real cluster-info) and writes the file into KUBEADM_JOIN_DRYRUN_DIR
    const dryDir = join(dir, 'upstream-dry');
    const up = await promisify(execFile)(
      labBinary('kubeadm'),
      ['join', 'phase', 'kubelet-start', endpoint, '--token', TOKEN, '--discovery-token-ca-cert-hash', pin, '--dry-run', '--node-name', 'disc-node', '--cri-socket', 'unix:///run/tsk-disc-none.sock', '--v=1'],
      { env: { ...process.env, KUBEADM_JOIN_DRYRUN_DIR: dryDir }, maxBuffer: 1 << 24 },
    ).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
    const upstreamFile = readFileSync(join(dryDir, 'bootstrap-kubelet.conf'), 'utf8');
    const out = memoryOutput(1);
    const res = await discover({ discovery: tokenDiscovery(TOKEN, [pin]), timeoutMs: 30_000 }, deps(out));
    expect(writeClientConfig(res.config)).toBe(upstreamFile);
    // the CA summary: klog prints the message after its header on the first line
    const upInfo = /\] (\[discovery\] Using CA certificate from discovery kubeconfig:\n(?:.*\n)*?\tHash: \S+)/.exec(up.stderr)?.[1];
    expect(upInfo, up.stderr).toBeDefined();
    expect(out.errLines).toContain(`I ${upInfo}`);
  });

  it('several hashes, one of them right, and the second signed token', async () => {
    await discover({ discovery: tokenDiscovery(OTHER_TOKEN, ['sha256:' + '00'.repeat(32), pin]), timeoutMs: 30_000 }, deps());
  });

  it('with a wrong CA hash: refused, naming the CA key hash it found', async () => {
    const wrong = 'sha256:' + '12'.repeat(32);
    await expect(discover({ discovery: tokenDiscovery(TOKEN, [wrong]), timeoutMs: 30_000 }, deps())).rejects.toThrow(
      `couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${pin}" are pinned`,
    );
  });

  it('an unknown token and an expired one: no signature in cluster-info until the timeout', async () => {
    for (const [token, id] of [
      [UNKNOWN_TOKEN, 'nnnnnn'],
      [EXPIRED_TOKEN, 'zzzzzz'],
    ] as const) {
      const out = memoryOutput(1);
      await expect(discover({ discovery: tokenDiscovery(token, [pin]), timeoutMs: 2_500 }, deps(out, 1_000))).rejects.toThrow(
        `couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`,
      );
      expect(out.errLines.filter((l) => l.startsWith('I [discovery] Retrying due to error')).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('without a hash (unsafe skip): the signed cluster-info is trusted as it is', async () => {
    const res = await discover({ discovery: tokenDiscovery(TOKEN, []), timeoutMs: 30_000 }, deps());
    expect(Buffer.from(res.config.clusters.get('kubernetes')!.certificateAuthorityData!).toString()).toBe(cp.caPem);
  });

  it('an endpoint where nothing listens fails naming it, once the configured timeout is over', async () => {
    const dead = `${netns.address}:6443`;
    const t0 = Date.now();
    const out = memoryOutput(1);
    const err = await discover({ discovery: tokenDiscovery(TOKEN, [pin], dead), timeoutMs: 3_000 }, deps(out, 1_000)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const elapsed = Date.now() - t0;
    expect(err?.message).toMatch(/^couldn't validate the identity of the API Server: failed to request the cluster-info ConfigMap: /);
    expect(err?.message).toContain(dead);
    // it retried until the timeout rather than giving up at the first refusal
    expect(out.errLines.filter((l) => l.startsWith('I [discovery] Retrying due to error') && l.includes(dead))).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    // and no request outlived it by more than kubeadm's 10 s request timeout (no hang)
    expect(elapsed).toBeLessThan(3_000 + 10_000);
  });
});

describe('the discovery clients’ TLS', () => {
  const get = async (kubeconfig: string) =>
    (await createKubeClient({ kubeconfig, requestTimeoutMs: 5_000 })).get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' });

  it('the pinned client verifies the server against the pinned CA only', async () => {
    const right = transportKubeconfig(buildSecureBootstrapKubeConfig(endpoint, Buffer.from(cp.caPem), 'kubernetes'));
    expect(await get(right)).toBeDefined();
    const otherCa = readFileSync(join(dir, 'pki', 'front-proxy-ca.crt'));
    const wrong = transportKubeconfig(buildSecureBootstrapKubeConfig(endpoint, otherCa, 'kubernetes'));
    await expect(get(wrong)).rejects.toThrow(/certificate|verify/i);
  });

  it('the first client reads without verifying and without credentials (anonymous)', async () => {
    expect(await get(transportKubeconfig(buildInsecureBootstrapKubeConfig(endpoint)))).toBeDefined();
    // anonymous: what the cluster-info Role does not grant is forbidden
    const c = await createKubeClient({ kubeconfig: transportKubeconfig(buildInsecureBootstrapKubeConfig(endpoint)) });
    await expect(c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' })).rejects.toThrow(/Forbidden.*system:anonymous/);
  });
});

describe('file discovery against a real API server', () => {
  it('a kubeconfig file with the token as credentials and the CA as a file', async () => {
    const caFile = join(dir, 'disc-ca.crt');
    writeFileSync(caFile, cp.caPem);
    const file = join(dir, 'discovery.conf');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n    server: ${cp.server}\n    certificate-authority: ${caFile}\n` +
        `contexts:\n- name: lab\n  context:\n    cluster: lab\n    user: joiner\ncurrent-context: lab\nusers:\n- name: joiner\n  user:\n    token: ${TOKEN}\n`,
    );
    const out = memoryOutput(1);
    const res = await discover({ discovery: { file: { kubeConfigPath: file }, tlsBootstrapToken: '' }, timeoutMs: 30_000 }, deps(out));
    const text = writeClientConfig(res.config);
    const back = loadClientConfig(text);
    expect(Buffer.from(back.clusters.get('lab')!.certificateAuthorityData!).toString()).toBe(cp.caPem);
    expect(back.clusters.get('lab')!.certificateAuthority).toBeUndefined();
    expect(back.users.get('joiner')).toEqual({ token: TOKEN });
    expect(out.errLines).toContain('I [discovery] Using authentication credentials from the discovery file for validating TLS connection');
  });

  it('an HTTPS URL: verified against the trust store (SSL_CERT_FILE, else the system bundle); a non-200 answer is refused', async () => {
    const caFile = join(dir, 'trust.pem');
    writeFileSync(caFile, cp.caPem);
    const url = `${cp.server}/no-such-discovery-file`;
    const trusting: DiscoveryDeps['inputs'] = { ...inputs!, env: (n) => (n === 'SSL_CERT_FILE' ? caFile : undefined) };
    await expect(discover({ discovery: { file: { kubeConfigPath: url }, tlsBootstrapToken: TOKEN }, timeoutMs: 5_000 }, { out: memoryOutput(1), inputs: trusting })).rejects.toThrow(
      new RegExp(`^couldn't validate the identity of the API Server: error trying to fetch discovery kubeconfig over HTTPS from ${url}, received status 40[34]$`),
    );
    // the system bundle does not know the lab's CA: the download itself fails, naming the URL
    const system: DiscoveryDeps['inputs'] = { ...inputs!, env: () => undefined };
    await expect(discover({ discovery: { file: { kubeConfigPath: url }, tlsBootstrapToken: TOKEN }, timeoutMs: 5_000 }, { out: memoryOutput(1), inputs: system })).rejects.toThrow(
      `couldn't validate the identity of the API Server: Get "${url}": `,
    );
  });

  it('a file whose CA is not the server’s: the TLS check fails until the timeout', async () => {
    const file = join(dir, 'wrong-ca.conf');
    const otherCa = readFileSync(join(dir, 'pki', 'front-proxy-ca.crt'));
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster:\n    server: ${cp.server}\n    certificate-authority-data: ${otherCa.toString('base64')}\n` +
        `contexts:\n- name: lab\n  context:\n    cluster: lab\n    user: joiner\ncurrent-context: lab\nusers:\n- name: joiner\n  user:\n    token: ${TOKEN}\n`,
    );
    await expect(discover({ discovery: { file: { kubeConfigPath: file }, tlsBootstrapToken: '' }, timeoutMs: 2_000 }, deps(memoryOutput(1), 1_000))).rejects.toThrow(
      /^couldn't validate the identity of the API Server: Abort reading the cluster-info ConfigMap after timeout of 2s: .*(certificate|self.signed|issuer)/i,
    );
  });
});
