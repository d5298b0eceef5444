// A whole kubeconfig as client-go's clientcmd holds it (clientcmdapi.Config: clusters, users and
// contexts keyed by name), loaded as clientcmd.Load does and written back as clientcmd.Write does
// (the v1 Config as JSON, lists sorted by name, re-encoded as YAML by go-yaml v2). Used where kubeadm
// passes a kubeconfig object around and writes it out later: join's TLS bootstrap kubeconfig, which
// may be a user's discovery file with any kind of credentials (exec, auth-provider, ...).

import { load as loadYaml } from 'js-yaml';
import { toGoYaml } from '../manifests/goyaml.js';

export interface ClientCluster {
  server: string;
  tlsServerName?: string;
  insecureSkipTLSVerify?: boolean;
  certificateAuthority?: string;
  certificateAuthorityData?: Buffer;
  proxyURL?: string;
  disableCompression?: boolean;
  /** name → raw extension object */
  extensions?: Map<string, unknown>;
}

export interface ExecEnvVar {
  name: string;
  value: string;
}

export interface ClientExecConfig {
  command: string;
  args: string[] | null;
  env: ExecEnvVar[] | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string;
}

export interface ClientAuthInfo {
  clientCertificate?: string;
  clientCertificateData?: Buffer;
  clientKey?: string;
  clientKeyData?: Buffer;
  token?: string;
  tokenFile?: string;
  impersonate?: string;
  impersonateUID?: string;
  impersonateGroups?: string[];
  impersonateUserExtra?: Record<string, string[] | null>;
  username?: string;
  password?: string;
  authProvider?: { name: string; config: Record<string, string> | null };
  exec?: ClientExecConfig;
  extensions?: Map<string, unknown>;
}

export interface ClientContext {
  cluster: string;
  user: string;
  namespace?: string;
  extensions?: Map<string, unknown>;
}

export interface ClientConfig {
  preferences: { colors?: boolean; extensions?: Map<string, unknown> };
  clusters: Map<string, ClientCluster>;
  users: Map<string, ClientAuthInfo>;
  contexts: Map<string, ClientContext>;
  currentContext: string;
  extensions?: Map<string, unknown>;
}

export function emptyClientConfig(): ClientConfig {
  return { preferences: {}, clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '' };
}

// ---------------------------------------------------------------------------------------------
// building (kubeadm's kubeconfigutil.CreateBasic / CreateWithToken)

/** CreateBasic: one cluster, one context "<user>@<cluster>", no user entry. */
export function createBasic(server: string, clusterName: string, userName: string, caData: Uint8Array): ClientConfig {
  const contextName = `${userName}@${clusterName}`;
  const cfg = emptyClientConfig();
  const cluster: ClientCluster = { server };
  if (caData.length) cluster.certificateAuthorityData = Buffer.from(caData);
  cfg.clusters.set(clusterName, cluster);
  cfg.contexts.set(contextName, { cluster: clusterName, user: userName });
  cfg.currentContext = contextName;
  return cfg;
}

/** CreateWithToken: CreateBasic plus a user holding the token. */
export function createWithToken(server: string, clusterName: string, userName: string, caData: Uint8Array, token: string): ClientConfig {
  const cfg = createBasic(server, clusterName, userName, caData);
  cfg.users.set(userName, token ? { token } : {});
  return cfg;
}

