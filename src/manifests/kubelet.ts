// The files kubeadm's kubelet-start phase writes under /var/lib/kubelet (kubeadm 1.37):
//   kubeadm-flags.env     KUBELET_KUBEADM_ARGS="..." (hostname-override, register-with-taints, extra args)
//   instance-config.yaml  containerRuntimeEndpoint: "<criSocket>"
//   config.yaml           the KubeletConfiguration: the user's document with kubeadm's defaults,
//                         node-local mutation (resolvConf), --patches, then instance-config.yaml
//                         applied as a strategic merge patch
// All functions are pure; host facts (hostname, whether systemd-resolved is active) come in.
import path from 'node:path';

import type { Arg, ClusterConfiguration, ComponentConfig, NodeRegistrationOptions, Taint } from '../config/types.js';
import { KUBELET_CONFIG_API } from '../config/types.js';
import { KUBELET_DIR } from '../config/constants.js';
import { ValidationError } from '../errors.js';
import { argumentsToCommand, getArgValue, type MergeableArg } from './args.js';
import { formatGoDuration, goQuote, parseGoDuration } from './gofmt.js';
import { indexedIPOfCIDRList } from '../pki/ip.js';
import { formatIP } from '../util/net.js';
import { toGoYaml } from './goyaml.js';
import { applyPatchesToTarget, createPatchSet, type PatchManager } from './patches.js';

export const KUBELET_CONFIG_FILE = 'config.yaml';
export const KUBELET_ENV_FILE = 'kubeadm-flags.env';
export const KUBELET_INSTANCE_CONFIG_FILE = 'instance-config.yaml';
/** mode kubeadm writes the three files with (the directory gets 0700 when created) */
export const KUBELET_FILE_MODE = 0o644;
export const KUBELET_DIR_MODE = 0o700;

const KIND = 'KubeletConfiguration';
const STATIC_POD_PATH = '/etc/kubernetes/manifests';
const DEFAULT_CLUSTER_DNS_IP = '10.96.0.10';
const HEALTHZ_BIND_ADDRESS = '127.0.0.1';
const HEALTHZ_PORT = 10248;
const SYSTEMD_RESOLV_CONF = '/run/systemd/resolve/resolv.conf';

export function kubeletFilePath(file: string, kubeletDir: string = KUBELET_DIR): string {
  return path.posix.join(kubeletDir, file);
}

// ---------------------------------------------------------------------------------------------
// kubeadm-flags.env

