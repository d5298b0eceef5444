// Resolved configurations for preflight tests, written out by hand (defaults as kubeadm documents them).
import type { ClusterConfiguration, InitConfig, JoinConfig, Timeouts } from '../../../src/config/types.js';

const timeouts: Timeouts = {
  controlPlaneComponentHealthCheck: '4m0s',
  kubeletHealthCheck: '4m0s',
  kubernetesAPICall: '1m0s',
  etcdAPICall: '2m0s',
  tlsBootstrap: '5m0s',
  discovery: '5m0s',
  upgradeManifests: '5m0s',
};

const component = () => ({ extraArgs: [], extraVolumes: [], extraEnvs: [] });

export function clusterConfig(over: Partial<ClusterConfiguration> = {}): ClusterConfiguration {
  return {
    etcd: { local: { dataDir: '/var/lib/etcd', extraArgs: [], extraEnvs: [], serverCertSANs: [], peerCertSANs: [] } },
    networking: { serviceSubnet: '10.96.0.0/12', dnsDomain: 'cluster.local' },
    kubernetesVersion: 'v1.37.2',
    controlPlaneEndpoint: '',
    apiServer: { ...component(), certSANs: [] },
    controllerManager: component(),
    scheduler: component(),
    dns: { disabled: false },
    proxy: { disabled: false },
    certificatesDir: '/etc/kubernetes/pki',
    imageRepository: 'registry.k8s.io',
    featureGates: {},
    clusterName: 'kubernetes',
    encryptionAlgorithm: 'RSA-2048',
    certificateValidityPeriod: '8760h0m0s',
    caCertificateValidityPeriod: '87600h0m0s',
    ...over,
  };
}

export function initConfig(cluster: Partial<ClusterConfiguration> = {}): InitConfig {
  return {
    init: {
      bootstrapTokens: [],
      dryRun: false,
      nodeRegistration: {
        name: 'node-1',
        criSocket: 'unix:///var/run/containerd/containerd.sock',
        taints: null,
        kubeletExtraArgs: [],
        ignorePreflightErrors: [],
        imagePullPolicy: 'IfNotPresent',
        imagePullSerial: true,
      },
      localAPIEndpoint: { advertiseAddress: '192.168.0.10', bindPort: 6443 },
      certificateKey: '',
      skipPhases: [],
      timeouts,
    },
    cluster: clusterConfig(cluster),
    warnings: [],
  };
}

export function joinConfig(): JoinConfig {
  return {
    join: {
      dryRun: false,
      nodeRegistration: {
        name: 'node-2',
        criSocket: 'unix:///var/run/containerd/containerd.sock',
        taints: [],
        kubeletExtraArgs: [],
        ignorePreflightErrors: [],
        imagePullPolicy: 'IfNotPresent',
        imagePullSerial: true,
      },
      caCertPath: '/etc/kubernetes/pki/ca.crt',
      discovery: {
        bootstrapToken: {
          token: 'abcdef.0123456789abcdef',
          apiServerEndpoint: '192.168.0.10:6443',
          caCertHashes: [],
          unsafeSkipCAVerification: true,
        },
        tlsBootstrapToken: 'abcdef.0123456789abcdef',
      },
      skipPhases: [],
      timeouts,
    },
    warnings: [],
  };
}
