// Canned objects kubeadm's dry-run client answers reads with when no real cluster has them (join,
// reset and upgrade dry-runs read the cluster's configuration). The values are kubeadm's own
// placeholders, so a dry-run prints the same objects upstream prints.

import { renderKubeProxyKubeconfig } from '../kubeconfig/kubeconfig.js';
import { KUBERNETES_VERSION } from '../versions.js';
import type { DryRunReactor, RecordedAction } from './dryrun.js';
import { fakeNode } from './dryrun.js';
import type { ConfigMapObject, KubeObject, SecretObject } from './types.js';

const FAKE_CA_DATA =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJTkpmdGFCK09Xd0F3RFFZSktvWklodmNOQVFFTEJRQXdGVEVUTUJFR0ExVUUKQXhNS2EzVmlaWEp1WlhSbGN6QWVGdzB5TkRBM01EZ3hNalF3TURSYUZ3MHpOREEzTURZeE1qUTFNRFJhTUJVeApFekFSQmdOVkJBTVRDbXQxWW1WeWJtVjBaWE13Z2dFaU1BMEdDU3FHU0liM0RRRUJBUVVBQTRJQkR3QXdnZ0VLCkFvSUJBUURhUURkaWdPeVdpbTZXLzQ4bjNQSG9WZVZCU2lkNldjbmRFV3VVcTVnQldYZGx0OTk2aCtWbkl0bHQKOHpDaGwvb1I1V2ZSYVJDODA1WitvTW4vWThJR1ZRM3QxaG55SW1ZbjR3M3Z6UlhvdUdlQmVpdTJTU1ZqZ0J3agpYanliYk1DbXJBZEljYkllWm1INjZldjV6KzVZS21aUlVZYzNoRGFIcFhkMEVFblp5SlY1d2FaczBYTVFVSE03CmVxT1pBWko5L21PM05VQnBsdnJQbnBPTUs3a1NFUFBnNzVjVTdXSG9KSEZrZVlXNTkzZ3NnQ3MyQnRVdTY0Y3EKYlZYOWJpZ3JZZGRwWmtvRUtLeFU4SEl3SHNJNVY4Um9uM21LRkdsckUxN2IybC84Q3FtQXVPdnl6TEllaVFHWAplZ0lhUi9uUkhISUQ5QVRpNnRYOEVhRERwZXYvQWdNQkFBR2pXVEJYTUE0R0ExVWREd0VCL3dRRUF3SUNwREFQCkJnTlZIUk1CQWY4RUJUQURBUUgvTUIwR0ExVWREZ1FXQkJRWWFDRGU2eXVWcVNhV1Y3M3pMaldtR2hpYVR6QVYKQmdOVkhSRUVEakFNZ2dwcmRXSmxjbTVsZEdWek1BMEdDU3FHU0liM0RRRUJDd1VBQTRJQkFRQ2NlTW5uaVBhcQpHUkVqR3A2WFJTN1FFWW1RcmJFZCtUVjVKUTE4byttVzZvR3BaOENBM0pBSFFETk5QRW1QYzB5dVhEeE85QkZYCmJnMlhSSCtLTkozVzJKZlExVEgzVFhKRWF4Zkh1WDRtQjU5UkNsQzExNGtsV2RIeDFqN0FtRWt1eTZ0ZGpuYWkKZmh0U0dueEEwM2JwN2I4Z28zSWpXNE5wV1JOMVdHNTl2YTBKOEJIRmg3Q0RpZUxuK0RNdUk2M0Jna1kveTJzMApML2RtOVBmcWdVSzFBMy8wZGhDVjZiRUNqekEzSkJld21kSC8rVUJPeVkybUMwNVlQMzNkMHA5eXlrYmtkWE5xCkRONXlBc3ZNUC9PV0NuQjFlQlFUb2pNODJMU3F3dHZtbU1SNHRXYXVoOXVkVktHY2s0eEJaV3Vkcm5LRFVVWEkKUURNUFJnSkMvTng0Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K';

/** The detached JWS kubeadm's fake cluster-info carries for token id "abcdef". */
const FAKE_JWS = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..rh3cVKiU2mdt3CqHzC81sNE-4WQLRHMtXduHWfSbrIM';

/** kubeadm's MinimumControlPlaneVersion as version.String() prints it: one minor back, "1.36.0". */
function minimumControlPlaneVersion(): string {
  const m = /^v?(\d+)\.(\d+)/.exec(KUBERNETES_VERSION)!;
  return `${m[1]}.${Number(m[2]) - 1}.0`;
}

function configMap(namespace: string, name: string, data: Record<string, string>): ConfigMapObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function fakeClusterInfo(): ConfigMapObject {
  const kubeconfig =
    'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ' +
    FAKE_CA_DATA +
    '\n    server: https://192.168.0.101:6443\n  name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\nusers: null\n';
  return configMap('kube-public', 'cluster-info', { 'jws-kubeconfig-abcdef': FAKE_JWS, kubeconfig });
}

