// Shared shapes and constants of the etcd client (kubeadm's cmd/kubeadm/app/util/etcd and the
// constants it uses). The client talks to etcd's HTTP/JSON gateway, which carries the gRPC messages
// as JSON: uint64 fields such as member IDs travel as decimal strings, and so they are kept here.

import { TskError } from '../errors.js';
import { joinHostPort } from '../util/net.js';

/** kubeadm's etcdTimeout: the deadline of one etcd API request (and clientv3's dial timeout) */
export const ETCD_TIMEOUT_MS = 2000;
/** constants.EtcdAPICallRetryInterval */
export const ETCD_API_CALL_RETRY_INTERVAL_MS = 500;
/** constants.EtcdAPICallTimeout, the default of timeouts.etcdAPICall */
export const ETCD_API_CALL_TIMEOUT_MS = 120_000;
/** constants.KubernetesAPICallRetryInterval (the etcd Pods are listed with it) */
export const KUBERNETES_API_CALL_RETRY_INTERVAL_MS = 500;
/** phases/etcd/local.go: etcdHealthyCheckInterval and etcdHealthyCheckRetries */
export const ETCD_HEALTHY_CHECK_INTERVAL_MS = 5000;
export const ETCD_HEALTHY_CHECK_RETRIES = 8;

export const ETCD_LISTEN_CLIENT_PORT = 2379;
export const ETCD_LISTEN_PEER_PORT = 2380;
/** constants.EtcdAdvertiseClientUrlsAnnotationKey, on every stacked etcd Pod */
export const ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION = 'kubeadm.kubernetes.io/etcd.advertise-client-urls';

/** certificate names under the certificates directory (constants.EtcdCACertName, EtcdHealthcheckClient*) */
export const ETCD_CA_CERT_NAME = 'etcd/ca.crt';
export const ETCD_HEALTHCHECK_CLIENT_CERT_NAME = 'etcd/healthcheck-client.crt';
export const ETCD_HEALTHCHECK_CLIENT_KEY_NAME = 'etcd/healthcheck-client.key';

/** A member as the gateway reports it (etcdserverpb.Member). */
export interface EtcdMember {
  /** decimal uint64 */
  id: string;
  /** empty while a newly added member has not started */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

/** kubeadm's etcdutil.Member: what ListMembers/AddMember/RemoveMember return. */
export interface Member {
  name: string;
  peerURL: string;
}

/** PEM bytes of the client's trust and identity (kubeadm: etcd CA + healthcheck-client). */
export interface EtcdTLS {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** etcdserverpb.StatusResponse, the fields kubeadm reads (and a few to show). */
export interface EtcdStatus {
  version: string;
  /** decimal uint64 */
  memberId: string;
  leader: string;
  isLearner: boolean;
  /** the member's alarms/health errors; kubeadm counts a member with any as unhealthy */
  errors: string[];
}

/** etcdutil.ErrNoMemberIDForPeerURL */
export class NoMemberIDForPeerURLError extends TskError {
  constructor() {
    super('no member id found for peer URL');
  }
}

/** An error etcd answered with; the message is the gRPC status message, as clientv3 reports it. */
export class EtcdServerError extends TskError {
  readonly code: number | undefined;
  constructor(message: string, code: number | undefined) {
    super(message);
    this.code = code;
  }
}

export const deadlineExceeded = (): TskError => new TskError('context deadline exceeded');

/** kubeadm's klog V-levelled lines: `log(1, ...)` is klog.V(1).Info */
export type EtcdLog = (level: number, msg: string) => void;

/** a member ID as kubeadm prints it in its messages (strconv.FormatUint(id, 16)) */
export function hexId(id: string | bigint): string {
  return BigInt(id).toString(16);
}

/** etcdutil.GetClientURLByIP */
export function clientURLByIP(ip: string): string {
  return `https://${joinHostPort(ip, ETCD_LISTEN_CLIENT_PORT)}`;
}

/** etcdutil.GetClientURL (https://<advertiseAddress>:2379) */
export function etcdClientURL(ep: { advertiseAddress: string }): string {
  return clientURLByIP(ep.advertiseAddress);
}

/** etcdutil.GetPeerURL (https://<advertiseAddress>:2380) */
export function etcdPeerURL(ep: { advertiseAddress: string }): string {
  return `https://${joinHostPort(ep.advertiseAddress, ETCD_LISTEN_PEER_PORT)}`;
}

/** Go's %v of a []etcdutil.Member, as kubeadm logs member lists: [{name peerURL} {name peerURL}] */
export function formatMembers(members: Member[]): string {
  return `[${members.map((m) => `{${m.name} ${m.peerURL}}`).join(' ')}]`;
}

/** Go's %v / %s of a []string: [a b c] */
export function formatList(items: string[]): string {
  return `[${items.join(' ')}]`;
}

/** utilerrors.NewAggregate(errs).Error(): one message alone, several deduplicated in [a, b] */
export function aggregateMessage(msgs: string[]): string {
  const seen = [...new Set(msgs)];
  if (seen.length === 1) return seen[0]!;
  return `[${seen.join(', ')}]`;
}
