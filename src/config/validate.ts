// Value rules kubeadm applies to a resolved configuration (apis/kubeadm/validation), collected, never
// stopping at the first. Paths are reported as "<Kind>.<field path>"; a locator adds file and line.
import type { FieldProblem } from '../errors.js';
import type {
  APIEndpoint,
  Arg,
  BootstrapToken,
  ClusterConfiguration,
  Discovery,
  Etcd,
  InitConfiguration,
  JoinConfiguration,
  NodeRegistrationOptions,
  ResetConfiguration,
  Taint,
} from './types.js';
import * as C from './constants.js';
import { parseDurationNs } from './duration.js';
import { isValidImageReference, urlScheme } from './net.js';
import {
  cidrContains,
  dns1123SubdomainErrors,
  formatCIDR,
  isIP,
  parseCIDR,
  parseHostPort,
  rangeSize,
  splitHostPort,
  wildcardDNS1123SubdomainErrors,
  type ParsedCIDR,
} from '../util/net.js';

/** Where a field came from: returns file/line for "<Kind>" + "<path>" when known. */
export type Locator = (kind: string, path: string) => { file?: string; line?: number };

export interface ValidationContext {
  problems: FieldProblem[];
  warnings: string[];
  locate?: Locator;
  /** checks that a discovery file exists; without it the check is skipped */
  fileExists?: (path: string) => boolean;
}

export function newContext(locate?: Locator, fileExists?: (p: string) => boolean): ValidationContext {
  return { problems: [], warnings: [], ...(locate ? { locate } : {}), ...(fileExists ? { fileExists } : {}) };
}

class Reporter {
  constructor(
    private readonly ctx: ValidationContext,
    private readonly kind: string,
  ) {}
  add(path: string, message: string): void {
    const where = this.ctx.locate ? this.ctx.locate(this.kind, path) : {};
    this.ctx.problems.push({ path: path === '' ? this.kind : `${this.kind}.${path}`, message, ...where });
  }
  warn(message: string): void {
    this.ctx.warnings.push(message);
  }
}

const q = (s: string) => JSON.stringify(s);
const isAbs = (p: string) => p.startsWith('/');

function validateAbsolutePath(r: Reporter, path: string, value: string): void {
  if (!isAbs(value)) r.add(path, `${q(value)} is not an absolute path`);
}

function validateExtraArgs(r: Reporter, path: string, args: Arg[]): void {
  args.forEach((a, i) => {
    if (a.name === '') r.add(`${path}[${i}]`, 'argument has no name');
    const mm = (a as Arg & { mergeMethod?: string }).mergeMethod;
    if (mm !== undefined && mm !== '' && mm !== 'append' && mm !== 'prepend') {
      r.add(`${path}[${i}]`, `argument has an invalid merge method ${q(mm)}`);
    }
  });
}

function validateImagePullPolicy(r: Reporter, path: string, policy: string): void {
  if (policy !== '' && !(C.PULL_POLICIES as readonly string[]).includes(policy)) {
    r.add(path, `invalid pull policy ${q(policy)}: must be one of ${C.PULL_POLICIES.join(', ')}`);
  }
}

export function validateSocketPath(r: Reporter, path: string, socket: string): void {
  if (socket === '') {
    r.add(path, 'empty CRI socket');
    return;
  }
  const u = urlScheme(socket);
  if ('error' in u) {
    r.add(path, `${q(socket)} is not a valid URL: ${u.error}`);
    return;
  }
  if (u.scheme !== C.DEFAULT_URL_SCHEME) {
    r.add(path, `${q(socket)}: only URL scheme "unix" is supported, got ${q(u.scheme)}`);
  }
}

function validateTaints(r: Reporter, path: string, taints: Taint[] | null): void {
  // Not checked by kubeadm itself (the API server rejects such a Node later); checked here to fail early.
  (taints ?? []).forEach((t, i) => {
    if (t.key === '') r.add(`${path}[${i}].key`, 'taint key is required');
    if (!(C.TAINT_EFFECTS as readonly string[]).includes(t.effect)) {
      r.add(`${path}[${i}].effect`, `invalid taint effect ${q(t.effect)}: must be one of ${C.TAINT_EFFECTS.join(', ')}`);
    }
  });
}

