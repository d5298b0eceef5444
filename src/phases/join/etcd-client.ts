// The etcd client of a control-plane join: every stacked member, found through the etcd Pods, reached
// with this node's etcd CA and healthcheck-client certificate (kubeadm's NewFromCluster).

import type { EtcdClient } from '../../etcd/index.js';
import type { JoinData } from './data.js';

export async function joinEtcdClient(d: JoinData): Promise<EtcdClient> {
  const { etcdClientFromCluster, readEtcdClientTLS } = await import('../../etcd/index.js');
  const { parseDuration } = await import('../../config/duration.js');
  const t = d.cfg.join.timeouts;
  return etcdClientFromCluster(await d.client(), {
    tls: readEtcdClientTLS(d.host, await d.certificateWriteDir()),
    kubernetesAPICallTimeoutMs: parseDuration(t.kubernetesAPICall),
    timeoutMs: parseDuration(t.etcdAPICall),
    log: (level, msg) => d.out.v(level, msg),
  });
}
