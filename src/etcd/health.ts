// Cluster health as kubeadm 1.37 judges it (etcdutil getClusterStatus): the Status of every endpoint,
// each retried up to the etcd API call timeout; a member whose status cannot be had or that reports
// errors (alarms) is unhealthy; the cluster is available when a majority of the endpoints is healthy.
// CheckClusterHealth and WaitForClusterAvailable are built on it.

import { TskError } from '../errors.js';
import type { EtcdClientCore as EtcdClient } from './core.js';
import { timeoutError } from './poll.js';
import { aggregateMessage, formatList, type EtcdStatus } from './types.js';
import { msg } from './wire.js';

export interface MemberStatus {
  endpoint: string;
  status?: EtcdStatus;
  /** why the status could not be had */
  error?: Error;
}

/** the Status of each endpoint (retried), whether a majority is healthy, and the members' problems aggregated */
export async function getClusterStatus(c: EtcdClient): Promise<{ statuses: MemberStatus[]; quorum: boolean; error: Error | undefined }> {
  const statuses: MemberStatus[] = [];
  for (const ep of [...c.endpoints]) {
    let last: unknown;
    let status: EtcdStatus | undefined;
    const r = await c.poll(async () => {
      try {
        status = await c.status(ep);
        return { value: true };
      } catch (e) {
        c.log(5, `Failed to get etcd status for ${ep}: ${msg(e)}`);
        last = e;
        return undefined;
      }
    });
    statuses.push(r && status ? { endpoint: ep, status } : { endpoint: ep, error: timeoutError(last) });
  }
  const problems: string[] = [];
  let healthy = 0;
  for (const s of statuses) {
    if (s.error) problems.push(`the status of member ${s.endpoint} is not available: ${s.error.message}`);
    else if (s.status!.errors.length > 0) problems.push(`member ${s.endpoint} is not healthy: ${s.status!.errors.join(',')}`);
    else healthy++;
  }
  const error = problems.length ? new TskError(aggregateMessage(problems)) : undefined;
  return { statuses, quorum: healthy > Math.floor(statuses.length / 2), error };
}

/** CheckClusterHealth: resolves when a majority of the members is healthy, else throws the members' problems */
export async function checkClusterHealth(c: EtcdClient): Promise<void> {
  const { quorum, error } = await getClusterStatus(c);
  if (error) c.log(1, `[etcd] cluster has quorum: ${quorum}; some members are not healthy: ${error.message}`);
  // as in kubeadm, no endpoints at all is neither a quorum nor an error: it passes
  if (quorum || !error) return;
  throw error;
}

/** WaitForClusterAvailable: up to `retries` cluster status checks, `retryIntervalMs` apart, until a majority is healthy */
export async function waitForClusterAvailable(c: EtcdClient, retries: number, retryIntervalMs: number): Promise<boolean> {
  for (let i = 0; i < retries; i++) {
    if (i > 0) {
      c.log(1, `[etcd] Waiting ${goDuration(retryIntervalMs)} until next retry`);
      await c.clock.sleep(retryIntervalMs);
    }
    c.log(2, `[etcd] attempting to see if all cluster endpoints (${formatList(c.endpoints)}) are available ${i + 1}/${retries}`);
    const { quorum, error } = await getClusterStatus(c);
    if (error) c.log(1, `[etcd] cluster has quorum: ${quorum}; some members are not healthy: ${error.message}`);
    if (quorum) return true;
  }
  throw new TskError('timeout waiting for etcd cluster to be available');
}

/** Go's time.Duration String for whole milliseconds (5s, 1m30s, 500ms) */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