/** v1.Taint.ToString(): key[=value]:effect */
export function taintToString(t: Taint): string {
  if (!t.effect) return t.value ? `${t.key}=${t.value}:` : t.key;
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

export interface KubeletFlagsInput {
  nodeRegistration: Pick<NodeRegistrationOptions, 'name' | 'taints' | 'kubeletExtraArgs'>;
  /** the host name as the kubelet sees it (os hostname, trimmed and lower-cased) */
  hostname: string;
  /** true for a worker join: taints go on the command line (init and control-plane join: false) */
  registerTaintsUsingFlags?: boolean;
}

/** The node name kubeadm expects the kubelet to register: hostname < name < hostname-override extra arg. */
export function kubeletNodeName(nodeReg: Pick<NodeRegistrationOptions, 'name' | 'kubeletExtraArgs'>, hostname: string): string {
  let name = hostname;
  if (nodeReg.name) name = nodeReg.name;
  const [override, idx] = getArgValue(nodeReg.kubeletExtraArgs ?? [], 'hostname-override');
  if (idx > -1) name = override;
  return name;
}

/** The kubelet flags kubeadm computes, before the user's kubeletExtraArgs. */
export function kubeletDefaultFlags(input: KubeletFlagsInput): Arg[] {
  const flags: Arg[] = [];
  const taints = input.nodeRegistration.taints;
  if (input.registerTaintsUsingFlags && taints && taints.length > 0) {
    flags.push({ name: 'register-with-taints', value: taints.map(taintToString).join(',') });
  }
  const nodeName = kubeletNodeName(input.nodeRegistration, input.hostname);
  if (nodeName !== input.hostname) flags.push({ name: 'hostname-override', value: nodeName });
  return flags;
}

/** Content of /var/lib/kubelet/kubeadm-flags.env. */
export function renderKubeletFlagsEnv(input: KubeletFlagsInput): string {
  const args = argumentsToCommand(
    kubeletDefaultFlags(input),
    (input.nodeRegistration.kubeletExtraArgs ?? []) as MergeableArg[],
  );
  return `KUBELET_KUBEADM_ARGS=${goQuote(args.join(' '))}\n`;
}

// ---------------------------------------------------------------------------------------------
// instance-config.yaml

/** Content of /var/lib/kubelet/instance-config.yaml (NodeLocalCRISocket). */
export function renderInstanceConfig(criSocket: string): string {
  return `containerRuntimeEndpoint: ${goQuote(criSocket)}\n`;
}

// ---------------------------------------------------------------------------------------------
// KubeletConfiguration

type Obj = Record<string, unknown>;
function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** How each KubeletConfiguration (v1beta1) member survives Go's decode/encode. */
type FieldKind = 'scalar' | 'ptr' | 'duration' | 'ptrDuration' | 'slice' | 'map' | 'struct' | 'required';

const KUBELET_FIELDS: Record<string, FieldKind> = {
  enableServer: 'ptr', staticPodPath: 'scalar', podLogsDir: 'scalar', syncFrequency: 'duration',
  fileCheckFrequency: 'duration', httpCheckFrequency: 'duration', staticPodURL: 'scalar', staticPodURLHeader: 'map',
  address: 'scalar', port: 'scalar', readOnlyPort: 'scalar', tlsCertFile: 'scalar', tlsPrivateKeyFile: 'scalar',
  tlsCipherSuites: 'slice', tlsCurvePreferences: 'slice', tlsMinVersion: 'scalar', rotateCertificates: 'scalar',
  serverTLSBootstrap: 'scalar', authentication: 'struct', authorization: 'struct', registryPullQPS: 'ptr',
  registryBurst: 'scalar', imagePullCredentialsVerificationPolicy: 'scalar', preloadedImagesVerificationAllowlist: 'slice',
  eventRecordQPS: 'ptr', eventBurst: 'scalar', enableDebuggingHandlers: 'ptr', enableContentionProfiling: 'scalar',
  healthzPort: 'ptr', healthzBindAddress: 'scalar', oomScoreAdj: 'ptr', clusterDomain: 'scalar', clusterDNS: 'slice',
  streamingConnectionIdleTimeout: 'duration', nodeStatusUpdateFrequency: 'duration', nodeStatusReportFrequency: 'duration',
  nodeLeaseDurationSeconds: 'scalar', imageMinimumGCAge: 'duration', imageMaximumGCAge: 'duration',
  imageGCHighThresholdPercent: 'ptr', imageGCLowThresholdPercent: 'ptr', volumeStatsAggPeriod: 'duration',
  kubeletCgroups: 'scalar', systemCgroups: 'scalar', cgroupRoot: 'scalar', cgroupsPerQOS: 'ptr', cgroupDriver: 'scalar',
  cpuManagerPolicy: 'scalar', singleProcessOOMKill: 'ptr', cpuManagerPolicyOptions: 'map',
  cpuManagerReconcilePeriod: 'duration', memoryManagerPolicy: 'scalar', topologyManagerPolicy: 'scalar',
  topologyManagerScope: 'scalar', topologyManagerPolicyOptions: 'map', qosReserved: 'map',
  runtimeRequestTimeout: 'duration', hairpinMode: 'scalar', maxPods: 'scalar', podCIDR: 'scalar', podPidsLimit: 'ptr',
  resolvConf: 'ptr', runOnce: 'scalar', cpuCFSQuota: 'ptr', cpuCFSQuotaPeriod: 'ptrDuration', nodeStatusMaxImages: 'ptr',
  maxOpenFiles: 'scalar', contentType: 'scalar', kubeAPIQPS: 'ptr', kubeAPIBurst: 'scalar', serializeImagePulls: 'ptr',
  maxParallelImagePulls: 'ptr', evictionHard: 'map', evictionSoft: 'map', evictionSoftGracePeriod: 'map',
  evictionPressureTransitionPeriod: 'duration', evictionMaxPodGracePeriod: 'scalar', evictionMinimumReclaim: 'map',
  mergeDefaultEvictionSettings: 'ptr', podsPerCore: 'scalar', enableControllerAttachDetach: 'ptr',
  protectKernelDefaults: 'scalar', makeIPTablesUtilChains: 'ptr', iptablesMasqueradeBit: 'ptr', iptablesDropBit: 'ptr',
  featureGates: 'map', failSwapOn: 'ptr', memorySwap: 'struct', containerLogMaxSize: 'scalar',
  containerLogMaxFiles: 'ptr', containerLogMaxWorkers: 'ptr', containerLogMonitorInterval: 'ptrDuration',
  configMapAndSecretChangeDetectionStrategy: 'scalar', systemReserved: 'map', kubeReserved: 'map',
  reservedSystemCPUs: 'scalar', showHiddenMetricsForVersion: 'scalar', systemReservedCgroup: 'scalar',
  kubeReservedCgroup: 'scalar', enforceNodeAllocatable: 'slice', allowedUnsafeSysctls: 'slice', defaultPodSysctls: 'map',
  volumePluginDir: 'scalar', providerID: 'scalar', kernelMemcgNotification: 'scalar', logging: 'struct',
  enableSystemLogHandler: 'ptr', enableSystemLogQuery: 'ptr', shutdownGracePeriod: 'duration',
  shutdownGracePeriodCriticalPods: 'duration', shutdownGracePeriodByPodPriority: 'slice', crashLoopBackOff: 'struct',
  reservedMemory: 'slice', enableProfilingHandler: 'ptr', enableDebugFlagsHandler: 'ptr', seccompDefault: 'ptr',
  memoryThrottlingFactor: 'ptr', memoryReservationPolicy: 'scalar', registerWithTaints: 'slice', registerNode: 'ptr',
  tracing: 'ptr', localStorageCapacityIsolation: 'ptr', containerRuntimeEndpoint: 'required',
  imageServiceEndpoint: 'scalar', failCgroupV1: 'ptr', userNamespaces: 'ptr',
};

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === null || v === undefined;
}

