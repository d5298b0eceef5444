// A resolved InitConfig with kubeadm's defaults, for PKI and kubeconfig tests.
import type { EncryptionAlgorithm, InitConfig } from '../../../src/config/types.js';

export interface FixtureOptions {
  nodeName?: string;
  advertiseAddress?: string;
  bindPort?: number;
  serviceSubnet?: string;
  dnsDomain?: string;
  controlPlaneEndpoint?: string;
  certSANs?: string[];
  serverCertSANs?: string[];
  peerCertSANs?: string[];
  externalEtcd?: boolean;
  encryptionAlgorithm?: EncryptionAlgorithm;
  certificateValidityPeriod?: string;
  caCertificateValidityPeriod?: string;
  clusterName?: string;
  certificatesDir?: string;
}

export function makeConfig(o: FixtureOptions = {}): InitConfig {
  const timeouts = {
    controlPlaneComponentHealthCheck: '4m0s',
    kubeletHealthCheck: '4m0s',
    kubernetesAPICall: '1m0s',
    etcdAPICall: '2m0s',
    tlsBootstrap: '5m0s',
    discovery: '5m0s',
    upgradeManifests: '5m0s',
  };
  const component = { extraArgs: [], extraVolumes: [], extraEnvs: [] };
  return {
    init: {
      bootstrapTokens: [],
      dryRun: false,
      nodeRegistration: {
        name: o.nodeName ?? 'node1',
        criSocket: 'unix:///var/run/containerd/containerd.sock',
        taints: null,
        kubeletExtraArgs: [],
        ignorePreflightErrors: [],
        imagePullPolicy: 'IfNotPresent',
        imagePullSerial: true,
      },
      localAPIEndpoint: { advertiseAddress: o.advertiseAddress ?? '192.168.10.5', bindPort: o.bindPort ?? 6443 },
      certificateKey: '',
      skipPhases: [],
      timeouts,
    },
    cluster: {
      etcd: o.externalEtcd
        ? { external: { endpoints: ['https://10.0.0.9:2379'], caFile: '/etc/etcd/ca.crt', certFile: '/etc/etcd/c.crt', keyFile: '/etc/etcd/c.key' } }
        : {
            local: {
              dataDir: '/var/lib/etcd',
              extraArgs: [],
              extraEnvs: [],
              serverCertSANs: o.serverCertSANs ?? [],
              peerCertSANs: o.peerCertSANs ?? [],
            },
          },
      networking: { serviceSubnet: o.serviceSubnet ?? '10.96.0.0/12', dnsDomain: o.dnsDomain ?? 'cluster.local' },
      kubernetesVersion: 'v1.37.2',
      controlPlaneEndpoint: o.controlPlaneEndpoint ?? '',
      apiServer: { ...component, certSANs: o.certSANs ?? [] },
      controllerManager: component,
      scheduler: component,
      dns: { disabled: false },
      proxy: { disabled: false },
      certificatesDir: o.certificatesDir ?? '/etc/kubernetes/pki',
      imageRepository: 'registry.k8s.io',
      featureGates: {},
      clusterName: o.clusterName ?? 'kubernetes',
      encryptionAlgorithm: o.encryptionAlgorithm ?? 'RSA-2048',
      certificateValidityPeriod: o.certificateValidityPeriod ?? '8760h0m0s',
      caCertificateValidityPeriod: o.caCertificateValidityPeriod ?? '87600h0m0s',
    },
    warnings: [],
  };
}
