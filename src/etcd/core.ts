// What the etcd calls built on the client (health.ts, membership.ts, promote.ts) use of it: its
// endpoints, clock and log, kubeadm's retry loop and single requests. The client implements it; the
// call modules depend on this shape, not on the client, so the two never import each other.

import type { Clock, PollAnswer } from './poll.js';
import type { RetryPolicy } from './transport.js';
import type { EtcdLog, EtcdMember, EtcdStatus } from './types.js';

export interface EtcdClientCore {
  /** where requests go; Sync, AddMember and MemberPromote change it as kubeadm's do */
  endpoints: string[];
  readonly clock: Clock;
  readonly log: EtcdLog;
  /** kubeadm's retry loop: every retry interval up to the etcd API call timeout */
  poll<T>(cond: () => Promise<PollAnswer<T>>): Promise<PollAnswer<T>>;
  /** the time left of one attempt's etcdTimeout */
  attemptDeadline(): () => number;
  request(path: string, body: unknown, policy: RetryPolicy, endpoints?: string[], timeoutMs?: number): Promise<unknown>;
  memberList(timeoutMs?: number): Promise<EtcdMember[]>;
  status(endpoint: string): Promise<EtcdStatus>;
  listMembersOnce(): Promise<EtcdMember[]>;
  addEndpoint(ep: string): void;
}