function durationValue(v: unknown, field: string): string {
  if (typeof v !== 'string') {
    throw new ValidationError([{ path: `KubeletConfiguration.${field}`, message: `expected a duration string, got ${JSON.stringify(v)}` }]);
  }
  try {
    return formatGoDuration(parseGoDuration(v));
  } catch (e) {
    throw new ValidationError([{ path: `KubeletConfiguration.${field}`, message: (e as Error).message }]);
  }
}

/** Drop zero optional members, keep structs, format durations (Go decode + encode of a struct). */
function structFields(v: unknown, fields: Record<string, FieldKind>, where: string): Obj {
  const src = isObj(v) ? v : {};
  const out: Obj = {};
  for (const [k, kind] of Object.entries(fields)) {
    const x = src[k];
    switch (kind) {
      case 'duration':
        out[k] = x === undefined || x === null ? '0s' : durationValue(x, `${where}${k}`);
        break;
      case 'ptrDuration':
        if (x !== undefined && x !== null) out[k] = durationValue(x, `${where}${k}`);
        break;
      case 'ptr':
        if (x !== undefined && x !== null) out[k] = x;
        break;
      case 'slice':
        if (Array.isArray(x) && x.length > 0) out[k] = x;
        break;
      case 'map':
        if (isObj(x) && Object.keys(x).length > 0) out[k] = x;
        break;
      case 'required':
        out[k] = x === undefined || x === null ? '' : x;
        break;
      case 'scalar':
        if (!isZero(x)) out[k] = x;
        break;
      case 'struct':
        break;
    }
  }
  return out;
}

function normalizeAuthentication(v: unknown): Obj {
  const a = isObj(v) ? v : {};
  const x509 = structFields(a.x509, { clientCAFile: 'scalar' }, 'authentication.x509.');
  const webhook = structFields(a.webhook, { enabled: 'ptr', cacheTTL: 'duration' }, 'authentication.webhook.');
  const anonymous = structFields(a.anonymous, { enabled: 'ptr' }, 'authentication.anonymous.');
  return { x509, webhook, anonymous };
}

function normalizeAuthorization(v: unknown): Obj {
  const a = isObj(v) ? v : {};
  const out = structFields(a, { mode: 'scalar' }, 'authorization.');
  out.webhook = structFields(a.webhook, { cacheAuthorizedTTL: 'duration', cacheUnauthorizedTTL: 'duration' }, 'authorization.webhook.');
  return out;
}

