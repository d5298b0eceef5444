// The kubeadm configuration file most tests start from: an InitConfiguration with a fixed node name,
// advertise address and CRI socket (so neither tool detects anything from the host), followed by a
// ClusterConfiguration pinning kubernetesVersion (so upstream kubeadm asks no server for "stable-1").

export interface InitConfigOptions {
  /** localAPIEndpoint.advertiseAddress; default 10.231.0.11 */
  address?: string;
  /** localAPIEndpoint.bindPort; left out by default */
  bindPort?: number;
  /** nodeRegistration.name; default node1 */
  nodeName?: string;
  /** nodeRegistration.criSocket; default unix:///run/containerd/containerd.sock */
  criSocket?: string;
  /** more InitConfiguration lines, after nodeRegistration */
  initExtra?: string;
  /** false: the InitConfiguration alone */
  cluster?: boolean;
  /** ClusterConfiguration.kubernetesVersion; default v1.37.2 */
  kubernetesVersion?: string;
  encryptionAlgorithm?: string;
  /** more ClusterConfiguration lines */
  clusterExtra?: string;
}

export function initConfig(o: InitConfigOptions = {}): string {
  const init =
    'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n' +
    `localAPIEndpoint:\n  advertiseAddress: ${o.address ?? '10.231.0.11'}\n` +
    (o.bindPort !== undefined ? `  bindPort: ${o.bindPort}\n` : '') +
    `nodeRegistration:\n  name: ${o.nodeName ?? 'node1'}\n  criSocket: ${o.criSocket ?? 'unix:///run/containerd/containerd.sock'}\n` +
    (o.initExtra ?? '');
  if (o.cluster === false) return init;
  return (
    init +
    '---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n' +
    `kubernetesVersion: ${o.kubernetesVersion ?? 'v1.37.2'}\n` +
    (o.encryptionAlgorithm ? `encryptionAlgorithm: ${o.encryptionAlgorithm}\n` : '') +
    (o.clusterExtra ?? '')
  );
}

/** A v1beta3 InitConfiguration, ClusterConfiguration and JoinConfiguration for `config migrate`. */
export const V1BETA3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
- token: "k8s00a.0123456789abcdef"
  ttl: 12h0m0s
nodeRegistration:
  name: cp-a
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    node-labels: tier=control
    v: "2"
  ignorePreflightErrors: [Swap]
localAPIEndpoint:
  advertiseAddress: 198.51.100.7
  bindPort: 6443
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.37.1
controlPlaneEndpoint: cp.example.net:6443
apiServer:
  timeoutForControlPlane: 3m0s
  extraArgs:
    audit-log-maxage: "14"
  certSANs: [cp.example.net]
networking:
  podSubnet: 10.32.0.0/16
  serviceSubnet: 10.100.0.0/16
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    token: k8s00a.0123456789abcdef
    apiServerEndpoint: cp.example.net:6443
    unsafeSkipCAVerification: true
  timeout: 2m0s
`;
