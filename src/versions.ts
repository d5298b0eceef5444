// The one place that pins versions. The product's defaults and the test lab both read these lines
// (the lab parses them with a simple `NAME = 'value'` match, so keep one constant per line).
export const KUBERNETES_VERSION = 'v1.37.2';
export const ETCD_VERSION = '3.7.0-0';
export const COREDNS_VERSION = 'v1.14.6';
export const PAUSE_VERSION = '3.10.2';
export const DEFAULT_IMAGE_REPOSITORY = 'registry.k8s.io';
export const TSKUBEADM_VERSION = '0.1.0';
