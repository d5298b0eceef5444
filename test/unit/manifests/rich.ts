// The resolved form of golden/rich/config.yaml (what kubeadm's defaulting yields for it), plus the
// host facts of the run that produced the golden files.
import type { InitConfig } from '../../../src/config/types.js';
import type { ManifestEnv } from '../../../src/manifests/staticpods.js';
import { defaultCluster, defaultInit } from './fixtures.js';

export function richInit(): InitConfig {
  const c = defaultCluster();
  c.imageRepository = 'my.registry.example/k8s';
  c.networking = { podSubnet: 'fd01::/56', serviceSubnet: 'fd02::/112', dnsDomain: 'corp.local' };
  c.clusterName = 'prod';
  c.etcd = {
    local: {
      dataDir: '/data/etcd',
      imageTag: '3.6.4-0',
      extraArgs: [
        { name: 'listen-metrics-urls', value: 'http://[::1]:2381,http://[fd00::10]:2381' },
        { name: 'quota-backend-bytes', value: '8589934592' },
      ],
      extraEnvs: [{ name: 'ETCD_UNSUPPORTED_ARCH', value: 'arm64' }],
      serverCertSANs: [],
      peerCertSANs: [],
    },
  };
  c.apiServer.extraArgs = [
    { name: 'audit-log-path', value: '/var/log/audit.log' },
    { name: 'authorization-mode', value: 'Node,Webhook,RBAC' },
    { name: 'enable-admission-plugins', value: 'NodeRestriction,PodSecurity' },
    { name: 'audit-log-path', value: '/var/log/audit2.log' },
    { name: 'tls-cipher-suites', value: 'true' },
    {
      name: 'oidc-username-claim',
      value: 'a long value with spaces that goes on and on and on well past the eighty column limit of go-yaml',
    },
  ];
  c.apiServer.extraVolumes = [
    { name: 'audit', hostPath: '/var/log', mountPath: '/var/log' },
    { name: 'ca-certs', hostPath: '/opt/ssl', mountPath: '/etc/ssl/certs', readOnly: true, pathType: 'Directory' },
  ];
  c.apiServer.extraEnvs = [
    { name: 'GODEBUG', value: 'x509sha1=1' },
    { name: 'HTTPS_PROXY', value: 'http://override:1' },
    { name: 'EMPTY', value: '123' },
  ];
  c.controllerManager.extraArgs = [
    { name: 'bind-address', value: '::' },
    { name: 'node-cidr-mask-size-ipv6', value: '64' },
  ];
  c.scheduler.extraArgs = [
    { name: 'bind-address', value: '0.0.0.0' },
    { name: 'v', value: '4' },
  ];
  const init = defaultInit(c);
  init.init.localAPIEndpoint = { advertiseAddress: 'fd00::10', bindPort: 8443 };
  init.init.nodeRegistration.name = 'cp-one';
  init.init.timeouts.controlPlaneComponentHealthCheck = '3m15s';
  init.init.patches = { directory: '/tmp/patches' };
  return init;
}

export const richControlPlaneEnv: ManifestEnv = {
  existingCaCertDirs: ['/etc/ca-certificates', '/usr/share/ca-certificates'],
  proxyEnv: { PATH: '/usr/bin:/bin', HTTP_PROXY: 'http://proxy:3128', no_proxy: 'localhost,10.0.0.0/8', HTTPS_PROXY: 'http://proxy:3129' },
};
export const richEtcdEnv: ManifestEnv = { proxyEnv: { HTTP_PROXY: 'http://proxy:3128' } };