function normalizeLogging(v: unknown): Obj {
  const l = isObj(v) ? v : {};
  const out: Obj = {};
  if (!isZero(l.format)) out.format = l.format;
  // TimeOrMetaDuration: a string stays a (normalised) duration string, a number stays nanoseconds
  if (typeof l.flushFrequency === 'string') out.flushFrequency = durationValue(l.flushFrequency, 'logging.flushFrequency');
  else out.flushFrequency = typeof l.flushFrequency === 'number' ? l.flushFrequency : 0;
  out.verbosity = typeof l.verbosity === 'number' ? l.verbosity : 0;
  if (isObj(l.vmodule) || (Array.isArray(l.vmodule) && l.vmodule.length > 0)) out.vmodule = l.vmodule;
  const opts = isObj(l.options) ? l.options : {};
  const outputOpts = (o: unknown): Obj => {
    const src = isObj(o) ? o : {};
    const r: Obj = {};
    if (!isZero(src.splitStream)) r.splitStream = src.splitStream;
    r.infoBufferSize = src.infoBufferSize === undefined || src.infoBufferSize === null ? '0' : String(src.infoBufferSize);
    return r;
  };
  out.options = { text: outputOpts(opts.text), json: outputOpts(opts.json) };
  return out;
}

/** Encode a KubeletConfiguration object the way Go's v1beta1 struct marshals it. */
export function normalizeKubeletConfiguration(v: unknown): Obj {
  const src = isObj(v) ? v : {};
  const out = structFields(src, KUBELET_FIELDS, '');
  out.apiVersion = KUBELET_CONFIG_API;
  out.kind = KIND;
  out.authentication = normalizeAuthentication(src.authentication);
  out.authorization = normalizeAuthorization(src.authorization);
  out.logging = normalizeLogging(src.logging);
  out.memorySwap = structFields(src.memorySwap, { swapBehavior: 'scalar' }, 'memorySwap.');
  out.crashLoopBackOff = structFields(src.crashLoopBackOff, { maxContainerRestartPeriod: 'ptrDuration' }, 'crashLoopBackOff.');
  return out;
}

/** The 10th address of the first service subnet (kubeadm's cluster DNS IP), or undefined. */
export function clusterDNSIP(serviceSubnets: string): string | undefined {
  try {
    return formatIP(indexedIPOfCIDRList(serviceSubnets, 10));
  } catch {
    return undefined;
  }
}

function goValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  return String(v);
}

function warnValue(param: string, def: unknown, user: unknown): string {
  return `The recommended value for "${param}" in "${KIND}" is: ${goValue(def)}; the provided value is: ${goValue(user)}`;
}

export interface KubeletConfigResult {
  /** the KubeletConfiguration as JSON data (cluster-wide: goes to the kubelet-config ConfigMap) */
  config: Obj;
  /** kubeadm's warnings about user values that differ from what it expects */
  warnings: string[];
}

/**
 * kubeadm's defaulting of the KubeletConfiguration (componentconfigs/kubelet.go Default()):
 * the user's document (or none) plus the values kubeadm needs, with warnings for conflicts.
 */
