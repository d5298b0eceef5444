// The project's etcd client: kubeadm's etcdutil.Client (cmd/kubeadm/app/util/etcd/etcd.go) with its
// timeouts and retries. Every call is one or more requests of at most ETCD_TIMEOUT_MS (etcdTimeout),
// retried every ETCD_API_CALL_RETRY_INTERVAL_MS up to the etcd API call timeout (timeouts.etcdAPICall)
// where kubeadm retries. Messages go to `log(level, msg)` at kubeadm's klog V levels. Membership
// changes are in membership.ts and promote.ts, health in health.ts; this class gives them one door.

import { TskError } from '../errors.js';
import type { EtcdClientCore } from './core.js';
import { checkClusterHealth, getClusterStatus, waitForClusterAvailable, type MemberStatus } from './health.js';
import { addMember, removeMember } from './membership.js';
import { memberPromote } from './promote.js';
import { pollUntilTimeout, systemClock, timeoutError, type Clock, type PollAnswer } from './poll.js';
import { gatewayTransport, type EtcdTransport, type RetryPolicy } from './transport.js';
import { msg, toMembers, toStatus } from './wire.js';
import {
  ETCD_API_CALL_RETRY_INTERVAL_MS,
  ETCD_API_CALL_TIMEOUT_MS,
  ETCD_TIMEOUT_MS,
  type EtcdLog,
  type EtcdMember,
  type EtcdStatus,
  type EtcdTLS,
  type Member,
  NoMemberIDForPeerURLError,
} from './types.js';

export { NoMemberIDForPeerURLError };
export { msg, toMember, toMembers } from './wire.js';

export interface EtcdClientOptions {
  /** the client certificate and trust; or a `transport` instead (unit tests) */
  tls?: EtcdTLS;
  transport?: EtcdTransport;
  /** timeouts.etcdAPICall (default 2m) */
  timeoutMs?: number;
  /** one request's deadline (default kubeadm's etcdTimeout, 2s) */
  requestTimeoutMs?: number;
  /** default constants.EtcdAPICallRetryInterval, 500ms */
  retryIntervalMs?: number;
  clock?: Clock;
  log?: EtcdLog;
}

export class EtcdClient implements EtcdClientCore {
  /** where requests go; Sync, AddMember and MemberPromote change it as kubeadm's do */
  endpoints: string[];
  readonly transport: EtcdTransport;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryIntervalMs: number;
  readonly clock: Clock;
  readonly log: EtcdLog;

  constructor(endpoints: string[], o: EtcdClientOptions) {
    if (!o.transport && !o.tls) throw new TskError('etcd client: no TLS configuration');
    this.endpoints = [...endpoints];
    this.transport = o.transport ?? gatewayTransport(o.tls!);
    this.timeoutMs = o.timeoutMs ?? ETCD_API_CALL_TIMEOUT_MS;
    this.requestTimeoutMs = o.requestTimeoutMs ?? ETCD_TIMEOUT_MS;
    this.retryIntervalMs = o.retryIntervalMs ?? ETCD_API_CALL_RETRY_INTERVAL_MS;
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? (() => {});
  }

  /** kubeadm's retry loop: every retry interval up to the etcd API call timeout */
  poll<T>(cond: () => Promise<PollAnswer<T>>): Promise<PollAnswer<T>> {
    return pollUntilTimeout(this.clock, this.retryIntervalMs, this.timeoutMs, cond);
  }

  /**
   * A deadline of etcdTimeout from now, for the requests of one attempt (kubeadm runs the list and
   * the change of one attempt under one context): returns the time left, never below 1 ms.
   */
  attemptDeadline(): () => number {
    const until = this.clock.now() + this.requestTimeoutMs;
    return () => Math.max(1, until - this.clock.now());
  }

  /** one request (one clientv3 call), by default under its own etcdTimeout */
  request(path: string, body: unknown, policy: RetryPolicy, endpoints = this.endpoints, timeoutMs = this.requestTimeoutMs): Promise<unknown> {
    return this.transport.call(endpoints, path, body, policy, timeoutMs);
  }

  /** clientv3 MemberList (linearizable), one request */
  async memberList(timeoutMs = this.requestTimeoutMs): Promise<EtcdMember[]> {
    return toMembers(await this.request('/v3/cluster/member/list', { linearizable: true }, 'repeatable', this.endpoints, timeoutMs));
  }

  /** clientv3 Maintenance.Status of one endpoint, one request to that endpoint only */
  async status(endpoint: string): Promise<EtcdStatus> {
    return toStatus(await this.request('/v3/maintenance/status', {}, 'repeatable', [endpoint]));
  }

  /** Sync: the endpoints become the client URLs of the started voting members */
  async sync(): Promise<void> {
    let last: unknown;
    let eps: string[] = [];
    const r = await this.poll(async () => {
      try {
        const members = await this.memberList();
        eps = members.filter((m) => m.name !== '' && !m.isLearner).flatMap((m) => m.clientURLs);
        return { value: true };
      } catch (e) {
        this.log(5, `Failed to sync etcd endpoints: ${msg(e)}`);
        last = e;
        return undefined;
      }
    });
    if (!r) throw timeoutError(last);
    this.log(1, `etcd endpoints read from etcd: ${eps.join(',')}`);
    this.endpoints = eps;
  }

  /** listMembersOnce: one member list, its failure logged at V(5) */
  async listMembersOnce(): Promise<EtcdMember[]> {
    try {
      return await this.memberList();
    } catch (e) {
      this.log(5, `Failed to get etcd member list: ${msg(e)}`);
      throw e;
    }
  }

  /** ListMembers. kubeadm's poll stops at the first error, so this is a single attempt. */
  async listMembers(): Promise<Member[]> {
    return (await this.listMembersOnce()).map((m) => ({ name: m.name, peerURL: m.peerURLs[0] ?? '' }));
  }

  /** GetMemberID: the ID (decimal) of the member whose first peer URL is `peerURL` */
  async getMemberID(peerURL: string): Promise<string> {
    const m = (await this.listMembersOnce()).find((x) => x.peerURLs[0] === peerURL);
    if (!m) throw new NoMemberIDForPeerURLError();
    return m.id;
  }

  addMember(name: string, peerURL: string): Promise<Member[]> {
    return addMember(this, name, peerURL, false);
  }

  addMemberAsLearner(name: string, peerURL: string): Promise<Member[]> {
    return addMember(this, name, peerURL, true);
  }

  memberPromote(learnerID: string): Promise<void> {
    return memberPromote(this, learnerID);
  }

  removeMember(id: string): Promise<Member[]> {
    return removeMember(this, id);
  }

  getClusterStatus(): Promise<{ statuses: MemberStatus[]; quorum: boolean; error: Error | undefined }> {
    return getClusterStatus(this);
  }

  checkClusterHealth(): Promise<void> {
    return checkClusterHealth(this);
  }

  waitForClusterAvailable(retries: number, retryIntervalMs: number): Promise<boolean> {
    return waitForClusterAvailable(this, retries, retryIntervalMs);
  }

  addEndpoint(ep: string): void {
    if (!this.endpoints.includes(ep)) this.endpoints.push(ep);
  }
}

