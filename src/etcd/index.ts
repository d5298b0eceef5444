// The project's etcd client (kubeadm's cmd/kubeadm/app/util/etcd): one import for phases and the CLI.
export { EtcdClient, type EtcdClientOptions } from './client.js';
export { connectEtcd, createEtcdClient, etcdClientFromCluster, getEtcdEndpoints, readEtcdClientTLS } from './factory.js';
export type { CreateEtcdClientOptions, EndpointsOptions, EtcdTLSSource, FromClusterOptions } from './factory.js';
export { goDuration, type MemberStatus } from './health.js';
export { pollUntilTimeout, systemClock, type Clock } from './poll.js';
export {
  announceStackedEtcdMember,
  checkLocalEtcdClusterStatus,
  promoteStackedEtcdMember,
  removeEtcdMemberByPeerURL,
  type EtcdPhaseOutput,
  type PromoteOptions,
} from './stacked.js';
export { EtcdServerError, gatewayTransport, type EtcdTransport, type RetryPolicy } from './transport.js';
export * from './types.js';
