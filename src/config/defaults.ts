// Static defaulting: turn decoded v1beta4 documents (all fields optional) into the resolved types,
// filling what kubeadm's v1beta4 SetDefaults_* functions fill. Host-dependent values are left for dynamic.ts.
import type {
  APIEndpoint,
  Arg,
  BootstrapToken,
  ClusterConfiguration,
  ControlPlaneComponent,
  EncryptionAlgorithm,
  EnvVar,
  HostPathMount,
  HostPathType,
  InitConfiguration,
  JoinConfiguration,
  NodeRegistrationOptions,
  PullPolicy,
  ResetConfiguration,
  Taint,
  TaintEffect,
  Timeouts,
} from './types.js';
import * as C from './constants.js';
import { normalizeDuration } from './duration.js';
import type {
  RawArg,
  RawBootstrapToken,
  RawClusterV1beta4,
  RawEnvVar,
  RawHostPathMount,
  RawInitV1beta4,
  RawJoinV1beta4,
  RawResetV1beta4,
  RawTaint,
  RawTimeouts,
} from './schema.js';

const dur = (s: string | undefined, fallback: string): string => (s === undefined ? fallback : normalizeDuration(s));

export function defaultTimeouts(raw?: RawTimeouts): Timeouts {
  const d = C.DEFAULT_TIMEOUTS;
  return {
    controlPlaneComponentHealthCheck: dur(raw?.controlPlaneComponentHealthCheck, d.controlPlaneComponentHealthCheck),
    kubeletHealthCheck: dur(raw?.kubeletHealthCheck, d.kubeletHealthCheck),
    kubernetesAPICall: dur(raw?.kubernetesAPICall, d.kubernetesAPICall),
    etcdAPICall: dur(raw?.etcdAPICall, d.etcdAPICall),
    tlsBootstrap: dur(raw?.tlsBootstrap, d.tlsBootstrap),
    discovery: dur(raw?.discovery, d.discovery),
    upgradeManifests: dur(raw?.upgradeManifests, d.upgradeManifests),
  };
}

export function toArgs(raw: RawArg[] | undefined): Arg[] {
  return (raw ?? []).map((a) => ({ name: a.name ?? '', value: a.value ?? '' }));
}

