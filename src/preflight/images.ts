// The container images a control-plane node needs, named exactly as kubeadm names them.
// This list is what `config images list` prints and what the ImagePull preflight check pulls.
import type { ClusterConfiguration, InitConfig } from '../config/types.js';
import { COREDNS_VERSION, DEFAULT_IMAGE_REPOSITORY, ETCD_VERSION, PAUSE_VERSION } from '../versions.js';

/** where kubeadm takes CI builds' core images from (for `ci/...` versions) */
export const DEFAULT_CI_IMAGE_REPOSITORY = 'gcr.io/k8s-staging-ci-images';

/**
 * etcd release per Kubernetes minor, kubeadm 1.37's table. A minor outside the table takes the
 * nearest end of it.
 */
export const SUPPORTED_ETCD_VERSIONS: ReadonlyMap<number, string> = new Map([
  [34, '3.7.0-0'],
  [35, '3.7.0-0'],
  [36, '3.7.0-0'],
]);

export interface ImageOptions {
  /**
   * repository for the core images of a CI build (set when the version was given as `ci/...`
   * and imageRepository is the default); kubeadm keeps this outside the public config
   */
  ciImageRepository?: string;
}

type ClusterLike = ClusterConfiguration | InitConfig;

function clusterOf(cfg: ClusterLike): ClusterConfiguration {
  return 'cluster' in cfg ? cfg.cluster : cfg;
}

/** a Kubernetes version as an image tag: anything but [-\w.] becomes "_" (so "+" in build metadata) */
export function versionToImageTag(version: string): string {
  return version.replace(/[^-\w.]/g, '_');
}

function image(repo: string, name: string, tag: string): string {
  return `${repo}/${name}:${tag}`;
}

/** kube-apiserver, kube-controller-manager, kube-scheduler or kube-proxy */
export function kubernetesImage(component: string, cfg: ClusterLike, opts: ImageOptions = {}): string {
  const c = clusterOf(cfg);
  return image(opts.ciImageRepository || c.imageRepository, component, versionToImageTag(c.kubernetesVersion));
}

export function dnsImage(cfg: ClusterLike): string {
  const c = clusterOf(cfg);
  let repo = c.dns.imageRepository || c.imageRepository;
  // the official CoreDNS image moved one level down in the default registry
  if (repo === DEFAULT_IMAGE_REPOSITORY) repo = `${repo}/coredns`;
  return image(repo, 'coredns', c.dns.imageTag || COREDNS_VERSION);
}

export function etcdImageTag(cfg: ClusterLike): string {
  const c = clusterOf(cfg);
  if (c.etcd.local?.imageTag) return c.etcd.local.imageTag;
  return supportedEtcdVersion(c.kubernetesVersion) ?? ETCD_VERSION;
}

export function etcdImage(cfg: ClusterLike): string {
  const c = clusterOf(cfg);
  return image(c.etcd.local?.imageRepository || c.imageRepository, 'etcd', etcdImageTag(c));
}

/** pause always comes from imageRepository (it is not published to the CI repository) */
export function pauseImage(cfg: ClusterLike): string {
  return image(clusterOf(cfg).imageRepository, 'pause', PAUSE_VERSION);
}

/** the etcd version for a Kubernetes version; undefined when the version does not parse */
export function supportedEtcdVersion(kubernetesVersion: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(kubernetesVersion.trim());
  if (!m) return undefined;
  const minor = Number(m[2]);
  const exact = SUPPORTED_ETCD_VERSIONS.get(minor);
  if (exact) return exact;
  const keys = [...SUPPORTED_ETCD_VERSIONS.keys()];
  const min = Math.min(...keys);
  const max = Math.max(...keys);
  return SUPPORTED_ETCD_VERSIONS.get(minor < min ? min : max);
}

/**
 * The images a control-plane node uses, in kubeadm's order: apiserver, controller-manager,
 * scheduler, kube-proxy (unless disabled), coredns (unless disabled), pause, etcd (local only).
 */
export function requiredImages(cfg: ClusterLike, opts: ImageOptions = {}): string[] {
  const c = clusterOf(cfg);
  const out = [
    kubernetesImage('kube-apiserver', c, opts),
    kubernetesImage('kube-controller-manager', c, opts),
    kubernetesImage('kube-scheduler', c, opts),
  ];
  if (!c.proxy.disabled) out.push(kubernetesImage('kube-proxy', c, opts));
  if (!c.dns.disabled) out.push(dnsImage(c));
  out.push(pauseImage(c));
  if (c.etcd.local) out.push(etcdImage(c));
  return out;
}