function validateNodeRegistration(r: Reporter, path: string, nro: NodeRegistrationOptions): void {
  if (nro.name === '') {
    r.add(
      `${path}.name`,
      "--node-name or .nodeRegistration.name in the config file is a required value. It seems like this value couldn't be automatically detected in your environment, please specify the desired value using the CLI or config file.",
    );
  } else {
    for (const e of dns1123SubdomainErrors(nro.name)) r.add(`${path}.name`, `${q(nro.name)}: ${e}`);
  }
  validateSocketPath(r, `${path}.criSocket`, nro.criSocket);
  validateExtraArgs(r, `${path}.kubeletExtraArgs`, nro.kubeletExtraArgs);
  validateImagePullPolicy(r, `${path}.imagePullPolicy`, nro.imagePullPolicy);
  validateTaints(r, `${path}.taints`, nro.taints);
}

export function isValidBootstrapToken(token: string): boolean {
  return C.BOOTSTRAP_TOKEN_PATTERN.test(token);
}

function validateToken(r: Reporter, path: string, token: string): void {
  if (!isValidBootstrapToken(token)) {
    r.add(path, `the bootstrap token ${q(token)} is invalid: it must be of the form "[a-z0-9]{6}.[a-z0-9]{16}"`);
  }
}

function validateBootstrapTokens(r: Reporter, tokens: BootstrapToken[]): void {
  tokens.forEach((bt, i) => {
    const p = `bootstrapTokens[${i}]`;
    validateToken(r, `${p}.token`, bt.token);
    const bad = [...new Set(bt.usages.filter((u) => !(C.KNOWN_TOKEN_USAGES as readonly string[]).includes(u)))].sort();
    if (bad.length > 0) {
      r.add(`${p}.usages`, `invalid bootstrap token usage string: ${bad.join(',')}, valid usage options: ${C.KNOWN_TOKEN_USAGES.join(',')}`);
    }
    if (bt.groups.length > 0 && !bt.usages.includes('authentication')) {
      r.add(`${p}.groups`, 'token groups cannot be specified unless --usages includes "authentication"');
    }
    for (const g of bt.groups) {
      if (!C.BOOTSTRAP_GROUP_PATTERN.test(g)) {
        r.add(`${p}.groups`, `bootstrap group ${q(g)} is invalid (must match \\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\z)`);
      }
    }
    if (bt.expires !== undefined && bt.ttl !== undefined) {
      r.add(p, 'the BootstrapToken .TTL and .Expires fields are mutually exclusive');
    }
  });
}

function validateAPIEndpoint(r: Reporter, path: string, ep: APIEndpoint): void {
  if (!isIP(ep.advertiseAddress)) r.add(`${path}.advertiseAddress`, `${q(ep.advertiseAddress)} is not a valid IP address`);
  if (!Number.isInteger(ep.bindPort) || ep.bindPort < 1 || ep.bindPort > 65535) {
    r.add(`${path}.bindPort`, `${ep.bindPort} is not a valid port number: must be between 1 and 65535, inclusive`);
  }
}

function validateCertificateKey(r: Reporter, path: string, key: string): void {
  if (key === '') return;
  if (!/^([0-9a-fA-F]{2})*$/.test(key)) {
    r.add(path, `certificate key ${q(key)} is not a hex encoded string`);
    return;
  }
  const n = key.length / 2;
  if (n !== C.CERTIFICATE_KEY_SIZE) {
    r.add(path, `invalid certificate key size ${n}, the key must be an AES key of size ${C.CERTIFICATE_KEY_SIZE} (64 hex characters)`);
  }
}

function validateCertSANs(r: Reporter, path: string, sans: string[]): void {
  for (const san of sans) {
    const e1 = dns1123SubdomainErrors(san);
    if (e1.length === 0) continue;
    const e2 = wildcardDNS1123SubdomainErrors(san);
    if (e2.length === 0) continue;
    if (isIP(san)) continue;
    r.add(path, `${q(san)} is not a valid IP address, DNS name or wildcard DNS name`);
  }
}

function validateImageRepository(r: Reporter, path: string, repo: string): void {
  if (!isValidImageReference(`${repo}/name:tag`)) r.add(path, `${q(repo)} is not a valid image repository`);
}

/** Parse a comma-separated subnet list; returns the problems' messages and the parsed subnets. */
function checkSubnets(r: Reporter, path: string, value: string, minAddrs: bigint): ParsedCIDR[] | undefined {
  const parts = value.split(',');
  const subnets: ParsedCIDR[] = [];
  for (const p of parts) {
    const c = parseCIDR(p);
    if (!c) {
      r.add(path, `${q(value)} is not a valid CIDR${parts.length > 1 ? ` (${q(p)} could not be parsed)` : ''}`);
      return undefined;
    }
    subnets.push(c);
  }
  if (subnets.length > 2) {
    r.add(path, `${q(value)}: expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking`);
  } else if (subnets.length === 2 && subnets[0]!.network.family === subnets[1]!.network.family) {
    r.add(path, `${q(value)}: expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking`);
  }
  const siteLocal = parseCIDR('fec0::/10')!;
  for (const s of subnets) {
    const n = rangeSize(s);
    if (n < minAddrs) r.add(path, `${q(formatCIDR(s))}: subnet with ${n} address(es) is too small, the minimum is ${minAddrs}`);
    if (cidrContains(siteLocal, s.network) || cidrContains(s, siteLocal.network)) {
      r.warn(`the subnet ${formatCIDR(s)} contains IPv6 site-local addresses that belong to fec0::/10 which has been deprecated by rfc3879`);
    }
  }
  return subnets;
}

