// Static Pod manifests for the control plane (kube-apiserver, kube-controller-manager,
// kube-scheduler) and for the local etcd member, as kubeadm 1.37 writes them.
// Pure: host facts (which CA directories exist, the proxy variables, external-CA mode) come in
// through `ManifestEnv`.
import path from 'node:path';

import type {
  APIEndpoint,
  ClusterConfiguration,
  EnvVar,
  HostPathMount,
  InitConfig,
} from '../config/types.js';
import { KUBERNETES_DIR, MANIFESTS_DIR } from '../config/constants.js';
import { ValidationError } from '../errors.js';
import { isIPv6String, joinHostPort } from '../util/net.js';
import { DEFAULT_IMAGE_REPOSITORY, ETCD_VERSION } from '../versions.js';
import { argumentsToCommand, getArgValue, setArgValues, type MergeableArg } from './args.js';
import { toGoYaml } from './goyaml.js';
import type { Container, Pod, PodEnvVar, Probe, Volume, VolumeMount } from './pod.js';


export const KUBE_APISERVER = 'kube-apiserver';
export const KUBE_CONTROLLER_MANAGER = 'kube-controller-manager';
export const KUBE_SCHEDULER = 'kube-scheduler';
export const ETCD = 'etcd';

export type ControlPlaneComponentName = typeof KUBE_APISERVER | typeof KUBE_CONTROLLER_MANAGER | typeof KUBE_SCHEDULER;
export const CONTROL_PLANE_COMPONENTS: readonly ControlPlaneComponentName[] = [
  KUBE_APISERVER,
  KUBE_CONTROLLER_MANAGER,
  KUBE_SCHEDULER,
];

/**
 * Directories mounted read-only into kube-apiserver and kube-controller-manager when they exist on
 * the host (files in /etc/ssl/certs may be symlinks into them). The caller checks which exist.
 */
export const CA_CERTS_EXTRA_VOLUME_PATHS: readonly string[] = [
  '/etc/pki/ca-trust',
  '/etc/pki/tls/certs',
  '/etc/ca-certificates',
  '/usr/share/ca-certificates',
  '/usr/local/share/ca-certificates',
];

const CA_CERTS_VOLUME_NAME = 'ca-certs';
const CA_CERTS_VOLUME_PATH = '/etc/ssl/certs';
const K8S_CERTS_VOLUME_NAME = 'k8s-certs';
const KUBECONFIG_VOLUME_NAME = 'kubeconfig';
const ETCD_DATA_VOLUME_NAME = 'etcd-data';
const ETCD_CERTS_VOLUME_NAME = 'etcd-certs';
const PROBE_PORT = 'probe-port';
const APISERVER_ENDPOINT_ANNOTATION = 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint';
const ETCD_CLIENT_URLS_ANNOTATION = 'kubeadm.kubernetes.io/etcd.advertise-client-urls';
const KCM_PORT = 10257;
const SCHEDULER_PORT = 10259;
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;
const ETCD_METRICS_PORT = 2381;
const DEFAULT_COMPONENT_HEALTH_CHECK_SECONDS = 240;
const SYSTEM_NODE_CRITICAL_PRIORITY = 2000001000;

/** Host facts the renderers need; gathered by the caller through the Host. */
export interface ManifestEnv {
  /** the members of CA_CERTS_EXTRA_VOLUME_PATHS that exist on the host */
  existingCaCertDirs?: readonly string[];
  /**
   * kubeadm's own environment (e.g. process.env) or a pre-filtered list; variables whose name ends
   * in `_proxy` (any case) with a non-empty value are passed to the control-plane containers.
   */
  proxyEnv?: Readonly<Record<string, string | undefined>> | readonly EnvVar[];
  /** true when <certificatesDir>/ca.crt exists without ca.key (kubeadm's "external CA" mode) */
  externalCA?: boolean;
}

/** The configuration subset the static Pods are built from (init or control-plane join). */
export interface StaticPodConfig {
  cluster: ClusterConfiguration;
  localAPIEndpoint: APIEndpoint;
  /** node name; used by etcd (`--name`, `--initial-cluster`) */
  nodeName: string;
  /** timeouts.controlPlaneComponentHealthCheck as a Go duration; default 4m0s */
  controlPlaneComponentHealthCheck?: string;
}

export type StaticPodInput = StaticPodConfig | InitConfig;

function toStaticPodConfig(cfg: StaticPodInput): StaticPodConfig {
  if ('init' in cfg) {
    return {
      cluster: cfg.cluster,
      localAPIEndpoint: cfg.init.localAPIEndpoint,
      nodeName: cfg.init.nodeRegistration.name,
      controlPlaneComponentHealthCheck: cfg.init.timeouts?.controlPlaneComponentHealthCheck,
    };
  }
  return cfg;
}