export function fakeKubeadmConfig(): ConfigMapObject {
  const cc = [
    'apiServer: {}',
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'caCertificateValidityPeriod: 87600h0m0s',
    'certificateValidityPeriod: 100h0m0s',
    'certificatesDir: /etc/kubernetes/pki',
    'clusterName: kubernetes',
    'controllerManager:',
    '  extraArgs:',
    '  - name: cluster-signing-duration',
    '    value: 24h',
    'controlPlaneEndpoint: 192.168.0.101:6443',
    'dns: {}',
    'encryptionAlgorithm: RSA-2048',
    'etcd:',
    '  local:',
    '    dataDir: /var/lib/etcd',
    'imageRepository: registry.k8s.io',
    'kind: ClusterConfiguration',
    `kubernetesVersion: ${minimumControlPlaneVersion()}`,
    'networking:',
    '  dnsDomain: cluster.local',
    '  podSubnet: 192.168.0.0/16',
    '  serviceSubnet: 10.96.0.0/12',
    'proxy: {}',
    'scheduler: {}',
    '',
  ].join('\n');
  return configMap('kube-system', 'kubeadm-config', { ClusterConfiguration: cc });
}

/** kubeadm-certs with every expected key present and empty. */
export function fakeKubeadmCerts(): SecretObject {
  const keys = ['ca.crt', 'ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.key', 'sa.pub', 'etcd-ca.crt', 'etcd-ca.key'];
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'kubeadm-certs', namespace: 'kube-system' },
    data: Object.fromEntries(keys.sort().map((k) => [k, ''])),
  };
}

export function fakeKubeletConfig(): ConfigMapObject {
  const kubelet = [
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'authentication:',
    '  anonymous:',
    '    enabled: false',
    '  webhook:',
    '    enabled: true',
    '  x509:',
    '    clientCAFile: /etc/kubernetes/pki/ca.crt',
    'authorization:',
    '  mode: Webhook',
    'cgroupDriver: systemd',
    'clusterDNS:',
    '- 10.96.0.10',
    'clusterDomain: cluster.local',
    'healthzBindAddress: 127.0.0.1',
    'healthzPort: 10248',
    'kind: KubeletConfiguration',
    'memorySwap: {}',
    'resolvConf: /run/systemd/resolve/resolv.conf',
    'rotateCertificates: true',
    'staticPodPath: /etc/kubernetes/manifests',
    '',
  ].join('\n');
  return configMap('kube-system', 'kubelet-config', { kubelet });
}

export function fakeKubeProxyConfig(): ConfigMapObject {
  const conf = [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'bindAddress: 0.0.0.0',
    'bindAddressHardFail: false',
    'clientConnection:',
    '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
    'clusterCIDR: 192.168.0.0/16',
    'kind: KubeProxyConfiguration',
    '',
  ].join('\n');
  const kubeconfig = renderKubeProxyKubeconfig('https://192.168.0.101:6443') + '\n';
  return configMap('kube-system', 'kube-proxy', { 'config.conf': conf, 'kubeconfig.conf': kubeconfig });
}

export function fakeCoreDNSConfig(): ConfigMapObject {
  return configMap('kube-system', 'coredns', { Corefile: '' });
}

function getOf(kind: string, namespace: string, name: string, make: () => KubeObject): DryRunReactor {
  return {
    verb: 'get',
    kind,
    after: true,
    react: (a: RecordedAction) => (a.ref.name === name && (a.ref.namespace ?? '') === namespace ? make() : undefined),
  };
}

/** Node get/patch answered after the real-cluster read (join's order; init puts them before). */
export function nodeReactorsAfter(): DryRunReactor[] {
  return [
    { verb: 'get', kind: 'Node', after: true, react: (a) => fakeNode(a.ref.name) },
    { verb: 'patch', kind: 'Node', after: true, react: (a) => fakeNode(a.ref.name) },
  ];
}

/** The reactors `kubeadm join --dry-run` installs, in its order. */
export function joinDryRunReactors(): DryRunReactor[] {
  return [
    getOf('ConfigMap', 'kube-public', 'cluster-info', fakeClusterInfo),
    getOf('ConfigMap', 'kube-system', 'kubeadm-config', fakeKubeadmConfig),
    getOf('Secret', 'kube-system', 'kubeadm-certs', fakeKubeadmCerts),
    getOf('ConfigMap', 'kube-system', 'kube-proxy', fakeKubeProxyConfig),
    getOf('ConfigMap', 'kube-system', 'kubelet-config', fakeKubeletConfig),
    ...nodeReactorsAfter(),
  ];
}

/** The reactors `kubeadm reset --dry-run` installs. */
export function resetDryRunReactors(): DryRunReactor[] {
  return [
    getOf('ConfigMap', 'kube-system', 'kubeadm-config', fakeKubeadmConfig),
    getOf('ConfigMap', 'kube-system', 'kubelet-config', fakeKubeletConfig),
    getOf('ConfigMap', 'kube-system', 'kube-proxy', fakeKubeProxyConfig),
  ];
}

/** `kubeadm token delete --dry-run`: deleting a bootstrap-token-* Secret in kube-system "succeeds". */
export function deleteBootstrapTokenReactor(): DryRunReactor {
  return {
    verb: 'delete',
    kind: 'Secret',
    after: true,
    react: (a) =>
      a.ref.name.startsWith('bootstrap-token-') && a.ref.namespace === 'kube-system'
        ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: a.ref.name, namespace: a.ref.namespace } }
        : undefined,
  };
}
