// Invalid configuration files, each from a rule kubeadm v1.37.2 applies (apis/kubeadm/validation),
// with the field path tskubeadm's message must name and whether upstream's `kubeadm config validate`
// rejects it too. Used by the CLI tests (test/unit/cli/invalid.test.ts) and the comparison with
// upstream (test/integration/invalid-vs-kubeadm.test.ts).

const V4 = 'apiVersion: kubeadm.k8s.io/v1beta4\n';
const INIT = V4 + 'kind: InitConfiguration\n';
const CLUSTER = V4 + 'kind: ClusterConfiguration\n';
// a node section that needs no host detection, so upstream and tskubeadm judge the same document
const NODE =
  'nodeRegistration:\n  name: cp-1\n  criSocket: unix:///run/containerd/containerd.sock\n' +
  'localAPIEndpoint:\n  advertiseAddress: 192.0.2.10\n  bindPort: 6443\n';
export const BASE = INIT + NODE;
export const withCluster = (body: string) => BASE + '---\n' + CLUSTER + body;

export interface FileCase {
  name: string;
  text: string;
  /** what stderr must name: the field path (document.field...) */
  names: string;
  /** upstream `kubeadm config validate` accepts it: the rule is checked later upstream (e.g. by the API server) */
  upstreamAccepts?: true;
}