/** `/etc/kubernetes/manifests/<name>.yaml` (or under another manifests directory). */
export function manifestPath(component: string, manifestsDir: string = MANIFESTS_DIR): string {
  return path.posix.join(manifestsDir, `${component}.yaml`);
}

/** The manifest file's bytes, as kubeadm writes them (mode 0600). */
export function toManifestYaml(pod: Pod): string {
  return toGoYaml(pod);
}

// ---------------------------------------------------------------------------------------------
// small helpers

/** Go's filepath.Join: join then clean; empty elements are ignored. */
function joinPath(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== '');
  if (nonEmpty.length === 0) return '';
  return path.posix.normalize(nonEmpty.join('/')).replace(/(.)\/$/, '$1');
}

/** Go's filepath.Dir for slash paths. */
function dirName(p: string): string {
  if (p === '') return '.';
  const d = path.posix.dirname(p);
  return path.posix.normalize(d).replace(/(.)\/$/, '$1');
}

/** Parse a Go duration ("4m0s", "1h30m", "500ms") into seconds. */
export function parseGoDurationSeconds(d: string): number {
  const s = d.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  const unit: Record<string, number> = {
    ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600,
  };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  } else if (rest.startsWith('+')) {
    rest = rest.slice(1);
  }
  if (rest === '') throw new Error(`invalid duration "${d}"`);
  let total = 0;
  re.lastIndex = 0;
  let pos = 0;
  while (pos < rest.length) {
    re.lastIndex = pos;
    const m = re.exec(rest);
    if (!m) throw new Error(`invalid duration "${d}"`);
    total += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  return sign * total;
}

/** kubeadm's image tag for a Kubernetes version: anything outside [-\w.] becomes "_". */
export function kubernetesVersionToImageTag(version: string): string {
  return version.replace(/[^-\w.]/g, '_');
}

/** `<imageRepository>/<component>:<version tag>` for kube-apiserver, -controller-manager, -scheduler, -proxy. */
export function kubernetesImage(component: string, cluster: ClusterConfiguration): string {
  const repo = cluster.imageRepository || DEFAULT_IMAGE_REPOSITORY;
  return `${repo}/${component}:${kubernetesVersionToImageTag(cluster.kubernetesVersion)}`;
}

/** The etcd image: etcd.local.imageRepository/imageTag override the cluster defaults. */
export function etcdImage(cluster: ClusterConfiguration): string {
  const local = cluster.etcd.local;
  const repo = local?.imageRepository || cluster.imageRepository || DEFAULT_IMAGE_REPOSITORY;
  const tag = local?.imageTag || ETCD_VERSION;
  return `${repo}/etcd:${tag}`;
}

/** kubeadm's GetProxyEnvVars: `*_proxy` variables (any case) with a non-empty value. */
export function proxyEnvVars(environ: Readonly<Record<string, string | undefined>> | readonly string[]): EnvVar[] {
  const out: EnvVar[] = [];
  const entries: [string, string][] = Array.isArray(environ)
    ? (environ as readonly string[]).flatMap((e): [string, string][] => {
        const i = e.indexOf('=');
        return i === -1 ? [] : [[e.slice(0, i), e.slice(i + 1)]];
      })
    : Object.entries(environ as Record<string, string | undefined>).flatMap(([k, v]): [string, string][] =>
        v === undefined ? [] : [[k, v]],
      );
  for (const [name, value] of entries) {
    if (name.toLowerCase().endsWith('_proxy') && value !== '') out.push({ name, value });
  }
  return out;
}