export function toEnvVars(raw: RawEnvVar[] | undefined): EnvVar[] {
  return (raw ?? []).map((e) => {
    const out: EnvVar = { name: e.name ?? '' };
    if (e.value !== undefined && e.value !== '') out.value = e.value;
    if (e.valueFrom !== undefined) {
      const vf = structuredClone(e.valueFrom) as Record<string, unknown>;
      const fieldRef = vf.fieldRef as { apiVersion?: string } | undefined;
      if (fieldRef && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1'; // SetDefaults_EnvVar
      out.valueFrom = vf;
    }
    return out;
  });
}

export function toMounts(raw: RawHostPathMount[] | undefined): HostPathMount[] {
  return (raw ?? []).map((m) => {
    const out: HostPathMount = { name: m.name ?? '', hostPath: m.hostPath ?? '', mountPath: m.mountPath ?? '' };
    if (m.readOnly) out.readOnly = true;
    if (m.pathType) out.pathType = m.pathType as HostPathType;
    return out;
  });
}

export function toTaints(raw: RawTaint[] | undefined): Taint[] | null {
  if (raw === undefined) return null;
  return raw.map((t) => {
    const out: Taint = { key: t.key ?? '', effect: (t.effect ?? '') as TaintEffect };
    if (t.value) out.value = t.value;
    if (t.timeAdded) out.timeAdded = t.timeAdded;
    return out;
  });
}

function component(raw: { extraArgs?: RawArg[]; extraVolumes?: RawHostPathMount[]; extraEnvs?: RawEnvVar[] } | undefined): ControlPlaneComponent {
  return { extraArgs: toArgs(raw?.extraArgs), extraVolumes: toMounts(raw?.extraVolumes), extraEnvs: toEnvVars(raw?.extraEnvs) };
}

export function defaultNodeRegistration(raw: RawInitV1beta4['nodeRegistration']): NodeRegistrationOptions {
  return {
    name: raw?.name ?? '',
    criSocket: raw?.criSocket ?? '',
    taints: toTaints(raw?.taints),
    kubeletExtraArgs: toArgs(raw?.kubeletExtraArgs),
    ignorePreflightErrors: [...(raw?.ignorePreflightErrors ?? [])],
    imagePullPolicy: (raw?.imagePullPolicy || C.DEFAULT_IMAGE_PULL_POLICY) as PullPolicy,
    imagePullSerial: raw?.imagePullSerial ?? true,
  };
}

export function defaultAPIEndpoint(raw: { advertiseAddress?: string; bindPort?: number } | undefined): APIEndpoint {
  return {
    advertiseAddress: raw?.advertiseAddress ?? '',
    bindPort: raw?.bindPort ? raw.bindPort : C.DEFAULT_API_SERVER_PORT,
  };
}

export function defaultBootstrapToken(raw: RawBootstrapToken): BootstrapToken {
  const out: BootstrapToken = {
    token: raw.token ?? '',
    // SetDefaults_BootstrapToken fills the TTL whenever it is unset, even if `expires` is given
    ttl: dur(raw.ttl, C.DEFAULT_TOKEN_TTL),
    usages: raw.usages && raw.usages.length > 0 ? [...raw.usages] : [...C.DEFAULT_TOKEN_USAGES],
    groups: raw.groups && raw.groups.length > 0 ? [...raw.groups] : [...C.DEFAULT_TOKEN_GROUPS],
  };
  if (raw.description) out.description = raw.description;
  if (raw.expires !== undefined) out.expires = raw.expires;
  return out;
}

export function defaultInitConfiguration(raw: RawInitV1beta4 | undefined): InitConfiguration {
  const tokens = raw?.bootstrapTokens && raw.bootstrapTokens.length > 0 ? raw.bootstrapTokens : [{}];
  const out: InitConfiguration = {
    bootstrapTokens: tokens.map(defaultBootstrapToken),
    dryRun: raw?.dryRun ?? false,
    nodeRegistration: defaultNodeRegistration(raw?.nodeRegistration),
    localAPIEndpoint: defaultAPIEndpoint(raw?.localAPIEndpoint),
    certificateKey: raw?.certificateKey ?? '',
    skipPhases: [...(raw?.skipPhases ?? [])],
    timeouts: defaultTimeouts(raw?.timeouts),
  };
  if (raw?.patches !== undefined) out.patches = { ...raw.patches };
  return out;
}

export function defaultClusterConfiguration(raw: RawClusterV1beta4 | undefined): ClusterConfiguration {
  const etcdRaw = raw?.etcd;
  const etcd: ClusterConfiguration['etcd'] = {};
  if (etcdRaw?.local !== undefined || etcdRaw?.external === undefined) {
    const l = etcdRaw?.local;
    etcd.local = {
      dataDir: l?.dataDir || C.DEFAULT_ETCD_DATA_DIR,
      extraArgs: toArgs(l?.extraArgs),
      extraEnvs: toEnvVars(l?.extraEnvs),
      serverCertSANs: [...(l?.serverCertSANs ?? [])],
      peerCertSANs: [...(l?.peerCertSANs ?? [])],
      ...(l?.imageRepository ? { imageRepository: l.imageRepository } : {}),
      ...(l?.imageTag ? { imageTag: l.imageTag } : {}),
    };
  }
  if (etcdRaw?.external !== undefined) {
    const e = etcdRaw.external;
    const endpoints = [...(e.endpoints ?? [])];
    etcd.external = {
      endpoints,
      caFile: e.caFile ?? '',
      certFile: e.certFile ?? '',
      keyFile: e.keyFile ?? '',
    };
    // SetDefaults_ExternalEtcd: httpEndpoints default to the endpoints
    const http = e.httpEndpoints && e.httpEndpoints.length > 0 ? [...e.httpEndpoints] : endpoints.length > 0 ? [...endpoints] : undefined;
    if (http) etcd.external.httpEndpoints = http;
  }
  const networking: ClusterConfiguration['networking'] = {
    serviceSubnet: raw?.networking?.serviceSubnet || C.DEFAULT_SERVICES_SUBNET,
    dnsDomain: raw?.networking?.dnsDomain || C.DEFAULT_SERVICE_DNS_DOMAIN,
  };
  if (raw?.networking?.podSubnet) networking.podSubnet = raw.networking.podSubnet;
  return {
    etcd,
    networking,
    kubernetesVersion: raw?.kubernetesVersion || C.DEFAULT_KUBERNETES_VERSION_LABEL,
    controlPlaneEndpoint: raw?.controlPlaneEndpoint ?? '',
    apiServer: { ...component(raw?.apiServer), certSANs: [...(raw?.apiServer?.certSANs ?? [])] },
    controllerManager: component(raw?.controllerManager),
    scheduler: component(raw?.scheduler),
    dns: {
      disabled: raw?.dns?.disabled ?? false,
      ...(raw?.dns?.imageRepository ? { imageRepository: raw.dns.imageRepository } : {}),
      ...(raw?.dns?.imageTag ? { imageTag: raw.dns.imageTag } : {}),
    },
    proxy: { disabled: raw?.proxy?.disabled ?? false },
    certificatesDir: raw?.certificatesDir || C.DEFAULT_CERTIFICATES_DIR,
    imageRepository: raw?.imageRepository || C.DEFAULT_IMAGE_REPOSITORY_FALLBACK,
    featureGates: { ...(raw?.featureGates ?? {}) },
    clusterName: raw?.clusterName || C.DEFAULT_CLUSTER_NAME,
    encryptionAlgorithm: (raw?.encryptionAlgorithm || C.DEFAULT_ENCRYPTION_ALGORITHM) as EncryptionAlgorithm,
    certificateValidityPeriod: dur(raw?.certificateValidityPeriod, C.DEFAULT_CERTIFICATE_VALIDITY),
    caCertificateValidityPeriod: dur(raw?.caCertificateValidityPeriod, C.DEFAULT_CA_CERTIFICATE_VALIDITY),
  };
}

/** file:// URLs in discovery.file.kubeConfigPath become plain paths (SetDefaults_FileDiscovery). */
function fileDiscoveryPath(p: string): string {
  const m = /^file:\/\/[^/]*(\/.*)?$/i.exec(p);
  return m ? (m[1] ?? '') : p;
}

export function defaultJoinConfiguration(raw: RawJoinV1beta4 | undefined): JoinConfiguration {
  const d = raw?.discovery;
  const discovery: JoinConfiguration['discovery'] = { tlsBootstrapToken: d?.tlsBootstrapToken ?? '' };
  if (d?.bootstrapToken !== undefined) {
    discovery.bootstrapToken = {
      token: d.bootstrapToken.token ?? '',
      apiServerEndpoint: d.bootstrapToken.apiServerEndpoint ?? '',
      caCertHashes: [...(d.bootstrapToken.caCertHashes ?? [])],
      unsafeSkipCAVerification: d.bootstrapToken.unsafeSkipCAVerification ?? false,
    };
    if (discovery.tlsBootstrapToken === '') discovery.tlsBootstrapToken = discovery.bootstrapToken.token;
  }
  if (d?.file !== undefined) discovery.file = { kubeConfigPath: fileDiscoveryPath(d.file.kubeConfigPath ?? '') };
  const out: JoinConfiguration = {
    dryRun: raw?.dryRun ?? false,
    nodeRegistration: defaultNodeRegistration(raw?.nodeRegistration),
    caCertPath: raw?.caCertPath || C.DEFAULT_CA_CERT_PATH,
    discovery,
    skipPhases: [...(raw?.skipPhases ?? [])],
    timeouts: defaultTimeouts(raw?.timeouts),
  };
  if (raw?.controlPlane !== undefined) {
    out.controlPlane = {
      localAPIEndpoint: defaultAPIEndpoint(raw.controlPlane.localAPIEndpoint),
      certificateKey: raw.controlPlane.certificateKey ?? '',
    };
  }
  if (raw?.patches !== undefined) out.patches = { ...raw.patches };
  return out;
}

export function defaultResetConfiguration(raw: RawResetV1beta4 | undefined): ResetConfiguration {
  return {
    cleanupTmpDir: raw?.cleanupTmpDir ?? false,
    certificatesDir: raw?.certificatesDir || C.DEFAULT_CERTIFICATES_DIR,
    criSocket: raw?.criSocket ?? '',
    dryRun: raw?.dryRun ?? false,
    force: raw?.force ?? false,
    ignorePreflightErrors: [...(raw?.ignorePreflightErrors ?? [])],
    skipPhases: [...(raw?.skipPhases ?? [])],
    unmountFlags: [...(raw?.unmountFlags ?? [])],
    timeouts: defaultTimeouts(raw?.timeouts),
  };
}
