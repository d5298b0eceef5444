// kubeconfig -> TLS options and credentials (src/kube/transport.ts). Expected messages are client-go's
// (k8s.io/client-go@v0.37.2 tools/clientcmd/validation.go, transport/transport.go,
// plugin/pkg/client/auth/exec/exec.go, rest/plugin.go); file references go through the host layer.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeHost } from '../../helpers/fake-host.js';
import type { Host } from '../../../src/host/types.js';
import { createCertificate, type CertTemplate } from '../../../src/pki/certs.js';
import { encodePrivateKeyPem, generatePrivateKey } from '../../../src/pki/keys.js';
import { transportFromKubeconfig, transportFromParts } from '../../../src/kube/transport.js';
import { createKubeClient } from '../../../src/kube/client.js';

let caPem: string;
let certPem: string;
let keyPem: string;
let otherKeyPem: string;
const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  const now = Date.now();
  const t = (cn: string, isCA: boolean): CertTemplate => ({ commonName: cn, isCA, notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000), ...(isCA ? {} : { usages: ['clientAuth'] as const }) });
  const caKey = await generatePrivateKey('ECDSA-P256');
  const ca = await createCertificate(t('kubernetes', true), caKey);
  const key = await generatePrivateKey('ECDSA-P256');
  const cert = await createCertificate(t('system:node:n1', false), key, { cert: ca, key: caKey });
  caPem = ca.pem;
  certPem = cert.pem;
  keyPem = encodePrivateKeyPem(key);
  otherKeyPem = encodePrivateKeyPem(await generatePrivateKey('ECDSA-P256'));
});

const hosts: FakeHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.cleanup();
});
async function rootfsHost(): Promise<FakeHost> {
  const h = await FakeHost.create();
  hosts.push(h);
  return h;
}

/** A kubeconfig with one cluster, one context and one user (the user stanza as given). */
function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubernetes', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': b64(caPem), ...cluster } }],
    contexts: [{ name: 'u@kubernetes', context: { cluster: 'kubernetes', user: 'u' } }],
    'current-context': 'u@kubernetes',
    users: [{ name: 'u', user }],
  });
}

