// kubeconfig files as kubeadm writes them (client-go clientcmd.Write: the v1 Config object as
// JSON, re-encoded as YAML by go-yaml v2), the table of files kubeadm creates, the reader, and the
// rule kubeadm applies when a kubeconfig file already exists.

import { load as loadYaml } from 'js-yaml';
import type { InitConfig } from '../config/types.js';
import { toGoYaml } from '../manifests/goyaml.js';
import { formatIP, joinHostPort, parseHostPort, parseIP } from '../util/net.js';
import { pemBlocks } from '../pki/keys.js';
import { CLIENT_CERT_SPECS, type KubeconfigFile } from '../pki/specs.js';

// ---------------------------------------------------------------------------------------------
// rendering

export interface RenderKubeconfigInput {
  clusterName: string;
  server: string;
  /** PEM of the CA certificate(s) to embed as certificate-authority-data */
  caPem: string | Uint8Array;
  /** user (AuthInfo) name; for kubeadm's files the client certificate's CN */
  userName: string;
  /** defaults to "<userName>@<clusterName>" */
  contextName?: string;
  clientCertPem?: string | Uint8Array;
  clientKeyPem?: string | Uint8Array;
  token?: string;
}

const b64 = (d: string | Uint8Array) => Buffer.from(d).toString('base64');

/** The kubeconfig text kubeadm writes (CreateWithCerts / CreateWithToken + clientcmd.Write). */
export function renderKubeconfig(i: RenderKubeconfigInput): string {
  const contextName = i.contextName ?? `${i.userName}@${i.clusterName}`;
  const user: Record<string, string> = {};
  if (i.clientCertPem !== undefined && Buffer.from(i.clientCertPem).length) user['client-certificate-data'] = b64(i.clientCertPem);
  if (i.clientKeyPem !== undefined && Buffer.from(i.clientKeyPem).length) user['client-key-data'] = b64(i.clientKeyPem);
  if (i.token) user.token = i.token;
  const cluster: Record<string, string> = { server: i.server };
  if (Buffer.from(i.caPem).length) cluster['certificate-authority-data'] = b64(i.caPem);
  return toGoYaml({
    apiVersion: 'v1',
    clusters: [{ cluster, name: i.clusterName }],
    contexts: [{ context: { cluster: i.clusterName, user: i.userName }, name: contextName }],
    'current-context': contextName,
    kind: 'Config',
    users: [{ name: i.userName, user }],
  });
}

/**
 * The kubeconfig stored in the kube-public/cluster-info ConfigMap: a single unnamed cluster
 * (server + CA data), no contexts, no users.
 */
