// zod schemas for the kubeadm configuration documents as they appear in files.
// These check shape and types only (what Go's strict JSON decoding checks); value rules live in validate.ts.
// Every object is strict so that unknown fields are reported.
import * as z from 'zod';
import { isValidDuration } from './duration.js';

const str = z.string();
const bool = z.boolean();
const int32 = z.number().int().min(-2147483648).max(2147483647);
const strList = z.array(str);

/** metav1.Duration: a Go duration string. */
const duration = z.string().refine(isValidDuration, { message: 'invalid duration' });

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** metav1.Time: RFC 3339. */
const time = z.string().regex(RFC3339, { message: 'invalid RFC 3339 time' });

const BOOTSTRAP_TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** bootstraptoken/v1 BootstrapTokenString: checked at decode time, like upstream's UnmarshalJSON. */
const bootstrapTokenString = z.string().regex(BOOTSTRAP_TOKEN, {
  message: 'the bootstrap token was not of the form "\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z"',
});

const typeMeta = { apiVersion: str.optional(), kind: str.optional() };

export const argSchema = z.strictObject({ name: str.optional(), value: str.optional() });

const objectFieldSelector = z.strictObject({ apiVersion: str.optional(), fieldPath: str.optional() });
const resourceFieldSelector = z.strictObject({
  containerName: str.optional(),
  resource: str.optional(),
  divisor: z.union([str, z.number()]).optional(),
});
const keySelector = z.strictObject({ name: str.optional(), key: str.optional(), optional: bool.optional() });
const fileKeySelector = z.strictObject({
  volumeName: str.optional(),
  path: str.optional(),
  key: str.optional(),
  optional: bool.optional(),
});
export const envVarSchema = z.strictObject({
  name: str.optional(),
  value: str.optional(),
  valueFrom: z
    .strictObject({
      fieldRef: objectFieldSelector.optional(),
      resourceFieldRef: resourceFieldSelector.optional(),
      configMapKeyRef: keySelector.optional(),
      secretKeyRef: keySelector.optional(),
      fileKeyRef: fileKeySelector.optional(),
    })
    .optional(),
});

export const hostPathMountSchema = z.strictObject({
  name: str.optional(),
  hostPath: str.optional(),
  mountPath: str.optional(),
  readOnly: bool.optional(),
  pathType: str.optional(),
});

export const taintSchema = z.strictObject({
  key: str.optional(),
  value: str.optional(),
  effect: str.optional(),
  timeAdded: time.optional(),
});

export const timeoutsSchema = z.strictObject({
  controlPlaneComponentHealthCheck: duration.optional(),
  kubeletHealthCheck: duration.optional(),
  kubernetesAPICall: duration.optional(),
  etcdAPICall: duration.optional(),
  tlsBootstrap: duration.optional(),
  discovery: duration.optional(),
  upgradeManifests: duration.optional(),
});

export const patchesSchema = z.strictObject({ directory: str.optional() });

export const bootstrapTokenSchema = z.strictObject({
  token: bootstrapTokenString.optional(),
  description: str.optional(),
  ttl: duration.optional(),
  expires: time.optional(),
  usages: strList.optional(),
  groups: strList.optional(),
});

const apiEndpoint = z.strictObject({ advertiseAddress: str.optional(), bindPort: int32.optional() });

const nodeRegistrationV1beta4 = z.strictObject({
  name: str.optional(),
  criSocket: str.optional(),
  taints: z.array(taintSchema).optional(),
  kubeletExtraArgs: z.array(argSchema).optional(),
  ignorePreflightErrors: strList.optional(),
  imagePullPolicy: str.optional(),
  imagePullSerial: bool.optional(),
});

const imageMeta = { imageRepository: str.optional(), imageTag: str.optional() };

const controlPlaneComponentV1beta4 = {
  extraArgs: z.array(argSchema).optional(),
  extraVolumes: z.array(hostPathMountSchema).optional(),
  extraEnvs: z.array(envVarSchema).optional(),
};

const localEtcdV1beta4 = z.strictObject({
  ...imageMeta,
  dataDir: str.optional(),
  extraArgs: z.array(argSchema).optional(),
  extraEnvs: z.array(envVarSchema).optional(),
  serverCertSANs: strList.optional(),
  peerCertSANs: strList.optional(),
});

const externalEtcdV1beta4 = z.strictObject({
  endpoints: strList.optional(),
  httpEndpoints: strList.optional(),
  caFile: str.optional(),
  certFile: str.optional(),
  keyFile: str.optional(),
});

export const initConfigurationV1beta4 = z.strictObject({
  ...typeMeta,
  bootstrapTokens: z.array(bootstrapTokenSchema).optional(),
  dryRun: bool.optional(),
  nodeRegistration: nodeRegistrationV1beta4.optional(),
  localAPIEndpoint: apiEndpoint.optional(),
  certificateKey: str.optional(),
  skipPhases: strList.optional(),
  patches: patchesSchema.optional(),
  timeouts: timeoutsSchema.optional(),
});