describe('kubeconfig to transport', () => {
  it('admin.conf: embedded CA, client certificate and key', async () => {
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) }) });
    expect(t.server).toBe('https://10.0.0.1:6443');
    const c = await t.credentials();
    expect(c.tls.ca?.toString()).toBe(caPem);
    expect(c.tls.cert?.toString()).toBe(certPem);
    expect(c.tls.key?.toString()).toBe(keyPem);
    expect(c.tls.rejectUnauthorized).toBe(true);
    expect(c.authorization).toBeUndefined();
  });

  it('the server override replaces the cluster URL (trailing slash dropped)', async () => {
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ token: 'a.b' }) }, { server: 'https://127.0.0.1:6443/' });
    expect(t.server).toBe('https://127.0.0.1:6443');
  });

  it('the cluster-info kubeconfig: unnamed cluster, no context, no user: anonymous, verified against its CA', async () => {
    const text = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(caPem)}
    server: https://10.0.0.1:6443
  name: ""
contexts: null
current-context: ""
kind: Config
users: null
`;
    const t = await transportFromKubeconfig({ kubeconfig: text });
    const c = await t.credentials();
    expect(c.tls.ca?.toString()).toBe(caPem);
    expect(c.authorization).toBeUndefined();
  });

  it('bearer token: the bootstrap token user', async () => {
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ token: 'abcdef.0123456789abcdef' }) });
    expect((await t.credentials()).authorization).toBe('Bearer abcdef.0123456789abcdef');
  });

  it('username/password: basic auth', async () => {
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ username: 'admin', password: 'p w' }) });
    expect((await t.credentials()).authorization).toBe(`Basic ${b64('admin:p w')}`);
  });

  it('kubelet.conf: client-certificate/client-key are files read from the --rootfs', async () => {
    const h = await rootfsHost();
    await h.write('/var/lib/kubelet/pki/kubelet-client-current.pem', certPem + keyPem, 0o600);
    const pem = '/var/lib/kubelet/pki/kubelet-client-current.pem';
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ 'client-certificate': pem, 'client-key': pem }), host: h, file: '/etc/kubernetes/kubelet.conf' });
    const c = await t.credentials();
    expect(c.tls.cert?.toString()).toBe(certPem + keyPem);
    expect(c.tls.key?.toString()).toBe(certPem + keyPem);
  });

  it('a certificate-authority file is read through the host too', async () => {
    const h = await rootfsHost();
    await h.write('/etc/kubernetes/pki/ca.crt', caPem);
    const text = kubeconfig({ token: 'x' }, { 'certificate-authority-data': undefined, 'certificate-authority': '/etc/kubernetes/pki/ca.crt' });
    const c = await (await transportFromKubeconfig({ kubeconfig: text, host: h })).credentials();
    expect(c.tls.ca?.toString()).toBe(caPem);
  });

  it('relative paths: against "/" of the rootfs under --rootfs (kubeadm chroots and chdirs to /), not the kubeconfig directory', async () => {
    const h = await rootfsHost();
    await h.write('/pki/client.crt', certPem);
    await h.write('/pki/client.key', keyPem);
    const text = kubeconfig({ 'client-certificate': 'pki/client.crt', 'client-key': './pki/client.key' });
    const c = await (await transportFromKubeconfig({ kubeconfig: text, host: h, file: '/etc/kubernetes/kubelet.conf' })).credentials();
    expect(c.tls.cert?.toString()).toBe(certPem);
  });

  it('relative paths: against the working directory without --rootfs (clientcmd.LoadFromFile resolves nothing)', async () => {
    const fake = await rootfsHost();
    // the fake keeps its files under a scratch root; seen here as a host without --rootfs
    const host = new Proxy(fake, { get: (o, k) => {
        if (k === 'rootfs') return undefined;
        const v = Reflect.get(o, k, o) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(o) : v;
      } }) as unknown as Host;
    await fake.write(`${process.cwd()}/creds/token`, 'from-cwd\n');
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ tokenFile: 'creds/token' }), host, file: '/elsewhere/kubelet.conf' });
    expect((await t.credentials()).authorization).toBe('Bearer from-cwd');
  });

  it('tokenFile: trimmed, read again once its copy is a minute old (client-go: time.Minute); a token wins over it', async () => {
    const h = await rootfsHost();
    await h.write('/var/run/token', '  first\n');
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ tokenFile: '/var/run/token' }), host: h });
    expect((await t.credentials()).authorization).toBe('Bearer first');
    await h.write('/var/run/token', 'second');
    expect((await t.credentials()).authorization).toBe('Bearer first');
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expect((await t.credentials()).authorization).toBe('Bearer second');
    } finally {
      clock.mockRestore();
    }
    const both = await transportFromKubeconfig({ kubeconfig: kubeconfig({ token: 'inline', tokenFile: '/var/run/token' }), host: h });
    expect((await both.credentials()).authorization).toBe('Bearer inline');
  });

  it('insecure-skip-tls-verify without a CA; tls-server-name becomes the SNI and verified name', async () => {
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ token: 't' }, { 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true, 'tls-server-name': 'kubernetes' }) });
    const c = await t.credentials();
    expect(c.tls).toEqual({ rejectUnauthorized: false, servername: 'kubernetes' });
  });

  it('no credentials over plain http', async () => {
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig({ token: 't' }, { server: 'http://127.0.0.1:8080', 'certificate-authority-data': undefined }) });
    expect((await t.credentials()).authorization).toBeUndefined();
  });
});

describe('bad kubeconfigs are named clearly', () => {
  const err = async (text: string, host?: Host) =>
    ((await transportFromKubeconfig({ kubeconfig: text, file: '/etc/kubernetes/kubelet.conf', ...(host ? { host } : {}) }).catch((e: Error) => e)) as Error).message;

  it('a current context that does not exist', async () => {
    const text = kubeconfig({ token: 't' }).replace('"current-context":"u@kubernetes"', '"current-context":"nope"');
    expect(await err(text)).toBe('/etc/kubernetes/kubelet.conf: invalid configuration: context was not found for specified context: nope');
  });

  it('a cluster without a server', async () => {
    expect(await err(kubeconfig({ token: 't' }, { server: '' }))).toBe('/etc/kubernetes/kubelet.conf: invalid configuration: no server found for cluster "kubernetes"');
  });

  it('a context naming a cluster that is not there', async () => {
    const text = kubeconfig({ token: 't' }).replace('"cluster":"kubernetes","user"', '"cluster":"gone","user"');
    expect(await err(text)).toMatch(/^\/etc\/kubernetes\/kubelet\.conf: invalid configuration: no configuration has been provided \(context "u@kubernetes" names cluster "gone"/);
  });

  it('a certificate without its key', async () => {
    expect(await err(kubeconfig({ 'client-certificate-data': b64(certPem) }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: client-key-data or client-key must be specified for u to use the clientCert authentication method.',
    );
  });

  it('both the data and the file of a certificate', async () => {
    expect(await err(kubeconfig({ 'client-certificate-data': b64(certPem), 'client-certificate': '/c.pem', 'client-key-data': b64(keyPem) }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: client-cert-data and client-cert are both specified for u. client-cert-data will override.',
    );
    expect(await err(kubeconfig({ token: 't' }, { 'certificate-authority': '/ca.crt' }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: certificate-authority-data and certificate-authority are both specified for kubernetes. certificate-authority-data will override.',
    );
  });

  it('token and basic auth together', async () => {
    expect(await err(kubeconfig({ token: 't', username: 'a', password: 'b' }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: more than one authentication method found for u; found [token basicAuth], only one is allowed',
    );
  });

  it('a certificate file missing from the rootfs names the path and the user', async () => {
    const h = await rootfsHost();
    const pem = '/var/lib/kubelet/pki/kubelet-client-current.pem';
    expect(await err(kubeconfig({ 'client-certificate': pem, 'client-key': pem }), h)).toMatch(
      /^\/etc\/kubernetes\/kubelet\.conf: invalid configuration: \[unable to read client-cert \/var\/lib\/kubelet\/pki\/kubelet-client-current\.pem for u due to .*ENOENT.*, unable to read client-key \/var\/lib\/kubelet\/pki\/kubelet-client-current\.pem for u due to .*\]$/,
    );
  });

  it('an empty token file', async () => {
    const h = await rootfsHost();
    await h.write('/t', '\n');
    expect(await err(kubeconfig({ tokenFile: '/t' }), h)).toBe('/etc/kubernetes/kubelet.conf: user "u": read empty token from file "/t"');
  });

  it('a key that does not belong to the certificate, and a CA that is not PEM', async () => {
    expect(await err(kubeconfig({ 'client-certificate-data': b64(certPem), 'client-key-data': b64(otherKeyPem) }))).toMatch(
      /^\/etc\/kubernetes\/kubelet\.conf: user "u": invalid client certificate\/key pair: .*key values mismatch/,
    );
    expect(await err(kubeconfig({ token: 't' }, { 'certificate-authority-data': b64('not a certificate') }))).toBe(
      '/etc/kubernetes/kubelet.conf: cluster "kubernetes": unable to load root certificates: unable to parse bytes as PEM block',
    );
  });

  it('a CA together with insecure-skip-tls-verify', async () => {
    expect(await err(kubeconfig({ token: 't' }, { 'insecure-skip-tls-verify': true }))).toBe(
      '/etc/kubernetes/kubelet.conf: cluster "kubernetes": specifying a root certificates file with the insecure flag is not allowed',
    );
  });

  it('auth-provider: kubeadm has no auth-provider plugin', async () => {
    expect(await err(kubeconfig({ 'auth-provider': { name: 'oidc', config: {} } }))).toBe(
      '/etc/kubernetes/kubelet.conf: user "u": no Auth Provider found for name "oidc"',
    );
  });

  it('what the client does not implement is refused by name, not ignored: proxy-url, impersonation', async () => {
    expect(await err(kubeconfig({ token: 't' }, { 'proxy-url': 'http://proxy:3128' }))).toBe(
      '/etc/kubernetes/kubelet.conf: cluster "kubernetes": proxy-url is not supported by tskubeadm\'s API client',
    );
    expect(await err(kubeconfig({ token: 't', as: 'someone', 'as-groups': ['g'] }))).toBe(
      '/etc/kubernetes/kubelet.conf: user "u": impersonation (as, as-groups) is not supported by tskubeadm\'s API client',
    );
  });

  it('exec stanzas that client-go rejects', async () => {
    expect(await err(kubeconfig({ exec: { command: 'p' } }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: [apiVersion must be specified for u to use exec authentication plugin, interactiveMode must be specified for u to use exec authentication plugin]',
    );
    expect(await err(kubeconfig({ exec: { command: 'p', apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Sometimes' } }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: invalid interactiveMode for u: "Sometimes"',
    );
    expect(await err(kubeconfig({ exec: { command: 'p', apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' }, 'auth-provider': { name: 'x' } }))).toBe(
      '/etc/kubernetes/kubelet.conf: invalid configuration: authProvider cannot be provided in combination with an exec plugin for u',
    );
  });
});

describe('exec credential plugins, run through the host layer', () => {
  const execUser = (extra: Record<string, unknown> = {}) => ({
    exec: { command: 'cred-plugin', args: ['--cluster', 'k'], env: [{ name: 'FOO', value: 'bar' }], apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never', provideClusterInfo: true, ...extra },
  });

  it('passes KUBERNETES_EXEC_INFO and the env, uses the token it prints, asks again after expiry', async () => {
    const h = await rootfsHost();
    let n = 0;
    h.command('cred-plugin', () => {
      n++;
      const status = { token: `tok-${n}`, expirationTimestamp: n === 1 ? '2000-01-01T00:00:00Z' : '2999-01-01T00:00:00Z' };
      return { stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }) };
    });
    const t = await transportFromKubeconfig({ kubeconfig: kubeconfig(execUser()), host: h });
    expect(h.execCalls).toEqual([]); // run on first use, as client-go does
    expect((await t.credentials()).authorization).toBe('Bearer tok-1');
    expect((await t.credentials()).authorization).toBe('Bearer tok-2'); // tok-1 had expired
    expect((await t.credentials()).authorization).toBe('Bearer tok-2');
    expect(h.execCalls.map((c) => c.line)).toEqual(['cred-plugin --cluster k', 'cred-plugin --cluster k']);
    const env = h.execCalls[0]!.opts!.env!;
    expect(env['FOO']).toBe('bar');
    expect(JSON.parse(env['KUBERNETES_EXEC_INFO']!)).toEqual({
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: { interactive: false, cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': b64(caPem) } },
    });
  });

  it('a client certificate from the plugin', async () => {
    const h = await rootfsHost();
    h.command('cred-plugin', { stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: certPem, clientKeyData: keyPem } }) });
    const c = await (await transportFromKubeconfig({ kubeconfig: kubeconfig(execUser()), host: h })).credentials();
    expect(c.tls.cert?.toString()).toBe(certPem);
    expect(c.authorization).toBeUndefined();
  });

  const failure = async (h: FakeHost, user = execUser()) =>
    ((await (await transportFromKubeconfig({ kubeconfig: kubeconfig(user), host: h, file: 'discovery.conf' })).credentials().catch((e: Error) => e)) as Error).message;

  it('plugin failures name the file and the user', async () => {
    const h = await rootfsHost();
    expect(await failure(h)).toBe('discovery.conf: user "u": getting credentials: exec: executable cred-plugin not found');
    h.command('cred-plugin', { exitCode: 3 });
    expect(await failure(h)).toBe('discovery.conf: user "u": getting credentials: exec: executable cred-plugin failed with exit code 3');
    h.command('cred-plugin', { stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'x' } }) });
    expect(await failure(h)).toBe(
      'discovery.conf: user "u": getting credentials: exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1',
    );
    h.command('cred-plugin', { stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential' }) });
    expect(await failure(h)).toBe("discovery.conf: user \"u\": getting credentials: exec plugin didn't return a status field");
    h.command('cred-plugin', { stdout: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientKeyData: keyPem } }) });
    expect(await failure(h)).toBe('discovery.conf: user "u": getting credentials: exec plugin returned only certificate or key, not both');
    expect(await failure(h, execUser({ pluginPolicy: { policyType: 'DenyAll' } }))).toBe(
      'discovery.conf: user "u": getting credentials: plugin "cred-plugin" not allowed: policy set to "DenyAll"',
    );
    expect(await failure(h, execUser({ interactiveMode: 'Always' }))).toBe(
      'discovery.conf: user "u": getting credentials: exec plugin cannot support interactive mode: standard input is not a terminal',
    );
  });
});

describe('explicit parts (join discovery)', () => {
  it('anonymous with TLS verification off', async () => {
    const c = await transportFromParts({ server: 'https://10.0.0.1:6443', insecureSkipTLSVerify: true }).credentials();
    expect(c).toEqual({ tls: { rejectUnauthorized: false } });
  });

  it('a pinned CA as PEM bytes, then a bootstrap token', async () => {
    const c = await transportFromParts({ server: 'https://10.0.0.1:6443', caData: Buffer.from(caPem), token: 'abcdef.0123456789abcdef' }).credentials();
    expect(c.tls.ca?.toString()).toBe(caPem);
    expect(c.tls.rejectUnauthorized).toBe(true);
    expect(c.authorization).toBe('Bearer abcdef.0123456789abcdef');
  });

  it('refuses a CA with insecure, a certificate without key, no server', async () => {
    expect(() => transportFromParts({ server: 'https://x', caData: caPem, insecureSkipTLSVerify: true })).toThrow('specifying a root certificates file with the insecure flag is not allowed');
    expect(() => transportFromParts({ server: 'https://x', clientCertData: certPem })).toThrow('a client certificate needs its key and a key its certificate');
    expect(() => transportFromParts({})).toThrow('no server given for the API client');
  });

  it('createKubeClient takes them without a kubeconfig', async () => {
    const client = await createKubeClient({ server: 'https://127.0.0.1:1', insecureSkipTLSVerify: true, requestTimeoutMs: 5_000 });
    await expect(client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cluster-info', namespace: 'kube-public' })).rejects.toThrow(
      /unable to get ConfigMap "kube-public\/cluster-info": ECONNREFUSED/,
    );
  });
});
