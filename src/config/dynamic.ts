// Dynamic defaulting: the values kubeadm fills from the host (node name, advertise address, token, CRI
// socket) and the Kubernetes version normalisation. Host facts come in through DynamicDefaults.
import type { ClusterConfiguration, DynamicDefaults, InitConfiguration, JoinConfiguration, NodeRegistrationOptions, ResetConfiguration } from './types.js';
import * as C from './constants.js';
import { KUBERNETES_VERSION } from '../versions.js';
import { isGlobalUnicast, isLoopback, isUnspecified, joinHostPort, parseIP, splitEndpoint } from '../util/net.js';

/** Thrown for dynamic-defaulting failures; load.ts turns these into ValidationErrors with a field path. */
export class DefaultingError extends Error {
  constructor(
    readonly kind: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DynamicOptions extends DynamicDefaults {
  /** optional CRI detection; without it the default containerd socket is used */
  detectCRISocket?: () => Promise<string>;
}

/** Host facts after the asynchronous look-ups are done; the defaulting functions below are synchronous. */
export interface HostFacts {
  hostname(): string;
  /** default-route address, or undefined when there is no default route */
  defaultAddress: string | undefined;
  generateToken(): string;
  /** the detected CRI socket, when detection ran */
  criSocket?: string;
}

/** Run the asynchronous look-ups once. */
export async function gatherHostFacts(dyn: DynamicOptions, needCRI: boolean, needAddress = true): Promise<HostFacts> {
  const facts: HostFacts = {
    hostname: () => dyn.hostname(),
    defaultAddress: needAddress ? await dyn.defaultAddress() : undefined,
    generateToken: () => dyn.generateToken(),
  };
  if (needCRI && dyn.detectCRISocket) facts.criSocket = await dyn.detectCRISocket();
  return facts;
}

export function setBootstrapTokenDefaults(init: InitConfiguration, dyn: HostFacts): void {
  for (const t of init.bootstrapTokens) if (t.token === '') t.token = dyn.generateToken();
}

export function setNodeRegistrationDefaults(
  kind: string,
  nro: NodeRegistrationOptions,
  controlPlaneTaint: boolean,
  dyn: HostFacts,
  warnings: string[],
): void {
  const name = (nro.name === '' ? dyn.hostname() : nro.name).trim();
  if (name === '') throw new DefaultingError(kind, 'nodeRegistration.name', 'empty hostname is invalid');
  nro.name = name.toLowerCase();
  if (controlPlaneTaint && nro.taints === null) nro.taints = [{ ...C.CONTROL_PLANE_TAINT }];
  nro.criSocket = resolveCRISocket(nro.criSocket, dyn, warnings);
}

export function resolveCRISocket(socket: string, dyn: HostFacts, warnings: string[]): string {
  if (socket === '') return dyn.criSocket ?? C.DEFAULT_CRI_SOCKET;
  if (!socket.startsWith(C.DEFAULT_URL_SCHEME)) {
    warnings.push(
      `Usage of CRI endpoints without URL scheme is deprecated and can cause kubelet errors in the future. Automatically prepending scheme "unix" to the "criSocket" with value "${socket}". Please update your configuration!`,
    );
    return `${C.DEFAULT_URL_SCHEME}://${socket}`;
  }
  return socket;
}

/** Fill localAPIEndpoint.advertiseAddress like kubeadm: keep a given IP, use the default-route address otherwise. */
export function setAPIEndpointDefaults(
  kind: string,
  path: string,
  ep: { advertiseAddress: string },
  dyn: HostFacts,
  warnings: string[],
): void {
  const given = ep.advertiseAddress;
  const ip = given === '' ? undefined : parseIP(given);
  if (given !== '' && !ip) {
    throw new DefaultingError(kind, `${path}.advertiseAddress`, `couldn't use "${given}" as "apiserver-advertise-address", must be ipv4 or ipv6 address`);
  }
  if (ip && isLoopback(ip)) {
    // kubeadm picks the active address of the loopback interface
    ep.advertiseAddress = ip.family === 4 ? '127.0.0.1' : '::1';
    return;
  }
  if (ip && !isUnspecified(ip)) return;
  const addr = dyn.defaultAddress;
  if (addr === undefined) {
    warnings.push(
      `WARNING: could not obtain a bind address for the API Server: no default routes found in "/proc/net/route" or "/proc/net/ipv6_route"; using: ${C.DEFAULT_API_SERVER_BIND_ADDRESS}`,
    );
    ep.advertiseAddress = C.DEFAULT_API_SERVER_BIND_ADDRESS;
    return;
  }
  ep.advertiseAddress = addr;
}

const RELEASE_RE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-\w.+]*)?$/;
const LABEL_RE = /^((latest|stable)+(-[1-9](\.[1-9](\d)?)?)?)$/;
const BUCKET_RE = /^((release|ci)\/)?([-\w.+]+)$/;

export interface ResolvedVersion {
  version: string;
  /** set when a label was mapped to the pinned version instead of being fetched */
  note?: string;
  ci: boolean;
}

