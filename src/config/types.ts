// The resolved (defaulted, validated) configuration that phases and renderers consume.
// Field names follow kubeadm.k8s.io/v1beta4. Durations are kept as Go duration strings
// ("8760h0m0s") exactly as kubeadm prints them, plus parsed milliseconds where phases need numbers.

export const KUBEADM_GROUP = 'kubeadm.k8s.io';
export const V1BETA4 = 'kubeadm.k8s.io/v1beta4';
export const V1BETA3 = 'kubeadm.k8s.io/v1beta3';
export const KUBELET_CONFIG_API = 'kubelet.config.k8s.io/v1beta1';
export const KUBEPROXY_CONFIG_API = 'kubeproxy.config.k8s.io/v1alpha1';

export interface Arg {
  name: string;
  value: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

export type HostPathType =
  | ''
  | 'DirectoryOrCreate'
  | 'Directory'
  | 'FileOrCreate'
  | 'File'
  | 'Socket'
  | 'CharDevice'
  | 'BlockDevice';

export interface HostPathMount {
  name: string;
  hostPath: string;
  mountPath: string;
  readOnly?: boolean;
  pathType?: HostPathType;
}

export interface APIEndpoint {
  advertiseAddress: string;
  bindPort: number;
}

export interface Patches {
  directory?: string;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: string;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface NodeRegistrationOptions {
  name: string;
  criSocket: string;
  /** null = not set (control plane gets the default taint); [] = explicitly none */
  taints: Taint[] | null;
  kubeletExtraArgs: Arg[];
  ignorePreflightErrors: string[];
  imagePullPolicy: PullPolicy;
  imagePullSerial: boolean;
}

/** All durations as Go duration strings, e.g. "4m0s". */
export interface Timeouts {
  controlPlaneComponentHealthCheck: string;
  kubeletHealthCheck: string;
  kubernetesAPICall: string;
  etcdAPICall: string;
  tlsBootstrap: string;
  discovery: string;
  upgradeManifests: string;
}

export interface BootstrapToken {
  /** "abcdef.0123456789abcdef" */
  token: string;
  description?: string;
  /** Go duration, e.g. "24h0m0s"; absent when `expires` is set */
  ttl?: string;
  /** RFC3339 */
  expires?: string;
  usages: string[];
  groups: string[];
}

export interface ImageMeta {
  imageRepository?: string;
  imageTag?: string;
}

export interface LocalEtcd extends ImageMeta {
  dataDir: string;
  extraArgs: Arg[];
  extraEnvs: EnvVar[];
  serverCertSANs: string[];
  peerCertSANs: string[];
}

export interface ExternalEtcd {
  endpoints: string[];
  httpEndpoints?: string[];
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface Etcd {
  local?: LocalEtcd;
  external?: ExternalEtcd;
}

export interface Networking {
  serviceSubnet: string;
  podSubnet?: string;
  dnsDomain: string;
}

export interface ControlPlaneComponent {
  extraArgs: Arg[];
  extraVolumes: HostPathMount[];
  extraEnvs: EnvVar[];
}

export interface APIServer extends ControlPlaneComponent {
  certSANs: string[];
}

export interface DNS extends ImageMeta {
  disabled: boolean;
}

export interface Proxy {
  disabled: boolean;
}

export type EncryptionAlgorithm = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384';

export interface ClusterConfiguration {
  etcd: Etcd;
  networking: Networking;
  kubernetesVersion: string;
  controlPlaneEndpoint: string;
  apiServer: APIServer;
  controllerManager: ControlPlaneComponent;
  scheduler: ControlPlaneComponent;
  dns: DNS;
  proxy: Proxy;
  certificatesDir: string;
  imageRepository: string;
  featureGates: Record<string, boolean>;
  clusterName: string;
  encryptionAlgorithm: EncryptionAlgorithm;
  /** Go duration, default "8760h0m0s" */
  certificateValidityPeriod: string;
  /** Go duration, default "87600h0m0s" */
  caCertificateValidityPeriod: string;
}

export interface InitConfiguration {
  bootstrapTokens: BootstrapToken[];
  dryRun: boolean;
  nodeRegistration: NodeRegistrationOptions;
  localAPIEndpoint: APIEndpoint;
  certificateKey: string;
  skipPhases: string[];
  patches?: Patches;
  timeouts: Timeouts;
}

export interface BootstrapTokenDiscovery {
  token: string;
  apiServerEndpoint: string;
  caCertHashes: string[];
  unsafeSkipCAVerification: boolean;
}

export interface FileDiscovery {
  kubeConfigPath: string;
}

export interface Discovery {
  bootstrapToken?: BootstrapTokenDiscovery;
  file?: FileDiscovery;
  tlsBootstrapToken: string;
}

export interface JoinControlPlane {
  localAPIEndpoint: APIEndpoint;
  certificateKey: string;
}

export interface JoinConfiguration {
  dryRun: boolean;
  nodeRegistration: NodeRegistrationOptions;
  caCertPath: string;
  discovery: Discovery;
  controlPlane?: JoinControlPlane;
  skipPhases: string[];
  patches?: Patches;
  timeouts: Timeouts;
}

export interface ResetConfiguration {
  cleanupTmpDir: boolean;
  certificatesDir: string;
  criSocket: string;
  dryRun: boolean;
  force: boolean;
  ignorePreflightErrors: string[];
  skipPhases: string[];
  unmountFlags: string[];
  timeouts: Timeouts;
}

/** A component config document passed through (KubeletConfiguration, KubeProxyConfiguration). */
export type ComponentConfig = Record<string, unknown>;

/** What `init` (and its phases) work from. */
export interface InitConfig {
  init: InitConfiguration;
  cluster: ClusterConfiguration;
  /** the user's KubeletConfiguration document, if any (unmodified) */
  kubelet?: ComponentConfig;
  /** the user's KubeProxyConfiguration document, if any (unmodified) */
  kubeProxy?: ComponentConfig;
  /** deprecation and other non-fatal notes produced while loading */
  warnings: string[];
}

export interface JoinConfig {
  join: JoinConfiguration;
  kubelet?: ComponentConfig;
  warnings: string[];
}

export interface ResetConfig {
  reset: ResetConfiguration;
  warnings: string[];
}

/** Values that depend on the host; injected so config loading stays pure and testable. */
export interface DynamicDefaults {
  /** the host name, as the OS reports it (lower-cased by the defaulting code) */
  hostname(): string;
  /** IP of the interface carrying the default route, or undefined */
  defaultAddress(): Promise<string | undefined>;
  /** a fresh bootstrap token "[a-z0-9]{6}.[a-z0-9]{16}" */
  generateToken(): string;
}
