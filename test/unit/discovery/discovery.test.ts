// join's discovery flow with injected API clients and clock. The cluster-info objects are upstream's:
// the kubeconfig and detached JWS of kubeadm's dry-run cluster-info (made by the real signer) and the
// CA hash kubeadm pairs with it, read from the pinned source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Discovery } from '../../../src/config/types.js';
import { discover, DRY_RUN_DISCOVERY, type DiscoveryDeps } from '../../../src/discovery/index.js';
import { computeDetachedSignature } from '../../../src/discovery/jws.js';
import type { KubeClient } from '../../../src/kube/base.js';
import { KubeStatusError } from '../../../src/kube/errors.js';
import type { ConfigMapObject, ObjectRef } from '../../../src/kube/types.js';
import { loadClientConfig, writeClientConfig } from '../../../src/kubeconfig/clientcmd.js';
import { memoryOutput } from '../../../src/output.js';
import { caCertPin } from '../../../src/pki/pin.js';
import { GOMODCACHE } from '../../helpers/go-oracle.js';

const KUBEADM = join(GOMODCACHE, 'k8s.io/kubernetes@v1.37.2/cmd/kubeadm/app');
const dryrunSrc = readFileSync(join(KUBEADM, 'util/apiclient/dryrun.go'), 'utf8');
const m = /func getClusterInfoConfigMap\(\)[\s\S]*?dedent\.Dedent\(`([\s\S]*?)`\)[\s\S]*?"abcdef": "([^"]+)"/.exec(dryrunSrc)!;
const UP_KUBECONFIG = m[1]!;
const UP_JWS = m[2]!;
const tokenSrc = readFileSync(join(KUBEADM, 'discovery/token/token.go'), 'utf8');
const UP_HASH = /caHash\s+= "([^"]+)"/.exec(tokenSrc)![1]!;
const UP_CA_PEM = loadClientConfig(UP_KUBECONFIG).clusters.get('')!.certificateAuthorityData!;
const TOKEN = 'abcdef.abcdef0123456789';
const OTHER_HASH = 'sha256:' + 'ab'.repeat(32);

function cm(data: Record<string, string>): ConfigMapObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data };
}
const signed = () => cm({ kubeconfig: UP_KUBECONFIG, 'jws-kubeconfig-abcdef': UP_JWS });

type Answer = ConfigMapObject | undefined | Error;

/** an API client that answers GETs of cluster-info from a script (last answer repeats) */
function scripted(answers: Answer[], log: ObjectRef[] = []): KubeClient {
  let i = 0;
  return {
    async get(ref: ObjectRef) {
      log.push(ref);
      const a = answers[Math.min(i++, answers.length - 1)];
      if (a instanceof Error) throw a;
      return a ? structuredClone(a) : undefined;
    },
  } as unknown as KubeClient;
}

interface Harness {
  deps: DiscoveryDeps;
  out: ReturnType<typeof memoryOutput>;
  kubeconfigs: string[];
  sleeps: number[];
}

function harness(clients: KubeClient[], extra: Partial<DiscoveryDeps> = {}): Harness {
  const out = memoryOutput(1);
  const kubeconfigs: string[] = [];
  const sleeps: number[] = [];
  let now = 0;
  let n = 0;
  const deps: DiscoveryDeps = {
    out,
    clock: { now: () => now, sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    } },
    clientFor: async (text) => {
      kubeconfigs.push(text);
      return clients[Math.min(n++, clients.length - 1)]!;
    },
    ...extra,
  };
  return { deps, out, kubeconfigs, sleeps };
}

function tokenDiscovery(over: Partial<NonNullable<Discovery['bootstrapToken']>> = {}, tls = TOKEN): Discovery {
  return {
    bootstrapToken: { token: TOKEN, apiServerEndpoint: '10.1.2.3:6443', caCertHashes: [UP_HASH], unsafeSkipCAVerification: false, ...over },
    tlsBootstrapToken: tls,
  };
}

