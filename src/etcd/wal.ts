// Who an etcd data directory belongs to, read offline: every write-ahead-log segment
// (<data-dir>/member/wal/*.wal) starts with a CRC record and a metadata record holding the member's
// and the cluster's IDs (etcdserverpb.Metadata{NodeID, ClusterID}), and a member of a cluster that
// was bootstrapped from --initial-cluster has an ID derived from its peer URLs and the cluster token
// (etcd's computeMemberID), the cluster's ID from its members' IDs (RaftCluster.genID). So the data
// directory of the etcd a manifest describes can be told from any other without starting etcd.

import { createHash } from 'node:crypto';

export interface WalIdentity {
  /** decimal uint64, as the JSON gateway prints member IDs */
  memberId: string;
  clusterId: string;
}

/** walpb.Record types */
const METADATA_TYPE = 1n;
const CRC_TYPE = 4n;

function varint(buf: Buffer, at: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && shift < 70n; i++) {
    const b = buf[i]!;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
  }
  throw new Error('truncated varint');
}

/** The fields of a protobuf message: varints as bigint, length-delimited ones as Buffer. */
function fields(msg: Buffer): Map<number, bigint | Buffer> {
  const out = new Map<number, bigint | Buffer>();
  let at = 0;
  while (at < msg.length) {
    const key = varint(msg, at);
    at = key.next;
    const num = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (wire === 0) {
      const v = varint(msg, at);
      out.set(num, v.value);
      at = v.next;
    } else if (wire === 2) {
      const len = varint(msg, at);
      const end = len.next + Number(len.value);
      if (end > msg.length) throw new Error('truncated field');
      out.set(num, msg.subarray(len.next, end));
      at = end;
    } else if (wire === 5) at += 4;
    else if (wire === 1) at += 8;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** The member and cluster IDs in the first records of a WAL segment (its first few hundred bytes suffice). */
export function readWalIdentity(head: Buffer): WalIdentity {
  let at = 0;
  for (let n = 0; n < 4 && at + 8 <= head.length; n++) {
    const lenField = head.readBigUInt64LE(at);
    const size = Number(lenField & 0x00ff_ffff_ffff_ffffn);
    const pad = lenField & 0x8000_0000_0000_0000n ? Number((lenField >> 56n) & 7n) : 0;
    const start = at + 8;
    if (size === 0 || start + size > head.length) break;
    const rec = fields(head.subarray(start, start + size));
    const type = rec.get(1);
    if (type === METADATA_TYPE) {
      const data = rec.get(3);
      const md = fields(Buffer.isBuffer(data) ? data : Buffer.alloc(0));
      const node = md.get(1);
      const cluster = md.get(2);
      if (typeof node !== 'bigint' || typeof cluster !== 'bigint') throw new Error('metadata record without member and cluster IDs');
      return { memberId: node.toString(), clusterId: cluster.toString() };
    }
    if (type !== CRC_TYPE) break;
    at = start + size + pad;
  }
  throw new Error('no metadata record at the start of the write-ahead log');
}

const first8 = (data: Buffer): bigint => createHash('sha1').update(data).digest().readBigUInt64BE(0);

/** etcd's computeMemberID for a member bootstrapped from --initial-cluster (no time salt). */
export function bootstrapMemberId(peerURLs: readonly string[], clusterToken: string): string {
  return first8(Buffer.from([...peerURLs].sort().join('') + clusterToken)).toString();
}

/** etcd's RaftCluster.genID: from the sorted member IDs. */
export function clusterIdOf(memberIds: readonly string[]): string {
  const ids = memberIds.map((i) => BigInt(i)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const b = Buffer.alloc(8 * ids.length);
  ids.forEach((id, i) => b.writeBigUInt64BE(id, 8 * i));
  return first8(b).toString();
}

/** The IDs an etcd bootstrapped with these flags has: --name, --initial-cluster, --initial-cluster-token. */
export function bootstrapIdentity(name: string, initialCluster: string, clusterToken: string): WalIdentity | undefined {
  const byName = new Map<string, string[]>();
  for (const entry of initialCluster.split(',')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    const n = entry.slice(0, eq);
    byName.set(n, [...(byName.get(n) ?? []), entry.slice(eq + 1)]);
  }
  const mine = byName.get(name);
  if (!mine) return undefined;
  const ids = [...byName.values()].map((urls) => bootstrapMemberId(urls, clusterToken));
  return { memberId: bootstrapMemberId(mine, clusterToken), clusterId: clusterIdOf(ids) };
}

/** A decimal member or cluster ID as etcd prints it (hex). */
export const hexOf = (id: string): string => BigInt(id).toString(16);
