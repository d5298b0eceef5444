// Invalid configurations, each with the field path the problem must name. The rules come from kubeadm's
// apis/kubeadm/validation (v1.37.2); `upstreamFails` cases were also run through the upstream
// `kubeadm config validate` to confirm it rejects them (see invalid.test.ts).
const INIT = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n';
const CLUSTER = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n';
const JOIN = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n';
const RESET = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\n';
const NODE = 'nodeRegistration:\n  name: node1\n  criSocket: unix:///var/run/containerd/containerd.sock\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.5\n';
const JOIN_OK = 'nodeRegistration:\n  name: node1\ndiscovery:\n  bootstrapToken:\n    token: abcdef.0123456789abcdef\n    apiServerEndpoint: 10.0.0.1:6443\n    unsafeSkipCAVerification: true\n';

export interface InvalidCase {
  name: string;
  text: string;
  /** the FieldProblem.path expected */
  path: string;
  /** words the message must contain */
  contains?: string;
  /** false when upstream kubeadm accepts it (a rule tskubeadm adds) */
  upstreamFails?: boolean;
}

export const INVALID_CASES: InvalidCase[] = [
  { name: 'service subnet prefix /33', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  serviceSubnet: 10.96.0.0/33\n', path: 'ClusterConfiguration.networking.serviceSubnet', contains: 'not a valid CIDR' },
  { name: 'service subnet too small', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  serviceSubnet: 10.96.0.0/29\n', path: 'ClusterConfiguration.networking.serviceSubnet', contains: 'too small' },
  { name: 'service subnet too large', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  serviceSubnet: 10.0.0.0/8\n', path: 'ClusterConfiguration.networking.serviceSubnet', contains: 'too large' },
  { name: 'dual-stack of one family', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  serviceSubnet: 10.96.0.0/16,10.97.0.0/16\n', path: 'ClusterConfiguration.networking.serviceSubnet', contains: 'dual-stack' },
  { name: 'three service subnets', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  serviceSubnet: 10.96.0.0/16,fd00::/112,10.97.0.0/16\n', path: 'ClusterConfiguration.networking.serviceSubnet', contains: 'dual-stack' },
  { name: 'pod subnet smaller than node mask', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  podSubnet: 10.244.0.0/25\n', path: 'ClusterConfiguration.networking.podSubnet', contains: 'smaller than the size of node subnet' },
  { name: 'pod subnet vs node mask difference > 16', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  podSubnet: 10.0.0.0/7\n', path: 'ClusterConfiguration.networking.podSubnet', contains: 'difference is greater than 16' },
  { name: 'pod subnet not a CIDR', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  podSubnet: 10.244.0.0\n', path: 'ClusterConfiguration.networking.podSubnet', contains: 'not a valid CIDR' },
  { name: 'dns domain not RFC 1123', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  dnsDomain: Cluster_Local\n', path: 'ClusterConfiguration.networking.dnsDomain', contains: 'RFC 1123' },
  { name: 'advertise address not an IP', text: INIT + 'nodeRegistration:\n  name: node1\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.500\n', path: 'InitConfiguration.localAPIEndpoint.advertiseAddress', contains: 'must be ipv4 or ipv6' },
  { name: 'bind port out of range', text: INIT + NODE.replace('advertiseAddress: 10.0.0.5', 'advertiseAddress: 10.0.0.5\n  bindPort: 70000'), path: 'InitConfiguration.localAPIEndpoint.bindPort', contains: 'not a valid port' },
  { name: 'node name not DNS-1123', text: INIT + NODE.replace('name: node1', 'name: node_1'), path: 'InitConfiguration.nodeRegistration.name', contains: 'RFC 1123' },
  { name: 'bootstrap token malformed', text: INIT + NODE + 'bootstrapTokens:\n- token: abcdef.0123\n', path: 'InitConfiguration.bootstrapTokens[0].token', contains: 'bootstrap token' },
  { name: 'ttl and expires together', text: INIT + NODE + 'bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  expires: "2030-01-01T00:00:00Z"\n', path: 'InitConfiguration.bootstrapTokens[0]', contains: 'mutually exclusive' },
  { name: 'unknown token usage', text: INIT + NODE + 'bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  usages: [signing, frobnicate]\n', path: 'InitConfiguration.bootstrapTokens[0].usages', contains: 'frobnicate' },
  { name: 'groups without authentication usage', text: INIT + NODE + 'bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  usages: [signing]\n', path: 'InitConfiguration.bootstrapTokens[0].groups', contains: 'authentication' },
  { name: 'bad bootstrap group name', text: INIT + NODE + 'bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  groups: [system:masters]\n', path: 'InitConfiguration.bootstrapTokens[0].groups', contains: 'system:masters' },
  { name: 'local and external etcd', text: INIT + NODE + '---\n' + CLUSTER + 'etcd:\n  local:\n    dataDir: /var/lib/etcd\n  external:\n    endpoints: [https://10.0.0.1:2379]\n', path: 'ClusterConfiguration.etcd', contains: 'mutually exclusive' },
  { name: 'external etcd cert without key', text: INIT + NODE + '---\n' + CLUSTER + 'etcd:\n  external:\n    endpoints: [https://10.0.0.1:2379]\n    caFile: /ca.crt\n    certFile: /c.crt\n', path: 'ClusterConfiguration.etcd.external', contains: 'both or none' },
  { name: 'external etcd without endpoints', text: INIT + NODE + '---\n' + CLUSTER + 'etcd:\n  external:\n    endpoints: []\n', path: 'ClusterConfiguration.etcd.external.endpoints', contains: 'at least one endpoint' },
  { name: 'external etcd http endpoint with TLS files', text: INIT + NODE + '---\n' + CLUSTER + 'etcd:\n  external:\n    endpoints: [http://10.0.0.1:2379]\n    caFile: /ca.crt\n    certFile: /c.crt\n    keyFile: /c.key\n', path: 'ClusterConfiguration.etcd.external.endpoints', contains: 'HTTPS' },
  { name: 'external etcd relative CA file', text: INIT + NODE + '---\n' + CLUSTER + 'etcd:\n  external:\n    endpoints: [https://10.0.0.1:2379]\n    caFile: ca.crt\n', path: 'ClusterConfiguration.etcd.external.caFile', contains: 'absolute' },
  { name: 'relative etcd data dir', text: INIT + NODE + '---\n' + CLUSTER + 'etcd:\n  local:\n    dataDir: var/lib/etcd\n', path: 'ClusterConfiguration.etcd.local.dataDir', contains: 'absolute' },
  { name: 'relative certificatesDir', text: INIT + NODE + '---\n' + CLUSTER + 'certificatesDir: pki\n', path: 'ClusterConfiguration.certificatesDir', contains: 'absolute' },
  { name: 'unknown feature gate', text: INIT + NODE + '---\n' + CLUSTER + 'featureGates:\n  NoSuchGate: true\n', path: 'ClusterConfiguration.featureGates', contains: 'NoSuchGate' },
  { name: 'unknown encryption algorithm', text: INIT + NODE + '---\n' + CLUSTER + 'encryptionAlgorithm: RSA-1024\n', path: 'ClusterConfiguration.encryptionAlgorithm', contains: 'RSA-1024' },
  { name: 'controlPlaneEndpoint with a bad port', text: INIT + NODE + '---\n' + CLUSTER + 'controlPlaneEndpoint: lb.example.com:99999\n', path: 'ClusterConfiguration.controlPlaneEndpoint', contains: 'port' },
  { name: 'bad certSAN', text: INIT + NODE + '---\n' + CLUSTER + 'apiServer:\n  certSANs: ["bad_name!"]\n', path: 'ClusterConfiguration.apiServer.certSANs', contains: 'bad_name!' },
  { name: 'bad image repository', text: INIT + NODE + '---\n' + CLUSTER + 'imageRepository: "registry.example.com/Upper Case"\n', path: 'ClusterConfiguration.imageRepository', contains: 'image repository' },
  { name: 'certificate key of the wrong size', text: INIT + NODE + 'certificateKey: abcd\n', path: 'InitConfiguration.certificateKey', contains: 'size' },
  { name: 'certificate key not hex', text: INIT + NODE + 'certificateKey: zz\n', path: 'InitConfiguration.certificateKey', contains: 'hex' },
  { name: 'invalid image pull policy', text: INIT + NODE.replace('name: node1', 'name: node1\n  imagePullPolicy: Sometimes'), path: 'InitConfiguration.nodeRegistration.imagePullPolicy', contains: 'Sometimes' },
  { name: 'CRI socket with another scheme', text: INIT + NODE.replace('unix:///var/run/containerd/containerd.sock', 'unixish:///run/x.sock'), path: 'InitConfiguration.nodeRegistration.criSocket', contains: 'only URL scheme "unix"' },
  { name: 'extra argument without a name', text: INIT + NODE + '---\n' + CLUSTER + 'apiServer:\n  extraArgs:\n  - value: x\n', path: 'ClusterConfiguration.apiServer.extraArgs[0]', contains: 'no name' },
  { name: 'taint with an unknown effect', text: INIT + NODE.replace('name: node1', 'name: node1\n  taints:\n  - key: a\n    effect: Sometimes'), path: 'InitConfiguration.nodeRegistration.taints[0].effect', contains: 'Sometimes', upstreamFails: false },
  { name: 'kubernetes version below the minimum', text: INIT + NODE + '---\n' + CLUSTER + 'kubernetesVersion: v1.35.0\n', path: 'ClusterConfiguration.kubernetesVersion', contains: '1.36.0' },
  { name: 'kubernetes version garbage', text: INIT + NODE + '---\n' + CLUSTER + 'kubernetesVersion: banana!\n', path: 'ClusterConfiguration.kubernetesVersion', contains: 'banana' },
  { name: 'join without discovery', text: JOIN + 'nodeRegistration:\n  name: node1\n', path: 'JoinConfiguration.discovery', contains: 'bootstrapToken or file' },
  { name: 'join with both discovery kinds', text: JOIN + JOIN_OK + '  file:\n    kubeConfigPath: https://example.com/c\n', path: 'JoinConfiguration.discovery', contains: 'cannot both be set' },
  { name: 'join token discovery without CA pinning', text: JOIN + JOIN_OK.replace('    unsafeSkipCAVerification: true\n', ''), path: 'JoinConfiguration.discovery.bootstrapToken.caCertHashes', contains: 'unsafeSkipCAVerification' },
  { name: 'join endpoint without port', text: JOIN + JOIN_OK.replace('10.0.0.1:6443', '10.0.0.1'), path: 'JoinConfiguration.discovery.bootstrapToken.apiServerEndpoint', contains: 'missing port' },
  { name: 'join file discovery over http', text: JOIN + 'nodeRegistration:\n  name: node1\ndiscovery:\n  file:\n    kubeConfigPath: http://example.com/c\n', path: 'JoinConfiguration.discovery.file.kubeConfigPath', contains: 'https' },
  { name: 'join caCertPath not .crt', text: JOIN + JOIN_OK + 'caCertPath: /etc/kubernetes/pki/ca.pem\n', path: 'JoinConfiguration.caCertPath', contains: 'absolute' },
  { name: 'join control plane with a bad certificate key', text: JOIN + JOIN_OK + 'controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: 10.0.0.7\n  certificateKey: "1234"\n', path: 'JoinConfiguration.controlPlane.certificateKey', contains: 'size' },
  { name: 'reset unknown unmount flag', text: RESET + 'unmountFlags: [MNT_FORCE, MNT_NOPE]\n', path: 'ResetConfiguration.unmountFlags[1]', contains: 'MNT_NOPE' },
  { name: 'reset relative certificatesDir', text: RESET + 'certificatesDir: pki\n', path: 'ResetConfiguration.certificatesDir', contains: 'absolute' },
  { name: 'unknown field', text: INIT + NODE + '---\n' + CLUSTER + 'networking:\n  serviceSubnett: 10.96.0.0/12\n', path: 'ClusterConfiguration.networking.serviceSubnett', contains: 'unknown field' },
  { name: 'wrong type: string for a port', text: INIT + NODE.replace('advertiseAddress: 10.0.0.5', 'advertiseAddress: 10.0.0.5\n  bindPort: "6443"'), path: 'InitConfiguration.localAPIEndpoint.bindPort', contains: 'integer' },
  { name: 'wrong type: number for a string', text: INIT + NODE + '---\n' + CLUSTER + 'kubernetesVersion: 1.37\n', path: 'ClusterConfiguration.kubernetesVersion', contains: 'string' },
  { name: 'wrong type: list expected', text: INIT + NODE + '---\n' + CLUSTER + 'apiServer:\n  certSANs: foo.example.com\n', path: 'ClusterConfiguration.apiServer.certSANs', contains: 'list' },
  { name: 'bad duration', text: INIT + NODE + '---\n' + CLUSTER + 'certificateValidityPeriod: 1year\n', path: 'ClusterConfiguration.certificateValidityPeriod', contains: 'duration' },
  { name: 'bad timeout duration', text: INIT + NODE + 'timeouts:\n  kubeletHealthCheck: soon\n', path: 'InitConfiguration.timeouts.kubeletHealthCheck', contains: 'duration' },
];