/**
 * kubeadm's KubernetesReleaseVersion without the network: semantic versions get a "v" prefix; labels
 * (stable, stable-1, latest-1.37, ...) resolve to the version tskubeadm pins.
 */
export function resolveKubernetesVersion(input: string): ResolvedVersion {
  const norm = (v: string) => (RELEASE_RE.test(v) ? (v.startsWith('v') ? v : `v${v}`) : '');
  const direct = norm(input);
  if (direct) return { version: direct, ci: false };
  const m = BUCKET_RE.exec(input);
  if (!m) throw new Error(`invalid version "${input}"`);
  const ci = (m[2] ?? '').startsWith('ci');
  const label = m[3]!;
  const v = norm(label);
  if (v) return { version: v, ci };
  if (LABEL_RE.test(label)) {
    return {
      version: KUBERNETES_VERSION,
      ci,
      note: `tskubeadm does not fetch version labels from the internet: "${input}" resolved to the pinned Kubernetes version ${KUBERNETES_VERSION}`,
    };
  }
  throw new Error(`version "${input}" doesn't match patterns for neither semantic version nor labels (stable, latest, ...)`);
}

interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string;
}
export function parseSemver(v: string): SemVer | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' };
}

function lessThan(a: SemVer, b: SemVer): boolean {
  if (a.major !== b.major) return a.major < b.major;
  if (a.minor !== b.minor) return a.minor < b.minor;
  if (a.patch !== b.patch) return a.patch < b.patch;
  // a pre-release sorts before the release
  if (a.pre !== '' && b.pre === '') return true;
  return false;
}

/** MinimumControlPlaneVersion: one minor below the pinned version, ".0". */
export function minimumControlPlaneVersion(): string {
  const p = parseSemver(KUBERNETES_VERSION)!;
  return `v${p.major}.${p.minor - 1}.0`;
}

/** Resolve and check ClusterConfiguration.kubernetesVersion, fix up controlPlaneEndpoint and certSANs. */
export function setClusterDynamicDefaults(cluster: ClusterConfiguration, bindPort: number, warnings: string[]): void {
  let resolved: ResolvedVersion;
  try {
    resolved = resolveKubernetesVersion(cluster.kubernetesVersion);
  } catch (e) {
    throw new DefaultingError(C.CLUSTER_KIND, 'kubernetesVersion', (e as Error).message);
  }
  if (resolved.note) warnings.push(resolved.note);
  cluster.kubernetesVersion = resolved.version;
  const sv = parseSemver(resolved.version);
  if (!sv) throw new DefaultingError(C.CLUSTER_KIND, 'kubernetesVersion', `couldn't parse Kubernetes version "${resolved.version}"`);
  const min = minimumControlPlaneVersion();
  if (lessThan(sv, parseSemver(min)!)) {
    throw new DefaultingError(
      C.CLUSTER_KIND,
      'kubernetesVersion',
      `this version of kubeadm only supports deploying clusters with the control plane version >= ${min.slice(1)}. Current version: ${resolved.version}`,
    );
  }
  if (cluster.controlPlaneEndpoint !== '') {
    const { host, port } = splitEndpoint(cluster.controlPlaneEndpoint);
    if (port === '') cluster.controlPlaneEndpoint = joinHostPort(host, bindPort);
  }
  cluster.apiServer.certSANs = cluster.apiServer.certSANs.map((s) => s.toLowerCase());
}

export function setInitDynamicDefaults(init: InitConfiguration, cluster: ClusterConfiguration, dyn: HostFacts, warnings: string[]): void {
  setBootstrapTokenDefaults(init, dyn);
  setNodeRegistrationDefaults(C.INIT_KIND, init.nodeRegistration, true, dyn, warnings);
  setAPIEndpointDefaults(C.INIT_KIND, 'localAPIEndpoint', init.localAPIEndpoint, dyn, warnings);
  setClusterDynamicDefaults(cluster, init.localAPIEndpoint.bindPort, warnings);
}

export function setJoinDynamicDefaults(join: JoinConfiguration, dyn: HostFacts, warnings: string[]): void {
  setNodeRegistrationDefaults(C.JOIN_KIND, join.nodeRegistration, join.controlPlane !== undefined, dyn, warnings);
  if (join.controlPlane) {
    setAPIEndpointDefaults(C.JOIN_KIND, 'controlPlane.localAPIEndpoint', join.controlPlane.localAPIEndpoint, dyn, warnings);
  }
}

export function setResetDynamicDefaults(reset: ResetConfiguration, dyn: HostFacts, warnings: string[]): void {
  reset.criSocket = resolveCRISocket(reset.criSocket, dyn, warnings);
}

/** VerifyAPIServerBindAddress: loopback or a global unicast address. */
export function bindAddressError(address: string): string | undefined {
  const ip = parseIP(address);
  if (!ip) return `cannot parse IP address: ${address}`;
  if (isLoopback(ip)) return undefined;
  if (!isGlobalUnicast(ip)) return `cannot use "${address}" as the bind address for the API Server`;
  return undefined;
}