function argValue(args: Arg[], name: string): string | undefined {
  // the last occurrence wins, as kubeadm.GetArgValue(..., -1) reads it
  for (let i = args.length - 1; i >= 0; i--) if (args[i]!.name === name) return args[i]!.value;
  return undefined;
}

function validateNetworking(r: Reporter, c: ClusterConfiguration): void {
  const n = c.networking;
  for (const e of dns1123SubdomainErrors(n.dnsDomain)) r.add('networking.dnsDomain', `${q(n.dnsDomain)}: ${e}`);
  if (n.serviceSubnet !== '') {
    const subnets = checkSubnets(r, 'networking.serviceSubnet', n.serviceSubnet, C.MINIMUM_ADDRESSES_IN_SERVICE_SUBNET);
    for (const s of subnets ?? []) {
      if (s.bits - s.prefix > C.MAXIMUM_BITS_FOR_SERVICE_SUBNET) {
        r.add(
          'networking.serviceSubnet',
          `${q(formatCIDR(s))}: specified service subnet is too large; for ${s.bits}-bit addresses, the mask must be >= ${s.bits - C.MAXIMUM_BITS_FOR_SERVICE_SUBNET}`,
        );
      }
    }
  }
  if (n.podSubnet) {
    const subnets = checkSubnets(r, 'networking.podSubnet', n.podSubnet, C.MINIMUM_ADDRESSES_IN_POD_SUBNET);
    if (subnets && argValue(c.controllerManager.extraArgs, 'allocate-node-cidrs') !== 'false') {
      for (const s of subnets) {
        const v6 = s.network.family === 6;
        const flag = v6 ? 'node-cidr-mask-size-ipv6' : 'node-cidr-mask-size-ipv4';
        const raw = argValue(c.controllerManager.extraArgs, flag);
        let nodeMask = v6 ? 64 : 24;
        if (raw !== undefined && raw !== '') {
          if (!/^[+-]?\d+$/.test(raw)) {
            r.add('networking.podSubnet', `${q(formatCIDR(s))}: could not parse the value of the kube-controller-manager flag ${flag} (${q(raw)}) as an integer`);
            continue;
          }
          nodeMask = Number(raw);
        }
        if (s.prefix > nodeMask) {
          r.add('networking.podSubnet', `${q(formatCIDR(s))}: the size of pod subnet with mask ${s.prefix} is smaller than the size of node subnet with mask ${nodeMask}`);
        } else if (nodeMask - s.prefix > C.POD_SUBNET_NODE_MASK_MAX_DIFF) {
          r.add('networking.podSubnet', `${q(formatCIDR(s))}: pod subnet mask (${s.prefix}) and node-mask (${nodeMask}) difference is greater than ${C.POD_SUBNET_NODE_MASK_MAX_DIFF}`);
        }
      }
    }
  }
}

function validateURLs(r: Reporter, path: string, urls: string[], requireHTTPS: boolean): void {
  for (const u of urls) {
    const s = urlScheme(u);
    if ('error' in s) {
      r.add(path, `${q(u)}: URL parse error: ${s.error}`);
      continue;
    }
    if (requireHTTPS && s.scheme !== 'https') r.add(path, `${q(u)}: the URL must be using the HTTPS scheme`);
    if (s.scheme === '') r.add(path, `${q(u)}: the URL without scheme is not allowed`);
  }
}