export function defaultKubeletConfiguration(cluster: ClusterConfiguration, userDoc?: ComponentConfig): KubeletConfigResult {
  const c = normalizeKubeletConfiguration(userDoc ?? {});
  const warnings: string[] = [];
  const auth = c.authentication as { x509: Obj; webhook: Obj; anonymous: Obj };
  const authz = c.authorization as Obj;

  if (!c.staticPodPath) c.staticPodPath = STATIC_POD_PATH;
  else if (c.staticPodPath !== STATIC_POD_PATH) warnings.push(warnValue('staticPodPath', STATIC_POD_PATH, c.staticPodPath));

  const dns = clusterDNSIP(cluster.networking.serviceSubnet) ?? DEFAULT_CLUSTER_DNS_IP;
  if (!Array.isArray(c.clusterDNS)) c.clusterDNS = [dns];
  else if (c.clusterDNS.length !== 1 || c.clusterDNS[0] !== dns) warnings.push(warnValue('clusterDNS', [dns], c.clusterDNS));

  if (!c.clusterDomain) c.clusterDomain = cluster.networking.dnsDomain;
  else if (cluster.networking.dnsDomain && c.clusterDomain !== cluster.networking.dnsDomain) {
    warnings.push(warnValue('clusterDomain', cluster.networking.dnsDomain, c.clusterDomain));
  }

  const clientCAFile = path.posix.join(cluster.certificatesDir, 'ca.crt');
  if (!auth.x509.clientCAFile) auth.x509.clientCAFile = clientCAFile;
  else if (auth.x509.clientCAFile !== clientCAFile) {
    warnings.push(warnValue('authentication.x509.clientCAFile', clientCAFile, auth.x509.clientCAFile));
  }

  if (auth.anonymous.enabled === undefined) auth.anonymous.enabled = false;
  else if (auth.anonymous.enabled) warnings.push(warnValue('authentication.anonymous.enabled', false, auth.anonymous.enabled));

  if (!authz.mode) authz.mode = 'Webhook';
  else if (authz.mode !== 'Webhook') warnings.push(warnValue('authorization.mode', 'Webhook', authz.mode));

  if (auth.webhook.enabled === undefined) auth.webhook.enabled = true;
  else if (!auth.webhook.enabled) warnings.push(warnValue('authentication.webhook.enabled', true, auth.webhook.enabled));

  if (!c.healthzBindAddress) c.healthzBindAddress = HEALTHZ_BIND_ADDRESS;
  else if (c.healthzBindAddress !== HEALTHZ_BIND_ADDRESS) {
    warnings.push(warnValue('healthzBindAddress', HEALTHZ_BIND_ADDRESS, c.healthzBindAddress));
  }

  if (c.healthzPort === undefined) c.healthzPort = HEALTHZ_PORT;
  else if (c.healthzPort !== HEALTHZ_PORT) warnings.push(warnValue('healthzPort', HEALTHZ_PORT, c.healthzPort));

  const readOnlyPort = c.readOnlyPort ?? 0;
  if (readOnlyPort !== 0) warnings.push(warnValue('readOnlyPort', 0, readOnlyPort));

  c.rotateCertificates = true;
  if (!c.cgroupDriver) c.cgroupDriver = 'systemd';
  return { config: c, warnings };
}

/** YAML of a KubeletConfiguration as kubeadm marshals it (also the ConfigMap's `kubelet` key). */
export function kubeletConfigurationYaml(config: Obj): string {
  return toGoYaml(config);
}

export interface KubeletConfigFileInput {
  /** result of defaultKubeletConfiguration (cluster-wide config) */
  config: Obj;
  /** is the systemd-resolved service active on this host? */
  systemdResolvedActive: boolean;
  /** the patches from --patches / patches.directory, if any */
  patches?: PatchManager;
  /** content of instance-config.yaml as written just before (renderInstanceConfig) */
  instanceConfig: string;
  /** path of instance-config.yaml, for error messages */
  instanceConfigPath?: string;
}

export interface KubeletConfigFileResult {
  content: string;
  /** `[patches] Applied patch ...` lines, in order */
  log: string[];
  warnings: string[];
}

/** Content of /var/lib/kubelet/config.yaml (WriteConfigToDisk). */
export function renderKubeletConfigFile(input: KubeletConfigFileInput): KubeletConfigFileResult {
  const warnings: string[] = [];
  const log: string[] = [];
  // node-local mutation, never applied to the cluster-wide copy
  let data: unknown = JSON.parse(JSON.stringify(input.config));
  const local = data as Obj;
  if (input.systemdResolvedActive) {
    if (local.resolvConf === undefined) local.resolvConf = SYSTEMD_RESOLV_CONF;
    else if (local.resolvConf !== SYSTEMD_RESOLV_CONF) warnings.push(warnValue('resolvConf', SYSTEMD_RESOLV_CONF, local.resolvConf));
  }
  if (input.patches) {
    const r = applyPatchesToTarget(input.patches, 'kubeletconfiguration', data);
    data = r.data;
    log.push(...r.log);
  }
  const file = input.instanceConfigPath ?? kubeletFilePath(KUBELET_INSTANCE_CONFIG_FILE);
  const set = createPatchSet('kubeletconfiguration', 'application/strategic-merge-patch+json', file, input.instanceConfig);
  const r = applyPatchesToTarget(
    { directory: path.posix.dirname(file), patchSets: [set], knownTargets: ['kubeletconfiguration'] },
    'kubeletconfiguration',
    data,
  );
  log.push(...r.log);
  return { content: toGoYaml(r.data), log, warnings };
}
