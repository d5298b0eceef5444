// The TLS bootstrap kubeconfig as the kubelet gets it (/etc/kubernetes/bootstrap-kubelet.conf): what
// discovery returned, its cluster renamed to the cluster's name (kubeadm's
// fetchInitConfigurationFromJoinConfiguration) and, for a control-plane join, every cluster pointed at
// this node's own API server. Written as clientcmd writes it, whatever credentials it carries.

export interface BootstrapKubeletConf {
  text: string;
  /** the cluster CA (PEM), written to caCertPath when that file is missing */
  caPem: Buffer;
}

export async function bootstrapKubeletConf(discovered: string, clusterName: string, server?: string): Promise<BootstrapKubeletConf> {
  const { loadClientConfig, clusterFromConfig, writeClientConfig } = await import('../../kubeconfig/clientcmd.js');
  const { renameBootstrapCluster, pointToLocalAPIEndpoint } = await import('../../discovery/bootstrap.js');
  const cfg = loadClientConfig(discovered);
  renameBootstrapCluster(cfg, clusterName);
  if (server !== undefined) pointToLocalAPIEndpoint(cfg, server);
  return { text: writeClientConfig(cfg), caPem: clusterFromConfig(cfg).cluster.certificateAuthorityData ?? Buffer.alloc(0) };
}
