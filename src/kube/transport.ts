// From a kubeconfig (or explicit parts) to what a request needs: the server URL, the TLS options for
// node:https (ca, cert, key, servername, rejectUnauthorized) and the Authorization header. The
// rules are client-go's as kubeadm uses it (clientcmd.LoadFromFile + NewDefaultClientConfig):
// - the current context picks the cluster and the user; with no current context, the unnamed
//   cluster (the cluster-info kubeconfig of discovery has only that);
// - certificate-authority(-data), insecure-skip-tls-verify, tls-server-name; client-certificate(-data)
//   and client-key(-data); token, else tokenFile (read again once a minute: client-go's cached file
//   token source, whitespace trimmed); username/password; exec plugins (./execcred.ts);
//   auth-provider is refused as kubeadm refuses it (it registers no auth-provider plugin);
// - credentials are used only over https (client-go: IsConfigTransportTLS);
// - file references are read through the host layer, so under --rootfs they are the rootfs' files,
//   and a RELATIVE path is relative to the working directory, not to the kubeconfig file:
//   LoadFromFile does not call ResolveLocalPaths, so kubeadm's os.ReadFile sees the process's working
//   directory, which is "/" (of the rootfs) after kubeadm's --rootfs chroot.

import * as path from 'node:path';
import * as tls from 'node:tls';
import type { Host } from '../host/types.js';
import { KubeApiError } from '../errors.js';
import { parseKubeconfig, type Kubeconfig, type KubeconfigCluster, type KubeconfigUser } from '../kubeconfig/kubeconfig.js';
import { pemBlocks } from '../pki/keys.js';
import { parseExecConfig, runExecPlugin, type ExecClusterInfo, type ExecConfig, type ExecCredentials } from './execcred.js';

export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized: boolean;
}

/** What one request uses: TLS options and headers (an exec plugin's may change between requests). */
export interface RequestCredentials {
  tls: TlsOptions;
  authorization?: string;
}

export interface KubeTransport {
  /** server URL without a trailing slash */
  server: string;
  credentials(): Promise<RequestCredentials>;
}

/** Explicit connection parts (join's discovery), or overrides on top of a kubeconfig. */
export interface TransportParts {
  server?: string;
  /** PEM bytes of the CA certificate(s) to verify the server against (replaces the system roots) */
  caData?: Buffer | string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  /** bearer token, e.g. a bootstrap token "abcdef.0123456789abcdef" */
  token?: string;
  clientCertData?: Buffer | string;
  clientKeyData?: Buffer | string;
}

export interface KubeconfigInput {
  /** kubeconfig text (YAML/JSON) or an already parsed one */
  kubeconfig: string | Uint8Array | Kubeconfig;
  /** its path on the target host, named in messages */
  file?: string;
  /** reads credential files (confined to --rootfs) and runs exec plugins; default: this machine's root */
  host?: Host;
}

class ConfigError extends KubeApiError {}

/** how long a token read from a tokenFile is used before the file is read again (client-go: 1 min) */
export const TOKEN_FILE_TTL_MS = 60_000;

const fail = (file: string | undefined, msg: string): never => {
  throw new ConfigError(`${file ? `${file}: ` : ''}${msg}`);
};

/**
 * The host path kubeadm reads for a kubeconfig's file reference (client-certificate, client-key,
 * certificate-authority, tokenFile): absolute as written; relative against the working directory,
 * which is "/" of the rootfs under --rootfs (kubeadm chroots and chdirs to "/"). For join's
 * file discovery, which embeds these files into bootstrap-kubelet.conf.
 */
export function credentialPath(host: Pick<Host, 'rootfs'>, p: string): string {
  return path.resolve(host.rootfs !== undefined ? '/' : process.cwd(), p);
}

async function defaultHost(): Promise<Host> {
  const { NodeHost } = await import('../host/node-host.js');
  return new NodeHost();
}

