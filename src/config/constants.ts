// Default values and fixed names of the kubeadm v1beta4 configuration API (kubeadm v1.37).
import { DEFAULT_IMAGE_REPOSITORY } from '../versions.js';

export const DEFAULT_SERVICE_DNS_DOMAIN = 'cluster.local';
export const DEFAULT_SERVICES_SUBNET = '10.96.0.0/12';
/** the static default of ClusterConfiguration.kubernetesVersion; resolved by dynamic defaulting */
export const DEFAULT_KUBERNETES_VERSION_LABEL = 'stable-1';
export const DEFAULT_CERTIFICATES_DIR = '/etc/kubernetes/pki';
/** Where kubeadm keeps things on a host (target-host paths; kubeadm's app/constants). */
export const KUBERNETES_DIR = '/etc/kubernetes';
export const MANIFESTS_DIR = '/etc/kubernetes/manifests';
export const KUBELET_DIR = '/var/lib/kubelet';
export const TMP_DIR = '/etc/kubernetes/tmp';
export const DEFAULT_CLUSTER_NAME = 'kubernetes';
export const DEFAULT_IMAGE_REPOSITORY_FALLBACK = DEFAULT_IMAGE_REPOSITORY;
export const DEFAULT_ETCD_DATA_DIR = '/var/lib/etcd';
export const DEFAULT_IMAGE_PULL_POLICY = 'IfNotPresent';
export const DEFAULT_ENCRYPTION_ALGORITHM = 'RSA-2048';
export const DEFAULT_CA_CERT_PATH = '/etc/kubernetes/pki/ca.crt';
export const DEFAULT_CRI_SOCKET = 'unix:///var/run/containerd/containerd.sock';
export const DEFAULT_URL_SCHEME = 'unix';
export const DEFAULT_API_SERVER_PORT = 6443;
export const DEFAULT_API_SERVER_BIND_ADDRESS = '0.0.0.0';

export const DEFAULT_CERTIFICATE_VALIDITY = '8760h0m0s';
export const DEFAULT_CA_CERTIFICATE_VALIDITY = '87600h0m0s';

export const DEFAULT_TIMEOUTS = {
  controlPlaneComponentHealthCheck: '4m0s',
  kubeletHealthCheck: '4m0s',
  kubernetesAPICall: '1m0s',
  etcdAPICall: '2m0s',
  tlsBootstrap: '5m0s',
  discovery: '5m0s',
  upgradeManifests: '5m0s',
} as const;

export const DEFAULT_TOKEN_TTL = '24h0m0s';
export const DEFAULT_TOKEN_USAGES = ['signing', 'authentication'] as const;
export const DEFAULT_TOKEN_GROUPS = ['system:bootstrappers:kubeadm:default-node-token'] as const;
export const KNOWN_TOKEN_USAGES = ['signing', 'authentication'] as const;
export const BOOTSTRAP_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' } as const;

/** placeholders `kubeadm config print init-defaults` uses */
export const PLACEHOLDER_TOKEN = 'abcdef.0123456789abcdef';
export const PLACEHOLDER_ADVERTISE_ADDRESS = '1.2.3.4';
export const PLACEHOLDER_NODE_NAME = 'node';
export const PLACEHOLDER_API_SERVER_ENDPOINT = 'kube-apiserver:6443';

export const MINIMUM_ADDRESSES_IN_SERVICE_SUBNET = 10n;
export const MAXIMUM_BITS_FOR_SERVICE_SUBNET = 20;
export const MINIMUM_ADDRESSES_IN_POD_SUBNET = 14n;
export const POD_SUBNET_NODE_MASK_MAX_DIFF = 16;
export const CERTIFICATE_KEY_SIZE = 32;

export const KNOWN_ENCRYPTION_ALGORITHMS = ['ECDSA-P256', 'ECDSA-P384', 'RSA-2048', 'RSA-3072', 'RSA-4096'] as const;
export const UNMOUNT_FLAGS = ['MNT_FORCE', 'MNT_DETACH', 'MNT_EXPIRE', 'UMOUNT_NOFOLLOW'] as const;
export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** kubeadm feature gates at v1.37 (app/features/features.go). */
export interface FeatureSpec {
  default: boolean;
  preRelease: 'Alpha' | 'Beta' | 'GA' | 'Deprecated';
  deprecationMessage?: string;
  /** minimum Kubernetes version the gate needs */
  minimumVersion?: string;
}
export const FEATURE_GATES: Record<string, FeatureSpec> = {
  RootlessControlPlane: {
    default: false,
    preRelease: 'Alpha',
    deprecationMessage:
      'Deprecated in favor of the core kubelet feature UserNamespacesSupport which is beta since 1.30. Once UserNamespacesSupport graduates to GA, kubeadm will start using it and RootlessControlPlane will be removed.',
  },
};

export const INIT_KIND = 'InitConfiguration';
export const CLUSTER_KIND = 'ClusterConfiguration';
export const JOIN_KIND = 'JoinConfiguration';
export const RESET_KIND = 'ResetConfiguration';
export const UPGRADE_KIND = 'UpgradeConfiguration';
export const KUBELET_KIND = 'KubeletConfiguration';
export const KUBEPROXY_KIND = 'KubeProxyConfiguration';

/** kubeadm API versions that upstream v1.37 no longer reads, with the last kubeadm release that did. */
export const OLD_API_VERSIONS: Record<string, string> = {
  'kubeadm.k8s.io/v1alpha1': 'v1.11',
  'kubeadm.k8s.io/v1alpha2': 'v1.12',
  'kubeadm.k8s.io/v1alpha3': 'v1.14',
  'kubeadm.k8s.io/v1beta1': 'v1.15',
  'kubeadm.k8s.io/v1beta2': 'v1.22',
};

/** component config groups kubeadm knows (passed through untouched here) */
export const COMPONENT_CONFIG_APIS: Record<string, string> = {
  'kubelet.config.k8s.io/v1beta1': KUBELET_KIND,
  'kubeproxy.config.k8s.io/v1alpha1': KUBEPROXY_KIND,
};
