// What join does to the TLS bootstrap kubeconfig after discovery, before kubelet-start writes it:
// the cluster renamed to the cluster's clusterName (fetchInitConfigurationFromJoinConfiguration) and,
// on a control-plane join, every cluster pointed at the node's own API endpoint.

import { clusterFromConfig, type ClientConfig } from '../kubeconfig/clientcmd.js';
import { DiscoveryError, errMsg, quote } from './errors.js';

/**
 * Keep only the current cluster, under `clusterName`, and point the current context at it. Throws
 * kubeadm's messages for a kubeconfig without a usable cluster or current context.
 */
export function renameBootstrapCluster(cfg: ClientConfig, clusterName: string): void {
  let cluster;
  try {
    cluster = clusterFromConfig(cfg).cluster;
  } catch (e) {
    throw new DiscoveryError(`the TLS bootstrap kubeconfig is malformed: ${errMsg(e)}`);
  }
  cfg.clusters = new Map([[clusterName, cluster]]);
  const ctx = cfg.contexts.get(cfg.currentContext);
  if (!ctx) {
    throw new DiscoveryError(`the TLS bootstrap kubeconfig is malformed: ${quote(cfg.currentContext)} set as current-context, but not found in context list`);
  }
  ctx.cluster = clusterName;
}

/** kubelet-start on a control-plane join: every cluster's server becomes https://<advertiseAddress>:<bindPort>. */
export function pointToLocalAPIEndpoint(cfg: ClientConfig, localEndpointURL: string): void {
  for (const c of cfg.clusters.values()) c.server = localEndpointURL;
}