/** kubeadm's MergeKubeadmEnvVars: later lists win by name; result sorted by name. */
export function mergeEnvVars(...lists: readonly (readonly EnvVar[] | undefined)[]): PodEnvVar[] {
  const m = new Map<string, PodEnvVar>();
  for (const list of lists) {
    for (const e of list ?? []) {
      const v: PodEnvVar = { name: e.name };
      if (e.value !== undefined && e.value !== '') v.value = e.value;
      if (e.valueFrom !== undefined && e.valueFrom !== null) v.valueFrom = e.valueFrom;
      m.set(e.name, v);
    }
  }
  return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function resolveProxyEnv(env: ManifestEnv): EnvVar[] {
  const p = env.proxyEnv;
  if (p === undefined) return [];
  if (Array.isArray(p)) return [...(p as readonly EnvVar[])];
  return proxyEnvVars(p as Record<string, string | undefined>);
}

function httpProbe(
  host: string,
  probePath: string,
  scheme: 'HTTP' | 'HTTPS',
  initialDelaySeconds: number,
  timeoutSeconds: number,
  failureThreshold: number,
  periodSeconds: number,
): Probe {
  const httpGet: Probe['httpGet'] = { path: probePath, port: PROBE_PORT, scheme };
  if (host !== '') httpGet.host = host;
  const p: Probe = { httpGet };
  // int32 fields with omitempty: zero values are left out
  if (initialDelaySeconds) p.initialDelaySeconds = initialDelaySeconds;
  if (timeoutSeconds) p.timeoutSeconds = timeoutSeconds;
  if (periodSeconds) p.periodSeconds = periodSeconds;
  if (failureThreshold) p.failureThreshold = failureThreshold;
  return p;
}

function livenessProbe(host: string, p: string, scheme: 'HTTP' | 'HTTPS'): Probe {
  return httpProbe(host, p, scheme, 10, 15, 8, 10);
}
function readinessProbe(host: string, p: string, scheme: 'HTTP' | 'HTTPS'): Probe {
  return httpProbe(host, p, scheme, 0, 15, 3, 1);
}
function startupProbe(host: string, p: string, scheme: 'HTTP' | 'HTTPS', healthCheckSeconds: number): Probe {
  const period = 10;
  const failureThreshold = Math.ceil(healthCheckSeconds / period);
  return httpProbe(host, p, scheme, period, 15, failureThreshold, period);
}

function healthCheckSeconds(cfg: StaticPodConfig): number {
  const t = cfg.controlPlaneComponentHealthCheck;
  if (t === undefined || t === '') return DEFAULT_COMPONENT_HEALTH_CHECK_SECONDS;
  try {
    return parseGoDurationSeconds(t);
  } catch {
    throw new ValidationError([
      { path: 'timeouts.controlPlaneComponentHealthCheck', message: `invalid duration ${JSON.stringify(t)}` },
    ]);
  }
}

/** An unspecified bind address cannot be probed: leave the host empty so the kubelet uses the Pod IP. */
function probeAddress(addr: string): string {
  return addr === '0.0.0.0' || addr === '::' ? '' : addr;
}

function apiServerProbeAddress(endpoint: APIEndpoint): string {
  return endpoint.advertiseAddress ? probeAddress(endpoint.advertiseAddress) : '127.0.0.1';
}

function bindAddressProbe(extraArgs: readonly MergeableArg[]): string {
  const [addr, idx] = getArgValue(extraArgs, 'bind-address');
  return idx > -1 ? probeAddress(addr) : '127.0.0.1';
}

function newHostPathVolume(name: string, hostPath: string, type: string | undefined): Volume {
  const hp: Volume['hostPath'] = { path: hostPath };
  if (type !== undefined) hp.type = type;
  return { name, hostPath: hp };
}

function newVolumeMount(name: string, mountPath: string, readOnly: boolean): VolumeMount {
  const m: VolumeMount = { name, mountPath };
  if (readOnly) m.readOnly = true;
  return m;
}

function byName<T extends { name: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Volumes and mounts per component, unique by name (a later entry with the same name wins). */
class HostPathMounts {
  private volumes = new Map<string, Map<string, Volume>>();
  private mounts = new Map<string, Map<string, VolumeMount>>();

  add(component: string, name: string, hostPath: string, mountPath: string, readOnly: boolean, type: string | undefined) {
    this.addVolume(component, newHostPathVolume(name, hostPath, type));
    this.addMount(component, newVolumeMount(name, mountPath, readOnly));
  }
  addVolume(component: string, v: Volume) {
    let m = this.volumes.get(component);
    if (!m) this.volumes.set(component, (m = new Map()));
    m.set(v.name, v);
  }
  addMount(component: string, v: VolumeMount) {
    let m = this.mounts.get(component);
    if (!m) this.mounts.set(component, (m = new Map()));
    m.set(v.name, v);
  }
  addExtra(component: string, extra: readonly HostPathMount[]) {
    for (const e of extra) {
      // kubeadm always passes a pointer to the (possibly empty) path type
      this.add(component, e.name, e.hostPath, e.mountPath, e.readOnly === true, e.pathType ?? '');
    }
  }
  volumesOf(component: string): Volume[] {
    return byName(this.volumes.get(component)?.values() ?? []);
  }
  mountsOf(component: string): VolumeMount[] {
    return byName(this.mounts.get(component)?.values() ?? []);
  }
}

/** Directories to mount for external etcd's CA/cert/key, skipping ones already covered. */
function externalEtcdCertDirs(caFile: string, certFile: string, keyFile: string, certificatesDir: string): string[] {
  const dirs = new Set<string>();
  for (const file of [caFile, certFile, keyFile]) {
    const dir = dirName(file);
    const underExtra = CA_CERTS_EXTRA_VOLUME_PATHS.some((p) => dir.startsWith(p));
    if (dir === '.' || underExtra || dir.startsWith(CA_CERTS_VOLUME_PATH) || dir.startsWith(certificatesDir)) continue;
    let covered = false;
    for (const existing of [...dirs].sort()) {
      if (existing.startsWith(dir)) dirs.delete(existing);
      else if (dir.startsWith(existing)) covered = true;
    }
    if (covered) continue;
    dirs.add(dir);
  }
  return [...dirs].sort();
}

function controlPlaneMounts(cluster: ClusterConfiguration, env: ManifestEnv): HostPathMounts {
  const m = new HostPathMounts();
  const dirOrCreate = 'DirectoryOrCreate';
  const fileOrCreate = 'FileOrCreate';
  const certsDir = cluster.certificatesDir;

  m.add(KUBE_APISERVER, K8S_CERTS_VOLUME_NAME, certsDir, certsDir, true, dirOrCreate);
  m.add(KUBE_APISERVER, CA_CERTS_VOLUME_NAME, CA_CERTS_VOLUME_PATH, CA_CERTS_VOLUME_PATH, true, dirOrCreate);
  const ext = cluster.etcd.external;
  if (ext) {
    externalEtcdCertDirs(ext.caFile ?? '', ext.certFile ?? '', ext.keyFile ?? '', certsDir).forEach((dir, i) => {
      m.add(KUBE_APISERVER, `etcd-certs-${i}`, dir, dir, true, dirOrCreate);
    });
  }

  m.add(KUBE_CONTROLLER_MANAGER, K8S_CERTS_VOLUME_NAME, certsDir, certsDir, true, dirOrCreate);
  m.add(KUBE_CONTROLLER_MANAGER, CA_CERTS_VOLUME_NAME, CA_CERTS_VOLUME_PATH, CA_CERTS_VOLUME_PATH, true, dirOrCreate);
  const kcmConf = joinPath(KUBERNETES_DIR, 'controller-manager.conf');
  m.add(KUBE_CONTROLLER_MANAGER, KUBECONFIG_VOLUME_NAME, kcmConf, kcmConf, true, fileOrCreate);

  const schedConf = joinPath(KUBERNETES_DIR, 'scheduler.conf');
  m.add(KUBE_SCHEDULER, KUBECONFIG_VOLUME_NAME, schedConf, schedConf, true, fileOrCreate);

  const existing = new Set(env.existingCaCertDirs ?? []);
  for (const p of CA_CERTS_EXTRA_VOLUME_PATHS) {
    if (!existing.has(p)) continue;
    const name = p.replace(/\//g, '-').slice(1);
    m.add(KUBE_APISERVER, name, p, p, true, dirOrCreate);
    m.add(KUBE_CONTROLLER_MANAGER, name, p, p, true, dirOrCreate);
  }

  m.addExtra(KUBE_APISERVER, cluster.apiServer.extraVolumes ?? []);
  m.addExtra(KUBE_CONTROLLER_MANAGER, cluster.controllerManager.extraVolumes ?? []);
  m.addExtra(KUBE_SCHEDULER, cluster.scheduler.extraVolumes ?? []);
  return m;
}

function componentPod(container: Container, volumes: Volume[], annotations?: Record<string, string>): Pod {
  const metadata: Pod['metadata'] = {
    name: container.name,
    namespace: 'kube-system',
    labels: { component: container.name, tier: 'control-plane' },
  };
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
  const spec: Pod['spec'] = {
    containers: [container],
    hostNetwork: true,
    priority: SYSTEM_NODE_CRITICAL_PRIORITY,
    priorityClassName: 'system-node-critical',
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
  };
  if (volumes.length > 0) spec.volumes = volumes;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: {} };
}

function container(fields: {
  name: string;
  image: string;
  command: string[];
  volumeMounts: VolumeMount[];
  livenessProbe: Probe;
  readinessProbe?: Probe;
  startupProbe: Probe;
  requests: Record<string, string>;
  env: PodEnvVar[];
  port: number;
}): Container {
  const c: Container = {
    name: fields.name,
    image: fields.image,
    imagePullPolicy: 'IfNotPresent',
    command: fields.command,
    livenessProbe: fields.livenessProbe,
    startupProbe: fields.startupProbe,
    resources: { requests: fields.requests },
    ports: [{ name: PROBE_PORT, containerPort: fields.port, protocol: 'TCP' }],
  };
  if (fields.readinessProbe) c.readinessProbe = fields.readinessProbe;
  if (fields.volumeMounts.length > 0) c.volumeMounts = fields.volumeMounts;
  if (fields.env.length > 0) c.env = fields.env;
  return c;
}

// ---------------------------------------------------------------------------------------------
// commands

const AUTHZ_MODES = ['Node', 'RBAC', 'Webhook', 'ABAC', 'AlwaysAllow', 'AlwaysDeny'];

/** The authorization-mode kubeadm sets, plus the warnings kubeadm logs while choosing it. */
function authzModes(arg: MergeableArg | undefined, warnings: string[]): string {
  const def = 'Node,RBAC';
  if (!arg || arg.value === '') return def;
  const modes: string[] = [];
  for (const m of arg.value.split(',')) {
    if (m === '') continue;
    if (AUTHZ_MODES.includes(m)) modes.push(m);
    else warnings.push(`ignoring unknown kube-apiserver authorization-mode "${m}"`);
  }
  if (modes.length === 0) return def;
  if (!arg.mergeMethod && modes.join(',') !== def) {
    const s = modes.join(',');
    warnings.push(`the default kube-apiserver authorization-mode is "${def}"; using "${s}"`);
    return s;
  }
  return def;
}

export function apiServerCommand(cfg: StaticPodConfig, env: ManifestEnv = {}, warnings: string[] = []): string[] {
  const { cluster, localAPIEndpoint: ep } = cfg;
  const P = cluster.certificatesDir;
  let args = [
    { name: 'advertise-address', value: ep.advertiseAddress },
    { name: 'enable-admission-plugins', value: 'NodeRestriction' },
    { name: 'service-cluster-ip-range', value: cluster.networking.serviceSubnet },
    { name: 'service-account-key-file', value: joinPath(P, 'sa.pub') },
    { name: 'service-account-signing-key-file', value: joinPath(P, 'sa.key') },
    { name: 'service-account-issuer', value: `https://kubernetes.default.svc.${cluster.networking.dnsDomain}` },
    { name: 'client-ca-file', value: joinPath(P, 'ca.crt') },
    { name: 'tls-cert-file', value: joinPath(P, 'apiserver.crt') },
    { name: 'tls-private-key-file', value: joinPath(P, 'apiserver.key') },
    { name: 'kubelet-client-certificate', value: joinPath(P, 'apiserver-kubelet-client.crt') },
    { name: 'kubelet-client-key', value: joinPath(P, 'apiserver-kubelet-client.key') },
    { name: 'enable-bootstrap-token-auth', value: 'true' },
    { name: 'secure-port', value: String(ep.bindPort) },
    { name: 'allow-privileged', value: 'true' },
    { name: 'kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname' },
    { name: 'requestheader-username-headers', value: 'X-Remote-User' },
    { name: 'requestheader-group-headers', value: 'X-Remote-Group' },
    { name: 'requestheader-extra-headers-prefix', value: 'X-Remote-Extra-' },
    { name: 'requestheader-client-ca-file', value: joinPath(P, 'front-proxy-ca.crt') },
    { name: 'requestheader-allowed-names', value: 'front-proxy-client' },
    { name: 'proxy-client-cert-file', value: joinPath(P, 'front-proxy-client.crt') },
    { name: 'proxy-client-key-file', value: joinPath(P, 'front-proxy-client.key') },
  ];
  const ext = cluster.etcd.external;
  if (ext) {
    args = setArgValues(args, 'etcd-servers', (ext.endpoints ?? []).join(','));
    if (ext.caFile) args = setArgValues(args, 'etcd-cafile', ext.caFile);
    if (ext.certFile && ext.keyFile) {
      args = setArgValues(args, 'etcd-certfile', ext.certFile);
      args = setArgValues(args, 'etcd-keyfile', ext.keyFile);
    }
  } else {
    const lo = isIPv6String(ep.advertiseAddress) ? '::1' : '127.0.0.1';
    let etcdServers = `https://${joinHostPort(lo, ETCD_CLIENT_PORT)}`;
    args = setArgValues(args, 'etcd-servers', etcdServers);
    args = setArgValues(args, 'etcd-cafile', joinPath(P, 'etcd/ca.crt'));
    args = setArgValues(args, 'etcd-certfile', joinPath(P, 'apiserver-etcd-client.crt'));
    args = setArgValues(args, 'etcd-keyfile', joinPath(P, 'apiserver-etcd-client.key'));
    const local = cluster.etcd.local;
    if (local) {
      const extra = (local.extraArgs ?? []) as MergeableArg[];
      const [, idx] = getArgValue(extra, 'advertise-client-urls');
      if (idx > -1) {
        const a = extra[idx]!;
        if (a.mergeMethod) {
          warnings.push(
            `the local etcd --advertise-client-urls flag has a merge method "${a.mergeMethod}" and value "${a.value}"; merging it with --etcd-servers "${etcdServers}"`,
          );
        }
        etcdServers = a.mergeMethod === 'append' ? etcdServers + a.value : a.mergeMethod === 'prepend' ? a.value + etcdServers : a.value;
        args = setArgValues(args, 'etcd-servers', etcdServers);
      }
    }
  }
  const extra = (cluster.apiServer.extraArgs ?? []) as MergeableArg[];
  const [, authzIdx] = getArgValue(extra, 'authorization-mode');
  const [, structuredIdx] = getArgValue(extra, 'authorization-config');
  if (structuredIdx === -1) {
    args = setArgValues(args, 'authorization-mode', authzModes(authzIdx > -1 ? extra[authzIdx] : undefined, warnings));
  }
  void env;
  return [KUBE_APISERVER, ...argumentsToCommand(args, extra)];
}

export function controllerManagerCommand(cfg: StaticPodConfig, env: ManifestEnv = {}): string[] {
  const { cluster } = cfg;
  const P = cluster.certificatesDir;
  const kubeconfig = joinPath(KUBERNETES_DIR, 'controller-manager.conf');
  const ca = joinPath(P, 'ca.crt');
  let args = [
    { name: 'bind-address', value: '127.0.0.1' },
    { name: 'leader-elect', value: 'true' },
    { name: 'kubeconfig', value: kubeconfig },
    { name: 'authentication-kubeconfig', value: kubeconfig },
    { name: 'authorization-kubeconfig', value: kubeconfig },
    { name: 'client-ca-file', value: ca },
    { name: 'requestheader-client-ca-file', value: joinPath(P, 'front-proxy-ca.crt') },
    { name: 'root-ca-file', value: ca },
    { name: 'service-account-private-key-file', value: joinPath(P, 'sa.key') },
    { name: 'cluster-signing-cert-file', value: ca },
    { name: 'cluster-signing-key-file', value: joinPath(P, 'ca.key') },
    { name: 'use-service-account-credentials', value: 'true' },
    { name: 'controllers', value: '*,bootstrapsigner,tokencleaner' },
  ];
  if (env.externalCA) {
    args = setArgValues(args, 'cluster-signing-key-file', '');
    args = setArgValues(args, 'cluster-signing-cert-file', '');
  }
  if (cluster.networking.podSubnet) {
    args = setArgValues(args, 'allocate-node-cidrs', 'true');
    args = setArgValues(args, 'cluster-cidr', cluster.networking.podSubnet);
    if (cluster.networking.serviceSubnet) {
      args = setArgValues(args, 'service-cluster-ip-range', cluster.networking.serviceSubnet);
    }
  }
  if (cluster.clusterName) args = setArgValues(args, 'cluster-name', cluster.clusterName);
  return [KUBE_CONTROLLER_MANAGER, ...argumentsToCommand(args, (cluster.controllerManager.extraArgs ?? []) as MergeableArg[])];
}

export function schedulerCommand(cfg: StaticPodConfig): string[] {
  const kubeconfig = joinPath(KUBERNETES_DIR, 'scheduler.conf');
  const args = [
    { name: 'bind-address', value: '127.0.0.1' },
    { name: 'leader-elect', value: 'true' },
    { name: 'kubeconfig', value: kubeconfig },
    { name: 'authentication-kubeconfig', value: kubeconfig },
    { name: 'authorization-kubeconfig', value: kubeconfig },
  ];
  return [KUBE_SCHEDULER, ...argumentsToCommand(args, (cfg.cluster.scheduler.extraArgs ?? []) as MergeableArg[])];
}

/** An existing etcd member, for a joining control plane's `--initial-cluster`. */
export interface EtcdMember {
  name: string;
  peerURL: string;
}

export function etcdClientURL(ep: APIEndpoint): string {
  return `https://${joinHostPort(ep.advertiseAddress, ETCD_CLIENT_PORT)}`;
}
export function etcdPeerURL(ep: APIEndpoint): string {
  return `https://${joinHostPort(ep.advertiseAddress, ETCD_PEER_PORT)}`;
}

export function etcdCommand(cfg: StaticPodConfig, initialCluster: readonly EtcdMember[] = []): string[] {
  const { cluster, localAPIEndpoint: ep, nodeName } = cfg;
  const local = requireLocalEtcd(cluster);
  const P = cluster.certificatesDir;
  const lo = isIPv6String(ep.advertiseAddress) ? '::1' : '127.0.0.1';
  let args = [
    { name: 'name', value: nodeName },
    { name: 'listen-client-urls', value: `https://${joinHostPort(lo, ETCD_CLIENT_PORT)},${etcdClientURL(ep)}` },
    { name: 'advertise-client-urls', value: etcdClientURL(ep) },
    { name: 'listen-peer-urls', value: etcdPeerURL(ep) },
    { name: 'initial-advertise-peer-urls', value: etcdPeerURL(ep) },
    { name: 'data-dir', value: local.dataDir },
    { name: 'cert-file', value: joinPath(P, 'etcd/server.crt') },
    { name: 'key-file', value: joinPath(P, 'etcd/server.key') },
    { name: 'trusted-ca-file', value: joinPath(P, 'etcd/ca.crt') },
    { name: 'client-cert-auth', value: 'true' },
    { name: 'peer-cert-file', value: joinPath(P, 'etcd/peer.crt') },
    { name: 'peer-key-file', value: joinPath(P, 'etcd/peer.key') },
    { name: 'peer-trusted-ca-file', value: joinPath(P, 'etcd/ca.crt') },
    { name: 'peer-client-cert-auth', value: 'true' },
    { name: 'snapshot-count', value: '10000' },
    { name: 'listen-metrics-urls', value: `http://${joinHostPort(lo, ETCD_METRICS_PORT)}` },
    { name: 'feature-gates', value: 'InitialCorruptCheck=true' },
    { name: 'watch-progress-notify-interval', value: '5s' },
  ];
  if (initialCluster.length === 0) {
    args = setArgValues(args, 'initial-cluster', `${nodeName}=${etcdPeerURL(ep)}`);
  } else {
    args = setArgValues(args, 'initial-cluster', initialCluster.map((m) => `${m.name}=${m.peerURL}`).join(','));
    args = setArgValues(args, 'initial-cluster-state', 'existing');
  }
  return [ETCD, ...argumentsToCommand(args, (local.extraArgs ?? []) as MergeableArg[])];
}

function requireLocalEtcd(cluster: ClusterConfiguration) {
  if (cluster.etcd.external) {
    throw new ValidationError('etcd static pod manifest cannot be generated for cluster using external etcd');
  }
  const local = cluster.etcd.local;
  if (!local) {
    throw new ValidationError([{ path: 'ClusterConfiguration.etcd.local', message: 'local etcd configuration is missing' }]);
  }
  return local;
}

/** Go's url.Parse subset used for `listen-metrics-urls`: scheme, hostname, port. */
function parseMetricsURL(raw: string): { scheme: string; hostname: string; port: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(raw);
  if (!m) {
    // no authority: a relative reference or "scheme:opaque" parses without a host
    if (/[\s\x00-\x1f\x7f]/.test(raw)) return undefined;
    const s = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
    return { scheme: s ? s[1]!.toLowerCase() : '', hostname: '', port: '' };
  }
  const scheme = m[1]!.toLowerCase();
  let hostport = m[2]!;
  const at = hostport.lastIndexOf('@');
  if (at >= 0) hostport = hostport.slice(at + 1);
  let hostname: string;
  let port = '';
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    hostname = hostport.slice(1, end);
    const rest = hostport.slice(end + 1);
    if (rest.startsWith(':')) port = rest.slice(1);
    else if (rest !== '') return undefined;
  } else {
    const colon = hostport.lastIndexOf(':');
    if (colon >= 0) {
      hostname = hostport.slice(0, colon);
      port = hostport.slice(colon + 1);
    } else {
      hostname = hostport;
    }
  }
  if (port !== '' && !/^[0-9]+$/.test(port)) return undefined;
  return { scheme, hostname, port };
}

/** Where the kubelet probes etcd: the first `listen-metrics-urls` URL if set, else http://lo:2381. */
function etcdProbeEndpoint(cluster: ClusterConfiguration, ipv6: boolean): { host: string; port: number; scheme: 'HTTP' | 'HTTPS' } {
  const lo = ipv6 ? '::1' : '127.0.0.1';
  const def = { host: lo, port: ETCD_METRICS_PORT, scheme: 'HTTP' as const };
  const extra = cluster.etcd.local?.extraArgs ?? [];
  const [value, idx] = getArgValue(extra, 'listen-metrics-urls');
  if (idx === -1) return def;
  const u = parseMetricsURL(value.split(',')[0]!);
  if (!u) return def;
  let port = ETCD_METRICS_PORT;
  if (u.port !== '') {
    const n = Number(u.port);
    if (Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
  }
  return { host: u.hostname || lo, port, scheme: u.scheme === 'https' ? 'HTTPS' : 'HTTP' };
}

// ---------------------------------------------------------------------------------------------
// public renderers

export interface ControlPlanePods {
  'kube-apiserver': Pod;
  'kube-controller-manager': Pod;
  'kube-scheduler': Pod;
}

export interface RenderResult<T> {
  value: T;
  /** klog warnings kubeadm would print while building these (e.g. authorization-mode overrides) */
  warnings: string[];
}

/** The three control-plane static Pods, before patches. */
export function renderControlPlanePods(input: StaticPodInput, env: ManifestEnv = {}): ControlPlanePods {
  return renderControlPlanePodsWithWarnings(input, env).value;
}

export function renderControlPlanePodsWithWarnings(input: StaticPodInput, env: ManifestEnv = {}): RenderResult<ControlPlanePods> {
  const cfg = toStaticPodConfig(input);
  const { cluster, localAPIEndpoint: ep } = cfg;
  const warnings: string[] = [];
  const mounts = controlPlaneMounts(cluster, env);
  const proxy = resolveProxyEnv(env);
  const timeout = healthCheckSeconds(cfg);

  const apiHost = apiServerProbeAddress(ep);
  const apiserver = componentPod(
    container({
      name: KUBE_APISERVER,
      image: kubernetesImage(KUBE_APISERVER, cluster),
      command: apiServerCommand(cfg, env, warnings),
      volumeMounts: mounts.mountsOf(KUBE_APISERVER),
      livenessProbe: livenessProbe(apiHost, '/livez', 'HTTPS'),
      readinessProbe: readinessProbe(apiHost, '/readyz', 'HTTPS'),
      startupProbe: startupProbe(apiHost, '/livez', 'HTTPS', timeout),
      requests: { cpu: '250m' },
      env: mergeEnvVars(proxy, cluster.apiServer.extraEnvs),
      port: ep.bindPort,
    }),
    mounts.volumesOf(KUBE_APISERVER),
    { [APISERVER_ENDPOINT_ANNOTATION]: joinHostPort(ep.advertiseAddress, ep.bindPort) },
  );

  const kcmHost = bindAddressProbe((cluster.controllerManager.extraArgs ?? []) as MergeableArg[]);
  const kcm = componentPod(
    container({
      name: KUBE_CONTROLLER_MANAGER,
      image: kubernetesImage(KUBE_CONTROLLER_MANAGER, cluster),
      command: controllerManagerCommand(cfg, env),
      volumeMounts: mounts.mountsOf(KUBE_CONTROLLER_MANAGER),
      livenessProbe: livenessProbe(kcmHost, '/healthz', 'HTTPS'),
      startupProbe: startupProbe(kcmHost, '/healthz', 'HTTPS', timeout),
      requests: { cpu: '200m' },
      env: mergeEnvVars(proxy, cluster.controllerManager.extraEnvs),
      port: KCM_PORT,
    }),
    mounts.volumesOf(KUBE_CONTROLLER_MANAGER),
  );

  const schedHost = bindAddressProbe((cluster.scheduler.extraArgs ?? []) as MergeableArg[]);
  const scheduler = componentPod(
    container({
      name: KUBE_SCHEDULER,
      image: kubernetesImage(KUBE_SCHEDULER, cluster),
      command: schedulerCommand(cfg),
      volumeMounts: mounts.mountsOf(KUBE_SCHEDULER),
      livenessProbe: livenessProbe(schedHost, '/livez', 'HTTPS'),
      readinessProbe: readinessProbe(schedHost, '/readyz', 'HTTPS'),
      startupProbe: startupProbe(schedHost, '/livez', 'HTTPS', timeout),
      requests: { cpu: '100m' },
      env: mergeEnvVars(proxy, cluster.scheduler.extraEnvs),
      port: SCHEDULER_PORT,
    }),
    mounts.volumesOf(KUBE_SCHEDULER),
  );

  return {
    value: { [KUBE_APISERVER]: apiserver, [KUBE_CONTROLLER_MANAGER]: kcm, [KUBE_SCHEDULER]: scheduler },
    warnings,
  };
}

export interface EtcdPodOptions {
  /** existing members plus this one, for a control-plane join (sets initial-cluster-state=existing) */
  initialCluster?: readonly EtcdMember[];
}

/** The local etcd static Pod. Fails for external etcd. No proxy variables (kubeadm passes none). */
export function renderEtcdPod(input: StaticPodInput, env: ManifestEnv = {}, opts: EtcdPodOptions = {}): Pod {
  void env;
  const cfg = toStaticPodConfig(input);
  const { cluster, localAPIEndpoint: ep } = cfg;
  const local = requireLocalEtcd(cluster);
  const timeout = healthCheckSeconds(cfg);
  const etcdCertsDir = cluster.certificatesDir + '/etcd';
  const probe = etcdProbeEndpoint(cluster, isIPv6String(ep.advertiseAddress));
  const c: Container = {
    name: ETCD,
    image: etcdImage(cluster),
    imagePullPolicy: 'IfNotPresent',
    command: etcdCommand(cfg, opts.initialCluster ?? []),
    livenessProbe: livenessProbe(probe.host, '/livez', probe.scheme),
    readinessProbe: readinessProbe(probe.host, '/readyz', probe.scheme),
    startupProbe: startupProbe(probe.host, '/readyz', probe.scheme, timeout),
    ports: [{ name: PROBE_PORT, containerPort: probe.port, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '100Mi' } },
    volumeMounts: [
      newVolumeMount(ETCD_DATA_VOLUME_NAME, local.dataDir, false),
      newVolumeMount(ETCD_CERTS_VOLUME_NAME, etcdCertsDir, false),
    ],
  };
  const envs = mergeEnvVars(local.extraEnvs);
  if (envs.length > 0) c.env = envs;
  const volumes = byName([
    newHostPathVolume(ETCD_DATA_VOLUME_NAME, local.dataDir, 'DirectoryOrCreate'),
    newHostPathVolume(ETCD_CERTS_VOLUME_NAME, etcdCertsDir, 'DirectoryOrCreate'),
  ]);
  return componentPod(c, volumes, { [ETCD_CLIENT_URLS_ANNOTATION]: etcdClientURL(ep) });
}
