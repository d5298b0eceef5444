// The etcd client of a control-plane join: every stacked member, found through the etcd Pods, reached
// with this node's etcd CA and healthcheck-client certificate (kubeadm's NewFromCluster).

import type { EtcdClient } from '../../etcd/index.js';
import type { JoinData } from './data.js';

/** how often join polls etcd while its new member starts (kubeadm: 500 ms, and 5 s for the cluster's health) */
export const ETCD_POLL_MS = 100;

export async function joinEtcdClient(d: JoinData): Promise<EtcdClient> {
  const { etcdClientFromCluster, readEtcdClientTLS } = await import('../../etcd/index.js');
  const { parseDuration } = await import('../../config/duration.js');
  const t = d.cfg.join.timeouts;
  return etcdClientFromCluster(await d.client(), {
    tls: readEtcdClientTLS(d.host, await d.certificateWriteDir()),
    kubernetesAPICallTimeoutMs: parseDuration(t.kubernetesAPICall),
    timeoutMs: parseDuration(t.etcdAPICall),
    // kubeadm retries every 500 ms; the new member's start and promotion are seen sooner at 100 ms
    retryIntervalMs: ETCD_POLL_MS,
    log: (level, msg) => d.out.v(level, msg),
  });
}