export const clusterConfigurationV1beta4 = z.strictObject({
  ...typeMeta,
  etcd: z.strictObject({ local: localEtcdV1beta4.optional(), external: externalEtcdV1beta4.optional() }).optional(),
  networking: z
    .strictObject({ serviceSubnet: str.optional(), podSubnet: str.optional(), dnsDomain: str.optional() })
    .optional(),
  kubernetesVersion: str.optional(),
  controlPlaneEndpoint: str.optional(),
  apiServer: z.strictObject({ ...controlPlaneComponentV1beta4, certSANs: strList.optional() }).optional(),
  controllerManager: z.strictObject(controlPlaneComponentV1beta4).optional(),
  scheduler: z.strictObject(controlPlaneComponentV1beta4).optional(),
  dns: z.strictObject({ ...imageMeta, disabled: bool.optional() }).optional(),
  proxy: z.strictObject({ disabled: bool.optional() }).optional(),
  certificatesDir: str.optional(),
  imageRepository: str.optional(),
  featureGates: z.record(str, bool).optional(),
  clusterName: str.optional(),
  encryptionAlgorithm: str.optional(),
  certificateValidityPeriod: duration.optional(),
  caCertificateValidityPeriod: duration.optional(),
});

const bootstrapTokenDiscovery = z.strictObject({
  token: str.optional(),
  apiServerEndpoint: str.optional(),
  caCertHashes: strList.optional(),
  unsafeSkipCAVerification: bool.optional(),
});
const fileDiscovery = z.strictObject({ kubeConfigPath: str.optional() });

export const joinConfigurationV1beta4 = z.strictObject({
  ...typeMeta,
  dryRun: bool.optional(),
  nodeRegistration: nodeRegistrationV1beta4.optional(),
  caCertPath: str.optional(),
  discovery: z
    .strictObject({
      bootstrapToken: bootstrapTokenDiscovery.optional(),
      file: fileDiscovery.optional(),
      tlsBootstrapToken: str.optional(),
    })
    .optional(),
  controlPlane: z.strictObject({ localAPIEndpoint: apiEndpoint.optional(), certificateKey: str.optional() }).optional(),
  skipPhases: strList.optional(),
  patches: patchesSchema.optional(),
  timeouts: timeoutsSchema.optional(),
});

export const resetConfigurationV1beta4 = z.strictObject({
  ...typeMeta,
  cleanupTmpDir: bool.optional(),
  certificatesDir: str.optional(),
  criSocket: str.optional(),
  dryRun: bool.optional(),
  force: bool.optional(),
  ignorePreflightErrors: strList.optional(),
  skipPhases: strList.optional(),
  unmountFlags: strList.optional(),
  timeouts: timeoutsSchema.optional(),
});

export const upgradeConfigurationV1beta4 = z.strictObject({
  ...typeMeta,
  apply: z
    .strictObject({
      kubernetesVersion: str.optional(),
      allowExperimentalUpgrades: bool.optional(),
      allowRCUpgrades: bool.optional(),
      certificateRenewal: bool.optional(),
      dryRun: bool.optional(),
      etcdUpgrade: bool.optional(),
      forceUpgrade: bool.optional(),
      ignorePreflightErrors: strList.optional(),
      patches: patchesSchema.optional(),
      printConfig: bool.optional(),
      skipPhases: strList.optional(),
      imagePullPolicy: str.optional(),
      imagePullSerial: bool.optional(),
    })
    .optional(),
  diff: z.strictObject({ kubernetesVersion: str.optional(), contextLines: int32.optional() }).optional(),
  node: z
    .strictObject({
      certificateRenewal: bool.optional(),
      dryRun: bool.optional(),
      etcdUpgrade: bool.optional(),
      ignorePreflightErrors: strList.optional(),
      skipPhases: strList.optional(),
      patches: patchesSchema.optional(),
      imagePullPolicy: str.optional(),
      imagePullSerial: bool.optional(),
    })
    .optional(),
  plan: z
    .strictObject({
      kubernetesVersion: str.optional(),
      allowExperimentalUpgrades: bool.optional(),
      allowRCUpgrades: bool.optional(),
      dryRun: bool.optional(),
      etcdUpgrade: bool.optional(),
      ignorePreflightErrors: strList.optional(),
      printConfig: bool.optional(),
    })
    .optional(),
  timeouts: timeoutsSchema.optional(),
});

// ---- v1beta3 (read and converted to v1beta4) ----
const stringMap = z.record(str, str);

const nodeRegistrationV1beta3 = z.strictObject({
  name: str.optional(),
  criSocket: str.optional(),
  taints: z.array(taintSchema).optional(),
  kubeletExtraArgs: stringMap.optional(),
  ignorePreflightErrors: strList.optional(),
  imagePullPolicy: str.optional(),
});