export function renderClusterInfoKubeconfig(server: string, caPem: string | Uint8Array): string {
  const cluster: Record<string, string> = { server };
  if (Buffer.from(caPem).length) cluster['certificate-authority-data'] = b64(caPem);
  return toGoYaml({
    apiVersion: 'v1',
    clusters: [{ cluster, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    users: null,
  });
}

/**
 * The in-pod kubeconfig kube-proxy reads (key "kubeconfig.conf" of the kube-proxy ConfigMap);
 * kubeadm fills a fixed template with the control-plane endpoint URL.
 */
export function renderKubeProxyKubeconfig(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    `    server: ${server}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    namespace: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'users:',
    '- name: default',
    '  user:',
    '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// endpoints

export interface EndpointResult {
  url: string;
  warnings: string[];
}

/** https://<advertiseAddress>:<bindPort> (GetLocalAPIEndpoint); the IP printed in Go's canonical form. */
export function localAPIEndpointURL(cfg: InitConfig): string {
  const { advertiseAddress, bindPort } = cfg.init.localAPIEndpoint;
  if (!(Number.isInteger(bindPort) && bindPort >= 1 && bindPort <= 65535)) {
    throw new Error(`invalid value "${bindPort}" given for api.bindPort: port must be a valid number between 1 and 65535, inclusive`);
  }
  const ip = parseIP(advertiseAddress);
  if (!ip) throw new Error(`invalid value \`${advertiseAddress}\` given for api.advertiseAddress`);
  return `https://${joinHostPort(formatIP(ip), bindPort)}`;
}

/**
 * The URL clients use (GetControlPlaneEndpoint): controlPlaneEndpoint (with bindPort added when it
 * has no port), else the local endpoint.
 */
export function controlPlaneEndpointURL(cfg: InitConfig): EndpointResult {
  const local = localAPIEndpointURL(cfg);
  const cpe = cfg.cluster.controlPlaneEndpoint;
  if (!cpe) return { url: local, warnings: [] };
  const hp = parseHostPort(cpe);
  if ('error' in hp) throw new Error(`invalid value "${cpe}" given for controlPlaneEndpoint: ${hp.error}`);
  const { host } = hp;
  let { port } = hp;
  const warnings: string[] = [];
  const bindPort = String(cfg.init.localAPIEndpoint.bindPort);
  if (port !== '') {
    if (port !== bindPort) {
      warnings.push('[endpoint] WARNING: port specified in controlPlaneEndpoint overrides bindPort in the controlplane address');
    }
  } else port = bindPort;
  return { url: `https://${joinHostPort(host, port)}`, warnings };
}

// ---------------------------------------------------------------------------------------------
// the files kubeadm writes

export interface KubeconfigSpec {
  file: KubeconfigFile;
  /** phase name under "kubeconfig" */
  phase: string;
  /** user name and client certificate CN */
  clientName: string;
  organizations: string[];
  server: string;
}

/** Short help of each "kubeconfig" subphase. */
export const KUBECONFIG_PHASE_SHORT: Record<KubeconfigFile, string> = {
  'admin.conf': 'Generate a kubeconfig file for the admin to use and for kubeadm itself',
  'super-admin.conf': 'Generate a kubeconfig file for the super-admin',
  'kubelet.conf':
    'Generate a kubeconfig file for the kubelet to use *only* for cluster bootstrapping purposes',
  'controller-manager.conf': 'Generate a kubeconfig file for the controller manager to use',
  'scheduler.conf': 'Generate a kubeconfig file for the scheduler to use',
};

/** The kubeconfig files of `kubeadm init`, in the order kubeadm writes them, with their server URL. */
export function kubeconfigSpecs(cfg: InitConfig): { specs: KubeconfigSpec[]; warnings: string[] } {
  const cpe = controlPlaneEndpointURL(cfg);
  const local = localAPIEndpointURL(cfg);
  const specs = CLIENT_CERT_SPECS.map((s) => ({
    file: s.file,
    phase: s.phase,
    clientName: s.commonName(cfg),
    organizations: [...s.organization],
    server: s.server === 'controlPlaneEndpoint' ? cpe.url : local,
  }));
  return { specs, warnings: cpe.warnings };
}

/** The line kubeadm prints before writing a kubeconfig file. */
export function writingLine(file: string): string {
  return `[kubeconfig] Writing "${file}" kubeconfig file`;
}

/** The line kubeadm prints when it keeps an existing kubeconfig file (`path` is the full path). */
export function usingExistingLine(path: string): string {
  return `[kubeconfig] Using existing kubeconfig file: "${path}"`;
}

// ---------------------------------------------------------------------------------------------
// reading

export interface KubeconfigCluster {
  name: string;
  server: string;
  certificateAuthority?: string;
  certificateAuthorityData?: Buffer;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}
export interface KubeconfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}
export interface KubeconfigUser {
  name: string;
  clientCertificate?: string;
  clientCertificateData?: Buffer;
  clientKey?: string;
  clientKeyData?: Buffer;
  token?: string;
  tokenFile?: string;
  /** everything else in the user stanza, untouched (exec, auth-provider, ...) */
  other: Record<string, unknown>;
}
export interface Kubeconfig {
  clusters: KubeconfigCluster[];
  contexts: KubeconfigContext[];
  users: KubeconfigUser[];
  currentContext: string;
}

function fail(file: string, msg: string): never {
  throw new Error(`${file}: ${msg}`);
}

function str(v: unknown, file: string, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(file, `${where}: expected a string`);
  return v;
}

function bytes(v: unknown, file: string, where: string): Buffer | undefined {
  const s = str(v, file, where);
  if (s === undefined) return undefined;
  const clean = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) fail(file, `${where}: illegal base64 data`);
  return Buffer.from(clean, 'base64');
}

function list(v: unknown, file: string, where: string): Record<string, unknown>[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(file, `${where}: expected a list`);
  return v.map((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(file, `${where}[${i}]: expected a mapping`);
    return x as Record<string, unknown>;
  });
}

