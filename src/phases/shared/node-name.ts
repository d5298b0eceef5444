// This node's name as the cluster knows it: the one in kubelet.conf's client certificate (kubeadm's
// getNodeNameFromKubeletConfig), else the host name. For commands that act on an existing node.

import { X509Certificate } from 'node:crypto';
import type { Host } from '../../host/types.js';

const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
const NODES_USER_PREFIX = 'system:node:';

/** The node name in kubelet.conf's client certificate (CN "system:node:<name>"), else the host name. */
export async function nodeNameFromKubeletConf(host: Host): Promise<string> {
  try {
    const { parseKubeconfig } = await import('../../kubeconfig/index.js');
    const kc = parseKubeconfig(await host.readText(KUBELET_CONF), KUBELET_CONF);
    const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
    const user = ctx && kc.users.find((u) => u.name === ctx.user);
    const pem = user?.clientCertificateData ?? (user?.clientCertificate ? await host.readFile(user.clientCertificate) : undefined);
    if (pem) {
      const cn = /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[1];
      if (cn !== undefined) return cn.startsWith(NODES_USER_PREFIX) ? cn.slice(NODES_USER_PREFIX.length) : cn;
    }
  } catch {
    // fall back to the host name, as kubeadm does
  }
  return host.hostname().toLowerCase();
}