export function cloneClientConfig(c: ClientConfig): ClientConfig {
  // Buffers and Maps survive structuredClone as Uint8Array and Map; turn the former back into Buffers
  const copy = structuredClone(c);
  const buf = <T extends object>(o: T, keys: (keyof T)[]) => {
    for (const k of keys) if (o[k] !== undefined) (o as Record<keyof T, unknown>)[k] = Buffer.from(o[k] as Uint8Array);
  };
  for (const cl of copy.clusters.values()) buf(cl, ['certificateAuthorityData']);
  for (const u of copy.users.values()) buf(u, ['clientCertificateData', 'clientKeyData']);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// queries (kubeadm's kubeconfigutil)

/**
 * GetClusterFromKubeConfig: the cluster named "" if there is one, else the current context's cluster.
 */
export function clusterFromConfig(cfg: ClientConfig): { name: string; cluster: ClientCluster } {
  const unnamed = cfg.clusters.get('');
  if (unnamed) return { name: '', cluster: unnamed };
  const ctx = cfg.contexts.get(cfg.currentContext);
  if (ctx) {
    const cl = cfg.clusters.get(ctx.cluster);
    if (cl) return { name: ctx.cluster, cluster: cl };
    throw new Error(`no matching cluster for the current context: ${cfg.currentContext}`);
  }
  throw new Error(`the current context is invalid: ${cfg.currentContext}`);
}

/** The current context's user entry (kubeadm's getCurrentAuthInfo), if any. */
export function currentAuthInfo(cfg: ClientConfig): ClientAuthInfo | undefined {
  if (!cfg.currentContext) return undefined;
  const ctx = cfg.contexts.get(cfg.currentContext);
  if (!ctx || !ctx.user) return undefined;
  return cfg.users.get(ctx.user);
}

/** kubeconfigutil.HasAuthenticationCredentials */
export function hasAuthenticationCredentials(cfg: ClientConfig): boolean {
  const a = currentAuthInfo(cfg);
  if (!a) return false;
  if (a.token || a.tokenFile) return true;
  if (a.username && a.password) return true;
  if ((a.clientCertificate || a.clientCertificateData?.length) && (a.clientKey || a.clientKeyData?.length)) return true;
  if (a.exec && a.exec.command) return true;
  if (a.authProvider && a.authProvider.name) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// loading (clientcmd.Load)

type Json = Record<string, unknown>;

function typeError(where: string, want: string, v: unknown): Error {
  const got = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  return new Error(`json: cannot unmarshal ${got} into Go struct field ${where} of type ${want}`);
}
function optStr(o: Json, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw typeError(`${where}.${key}`, 'string', v);
  return v === '' ? undefined : v;
}
function optBool(o: Json, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeError(`${where}.${key}`, 'bool', v);
  return v || undefined;
}
function optBytes(o: Json, key: string, where: string): Buffer | undefined {
  const s = optStr(o, key, where);
  if (s === undefined) return undefined;
  // Go's encoding/base64 StdEncoding (json []byte): padding required; \r and \n are ignored
  const clean = s.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw new Error(`illegal base64 data at input byte ${firstBad(clean)}`);
  const b = Buffer.from(clean, 'base64');
  return b.length ? b : undefined;
}
function firstBad(s: string): number {
  const i = s.search(/[^A-Za-z0-9+/=]/);
  return i >= 0 ? i : s.length - (s.length % 4);
}
function optObj(o: Json, key: string, where: string): Json | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(`${where}.${key}`, 'object', v);
  return v as Json;
}
function optList(o: Json, key: string, where: string): Json[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw typeError(`${where}.${key}`, 'array', v);
  return v.map((x) => {
    if (x === null) return {};
    if (typeof x !== 'object' || Array.isArray(x)) throw typeError(`${where}.${key}`, 'object', x);
    return x as Json;
  });
}
function strList(o: Json, key: string, where: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw typeError(`${where}.${key}`, '[]string', v);
  return v as string[];
}

function named<T>(o: Json, key: string, what: string, conv: (v: Json) => T): Map<string, T> {
  const out = new Map<string, T>();
  const list = optList(o, key, 'Config');
  for (const item of list) {
    const name = item.name === undefined || item.name === null ? '' : item.name;
    if (typeof name !== 'string') throw typeError(`${what}.name`, 'string', name);
    if (out.has(name)) {
      throw new Error(`error converting *[]${what} into *map[string]*api.${what.replace(/^Named/, '')}: duplicate name "${name}" in list`);
    }
    out.set(name, conv(item));
  }
  return out;
}

function extensionsOf(o: Json, where: string): Map<string, unknown> | undefined {
  const m = named(o, 'extensions', 'NamedExtension', (e) => e.extension ?? null);
  void where;
  return m.size ? m : undefined;
}

function loadCluster(v: Json): ClientCluster {
  const w = 'Cluster';
  const c: ClientCluster = { server: optStr(v, 'server', w) ?? '' };
  const set = <K extends keyof ClientCluster>(k: K, x: ClientCluster[K] | undefined) => {
    if (x !== undefined) c[k] = x;
  };
  set('tlsServerName', optStr(v, 'tls-server-name', w));
  set('insecureSkipTLSVerify', optBool(v, 'insecure-skip-tls-verify', w));
  set('certificateAuthority', optStr(v, 'certificate-authority', w));
  set('certificateAuthorityData', optBytes(v, 'certificate-authority-data', w));
  set('proxyURL', optStr(v, 'proxy-url', w));
  set('disableCompression', optBool(v, 'disable-compression', w));
  set('extensions', extensionsOf(v, w));
  return c;
}

function loadExec(v: Json): ClientExecConfig {
  const w = 'ExecConfig';
  const env = v.env === undefined || v.env === null ? null : optList(v, 'env', w).map((e) => ({ name: optStr(e, 'name', 'ExecEnvVar') ?? '', value: optStr(e, 'value', 'ExecEnvVar') ?? '' }));
  const x: ClientExecConfig = {
    command: optStr(v, 'command', w) ?? '',
    args: strList(v, 'args', w) ?? null,
    env,
    provideClusterInfo: optBool(v, 'provideClusterInfo', w) ?? false,
  };
  const apiVersion = optStr(v, 'apiVersion', w);
  if (apiVersion !== undefined) x.apiVersion = apiVersion;
  const hint = optStr(v, 'installHint', w);
  if (hint !== undefined) x.installHint = hint;
  let mode = optStr(v, 'interactiveMode', w);
  // v1 defaulting (SetDefaults_ExecConfig), applied by clientcmd's decoder
  if (mode === undefined && (apiVersion === 'client.authentication.k8s.io/v1beta1' || apiVersion === 'client.authentication.k8s.io/v1alpha1')) {
    mode = 'IfAvailable';
  }
  if (mode !== undefined) x.interactiveMode = mode;
  return x;
}

function loadAuthInfo(v: Json): ClientAuthInfo {
  const w = 'AuthInfo';
  const a: ClientAuthInfo = {};
  const set = <K extends keyof ClientAuthInfo>(k: K, x: ClientAuthInfo[K] | undefined) => {
    if (x !== undefined) a[k] = x;
  };
  set('clientCertificate', optStr(v, 'client-certificate', w));
  set('clientCertificateData', optBytes(v, 'client-certificate-data', w));
  set('clientKey', optStr(v, 'client-key', w));
  set('clientKeyData', optBytes(v, 'client-key-data', w));
  set('token', optStr(v, 'token', w));
  set('tokenFile', optStr(v, 'tokenFile', w));
  set('impersonate', optStr(v, 'as', w));
  set('impersonateUID', optStr(v, 'as-uid', w));
  const groups = strList(v, 'as-groups', w);
  if (groups && groups.length) a.impersonateGroups = groups;
  const extra = optObj(v, 'as-user-extra', w);
  if (extra && Object.keys(extra).length) {
    const m: Record<string, string[] | null> = {};
    for (const [k, val] of Object.entries(extra)) {
      if (val !== null && (!Array.isArray(val) || val.some((x) => typeof x !== 'string'))) throw typeError(`${w}.as-user-extra`, '[]string', val);
      m[k] = val as string[] | null;
    }
    a.impersonateUserExtra = m;
  }
  set('username', optStr(v, 'username', w));
  set('password', optStr(v, 'password', w));
  const ap = optObj(v, 'auth-provider', w);
  if (ap) {
    const cfg = optObj(ap, 'config', 'AuthProviderConfig');
    const conf: Record<string, string> | null = cfg ? {} : null;
    if (cfg) {
      for (const [k, val] of Object.entries(cfg)) {
        if (typeof val !== 'string') throw typeError('AuthProviderConfig.config', 'string', val);
        conf![k] = val;
      }
    }
    a.authProvider = { name: optStr(ap, 'name', 'AuthProviderConfig') ?? '', config: conf };
  }
  const ex = optObj(v, 'exec', w);
  if (ex) a.exec = loadExec(ex);
  set('extensions', extensionsOf(v, w));
  return a;
}

function loadContext(v: Json): ClientContext {
  const w = 'Context';
  const c: ClientContext = { cluster: optStr(v, 'cluster', w) ?? '', user: optStr(v, 'user', w) ?? '' };
  const ns = optStr(v, 'namespace', w);
  if (ns !== undefined) c.namespace = ns;
  const ext = extensionsOf(v, w);
  if (ext) c.extensions = ext;
  return c;
}

/**
 * clientcmd.Load: YAML or JSON; empty input is an empty config. Unknown fields are dropped, as the
 * decoder does. Throws with the decoder's problem.
 */
export function loadClientConfig(data: string | Uint8Array): ClientConfig {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  if (text.length === 0) return emptyClientConfig();
  let doc: unknown;
  try {
    doc = loadYaml(text);
  } catch (e) {
    throw new Error(`error converting YAML to JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (doc === undefined || doc === null) return emptyClientConfig();
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error("couldn't get version/kind; json parse error: the document is not a mapping");
  const root = doc as Json;
  const kind = root.kind;
  const apiVersion = root.apiVersion;
  if (kind !== undefined && kind !== null && kind !== '' && kind !== 'Config') {
    throw new Error(`no kind "${String(kind)}" is registered for version "${String(apiVersion ?? '')}" in scheme`);
  }
  if (apiVersion !== undefined && apiVersion !== null && apiVersion !== '' && apiVersion !== 'v1') {
    throw new Error(`no kind "Config" is registered for version "${String(apiVersion)}" in scheme`);
  }
  const cfg = emptyClientConfig();
  const prefs = optObj(root, 'preferences', 'Config');
  if (prefs) {
    const colors = optBool(prefs, 'colors', 'Preferences');
    if (colors) cfg.preferences.colors = true;
    const ext = extensionsOf(prefs, 'Preferences');
    if (ext) cfg.preferences.extensions = ext;
  }
  cfg.clusters = named(root, 'clusters', 'NamedCluster', (x) => loadCluster(optObj(x, 'cluster', 'NamedCluster') ?? {}));
  cfg.users = named(root, 'users', 'NamedAuthInfo', (x) => loadAuthInfo(optObj(x, 'user', 'NamedAuthInfo') ?? {}));
  cfg.contexts = named(root, 'contexts', 'NamedContext', (x) => loadContext(optObj(x, 'context', 'NamedContext') ?? {}));
  cfg.currentContext = optStr(root, 'current-context', 'Config') ?? '';
  const ext = extensionsOf(root, 'Config');
  if (ext) cfg.extensions = ext;
  return cfg;
}

// ---------------------------------------------------------------------------------------------
// validation (clientcmd.Validate)

/** Reads a file for the checks that open files named in the kubeconfig; rejects when unreadable. */
export type FileProbe = (path: string) => Promise<unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function byteSorted(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Go's fmt of an os.Open error: "open <path>: no such file or directory". */
export function goOpenError(path: string, e: unknown): string {
  const code = (e as { code?: string }).code;
  const text: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
  };
  return `open ${path}: ${code && text[code] ? text[code] : e instanceof Error ? e.message : String(e)}`;
}

/** clientcmd.Validate; resolves to undefined when valid, else the error message. */
export async function validateClientConfig(cfg: ClientConfig, probe: FileProbe): Promise<string | undefined> {
  const errs: string[] = [];
  const empty = cfg.clusters.size === 0 && cfg.users.size === 0 && cfg.contexts.size === 0 && !cfg.currentContext && !cfg.preferences.colors && !cfg.preferences.extensions?.size && !cfg.extensions?.size;
  if (empty) return 'invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable';
  if (cfg.currentContext && !cfg.contexts.has(cfg.currentContext)) errs.push(`context was not found for specified context: ${cfg.currentContext}`);
  const open = async (p: string): Promise<string | undefined> => {
    try {
      await probe(p);
      return undefined;
    } catch (e) {
      return goOpenError(p, e);
    }
  };
  for (const name of byteSorted(cfg.contexts.keys())) {
    const c = cfg.contexts.get(name)!;
    if (!name) errs.push('empty context name is not allowed');
    if (!c.user) errs.push(`user was not specified for context "${name}"`);
    else if (!cfg.users.has(c.user)) errs.push(`user "${c.user}" was not found for context "${name}"`);
    if (!c.cluster) errs.push(`cluster was not specified for context "${name}"`);
    else if (!cfg.clusters.has(c.cluster)) errs.push(`cluster "${c.cluster}" was not found for context "${name}"`);
    if (c.namespace && !(c.namespace.length <= 63 && DNS1123_LABEL.test(c.namespace))) {
      errs.push(`namespace "${c.namespace}" for context "${name}" does not conform to the kubernetes DNS_LABEL rules`);
    }
  }
  for (const name of byteSorted(cfg.users.keys())) {
    const a = cfg.users.get(name)!;
    const methods: string[] = [];
    if (a.token) methods.push('token');
    if (a.username || a.password) methods.push('basicAuth');
    if (a.clientCertificate || a.clientCertificateData?.length) {
      if (a.clientCertificate && a.clientCertificateData?.length) errs.push(`client-cert-data and client-cert are both specified for ${name}. client-cert-data will override.`);
      if (a.clientKey && a.clientKeyData?.length) errs.push(`client-key-data and client-key are both specified for ${name}; client-key-data will override`);
      if (!a.clientKey && !a.clientKeyData?.length) errs.push(`client-key-data or client-key must be specified for ${name} to use the clientCert authentication method.`);
      if (a.clientCertificate) {
        const e = await open(a.clientCertificate);
        if (e) errs.push(`unable to read client-cert ${a.clientCertificate} for ${name} due to ${e}`);
      }
      if (a.clientKey) {
        const e = await open(a.clientKey);
        if (e) errs.push(`unable to read client-key ${a.clientKey} for ${name} due to ${e}`);
      }
    }
    if (a.exec) {
      if (a.authProvider) errs.push(`authProvider cannot be provided in combination with an exec plugin for ${name}`);
      if (!a.exec.command) errs.push(`command must be specified for ${name} to use exec authentication plugin`);
      if (!a.exec.apiVersion) errs.push(`apiVersion must be specified for ${name} to use exec authentication plugin`);
      for (const v of a.exec.env ?? []) if (!v.name) errs.push(`env variable name must be specified for ${name} to use exec authentication plugin`);
      const mode = a.exec.interactiveMode ?? '';
      if (mode === '') errs.push(`interactiveMode must be specified for ${name} to use exec authentication plugin`);
      else if (!['Never', 'IfAvailable', 'Always'].includes(mode)) errs.push(`invalid interactiveMode for ${name}: "${mode}"`);
    }
    if (methods.length > 1) errs.push(`more than one authentication method found for ${name}; found [${methods.join(' ')}], only one is allowed`);
    if ((a.impersonateUID || a.impersonateGroups?.length || (a.impersonateUserExtra && Object.keys(a.impersonateUserExtra).length)) && !a.impersonate) {
      errs.push(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
    }
  }
  for (const name of byteSorted(cfg.clusters.keys())) {
    const c = cfg.clusters.get(name)!;
    const isEmpty = Object.values(c).every((v) => v === undefined || v === '' || v === false);
    if (isEmpty) {
      errs.push('cluster has no server defined');
      continue;
    }
    if (!c.server) errs.push(name ? `no server found for cluster "${name}"` : 'default cluster has no server defined');
    if (c.proxyURL) {
      let ok = false;
      try {
        ok = ['http:', 'https:', 'socks5:'].includes(new URL(c.proxyURL).protocol);
      } catch {
        ok = false;
      }
      if (!ok) errs.push(`invalid 'proxy-url' "${c.proxyURL}" for cluster "${name}": the proxy URL is not valid`);
    }
    if (c.certificateAuthority && c.certificateAuthorityData?.length) {
      errs.push(`certificate-authority-data and certificate-authority are both specified for ${name}. certificate-authority-data will override.`);
    }
    if (c.certificateAuthority) {
      const e = await open(c.certificateAuthority);
      if (e) errs.push(`unable to read certificate-authority ${c.certificateAuthority} for ${name} due to ${e}`);
    }
  }
  if (errs.length === 0) return undefined;
  return `invalid configuration: ${errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`}`;
}

// ---------------------------------------------------------------------------------------------
// writing (clientcmd.Write)

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function namedList<T>(m: Map<string, T> | undefined, key: string, conv: (v: T) => unknown): unknown[] | null {
  if (!m || m.size === 0) return null;
  return byteSorted(m.keys()).map((name) => ({ name, [key]: conv(m.get(name)!) }));
}

function extensionsJson(m: Map<string, unknown> | undefined): unknown[] | undefined {
  return namedList(m, 'extension', (v) => v) ?? undefined;
}

function clusterJson(c: ClientCluster): Json {
  const o: Json = { server: c.server };
  if (c.tlsServerName) o['tls-server-name'] = c.tlsServerName;
  if (c.insecureSkipTLSVerify) o['insecure-skip-tls-verify'] = true;
  if (c.certificateAuthority) o['certificate-authority'] = c.certificateAuthority;
  if (c.certificateAuthorityData?.length) o['certificate-authority-data'] = b64(c.certificateAuthorityData);
  if (c.proxyURL) o['proxy-url'] = c.proxyURL;
  if (c.disableCompression) o['disable-compression'] = true;
  const ext = extensionsJson(c.extensions);
  if (ext) o.extensions = ext;
  return o;
}

function authInfoJson(a: ClientAuthInfo): Json {
  const o: Json = {};
  if (a.clientCertificate) o['client-certificate'] = a.clientCertificate;
  if (a.clientCertificateData?.length) o['client-certificate-data'] = b64(a.clientCertificateData);
  if (a.clientKey) o['client-key'] = a.clientKey;
  if (a.clientKeyData?.length) o['client-key-data'] = b64(a.clientKeyData);
  if (a.token) o.token = a.token;
  if (a.tokenFile) o.tokenFile = a.tokenFile;
  if (a.impersonate) o.as = a.impersonate;
  if (a.impersonateUID) o['as-uid'] = a.impersonateUID;
  if (a.impersonateGroups?.length) o['as-groups'] = a.impersonateGroups;
  if (a.impersonateUserExtra && Object.keys(a.impersonateUserExtra).length) o['as-user-extra'] = a.impersonateUserExtra;
  if (a.username) o.username = a.username;
  if (a.password) o.password = a.password;
  if (a.authProvider) o['auth-provider'] = { name: a.authProvider.name, config: a.authProvider.config };
  if (a.exec) {
    const x = a.exec;
    const e: Json = { command: x.command, args: x.args, env: x.env, provideClusterInfo: x.provideClusterInfo };
    if (x.apiVersion) e.apiVersion = x.apiVersion;
    if (x.installHint) e.installHint = x.installHint;
    if (x.interactiveMode) e.interactiveMode = x.interactiveMode;
    o.exec = e;
  }
  const ext = extensionsJson(a.extensions);
  if (ext) o.extensions = ext;
  return o;
}

function contextJson(c: ClientContext): Json {
  const o: Json = { cluster: c.cluster, user: c.user };
  if (c.namespace) o.namespace = c.namespace;
  const ext = extensionsJson(c.extensions);
  if (ext) o.extensions = ext;
  return o;
}

/** The v1 Config as clientcmd's encoder produces it (before YAML). */
export function clientConfigToV1(cfg: ClientConfig): Json {
  const o: Json = { kind: 'Config', apiVersion: 'v1' };
  const prefs: Json = {};
  if (cfg.preferences.colors) prefs.colors = true;
  const pext = extensionsJson(cfg.preferences.extensions);
  if (pext) prefs.extensions = pext;
  if (Object.keys(prefs).length) o.preferences = prefs;
  o.clusters = namedList(cfg.clusters, 'cluster', clusterJson);
  o.users = namedList(cfg.users, 'user', authInfoJson);
  o.contexts = namedList(cfg.contexts, 'context', contextJson);
  o['current-context'] = cfg.currentContext;
  const ext = extensionsJson(cfg.extensions);
  if (ext) o.extensions = ext;
  return o;
}

/** clientcmd.Write: the bytes kubeadm writes to a kubeconfig file (e.g. bootstrap-kubelet.conf). */
export function writeClientConfig(cfg: ClientConfig): string {
  return toGoYaml(clientConfigToV1(cfg));
}