const controlPlaneComponentV1beta3 = {
  extraArgs: stringMap.optional(),
  extraVolumes: z.array(hostPathMountSchema).optional(),
};

export const initConfigurationV1beta3 = z.strictObject({
  ...typeMeta,
  bootstrapTokens: z.array(bootstrapTokenSchema).optional(),
  nodeRegistration: nodeRegistrationV1beta3.optional(),
  localAPIEndpoint: apiEndpoint.optional(),
  certificateKey: str.optional(),
  skipPhases: strList.optional(),
  patches: patchesSchema.optional(),
});

export const clusterConfigurationV1beta3 = z.strictObject({
  ...typeMeta,
  etcd: z
    .strictObject({
      local: z
        .strictObject({
          ...imageMeta,
          dataDir: str.optional(),
          extraArgs: stringMap.optional(),
          serverCertSANs: strList.optional(),
          peerCertSANs: strList.optional(),
        })
        .optional(),
      external: z
        .strictObject({
          endpoints: strList.optional(),
          caFile: str.optional(),
          certFile: str.optional(),
          keyFile: str.optional(),
        })
        .optional(),
    })
    .optional(),
  networking: z
    .strictObject({ serviceSubnet: str.optional(), podSubnet: str.optional(), dnsDomain: str.optional() })
    .optional(),
  kubernetesVersion: str.optional(),
  controlPlaneEndpoint: str.optional(),
  apiServer: z
    .strictObject({
      ...controlPlaneComponentV1beta3,
      certSANs: strList.optional(),
      timeoutForControlPlane: duration.optional(),
    })
    .optional(),
  controllerManager: z.strictObject(controlPlaneComponentV1beta3).optional(),
  scheduler: z.strictObject(controlPlaneComponentV1beta3).optional(),
  dns: z.strictObject({ ...imageMeta }).optional(),
  certificatesDir: str.optional(),
  imageRepository: str.optional(),
  featureGates: z.record(str, bool).optional(),
  clusterName: str.optional(),
});

export const joinConfigurationV1beta3 = z.strictObject({
  ...typeMeta,
  nodeRegistration: nodeRegistrationV1beta3.optional(),
  caCertPath: str.optional(),
  discovery: z
    .strictObject({
      bootstrapToken: bootstrapTokenDiscovery.optional(),
      file: fileDiscovery.optional(),
      tlsBootstrapToken: str.optional(),
      timeout: duration.optional(),
    })
    .optional(),
  controlPlane: z.strictObject({ localAPIEndpoint: apiEndpoint.optional(), certificateKey: str.optional() }).optional(),
  skipPhases: strList.optional(),
  patches: patchesSchema.optional(),
});

export type RawInitV1beta4 = z.infer<typeof initConfigurationV1beta4>;
export type RawClusterV1beta4 = z.infer<typeof clusterConfigurationV1beta4>;
export type RawJoinV1beta4 = z.infer<typeof joinConfigurationV1beta4>;
export type RawResetV1beta4 = z.infer<typeof resetConfigurationV1beta4>;
export type RawUpgradeV1beta4 = z.infer<typeof upgradeConfigurationV1beta4>;
export type RawInitV1beta3 = z.infer<typeof initConfigurationV1beta3>;
export type RawClusterV1beta3 = z.infer<typeof clusterConfigurationV1beta3>;
export type RawJoinV1beta3 = z.infer<typeof joinConfigurationV1beta3>;
export type RawArg = z.infer<typeof argSchema>;
export type RawEnvVar = z.infer<typeof envVarSchema>;
export type RawTaint = z.infer<typeof taintSchema>;
export type RawBootstrapToken = z.infer<typeof bootstrapTokenSchema>;
export type RawTimeouts = z.infer<typeof timeoutsSchema>;
export type RawHostPathMount = z.infer<typeof hostPathMountSchema>;

/** The schema for each known kubeadm document type, keyed by "apiVersion/kind". */
export const KUBEADM_SCHEMAS: Record<string, z.ZodType> = {
  'kubeadm.k8s.io/v1beta4/InitConfiguration': initConfigurationV1beta4,
  'kubeadm.k8s.io/v1beta4/ClusterConfiguration': clusterConfigurationV1beta4,
  'kubeadm.k8s.io/v1beta4/JoinConfiguration': joinConfigurationV1beta4,
  'kubeadm.k8s.io/v1beta4/ResetConfiguration': resetConfigurationV1beta4,
  'kubeadm.k8s.io/v1beta4/UpgradeConfiguration': upgradeConfigurationV1beta4,
  'kubeadm.k8s.io/v1beta3/InitConfiguration': initConfigurationV1beta3,
  'kubeadm.k8s.io/v1beta3/ClusterConfiguration': clusterConfigurationV1beta3,
  'kubeadm.k8s.io/v1beta3/JoinConfiguration': joinConfigurationV1beta3,
};
