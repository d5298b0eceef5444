// join's discovery (kubeadm discovery.For): find the cluster, make sure the API server can be
// trusted, and return the kubeconfig the kubelet's TLS bootstrap uses (written by kubelet-start as
// /etc/kubernetes/bootstrap-kubelet.conf via writeClientConfig).

import type { Discovery } from '../config/types.js';
import { parseDuration } from '../config/duration.js';
import { clusterFromConfig, createWithToken, hasAuthenticationCredentials, type ClientConfig } from '../kubeconfig/clientcmd.js';
import { formatCACertInfo } from './cainfo.js';
import { DiscoveryError, errMsg } from './errors.js';
import { retrieveFileConfigInfo, retrieveHttpsConfigInfo } from './file.js';
import { parseCertsPem } from './pins.js';
import { DEFAULT_CLUSTER_NAME, retrieveTokenConfigInfo } from './token.js';
import type { DiscoveryDeps } from './types.js';

export { DiscoveryError } from './errors.js';
export { renameBootstrapCluster, pointToLocalAPIEndpoint } from './bootstrap.js';
export { transportKubeconfig } from './file.js';
export { writeClientConfig, loadClientConfig, type ClientConfig } from '../kubeconfig/clientcmd.js';
export { DRY_RUN_DISCOVERY, DISCOVERY_RETRY_INTERVAL_MS, type DiscoveryDeps, type ClientFactory } from './types.js';

/** discovery.TokenUser: the user of the TLS bootstrap kubeconfig built from --tls-bootstrap-token */
export const TOKEN_USER = 'tls-bootstrap-token-user';

export interface DiscoveryInput {
  discovery: Discovery;
  /** timeouts.discovery in ms (JoinConfiguration default 5m) */
  timeoutMs: number;
}

export interface DiscoveryResult {
  /** the TLS bootstrap kubeconfig (serialise with writeClientConfig from kubeconfig/clientcmd.ts) */
  config: ClientConfig;
  /**
   * the discovery section as discovery left it: in a dry run without a signature for the user's
   * token, kubeadm switches bootstrapToken to its fixed dry-run token, CA hash and endpoint and keeps
   * them in the JoinConfiguration
   */
  discovery: Discovery;
}

function isHttpsURL(s: string): boolean {
  // Go's url.Parse accepts far more than WHATWG URL; the scheme test is what matters
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  return !!m && m[1]!.toLowerCase() === 'https' && URL.canParse(s);
}

/** DiscoverValidatedKubeConfig: the validated cluster kubeconfig, before credentials are chosen. */
export async function discoverValidatedKubeConfig(discovery: Discovery, timeoutMs: number, deps: DiscoveryDeps): Promise<ClientConfig> {
  if (discovery.file) {
    const p = discovery.file.kubeConfigPath;
    if (isHttpsURL(p)) return retrieveHttpsConfigInfo(p, timeoutMs, deps);
    return retrieveFileConfigInfo(p, timeoutMs, deps);
  }
  if (discovery.bootstrapToken) return retrieveTokenConfigInfo(discovery, timeoutMs, deps);
  throw new DiscoveryError("couldn't find a valid discovery configuration");
}

/** timeouts.discovery (a Go duration string) in ms. */
export function discoveryTimeoutMs(timeouts: { discovery: string }): number {
  return parseDuration(timeouts.discovery);
}

/**
 * discovery.For. The discovery section is copied; the copy (possibly changed by a dry run) comes
 * back in the result. Errors carry upstream's text, "couldn't validate the identity of the API
 * Server: ..." for everything the validation finds.
 */
export async function discover(input: DiscoveryInput, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const discovery: Discovery = structuredClone(input.discovery);
  let config: ClientConfig;
  try {
    config = await discoverValidatedKubeConfig(discovery, input.timeoutMs, deps);
  } catch (e) {
    throw new DiscoveryError(`couldn't validate the identity of the API Server: ${errMsg(e)}`, { cause: e });
  }

  let skipAuthCheck = false;
  if (discovery.tlsBootstrapToken) {
    deps.out.v(1, '[discovery] Using provided TLSBootstrapToken as authentication credentials for the join process');
    let cluster;
    try {
      cluster = clusterFromConfig(config).cluster;
    } catch (e) {
      throw new DiscoveryError(`malformed kubeconfig in the cluster-info ConfigMap: ${errMsg(e)}`, { cause: e });
    }
    config = createWithToken(cluster.server, DEFAULT_CLUSTER_NAME, TOKEN_USER, cluster.certificateAuthorityData ?? new Uint8Array(), discovery.tlsBootstrapToken);
    skipAuthCheck = true;
  }
  if (!skipAuthCheck && !hasAuthenticationCredentials(config)) {
    throw new DiscoveryError(
      'could not find authentication credentials for the TLS bootstrap process. Please use Token discovery, a discovery file with embedded authentication credentials or a discovery file without authentication credentials but with the TLSBootstrapToken flag',
    );
  }

  // getCACertFromKubeconfig: computed whatever the verbosity, so a kubeconfig without a CA fails here
  let info: string;
  try {
    const { cluster } = clusterFromConfig(config);
    const ders = parseCertsPem(cluster.certificateAuthorityData ?? new Uint8Array());
    info = formatCACertInfo(ders[0]!);
  } catch (e) {
    throw new DiscoveryError(`could not get CA certificate from discovery kubeconfig: ${errMsg(e)}`, { cause: e });
  }
  deps.out.v(1, `[discovery] Using CA certificate from discovery kubeconfig:\n${info}`);
  return { config, discovery };
}