function validateEtcd(r: Reporter, e: Etcd): void {
  if (!e.local && !e.external) {
    r.add('etcd', 'either etcd.local or etcd.external is required');
    return;
  }
  if (e.local && e.external) {
    r.add('etcd', 'etcd.local and etcd.external are mutually exclusive');
    return;
  }
  if (e.local) {
    const l = e.local;
    validateAbsolutePath(r, 'etcd.local.dataDir', l.dataDir);
    validateCertSANs(r, 'etcd.local.serverCertSANs', l.serverCertSANs);
    validateCertSANs(r, 'etcd.local.peerCertSANs', l.peerCertSANs);
    if (l.imageRepository) validateImageRepository(r, 'etcd.local.imageRepository', l.imageRepository);
    validateExtraArgs(r, 'etcd.local.extraArgs', l.extraArgs);
  }
  if (e.external) {
    const x = e.external;
    const requireHTTPS = !(x.caFile === '' && x.certFile === '' && x.keyFile === '');
    if ((x.certFile === '') !== (x.keyFile === '')) {
      r.add('etcd.external', 'either both or none of etcd.external.certFile and etcd.external.keyFile must be set');
    }
    if (x.certFile !== '' && x.keyFile !== '' && x.caFile === '') {
      r.add('etcd.external', 'setting etcd.external.certFile and etcd.external.keyFile requires etcd.external.caFile');
    }
    if (x.endpoints.length === 0) r.add('etcd.external.endpoints', 'at least one endpoint must be specified');
    else validateURLs(r, 'etcd.external.endpoints', x.endpoints, requireHTTPS);
    validateURLs(r, 'etcd.external.httpEndpoints', x.httpEndpoints ?? [], false);
    if (x.caFile !== '') validateAbsolutePath(r, 'etcd.external.caFile', x.caFile);
    if (x.certFile !== '') validateAbsolutePath(r, 'etcd.external.certFile', x.certFile);
    if (x.keyFile !== '') validateAbsolutePath(r, 'etcd.external.keyFile', x.keyFile);
  }
}

/** Non-fatal notes about certificate validity periods (kubeadm prints them as warnings). */
export function certValidityWarnings(c: ClusterConfiguration): string[] {
  const out: string[] = [];
  let leaf: bigint | undefined;
  let ca: bigint | undefined;
  try {
    leaf = parseDurationNs(c.certificateValidityPeriod);
    ca = parseDurationNs(c.caCertificateValidityPeriod);
  } catch {
    return out;
  }
  const dLeaf = parseDurationNs(C.DEFAULT_CERTIFICATE_VALIDITY);
  const dCA = parseDurationNs(C.DEFAULT_CA_CERTIFICATE_VALIDITY);
  if (leaf > dLeaf) {
    out.push(`WARNING: certificateValidityPeriod: the value ${c.certificateValidityPeriod} is more than the recommended default for certificate expiration: ${C.DEFAULT_CERTIFICATE_VALIDITY}`);
  }
  if (ca > dCA) {
    out.push(`WARNING: caCertificateValidityPeriod: the value ${c.caCertificateValidityPeriod} is more than the recommended default for CA certificate expiration: ${C.DEFAULT_CA_CERTIFICATE_VALIDITY}`);
  }
  if (leaf > ca) {
    out.push(`WARNING: certificateValidityPeriod: the value ${c.certificateValidityPeriod} is more than the caCertificateValidityPeriod: ${c.caCertificateValidityPeriod}`);
  }
  return out;
}

export function validateClusterConfiguration(ctx: ValidationContext, c: ClusterConfiguration): void {
  const r = new Reporter(ctx, C.CLUSTER_KIND);
  if (c.dns.imageRepository) validateImageRepository(r, 'dns.imageRepository', c.dns.imageRepository);
  validateNetworking(r, c);
  validateCertSANs(r, 'apiServer.certSANs', c.apiServer.certSANs);
  validateExtraArgs(r, 'apiServer.extraArgs', c.apiServer.extraArgs);
  validateExtraArgs(r, 'controllerManager.extraArgs', c.controllerManager.extraArgs);
  validateExtraArgs(r, 'scheduler.extraArgs', c.scheduler.extraArgs);
  validateAbsolutePath(r, 'certificatesDir', c.certificatesDir);
  for (const k of Object.keys(c.featureGates)) {
    if (!(k in C.FEATURE_GATES)) {
      r.add('featureGates', `${k} is not a valid feature name (known feature gates: ${Object.keys(C.FEATURE_GATES).sort().join(', ')})`);
    }
  }
  if (c.controlPlaneEndpoint !== '') {
    const hp = parseHostPort(c.controlPlaneEndpoint);
    if ('error' in hp) r.add('controlPlaneEndpoint', `${q(c.controlPlaneEndpoint)} is not a valid endpoint: ${hp.error}`);
  }
  validateImageRepository(r, 'imageRepository', c.imageRepository);
  validateEtcd(r, c.etcd);
  if (!(C.KNOWN_ENCRYPTION_ALGORITHMS as readonly string[]).includes(c.encryptionAlgorithm)) {
    r.add('encryptionAlgorithm', `invalid encryption algorithm ${q(c.encryptionAlgorithm)}: must be one of ${C.KNOWN_ENCRYPTION_ALGORITHMS.join(', ')}`);
  }
  for (const w of certValidityWarnings(c)) r.warn(w);
}

