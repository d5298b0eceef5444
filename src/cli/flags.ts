// Every flag is declared once here; commands and phases opt in by typed name.

export type FlagKind = 'string' | 'bool' | 'int' | 'list';

export interface FlagSpec {
  kind: FlagKind;
  description: string;
  /** default shown in help and used when the flag is absent */
  default?: string | boolean | number | string[];
  short?: string;
  /** value placeholder in help */
  arg?: string;
  hidden?: boolean;
}

const FLAGS = {
  'apiserver-advertise-address': {
    kind: 'string',
    arg: 'ip',
    description:
      'IP address the API server advertises it is listening on; when empty, the address of the interface carrying the default route is used',
  },
  'apiserver-bind-port': { kind: 'int', arg: 'port', default: 6443, description: 'Port the API server binds to' },
  'apiserver-cert-extra-sans': {
    kind: 'list',
    arg: 'strings',
    description: 'Extra Subject Alternative Names (IP addresses or DNS names) for the API server serving certificate',
  },
  'cert-dir': { kind: 'string', arg: 'path', default: '/etc/kubernetes/pki', description: 'Directory where certificates are kept' },
  'certificate-key': {
    kind: 'string',
    arg: 'hex',
    description: 'Key (64 hex characters) that encrypts the control-plane certificates in the kubeadm-certs Secret',
  },
  config: { kind: 'string', arg: 'path', description: 'Path to a kubeadm configuration file' },
  'control-plane-endpoint': {
    kind: 'string',
    arg: 'host[:port]',
    description: 'A stable IP address or DNS name (with an optional port) for the control plane, shared by all control-plane nodes',
  },
  'cri-socket': {
    kind: 'string',
    arg: 'endpoint',
    description: 'CRI socket to talk to; detected from the usual sockets when not given',
  },
  'dry-run': { kind: 'bool', default: false, description: 'Change nothing: write files to a temporary directory and print what would be done' },
  'feature-gates': {
    kind: 'string',
    arg: 'key=value,...',
    description: 'Comma-separated key=value pairs turning kubeadm feature gates on or off',
  },
  'ignore-preflight-errors': {
    kind: 'list',
    arg: 'names',
    description: "Preflight checks whose errors become warnings, e.g. 'IsPrivilegedUser,Swap'; 'all' ignores every check",
  },
  'image-repository': {
    kind: 'string',
    arg: 'registry',
    default: 'registry.k8s.io',
    description: 'Container registry to pull control-plane images from',
  },
  'kubernetes-version': {
    kind: 'string',
    arg: 'version',
    default: 'stable-1',
    description: 'Kubernetes version for the control plane (labels resolve to the version this release pins)',
  },
  'node-name': { kind: 'string', arg: 'name', description: 'Name of this node; the lower-cased hostname when empty' },
  patches: {
    kind: 'string',
    arg: 'dir',
    description:
      'Directory of patch files named "target[suffix][+patchtype].extension" (targets kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kubeletconfiguration, corednsdeployment; types strategic, merge, json)',
  },
  'pod-network-cidr': {
    kind: 'string',
    arg: 'cidr',
    description: 'IP range for pods; when set, the control plane allocates a pod CIDR to every node',
  },
  'service-cidr': { kind: 'string', arg: 'cidr', default: '10.96.0.0/12', description: 'IP range for service virtual IPs' },
  'service-dns-domain': { kind: 'string', arg: 'domain', default: 'cluster.local', description: 'DNS domain for services' },
  'skip-certificate-key-print': { kind: 'bool', default: false, description: 'Do not print the certificate key' },
  'skip-phases': { kind: 'list', arg: 'phases', description: 'Phases to leave out, e.g. addon/kube-proxy' },
  // tskubeadm only
  events: {
    kind: 'string',
    arg: 'file',
    description: 'Append the progress as JSON Lines to this file (- for stderr): phase start, end, skip, warnings, the error, done or failed',
  },
  'skip-token-print': { kind: 'bool', default: false, description: 'Do not print the bootstrap token' },
  token: {
    kind: 'string',
    arg: 'token',
    description: 'Bootstrap token in the form [a-z0-9]{6}.[a-z0-9]{16}; generated when not given',
  },
  'token-ttl': {
    kind: 'string',
    arg: 'duration',
    default: '24h0m0s',
    description: "How long the bootstrap token lives before it is deleted ('0' means never)",
  },
  'upload-certs': {
    kind: 'bool',
    default: false,
    description: 'Store the control-plane certificates in the kubeadm-certs Secret for other control-plane nodes',
  },
  kubeconfig: {
    kind: 'string',
    arg: 'path',
    default: '/etc/kubernetes/admin.conf',
    description: 'Kubeconfig file used to talk to the cluster',
  },
  'kubeconfig-dir': {
    kind: 'string',
    arg: 'dir',
    default: '/etc/kubernetes',
    description: 'Directory where kubeconfig files are kept',
  },
  // init phase addon coredns|kube-proxy only
  'print-manifest': {
    kind: 'bool',
    default: false,
    description: 'Write the add-on manifests to standard output instead of installing them in the cluster',
  },
  // join
  'control-plane': { kind: 'bool', default: false, description: 'Make this node an additional control-plane instance' },
  'discovery-file': {
    kind: 'string',
    arg: 'path-or-url',
    description: 'A kubeconfig file or https URL that supplies the cluster endpoint and CA for discovery',
  },
  'discovery-token': { kind: 'string', arg: 'token', description: 'Bootstrap token used to discover the cluster' },
  'discovery-token-ca-cert-hash': {
    kind: 'list',
    arg: 'sha256:hex',
    description: 'Expected hash of the cluster CA public key ("sha256:<hex>"); may be given several times',
  },
  'discovery-token-unsafe-skip-ca-verification': {
    kind: 'bool',
    default: false,
    description: 'Trust the discovered CA without checking its hash (unsafe)',
  },
  'tls-bootstrap-token': {
    kind: 'string',
    arg: 'token',
    description: 'Bootstrap token the kubelet authenticates with during TLS bootstrap',
  },
  // reset
  force: { kind: 'bool', default: false, short: 'f', description: 'Reset without asking for confirmation' },
  'cleanup-tmp-dir': { kind: 'bool', default: false, description: 'Also remove /etc/kubernetes/tmp' },
} satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;
export const flagSpecs: Record<FlagName, FlagSpec> = FLAGS;

export type FlagValues = Partial<Record<FlagName, string | boolean | number | string[]>>;

export function flagDefault(name: FlagName): string | boolean | number | string[] | undefined {
  return flagSpecs[name].default;
}