describe('token discovery', () => {
  it('the upstream vectors agree with each other (signature over the kubeconfig, hash of its CA)', () => {
    expect(computeDetachedSignature(UP_KUBECONFIG, 'abcdef', 'abcdef0123456789')).toBe(UP_JWS);
    expect(caCertPin(UP_CA_PEM)).toBe(UP_HASH);
    expect(UP_HASH).toBe(DRY_RUN_DISCOVERY.caCertHash);
  });

  it('reads insecurely, pins the CA, reads again verified and returns the TLS bootstrap kubeconfig', async () => {
    const h = harness([scripted([signed()]), scripted([signed()])]);
    const res = await discover({ discovery: tokenDiscovery(), timeoutMs: 300_000 }, h.deps);
    // first client: TLS verification off, no credentials
    const first = loadClientConfig(h.kubeconfigs[0]!);
    expect(first.clusters.get('discovery')).toEqual({ server: 'https://10.1.2.3:6443', insecureSkipTLSVerify: true });
    expect([...first.users.values()]).toEqual([{}]);
    // second client: verified against the pinned CA, still no credentials
    const second = loadClientConfig(h.kubeconfigs[1]!);
    expect(second.clusters.get('discovery')).toEqual({ server: 'https://10.1.2.3:6443', certificateAuthorityData: Buffer.from(UP_CA_PEM) });
    expect([...second.users.values()]).toEqual([{}]);
    // the result: CreateWithToken(cluster-info's server, "kubernetes", "tls-bootstrap-token-user", CA, token)
    expect(writeClientConfig(res.config)).toBe(
      'apiVersion: v1\nclusters:\n- cluster:\n' +
        `    certificate-authority-data: ${Buffer.from(UP_CA_PEM).toString('base64')}\n` +
        '    server: https://192.168.0.101:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n' +
        '    user: tls-bootstrap-token-user\n  name: tls-bootstrap-token-user@kubernetes\ncurrent-context: tls-bootstrap-token-user@kubernetes\n' +
        `kind: Config\nusers:\n- name: tls-bootstrap-token-user\n  user:\n    token: ${TOKEN}\n`,
    );
    expect(h.out.errLines).toEqual(
      expect.arrayContaining([
        'I [discovery] Created cluster-info discovery client, requesting info from "10.1.2.3:6443"',
        'I [discovery] Waiting for the cluster-info ConfigMap to receive a JWS signature for token ID "abcdef"',
        'I [discovery] Requesting info from "10.1.2.3:6443" again to validate TLS against the pinned public key',
        'I [discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server "10.1.2.3:6443"',
        'I [discovery] Using provided TLSBootstrapToken as authentication credentials for the join process',
      ]),
    );
    const caInfo = h.out.errLines.find((l) => l.startsWith('I [discovery] Using CA certificate from discovery kubeconfig:'))!;
    expect(caInfo).toContain(`\tHash: ${UP_HASH}`);
    expect(h.sleeps).toEqual([]);
  });

  it('accepts any one of several hashes, in any letter case', async () => {
    const h = harness([scripted([signed()])]);
    await discover({ discovery: tokenDiscovery({ caCertHashes: [OTHER_HASH, UP_HASH.toUpperCase().replace('SHA256', 'sha256')] }), timeoutMs: 60_000 }, h.deps);
  });

  it('refuses a CA that no hash pins, naming the hash it found', async () => {
    const h = harness([scripted([signed()])]);
    await expect(discover({ discovery: tokenDiscovery({ caCertHashes: [OTHER_HASH] }), timeoutMs: 60_000 }, h.deps)).rejects.toThrow(
      `couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${UP_HASH}" are pinned`,
    );
    expect(h.kubeconfigs).toHaveLength(1); // never connects with that CA
  });

  it('refuses a malformed hash', async () => {
    const h = harness([scripted([signed()])]);
    await expect(discover({ discovery: tokenDiscovery({ caCertHashes: ['sha256:abcd'] }), timeoutMs: 60_000 }, h.deps)).rejects.toThrow(
      `couldn't validate the identity of the API Server: invalid discovery token CA certificate hash: invalid hash "sha256:abcd", expected a 32 byte SHA-256 hash, found 2 bytes`,
    );
    await expect(discover({ discovery: tokenDiscovery({ caCertHashes: ['md5:abcd'] }), timeoutMs: 60_000 }, harness([scripted([signed()])]).deps)).rejects.toThrow(
      'invalid discovery token CA certificate hash: unknown hash format "md5". Known format(s) are: sha256',
    );
  });

  it('a token id cluster-info has no signature for (unknown or expired token): retried every 5s until the timeout', async () => {
    const h = harness([scripted([signed()])]);
    const discovery = tokenDiscovery({ token: '123456.abcdef0123456789' });
    await expect(discover({ discovery, timeoutMs: 12_000 }, h.deps)).rejects.toThrow(
      `couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "123456"`,
    );
    expect(h.sleeps).toEqual([5000, 5000]);
    expect(h.out.errLines.filter((l) => l.startsWith('I [discovery] Retrying due to error:'))).toHaveLength(3);
  });

  it('waits for a signature that appears later, and for a cluster-info that does not exist yet', async () => {
    const notFound = new KubeStatusError('get', undefined, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    const h = harness([scripted([notFound, undefined, cm({ kubeconfig: UP_KUBECONFIG }), signed()]), scripted([signed()])]);
    await discover({ discovery: tokenDiscovery(), timeoutMs: 60_000 }, h.deps);
    expect(h.sleeps).toEqual([5000, 5000, 5000]);
    expect(h.out.errLines).toContain('I [discovery] Retrying due to error: failed to request the cluster-info ConfigMap: configmaps "cluster-info" not found');
  });

  it('a tampered kubeconfig fails the signature check', async () => {
    const tampered = cm({ kubeconfig: UP_KUBECONFIG.replace('192.168.0.101', '192.168.0.66'), 'jws-kubeconfig-abcdef': UP_JWS });
    const h = harness([scripted([tampered])]);
    await expect(discover({ discovery: tokenDiscovery(), timeoutMs: 60_000 }, h.deps)).rejects.toThrow(
      "couldn't validate the identity of the API Server: failed to verify JWS signature of received cluster info object, can't trust this API Server",
    );
    // a signature made with another secret fails too
    const other = cm({ kubeconfig: UP_KUBECONFIG, 'jws-kubeconfig-abcdef': computeDetachedSignature(UP_KUBECONFIG, 'abcdef', 'ffffffffffffffff') });
    await expect(discover({ discovery: tokenDiscovery(), timeoutMs: 60_000 }, harness([scripted([other])]).deps)).rejects.toThrow('failed to verify JWS signature');
  });

  it('a second (verified) read that differs from the first is refused', async () => {
    const changed = cm({ kubeconfig: UP_KUBECONFIG + '\n', 'jws-kubeconfig-abcdef': UP_JWS });
    const h = harness([scripted([signed()]), scripted([changed])]);
    await expect(discover({ discovery: tokenDiscovery(), timeoutMs: 60_000 }, h.deps)).rejects.toThrow(
      "couldn't validate the identity of the API Server: the second kubeconfig from the cluster-info ConfigMap (using validated TLS) was different from the first",
    );
  });

  it('a cluster-info without a kubeconfig is refused', async () => {
    const h = harness([scripted([cm({ 'jws-kubeconfig-abcdef': UP_JWS })])]);
    await expect(discover({ discovery: tokenDiscovery(), timeoutMs: 60_000 }, h.deps)).rejects.toThrow(
      "there is no kubeconfig key in the cluster-info ConfigMap. This API Server isn't set up for token bootstrapping, can't connect",
    );
  });

  it('without hashes (unsafe skip) it trusts the signed kubeconfig and reads only once', async () => {
    const h = harness([scripted([signed()])]);
    const res = await discover({ discovery: tokenDiscovery({ caCertHashes: [], unsafeSkipCAVerification: true }), timeoutMs: 60_000 }, h.deps);
    expect(h.kubeconfigs).toHaveLength(1);
    expect(h.out.errLines).toContain(
      'I [discovery] Cluster info signature and contents are valid and no TLS pinning was specified, will use API Server "10.1.2.3:6443"',
    );
    expect(res.config.users.get('tls-bootstrap-token-user')).toEqual({ token: TOKEN });
    expect(h.out.errLines.filter((l) => l.startsWith('W '))).toEqual([]);
  });

  it('dry run: switches to kubeadm’s fixed token, hash and endpoint when the dry-run client has no signature for the token', async () => {
    const log: ObjectRef[] = [];
    const dry = scripted([signed()], log);
    const h = harness([], { dryRunClient: dry });
    const discovery = tokenDiscovery({ token: '123456.abcdef1234567890', caCertHashes: [OTHER_HASH] }, '123456.abcdef1234567890');
    const res = await discover({ discovery, timeoutMs: 300_000 }, h.deps);
    expect(h.kubeconfigs).toEqual([]); // every read went through the dry-run client
    expect(log).toHaveLength(3);
    expect(h.sleeps).toEqual([5000]);
    expect(h.out.errLines).toContain(
      'W [dryrun] Mutating the JoinConfiguration.Discovery.BootstrapToken to satisfy the dry-run without a real cluster-info ConfigMap:\n' +
        `  Token: abcdef.abcdef0123456789\n  CACertHash: ${UP_HASH}\n  APIServerEndpoint: https://192.168.0.101:6443`,
    );
    expect(res.discovery.bootstrapToken).toEqual({
      token: 'abcdef.abcdef0123456789',
      apiServerEndpoint: 'https://192.168.0.101:6443',
      caCertHashes: [OTHER_HASH, UP_HASH],
      unsafeSkipCAVerification: false,
    });
    expect(discovery.bootstrapToken!.token).toBe('123456.abcdef1234567890'); // the caller's copy is untouched
    expect(res.config.users.get('tls-bootstrap-token-user')).toEqual({ token: '123456.abcdef1234567890' });
    expect(res.config.clusters.get('kubernetes')!.server).toBe('https://192.168.0.101:6443');
  });
});

describe('file discovery', () => {
  const files = new Map<string, string>();
  const inputs = {
    async readFile(p: string) {
      const t = files.get(p);
      if (t === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      return Buffer.from(t);
    },
    httpGet: async () => ({ status: 404, body: 'nope' }),
    env: () => undefined,
  };
  const caB64 = Buffer.from(UP_CA_PEM).toString('base64');
  const withCreds =
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://10.9.9.9:6443\n    certificate-authority: /etc/disc/ca.crt\n' +
    'contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user:\n    tokenFile: /etc/disc/token\n';
  files.set('/etc/disc/ca.crt', Buffer.from(UP_CA_PEM).toString());
  files.set('/etc/disc/token', 'abcdef.abcdef0123456789');
  files.set('/etc/disc/creds.conf', withCreds);
  files.set('/etc/disc/nocreds.conf', `apiVersion: v1\nkind: Config\nclusters:\n- name: ""\n  cluster:\n    server: https://10.9.9.9:6443\n`);

  const fileDiscovery = (p: string, tls = ''): Discovery => ({ file: { kubeConfigPath: p }, tlsBootstrapToken: tls });

  it('a file with credentials: files it names are embedded, and it is the TLS bootstrap kubeconfig', async () => {
    const h = harness([scripted([signed()])], { inputs });
    const res = await discover({ discovery: fileDiscovery('/etc/disc/creds.conf'), timeoutMs: 60_000 }, h.deps);
    expect(writeClientConfig(res.config)).toBe(
      `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${caB64}\n    server: https://10.9.9.9:6443\n  name: c\n` +
        'contexts:\n- context:\n    cluster: c\n    user: u\n  name: x\ncurrent-context: x\nkind: Config\nusers:\n- name: u\n  user:\n    token: abcdef.abcdef0123456789\n',
    );
    expect(h.out.errLines).toContain('I [discovery] Using authentication credentials from the discovery file for validating TLS connection');
    expect(h.out.errLines.some((l) => l.includes('the API Server endpoint "https://10.9.9.9:6443" in use is different from the endpoint "https://192.168.0.101:6443"'))).toBe(true);
  });

  it('a file without credentials needs --tls-bootstrap-token; its CA comes from cluster-info', async () => {
    await expect(discover({ discovery: fileDiscovery('/etc/disc/nocreds.conf'), timeoutMs: 60_000 }, harness([scripted([signed()])], { inputs }).deps)).rejects.toThrow(
      'could not find authentication credentials for the TLS bootstrap process. Please use Token discovery, a discovery file with embedded authentication credentials or a discovery file without authentication credentials but with the TLSBootstrapToken flag',
    );
    const h = harness([scripted([signed()])], { inputs });
    const res = await discover({ discovery: fileDiscovery('/etc/disc/nocreds.conf', TOKEN), timeoutMs: 60_000 }, h.deps);
    expect(res.config.clusters.get('kubernetes')).toEqual({ server: 'https://10.9.9.9:6443', certificateAuthorityData: Buffer.from(UP_CA_PEM) });
    expect(h.out.errLines).toContain('I [discovery] Synced CertificateAuthorityData from the cluster-info ConfigMap');
  });

  it('cluster-info forbidden: proceeds with the file as it is', async () => {
    const forbidden = new KubeStatusError('get', undefined, 403, 'Forbidden', 'nope');
    const h = harness([scripted([forbidden])], { inputs });
    await discover({ discovery: fileDiscovery('/etc/disc/creds.conf'), timeoutMs: 60_000 }, h.deps);
    expect(h.out.errLines).toContain(
      'W [discovery] Could not access the cluster-info ConfigMap for refreshing the cluster-info information, but the TLS cert is valid so proceeding...',
    );
  });

  it('an unreachable server: gives up after the timeout with the last error', async () => {
    const refused = new KubeStatusError('get', undefined, undefined, 'ECONNREFUSED', 'connect ECONNREFUSED 10.9.9.9:6443');
    const h = harness([scripted([refused])], { inputs });
    await expect(discover({ discovery: fileDiscovery('/etc/disc/creds.conf'), timeoutMs: 10_000 }, h.deps)).rejects.toThrow(
      /^couldn't validate the identity of the API Server: Abort reading the cluster-info ConfigMap after timeout of 10s: .*connect ECONNREFUSED 10\.9\.9\.9:6443$/,
    );
  });

  it('missing files and HTTP errors name the file or URL', async () => {
    await expect(discover({ discovery: fileDiscovery('/etc/disc/none.conf', TOKEN), timeoutMs: 1000 }, harness([], { inputs }).deps)).rejects.toThrow(
      "couldn't validate the identity of the API Server: open /etc/disc/none.conf: no such file or directory",
    );
    files.set('/etc/disc/badca.conf', withCreds.replace('/etc/disc/ca.crt', '/etc/disc/missing.crt'));
    await expect(discover({ discovery: fileDiscovery('/etc/disc/badca.conf'), timeoutMs: 1000 }, harness([], { inputs }).deps)).rejects.toThrow(
      'invalid configuration: unable to read certificate-authority /etc/disc/missing.crt for c due to open /etc/disc/missing.crt: no such file or directory',
    );
    await expect(discover({ discovery: fileDiscovery('https://example.invalid/d.conf', TOKEN), timeoutMs: 1000 }, harness([], { inputs }).deps)).rejects.toThrow(
      'error trying to fetch discovery kubeconfig over HTTPS from https://example.invalid/d.conf, received status 404',
    );
  });
});

describe('kubeconfig writing', () => {
  it('reproduces clientcmd.Write output from upstream testdata byte for byte', () => {
    const text = readFileSync(join(KUBEADM, 'discovery/token/testdata/expected-kubeconfig.yaml'), 'utf8');
    expect(writeClientConfig(loadClientConfig(text))).toBe(text);
    expect(writeClientConfig(loadClientConfig(UP_KUBECONFIG))).toBe(UP_KUBECONFIG);
  });
});

describe('after discovery (join)', () => {
  it('renames the cluster to the cluster name and points a control plane at its own endpoint', async () => {
    const { renameBootstrapCluster, pointToLocalAPIEndpoint } = await import('../../../src/discovery/index.js');
    const h = harness([scripted([signed()])]);
    const res = await discover({ discovery: tokenDiscovery(), timeoutMs: 60_000 }, h.deps);
    renameBootstrapCluster(res.config, 'lab-cluster');
    pointToLocalAPIEndpoint(res.config, 'https://10.0.0.7:6443');
    const back = loadClientConfig(writeClientConfig(res.config));
    expect([...back.clusters.keys()]).toEqual(['lab-cluster']);
    expect(back.clusters.get('lab-cluster')!.server).toBe('https://10.0.0.7:6443');
    expect(back.contexts.get('tls-bootstrap-token-user@kubernetes')).toEqual({ cluster: 'lab-cluster', user: 'tls-bootstrap-token-user' });
    const broken = loadClientConfig(UP_KUBECONFIG); // cluster "" and no context
    expect(() => renameBootstrapCluster(broken, 'x')).toThrow('the TLS bootstrap kubeconfig is malformed: "" set as current-context, but not found in context list');
  });
});

describe('dry run through the project’s dry-run client', () => {
  it('no cluster to read from: kubeadm’s canned cluster-info, the fixed token and hash, the fake endpoint', async () => {
    const { RecordingKubeClient } = await import('../../../src/kube/dryrun.js');
    const { joinDryRunReactors } = await import('../../../src/kube/dryrun-fakes.js');
    const out = memoryOutput(1);
    const dry = new RecordingKubeClient({ out, reactors: joinDryRunReactors(), nodeReactors: false });
    const h = harness([], { dryRunClient: dry, out });
    const res = await discover({ discovery: tokenDiscovery({ token: '123456.abcdef1234567890', caCertHashes: [] }, '123456.abcdef1234567890'), timeoutMs: 300_000 }, h.deps);
    expect(dry.actions.map((a) => `${a.verb} ${a.ref.namespace}/${a.ref.name}`)).toEqual(Array(3).fill('get kube-public/cluster-info'));
    expect(res.config.clusters.get('kubernetes')!.server).toBe('https://192.168.0.101:6443');
    expect(caCertPin(res.config.clusters.get('kubernetes')!.certificateAuthorityData!)).toBe(UP_HASH);
    expect(h.sleeps).toEqual([5000]);
  });
});