function obj(v: unknown, file: string, where: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(file, `${where}: expected a mapping`);
  return v as Record<string, unknown>;
}

/**
 * Parse a kubeconfig (YAML or JSON) into its clusters, contexts and users. Errors name `file` and the
 * offending field. An empty file is an empty config, as in client-go.
 */
export function parseKubeconfig(text: string | Uint8Array, file = 'kubeconfig'): Kubeconfig {
  const src = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  let doc: unknown;
  try {
    doc = loadYaml(src);
  } catch (e) {
    fail(file, `invalid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (doc === undefined || doc === null) return { clusters: [], contexts: [], users: [], currentContext: '' };
  const root = obj(doc, file, 'document');
  const kind = str(root.kind, file, 'kind');
  if (kind !== undefined && kind !== '' && kind !== 'Config') fail(file, `kind: expected "Config", got "${kind}"`);
  const apiVersion = str(root.apiVersion, file, 'apiVersion');
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== 'v1') {
    fail(file, `apiVersion: no kind "Config" is registered for version "${apiVersion}"`);
  }
  const clusters = list(root.clusters, file, 'clusters').map((c, i) => {
    const where = `clusters[${i}]`;
    const cl = obj(c.cluster, file, `${where}.cluster`);
    const out: KubeconfigCluster = {
      name: str(c.name, file, `${where}.name`) ?? '',
      server: str(cl.server, file, `${where}.cluster.server`) ?? '',
    };
    const ca = str(cl['certificate-authority'], file, `${where}.cluster.certificate-authority`);
    if (ca !== undefined) out.certificateAuthority = ca;
    const cad = bytes(cl['certificate-authority-data'], file, `${where}.cluster.certificate-authority-data`);
    if (cad !== undefined) out.certificateAuthorityData = cad;
    if (cl['insecure-skip-tls-verify'] === true) out.insecureSkipTLSVerify = true;
    const sn = str(cl['tls-server-name'], file, `${where}.cluster.tls-server-name`);
    if (sn !== undefined) out.tlsServerName = sn;
    const proxy = str(cl['proxy-url'], file, `${where}.cluster.proxy-url`);
    if (proxy) out.proxyUrl = proxy;
    return out;
  });
  const contexts = list(root.contexts, file, 'contexts').map((c, i) => {
    const where = `contexts[${i}]`;
    const cx = obj(c.context, file, `${where}.context`);
    const out: KubeconfigContext = {
      name: str(c.name, file, `${where}.name`) ?? '',
      cluster: str(cx.cluster, file, `${where}.context.cluster`) ?? '',
      user: str(cx.user, file, `${where}.context.user`) ?? '',
    };
    const ns = str(cx.namespace, file, `${where}.context.namespace`);
    if (ns !== undefined) out.namespace = ns;
    return out;
  });
  const users = list(root.users, file, 'users').map((u, i) => {
    const where = `users[${i}]`;
    const us = { ...obj(u.user, file, `${where}.user`) };
    const out: KubeconfigUser = { name: str(u.name, file, `${where}.name`) ?? '', other: {} };
    const take = <T>(key: string, conv: (v: unknown, f: string, w: string) => T | undefined): T | undefined => {
      const v = conv(us[key], file, `${where}.user.${key}`);
      delete us[key];
      return v;
    };
    const cc = take('client-certificate', str);
    if (cc !== undefined) out.clientCertificate = cc;
    const ccd = take('client-certificate-data', bytes);
    if (ccd !== undefined) out.clientCertificateData = ccd;
    const ck = take('client-key', str);
    if (ck !== undefined) out.clientKey = ck;
    const ckd = take('client-key-data', bytes);
    if (ckd !== undefined) out.clientKeyData = ckd;
    const tok = take('token', str);
    if (tok !== undefined) out.token = tok;
    const tf = take('tokenFile', str);
    if (tf !== undefined) out.tokenFile = tf;
    out.other = us;
    return out;
  });
  // duplicate names: client-go keeps the first entry of each name
  const dedupe = <T extends { name: string }>(a: T[]) => a.filter((x, i) => a.findIndex((y) => y.name === x.name) === i);
  return {
    clusters: dedupe(clusters),
    contexts: dedupe(contexts),
    users: dedupe(users),
    currentContext: str(root['current-context'], file, 'current-context') ?? '',
  };
}

/** The cluster the current context points at (GetClusterFromKubeConfig). */
export function currentCluster(kc: Kubeconfig, file = 'kubeconfig'): KubeconfigCluster {
  const unnamed = kc.clusters.find((c) => c.name === '');
  if (unnamed) return unnamed;
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  if (!ctx) throw new Error(`${file}: the current context is invalid: ${kc.currentContext}`);
  const cl = kc.clusters.find((c) => c.name === ctx.cluster);
  if (!cl) throw new Error(`${file}: no matching cluster for the current context: ${kc.currentContext}`);
  return cl;
}

/** The user of the current context, if any. */
export function currentUser(kc: Kubeconfig): KubeconfigUser | undefined {
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  if (!ctx) return undefined;
  return kc.users.find((u) => u.name === ctx.user);
}

// ---------------------------------------------------------------------------------------------
// an existing file

export interface ExistingKubeconfigCheck {
  ok: boolean;
  /** fatal: the file is not a kubeconfig for this cluster's CA */
  error?: string;
  /** kubeadm only warns when the server URL differs */
  warnings: string[];
  /** set when the current cluster refers to a CA file instead of embedding it; pass its content back in */
  needsCAFile?: string;
}

function derList(pem: Uint8Array): Buffer[] | undefined {
  const blocks = pemBlocks(Buffer.from(pem).toString('latin1')).filter((b) => b.type === 'CERTIFICATE');
  return blocks.length ? blocks.map((b) => b.der) : undefined;
}

/**
 * kubeadm's rule (validateKubeConfig) for a kubeconfig file that already exists: it must load, its
 * current context and that context's cluster must exist, and the first CA certificate it holds
 * must be one of the expected CA certificates. A different server URL only yields a warning.
 * `path` is the file's full path, used in messages. When the cluster references a CA file
 * (certificate-authority) instead of embedding it, pass that file's content as `caFileContent`.
 */
export function checkExistingKubeconfig(
  existingText: string | Uint8Array,
  expected: { caPem: string | Uint8Array; server: string },
  path: string,
  caFileContent?: string | Uint8Array,
): ExistingKubeconfigCheck {
  const res: ExistingKubeconfigCheck = { ok: false, warnings: [] };
  let kc: Kubeconfig;
  try {
    kc = parseKubeconfig(existingText, path);
  } catch (e) {
    res.error = `failed to load kubeconfig file ${path} that already exists on disk: ${e instanceof Error ? e.message : String(e)}`;
    return res;
  }
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  if (!ctx) {
    res.error = `failed to find CurrentContext in Contexts of the kubeconfig file ${path}`;
    return res;
  }
  const cluster = kc.clusters.find((c) => c.name === ctx.cluster);
  if (!cluster) {
    res.error = `failed to find the given CurrentContext Cluster in Clusters of the kubeconfig file ${path}`;
    return res;
  }
  let caCurrent: Uint8Array = Buffer.from(cluster.certificateAuthorityData ?? Buffer.alloc(0)).toString('latin1').trim()
    ? cluster.certificateAuthorityData!
    : Buffer.alloc(0);
  if (caCurrent.length === 0 && cluster.certificateAuthority) {
    if (caFileContent === undefined) {
      res.needsCAFile = cluster.certificateAuthority;
      res.warnings.push(`failed to load CA cert from "${cluster.certificateAuthority}" for kubeconfig "${path}"`);
    } else caCurrent = Buffer.from(caFileContent);
  }
  const current = derList(caCurrent);
  if (!current) {
    res.error = `the kubeconfig file "${path}" contains an invalid CA cert`;
    return res;
  }
  const wanted = derList(Buffer.from(expected.caPem));
  if (!wanted) {
    res.error = `the expected base64 encoded CA cert could not be parsed as a PEM:\n${Buffer.from(expected.caPem).toString().trim()}\n`;
    return res;
  }
  if (!wanted.some((w) => w.equals(current[0]!))) {
    res.error =
      `a kubeconfig file "${path}" exists but does not contain a trusted CA in its current context's cluster. ` +
      `Total CA certificates found: ${current.length}`;
    return res;
  }
  if (cluster.server !== expected.server) {
    res.warnings.push(
      `a kubeconfig file "${path}" exists already but has an unexpected API Server URL: expected: ${expected.server}, got: ${cluster.server}`,
    );
  }
  res.ok = true;
  return res;
}
