// The TLS bootstrap kubeconfig as the kubelet gets it (/etc/kubernetes/bootstrap-kubelet.conf): what
// discovery returned, its cluster renamed to the cluster's name (kubeadm's
// fetchInitConfigurationFromJoinConfiguration) and, for a control-plane join, every cluster pointed at
// this node's own API server. Written as clientcmd writes it, whatever credentials it carries.

import { TskError } from '../../errors.js';

export interface BootstrapKubeletConf {
  text: string;
  /** the cluster CA (PEM), written to caCertPath when that file is missing */
  caPem: Buffer;
}

export async function bootstrapKubeletConf(discovered: string, clusterName: string, server?: string): Promise<BootstrapKubeletConf> {
  const { loadClientConfig, clusterFromConfig, writeClientConfig } = await import('../../kubeconfig/clientcmd.js');
  const cfg = loadClientConfig(discovered);
  let cluster;
  try {
    cluster = clusterFromConfig(cfg).cluster;
  } catch (e) {
    throw new TskError(`the TLS bootstrap kubeconfig is malformed: ${(e as Error).message}`, 1, { cause: e });
  }
  const ctx = cfg.contexts.get(cfg.currentContext);
  if (!ctx) {
    throw new TskError(`the TLS bootstrap kubeconfig is malformed: "${cfg.currentContext}" set as current-context, but not found in context list`);
  }
  cfg.clusters = new Map([[clusterName, cluster]]);
  ctx.cluster = clusterName;
  if (server !== undefined) for (const c of cfg.clusters.values()) c.server = server;
  return { text: writeClientConfig(cfg), caPem: cluster.certificateAuthorityData ?? Buffer.alloc(0) };
}
