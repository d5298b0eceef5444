// A resolved configuration equal to what kubeadm's defaulting produces for
// advertiseAddress 10.0.0.10, node "cp-1", kubernetesVersion v1.37.2 and nothing else set.
import type { ClusterConfiguration, InitConfig } from '../../../src/config/types.js';

export function defaultCluster(): ClusterConfiguration {
  return {
    etcd: {
      local: { dataDir: '/var/lib/etcd', extraArgs: [], extraEnvs: [], serverCertSANs: [], peerCertSANs: [] },
    },
    networking: { serviceSubnet: '10.96.0.0/12', dnsDomain: 'cluster.local' },
    kubernetesVersion: 'v1.37.2',
    controlPlaneEndpoint: '',
    apiServer: { extraArgs: [], extraVolumes: [], extraEnvs: [], certSANs: [] },
    controllerManager: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
    scheduler: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
    dns: { disabled: false },
    proxy: { disabled: false },
    certificatesDir: '/etc/kubernetes/pki',
    imageRepository: 'registry.k8s.io',
    featureGates: {},
    clusterName: 'kubernetes',
    encryptionAlgorithm: 'RSA-2048',
    certificateValidityPeriod: '8760h0m0s',
    caCertificateValidityPeriod: '87600h0m0s',
  };
}

export function defaultInit(cluster: ClusterConfiguration = defaultCluster()): InitConfig {
  return {
    cluster,
    init: {
      bootstrapTokens: [],
      dryRun: false,
      nodeRegistration: {
        name: 'cp-1',
        criSocket: 'unix:///var/run/containerd/containerd.sock',
        taints: null,
        kubeletExtraArgs: [],
        ignorePreflightErrors: [],
        imagePullPolicy: 'IfNotPresent',
        imagePullSerial: true,
      },
      localAPIEndpoint: { advertiseAddress: '10.0.0.10', bindPort: 6443 },
      certificateKey: '',
      skipPhases: [],
      timeouts: {
        controlPlaneComponentHealthCheck: '4m0s',
        kubeletHealthCheck: '4m0s',
        kubernetesAPICall: '1m0s',
        etcdAPICall: '2m0s',
        tlsBootstrap: '5m0s',
        discovery: '5m0s',
        upgradeManifests: '5m0s',
      },
    },
    warnings: [],
  };
}