export function validateInitConfiguration(ctx: ValidationContext, init: InitConfiguration, cluster: ClusterConfiguration): void {
  const r = new Reporter(ctx, C.INIT_KIND);
  validateNodeRegistration(r, 'nodeRegistration', init.nodeRegistration);
  validateBootstrapTokens(r, init.bootstrapTokens);
  validateClusterConfiguration(ctx, cluster);
  validateAPIEndpoint(r, 'localAPIEndpoint', init.localAPIEndpoint);
  validateCertificateKey(r, 'certificateKey', init.certificateKey);
}

function validateDiscovery(ctx: ValidationContext, r: Reporter, d: Discovery): void {
  if (!d.bootstrapToken && !d.file) r.add('discovery', 'bootstrapToken or file must be set');
  if (d.bootstrapToken && d.file) r.add('discovery', 'bootstrapToken and file cannot both be set');
  if (d.bootstrapToken) {
    const b = d.bootstrapToken;
    if (b.apiServerEndpoint === '') r.add('discovery.bootstrapToken.apiServerEndpoint', 'apiServerEndpoint is not set');
    if (b.caCertHashes.length === 0 && !b.unsafeSkipCAVerification) {
      r.add(
        'discovery.bootstrapToken.caCertHashes',
        'using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue',
      );
    }
    validateToken(r, 'discovery.bootstrapToken.token', b.token);
    const sp = splitHostPort(b.apiServerEndpoint);
    if ('error' in sp) r.add('discovery.bootstrapToken.apiServerEndpoint', `${q(b.apiServerEndpoint)}: ${sp.error}`);
    validateToken(r, 'discovery.tlsBootstrapToken', d.tlsBootstrapToken);
  }
  if (d.file) {
    const p = d.file.kubeConfigPath;
    const s = urlScheme(p);
    if ('error' in s) r.add('discovery.file.kubeConfigPath', `${q(p)} is not a valid HTTPS URL or a file on disk`);
    else if (s.scheme === '') {
      if (ctx.fileExists && !ctx.fileExists(p)) {
        r.add('discovery.file.kubeConfigPath', `${q(p)} is not a valid HTTPS URL or a file on disk`);
      }
    } else if (s.scheme !== 'https') {
      r.add('discovery.file.kubeConfigPath', `${q(p)}: if a URL is used, the scheme must be https`);
    }
    if (d.tlsBootstrapToken !== '') validateToken(r, 'discovery.tlsBootstrapToken', d.tlsBootstrapToken);
  }
}

export function validateJoinConfiguration(ctx: ValidationContext, j: JoinConfiguration): void {
  const r = new Reporter(ctx, C.JOIN_KIND);
  validateDiscovery(ctx, r, j.discovery);
  validateNodeRegistration(r, 'nodeRegistration', j.nodeRegistration);
  if (j.controlPlane) {
    validateAPIEndpoint(r, 'controlPlane.localAPIEndpoint', j.controlPlane.localAPIEndpoint);
    validateCertificateKey(r, 'controlPlane.certificateKey', j.controlPlane.certificateKey);
  }
  if (!isAbs(j.caCertPath) || !j.caCertPath.endsWith('.crt')) {
    r.add('caCertPath', `${q(j.caCertPath)}: the ca certificate path must be an absolute path ending in ".crt"`);
  }
}

export function validateResetConfiguration(ctx: ValidationContext, c: ResetConfiguration): void {
  const r = new Reporter(ctx, C.RESET_KIND);
  validateSocketPath(r, 'criSocket', c.criSocket);
  validateAbsolutePath(r, 'certificatesDir', c.certificatesDir);
  c.unmountFlags.forEach((f, i) => {
    if (!(C.UNMOUNT_FLAGS as readonly string[]).includes(f)) {
      r.add(`unmountFlags[${i}]`, `unknown unmount flag ${q(f)}: must be one of ${C.UNMOUNT_FLAGS.join(', ')}`);
    }
  });
}

/** Merge --ignore-preflight-errors with the config's list: lower-cased, de-duplicated, sorted; "all" must stand alone. */
export function mergeIgnorePreflightErrors(fromFlags: string[], fromConfig: string[]): { list: string[]; error?: string } {
  const set = new Set<string>();
  for (const x of [...fromConfig, ...fromFlags]) set.add(x.toLowerCase());
  const list = [...set].sort();
  if (set.has('all') && set.size > 1) {
    return { list, error: `Invalid value: ${q(list.join(','))}: don't specify individual checks if 'all' is used` };
  }
  return { list };
}