const buf = (v: Buffer | string | undefined) => (v === undefined ? undefined : Buffer.from(v));
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Check PEM material early, with the file and the entry in the message (Go's x509/tls errors come at load too). */
function checkTls(t: TlsOptions, where: string): void {
  if (t.ca && !pemBlocks(t.ca.toString('latin1')).some((b) => b.type === 'CERTIFICATE')) {
    throw new ConfigError(`${where}: unable to load root certificates: unable to parse bytes as PEM block`);
  }
  if (t.cert || t.key) {
    try {
      // ca: [] keeps node from loading its whole root store for this check
      tls.createSecureContext({ ca: [], cert: t.cert, key: t.key });
    } catch (e) {
      throw new ConfigError(`${where}: invalid client certificate/key pair: ${errText(e)}`);
    }
  }
}

/** A transport from explicit parts: join's discovery (anonymous + insecure, CA-pinned, bootstrap token). */
export function transportFromParts(p: TransportParts): KubeTransport {
  if (!p.server) throw new ConfigError('no server given for the API client');
  const t: TlsOptions = { rejectUnauthorized: !p.insecureSkipTLSVerify };
  const ca = buf(p.caData);
  if (ca?.length) {
    if (p.insecureSkipTLSVerify) throw new ConfigError('specifying a root certificates file with the insecure flag is not allowed');
    t.ca = ca;
  }
  if (p.tlsServerName) t.servername = p.tlsServerName;
  const cert = buf(p.clientCertData);
  const key = buf(p.clientKeyData);
  if (cert?.length) t.cert = cert;
  if (key?.length) t.key = key;
  if (!t.cert !== !t.key) throw new ConfigError('a client certificate needs its key and a key its certificate');
  checkTls(t, 'API client');
  const creds: RequestCredentials = { tls: t, ...(p.token ? { authorization: `Bearer ${p.token}` } : {}) };
  return { server: normalizeServer(p.server, t), credentials: async () => creds };
}

function normalizeServer(server: string, t: TlsOptions): string {
  // client-go's DefaultServerURL: no scheme means https when there is TLS material, else http
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `${t.ca || t.cert || !t.rejectUnauthorized ? 'https' : 'http'}://${server}`;
  return withScheme.replace(/\/+$/, '');
}

interface Picked {
  clusterName: string;
  cluster: KubeconfigCluster | undefined;
  userName: string;
  user: KubeconfigUser | undefined;
}

/** client-go's DirectClientConfig: the current context's cluster and user. */
function pick(kc: Kubeconfig, file: string | undefined): Picked {
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  if (kc.currentContext !== '' && !ctx) fail(file, `invalid configuration: context was not found for specified context: ${kc.currentContext}`);
  const clusterName = ctx?.cluster ?? '';
  const userName = ctx?.user ?? '';
  return { clusterName, cluster: kc.clusters.find((c) => c.name === clusterName), userName, user: kc.users.find((u) => u.name === userName) };
}

/**
 * A transport from a kubeconfig. `overrides` replace what the kubeconfig says (kubeadm points
 * admin.conf at the local endpoint with `server`); caData or insecureSkipTLSVerify replace both the
 * kubeconfig's CA and its insecure flag, as client-go's ConfigOverrides do.
 */
export async function transportFromKubeconfig(input: KubeconfigInput, overrides: TransportParts = {}): Promise<KubeTransport> {
  const { file } = input;
  let kc: Kubeconfig;
  if (typeof input.kubeconfig === 'string' || input.kubeconfig instanceof Uint8Array) {
    try {
      kc = parseKubeconfig(input.kubeconfig, file ?? 'kubeconfig');
    } catch (e) {
      throw new ConfigError(`failed to load kubeconfig: ${errText(e)}`, undefined, { cause: e });
    }
  } else kc = input.kubeconfig;
  const { clusterName, cluster, userName, user } = pick(kc, file);
  const userWhere = `user "${userName}"`;
  const clusterWhere = clusterName === '' ? 'the default cluster' : `cluster "${clusterName}"`;

  const server = overrides.server ?? cluster?.server ?? '';
  if (!cluster && !overrides.server) {
    const why = kc.currentContext ? ` (context "${kc.currentContext}" names cluster "${clusterName}", which is not defined)` : ' (no current-context and no unnamed cluster)';
    fail(file, `invalid configuration: no configuration has been provided${why}`);
  }
  if (!server) fail(file, `invalid configuration: ${clusterName === '' ? 'default cluster has no server defined' : `no server found for cluster "${clusterName}"`}`);

  let hostP: Promise<Host> | undefined;
  const host = () => (hostP ??= input.host ? Promise.resolve(input.host) : defaultHost());
  /** a file's bytes, or client-go's words for why not */
  const tryRead = async (p: string, what: string, entry: string): Promise<Buffer | string> => {
    try {
      const h = await host();
      return await h.readFile(credentialPath(h, p));
    } catch (e) {
      return `unable to read ${what} ${p} for ${entry} due to ${errText(e)}`;
    }
  };
  const read = async (p: string, what: string, entry: string): Promise<Buffer> => {
    const r = await tryRead(p, what, entry);
    return typeof r === 'string' ? fail(file, `invalid configuration: ${r}`) : r;
  };

  // ---- the server side
  const t: TlsOptions = { rejectUnauthorized: true };
  const overrideCA = buf(overrides.caData);
  if (overrides.insecureSkipTLSVerify || overrideCA?.length) {
    if (overrideCA?.length) t.ca = overrideCA;
    t.rejectUnauthorized = !overrides.insecureSkipTLSVerify;
  } else if (cluster) {
    if (cluster.certificateAuthority && cluster.certificateAuthorityData?.length) {
      fail(file, `invalid configuration: certificate-authority-data and certificate-authority are both specified for ${clusterName}. certificate-authority-data will override.`);
    }
    if (cluster.certificateAuthorityData?.length) t.ca = cluster.certificateAuthorityData;
    else if (cluster.certificateAuthority) t.ca = await read(cluster.certificateAuthority, 'certificate-authority', clusterName);
    if (cluster.insecureSkipTLSVerify) t.rejectUnauthorized = false;
  }
  if (t.ca && !t.rejectUnauthorized) fail(file, `${clusterWhere}: specifying a root certificates file with the insecure flag is not allowed`);
  const serverName = overrides.tlsServerName ?? cluster?.tlsServerName;
  if (serverName) t.servername = serverName;
  // not implemented: refused by name rather than ignored (client-go would honour them)
  if (cluster?.proxyUrl) fail(file, `${clusterWhere}: proxy-url is not supported by tskubeadm's API client`);
  const url = normalizeServer(server, t);
  checkTls(t, `${file ?? 'kubeconfig'}: ${clusterWhere}`);
  // credentials only travel over TLS
  if (!url.startsWith('https://') || (!user && !overrides.token && !overrides.clientCertData)) {
    const creds: RequestCredentials = { tls: t, ...(overrides.token && url.startsWith('https://') ? { authorization: `Bearer ${overrides.token}` } : {}) };
    return { server: url, credentials: async () => creds };
  }

  // ---- the user: validated as client-go's validateAuthInfo does, problems named by entry
  const u: KubeconfigUser = user ?? { name: userName, other: {} };
  const other = u.other;
  const username = typeof other['username'] === 'string' ? other['username'] : '';
  const password = typeof other['password'] === 'string' ? other['password'] : '';
  const problems: string[] = [];
  const methods = [...(u.token ? ['token'] : []), ...(username || password ? ['basicAuth'] : [])];
  if (methods.length > 1) problems.push(`more than one authentication method found for ${userName}; found [${methods.join(' ')}], only one is allowed`);
  if (u.clientCertificate || u.clientCertificateData?.length) {
    if (u.clientCertificate && u.clientCertificateData?.length) problems.push(`client-cert-data and client-cert are both specified for ${userName}. client-cert-data will override.`);
    if (u.clientKey && u.clientKeyData?.length) problems.push(`client-key-data and client-key are both specified for ${userName}; client-key-data will override`);
    if (!u.clientKey && !u.clientKeyData?.length) problems.push(`client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.`);
  } else if (u.clientKey || u.clientKeyData?.length) {
    problems.push(`client-key-data or client-key is given for ${userName} without client-certificate-data or client-certificate`);
  }
  let exec: ExecConfig | undefined;
  if (other['exec'] !== undefined && other['exec'] !== null) {
    const parsed = parseExecConfig(other['exec'], userName);
    exec = parsed.exec;
    problems.push(...parsed.problems);
    if (other['auth-provider']) problems.push(`authProvider cannot be provided in combination with an exec plugin for ${userName}`);
  }
  if (problems.length) fail(file, `invalid configuration: ${problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`}`);
  const impersonation = ['as', 'as-uid', 'as-groups', 'as-user-extra'].filter((k) => other[k] !== undefined && other[k] !== null);
  if (impersonation.length) fail(file, `${userWhere}: impersonation (${impersonation.join(', ')}) is not supported by tskubeadm's API client`);
  const provider = other['auth-provider'] as { name?: unknown } | undefined;
  if (provider && typeof provider === 'object') {
    // kubeadm registers no auth-provider plugin (client-go's rest.GetAuthProvider)
    fail(file, `${userWhere}: no Auth Provider found for name "${String(provider.name ?? '')}"`);
  }

  if (overrides.clientCertData || overrides.clientKeyData) {
    t.cert = buf(overrides.clientCertData);
    t.key = buf(overrides.clientKeyData);
  } else if (u.clientCertificate || u.clientCertificateData?.length) {
    // both files are checked before the error, as client-go's validation lists every problem
    const [cert, key] = await Promise.all([
      u.clientCertificateData?.length ? u.clientCertificateData : tryRead(u.clientCertificate!, 'client-cert', userName),
      u.clientKeyData?.length ? u.clientKeyData : tryRead(u.clientKey!, 'client-key', userName),
    ]);
    const bad = [cert, key].filter((x): x is string => typeof x === 'string');
    if (bad.length) fail(file, `invalid configuration: ${bad.length === 1 ? bad[0] : `[${bad.join(', ')}]`}`);
    t.cert = cert as Buffer;
    t.key = key as Buffer;
  }
  checkTls({ ...t, ca: undefined }, `${file ?? 'kubeconfig'}: ${userWhere}`);

  let staticAuth: string | undefined;
  let tokenFile: string | undefined;
  if (overrides.token) staticAuth = `Bearer ${overrides.token}`;
  else if (u.token) staticAuth = `Bearer ${u.token}`;
  else if (u.tokenFile) tokenFile = credentialPath(await host(), u.tokenFile);
  else if (username || password) staticAuth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  // client-go's cached file token source: the file is read again once its copy is a minute old
  let tokenCache: { value: string; at: number } | undefined;
  const readToken = async (): Promise<string> => {
    if (tokenCache && Date.now() - tokenCache.at < TOKEN_FILE_TTL_MS) return tokenCache.value;
    const text = (await read(u.tokenFile!, 'tokenFile', userName)).toString('utf8').trim();
    if (!text) fail(file, `${userWhere}: read empty token from file "${tokenFile}"`);
    tokenCache = { value: `Bearer ${text}`, at: Date.now() };
    return tokenCache.value;
  };
  // client-go reads a tokenFile when the client is made (an error then) and again later
  if (tokenFile) await readToken();

  if (!exec) {
    if (!tokenFile) {
      const creds: RequestCredentials = { tls: t, ...(staticAuth ? { authorization: staticAuth } : {}) };
      return { server: url, credentials: async () => creds };
    }
    return { server: url, credentials: async () => ({ tls: t, authorization: await readToken() }) };
  }

  const execCluster: ExecClusterInfo = { server: url };
  if (t.servername) execCluster['tls-server-name'] = t.servername;
  if (!t.rejectUnauthorized) execCluster['insecure-skip-tls-verify'] = true;
  if (t.ca) execCluster['certificate-authority-data'] = t.ca.toString('base64');
  const plugin = exec;
  let cached: Promise<ExecCredentials> | undefined;
  const run = async (): Promise<ExecCredentials> => {
    try {
      const c = await runExecPlugin(plugin, execCluster, await host());
      if (c.cert) checkTls({ rejectUnauthorized: true, cert: c.cert, key: c.key }, `${file ?? 'kubeconfig'}: ${userWhere}: exec plugin`);
      return c;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      return fail(file, `${userWhere}: getting credentials: ${errText(e)}`);
    }
  };
  return {
    server: url,
    credentials: async () => {
      let c = cached ? await cached : undefined;
      if (!c || (c.expiry && c.expiry.getTime() <= Date.now())) {
        cached = run();
        cached.catch(() => (cached = undefined));
        c = await cached;
      }
      const auth = staticAuth ?? (tokenFile ? await readToken() : c.token ? `Bearer ${c.token}` : undefined);
      return { tls: t.cert ? t : { ...t, ...(c.cert ? { cert: c.cert, key: c.key } : {}) }, ...(auth ? { authorization: auth } : {}) };
    },
  };
}
