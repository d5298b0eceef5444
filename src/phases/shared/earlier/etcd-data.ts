// The etcd data directory an earlier run's etcd wrote: whose it is, read from its write-ahead log
// (src/etcd/wal.ts), against the member this configuration's etcd is. The same member: the earlier
// run's; another member or cluster: a conflict; unreadable: not recognised (preflight's DirAvailable
// check objects to it, as kubeadm's does).

import * as path from 'node:path';
import type { Host } from '../../../host/types.js';
import type { WalIdentity } from '../../../etcd/wal.js';
import type { EarlierRunState } from './state.js';

export type EtcdData = { kind: 'empty' } | { kind: 'wal'; id: WalIdentity } | { kind: 'unknown' };

/** What the data directory holds: nothing, a member's data (its IDs), or something else. */
export async function readEtcdData(host: Host, dataDir: string): Promise<EtcdData> {
  if ((await host.readDir(dataDir).catch(() => [])).length === 0) return { kind: 'empty' };
  const walDir = path.posix.join(dataDir, 'member', 'wal');
  const first = (await host.readDir(walDir).catch(() => [])).filter((n) => n.endsWith('.wal')).sort()[0];
  if (!first) return { kind: 'unknown' };
  try {
    const { readWalIdentity } = await import('../../../etcd/wal.js');
    return { kind: 'wal', id: readWalIdentity(await host.readFileHead(path.posix.join(walDir, first), 4096)) };
  } catch {
    return { kind: 'unknown' };
  }
}

export interface ExpectedMember {
  /** the member this configuration's etcd is (decimal ID) */
  memberId: string;
  /** its cluster, when known */
  clusterId?: string;
  /** for messages, e.g. "the member https://10.0.0.1:2380 of this configuration" */
  describe: string;
}

/** Owns the data directory when it holds `expected`'s data; a conflict when it holds another's. */
export async function checkEarlierEtcdData(state: EarlierRunState, data: EtcdData, dataDir: string, expected: ExpectedMember | undefined): Promise<void> {
  if (data.kind !== 'wal' || !expected) return;
  const { hexOf } = await import('../../../etcd/wal.js');
  const same = data.id.memberId === expected.memberId && (expected.clusterId === undefined || data.id.clusterId === expected.clusterId);
  if (same) {
    state.own(dataDir);
    return;
  }
  const theirs = `member ${hexOf(data.id.memberId)} of cluster ${hexOf(data.id.clusterId)}`;
  const ours = `member ${hexOf(expected.memberId)}${expected.clusterId ? ` of cluster ${hexOf(expected.clusterId)}` : ''}`;
  state.conflict(`${dataDir}: holds the data of etcd ${theirs}; ${expected.describe} is ${ours}`);
}

/**
 * A joined member's data (its ID is the cluster's choice): owned when it is the data of the cluster's
 * member with this node's peer URL; a conflict when that member is another or there is none.
 */
export async function checkJoinedEtcdMemberData(
  state: EarlierRunState,
  data: EtcdData,
  dataDir: string,
  peerURL: string,
  members: readonly { id: string; peerURLs: string[] }[],
): Promise<void> {
  if (data.kind !== 'wal') return;
  const { hexOf } = await import('../../../etcd/wal.js');
  const mine = members.find((m) => m.peerURLs[0] === peerURL);
  if (mine && mine.id === data.id.memberId) {
    state.own(dataDir);
    return;
  }
  const theirs = `etcd member ${hexOf(data.id.memberId)} of cluster ${hexOf(data.id.clusterId)}`;
  state.conflict(
    mine
      ? `${dataDir}: holds the data of ${theirs}; the cluster's member with this node's peer URL ${peerURL} is ${hexOf(mine.id)}`
      : `${dataDir}: holds the data of ${theirs}, which the cluster no longer has (no member has this node's peer URL ${peerURL})`,
  );
}