export const FILE_CASES: FileCase[] = [
  { name: 'service subnet with a /33 prefix', text: withCluster('networking:\n  serviceSubnet: 10.96.0.0/33\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'service subnet that is not a CIDR', text: withCluster('networking:\n  serviceSubnet: 10.96.0.300/12\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'service subnet larger than 20 host bits', text: withCluster('networking:\n  serviceSubnet: 10.0.0.0/11\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'IPv6 service subnet too large', text: withCluster('networking:\n  serviceSubnet: fd00::/64\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'two IPv4 service subnets (not dual-stack)', text: withCluster('networking:\n  serviceSubnet: 10.96.0.0/12,10.112.0.0/12\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'two IPv6 pod subnets (not dual-stack)', text: withCluster('networking:\n  podSubnet: fd10::/56,fd20::/56\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'three pod subnets', text: withCluster('networking:\n  podSubnet: 10.244.0.0/16,fd10::/56,10.245.0.0/16\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'pod subnet smaller than the per-node mask', text: withCluster('networking:\n  podSubnet: 10.244.0.0/26\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'pod subnet without a prefix', text: withCluster('networking:\n  podSubnet: 10.244.0.0\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'DNS domain with an underscore', text: withCluster('networking:\n  dnsDomain: my_cluster.local\n'), names: 'ClusterConfiguration.networking.dnsDomain' },
  { name: 'advertise address that is not an IP', text: BASE.replace('192.0.2.10', 'cp.example.com'), names: 'InitConfiguration.localAPIEndpoint.advertiseAddress' },
  { name: 'advertise address out of range', text: BASE.replace('192.0.2.10', '192.0.2.256'), names: 'InitConfiguration.localAPIEndpoint.advertiseAddress' },
  { name: 'bind port above 65535', text: BASE.replace('bindPort: 6443', 'bindPort: 65536'), names: 'InitConfiguration.localAPIEndpoint.bindPort' },
  { name: 'negative bind port', text: BASE.replace('bindPort: 6443', 'bindPort: -1'), names: 'InitConfiguration.localAPIEndpoint.bindPort' },
  { name: 'bootstrap token with upper-case letters', text: BASE + 'bootstrapTokens:\n- token: ABCDEF.0123456789abcdef\n', names: 'InitConfiguration.bootstrapTokens[0].token' },
  { name: 'bootstrap token with a short secret', text: BASE + 'bootstrapTokens:\n- token: abcdef.0123456789\n', names: 'InitConfiguration.bootstrapTokens[0].token' },
  { name: 'bootstrap token with ttl and expires', text: BASE + 'bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  ttl: 1h0m0s\n  expires: "2031-05-01T00:00:00Z"\n', names: 'InitConfiguration.bootstrapTokens[0]' },
  { name: 'unknown field in InitConfiguration', text: BASE + 'nodeRegistrationz:\n  name: x\n', names: 'InitConfiguration.nodeRegistrationz' },
  { name: 'unknown nested field in ClusterConfiguration', text: withCluster('apiServer:\n  extraArgz: []\n'), names: 'ClusterConfiguration.apiServer.extraArgz' },
  { name: 'wrong type: a string where an object goes', text: withCluster('networking: "10.96.0.0/12"\n'), names: 'ClusterConfiguration.networking' },
  { name: 'wrong type: v1beta3 map form of kubeletExtraArgs', text: BASE.replace('  name: cp-1\n', '  name: cp-1\n  kubeletExtraArgs:\n    node-labels: a=b\n'), names: 'InitConfiguration.nodeRegistration.kubeletExtraArgs' },
  { name: 'duplicate ClusterConfiguration document', text: withCluster('clusterName: a\n') + '---\n' + CLUSTER + 'clusterName: b\n', names: 'ClusterConfiguration' },
  { name: 'unknown kubeadm API version', text: BASE + '---\napiVersion: kubeadm.k8s.io/v1beta9\nkind: ClusterConfiguration\n', names: 'kubeadm.k8s.io/v1beta9' },
  { name: 'local and external etcd together', text: withCluster('etcd:\n  local:\n    dataDir: /var/lib/etcd\n  external:\n    endpoints: ["https://192.0.2.20:2379"]\n'), names: 'ClusterConfiguration.etcd' },
  { name: 'relative local etcd data directory', text: withCluster('etcd:\n  local:\n    dataDir: lib/etcd\n'), names: 'ClusterConfiguration.etcd.local.dataDir' },
  { name: 'unknown feature gate', text: withCluster('featureGates:\n  TotallyMadeUpGate: true\n'), names: 'ClusterConfiguration.featureGates' },
  { name: 'taint with an unknown effect', text: BASE.replace('  name: cp-1\n', '  name: cp-1\n  taints:\n  - key: dedicated\n    value: x\n    effect: NoExecutePlease\n'), names: 'InitConfiguration.nodeRegistration.taints[0].effect', upstreamAccepts: true },
  { name: 'unknown image pull policy', text: BASE.replace('  name: cp-1\n', '  name: cp-1\n  imagePullPolicy: Often\n'), names: 'InitConfiguration.nodeRegistration.imagePullPolicy' },
  { name: 'unknown encryption algorithm', text: withCluster('encryptionAlgorithm: DSA-1024\n'), names: 'ClusterConfiguration.encryptionAlgorithm' },
  { name: 'certificate validity period that is not a duration', text: withCluster('certificateValidityPeriod: 1y\n'), names: 'ClusterConfiguration.certificateValidityPeriod' },
  { name: 'timeout that is not a duration', text: BASE + 'timeouts:\n  controlPlaneComponentHealthCheck: 4 minutes\n', names: 'InitConfiguration.timeouts.controlPlaneComponentHealthCheck' },
  { name: 'certificate key of 30 hex characters', text: BASE + 'certificateKey: 0123456789abcdef0123456789abcd\n', names: 'InitConfiguration.certificateKey' },
  { name: 'certificate key that is not hex', text: BASE + 'certificateKey: ' + 'g'.repeat(64) + '\n', names: 'InitConfiguration.certificateKey' },
  { name: 'node name with an underscore', text: BASE.replace('name: cp-1', 'name: cp_1'), names: 'InitConfiguration.nodeRegistration.name' },
  { name: 'control-plane endpoint with port 0', text: withCluster('controlPlaneEndpoint: "lb.example.com:0"\n'), names: 'ClusterConfiguration.controlPlaneEndpoint' },
  { name: 'kubernetes version below the supported minimum', text: withCluster('kubernetesVersion: v1.30.4\n'), names: 'ClusterConfiguration.kubernetesVersion' },
  { name: 'relative certificatesDir', text: withCluster('certificatesDir: etc/pki\n'), names: 'ClusterConfiguration.certificatesDir' },
  { name: 'API server SAN with a space', text: withCluster('apiServer:\n  certSANs: ["api server.example.com"]\n'), names: 'ClusterConfiguration.apiServer.certSANs' },
  { name: 'JSON document with a bad pod subnet', text: JSON.stringify({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', networking: { podSubnet: 'not-a-cidr' } }), names: 'ClusterConfiguration.networking.podSubnet' },
];
