// The TLS bootstrap kubeconfig as the kubelet gets it (/etc/kubernetes/bootstrap-kubelet.conf): what
// discovery returned, its cluster renamed to the cluster's name (kubeadm does so after reading
// kubeadm-config) and, for a control-plane join, pointed at this node's own API server.

import { TskError } from '../../errors.js';

export interface BootstrapKubeletConf {
  text: string;
  /** the cluster CA (PEM), written to caCertPath when that file is missing */
  caPem: Buffer;
}

export async function bootstrapKubeletConf(discovered: string, clusterName: string, server?: string): Promise<BootstrapKubeletConf> {
  const { parseKubeconfig, renderKubeconfig } = await import('../../kubeconfig/kubeconfig.js');
  const kc = parseKubeconfig(discovered, 'the TLS bootstrap kubeconfig');
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  if (!ctx) {
    throw new TskError(`the TLS bootstrap kubeconfig is malformed: "${kc.currentContext}" set as current-context, but not found in context list`);
  }
  const cluster = kc.clusters.find((c) => c.name === ctx.cluster);
  if (!cluster) throw new TskError('the TLS bootstrap kubeconfig is malformed: no cluster for its current context');
  const user = kc.users.find((u) => u.name === ctx.user);
  const caPem = cluster.certificateAuthorityData ?? Buffer.alloc(0);
  const text = renderKubeconfig({
    clusterName,
    server: server ?? cluster.server,
    caPem,
    userName: ctx.user,
    contextName: ctx.name,
    ...(user?.token ? { token: user.token } : {}),
    ...(user?.clientCertificateData ? { clientCertPem: user.clientCertificateData } : {}),
    ...(user?.clientKeyData ? { clientKeyPem: user.clientKeyData } : {}),
  });
  return { text, caPem };
}
