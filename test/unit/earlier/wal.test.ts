// Whose etcd data directory it is, read offline from the write-ahead log's first records. The byte
// fixtures are the first 56 bytes of the WAL files two real etcd v3.7.0 members wrote on the lab:
// tsklab-h1 bootstrapped a cluster from --initial-cluster=tsklab-h1=https://10.231.0.11:2380, and
// tsklab-h2 was added to it (as a learner) by a control-plane join; the IDs are the ones
// `etcdctl member list` printed for them.
import { describe, expect, it } from 'vitest';
import { bootstrapIdentity, bootstrapMemberId, clusterIdOf, hexOf, readWalIdentity } from '../../../src/etcd/wal.js';
import { walHead } from './helpers.js';

const H1 = Buffer.from(
  '0400000000000084080410000000000020000000000000000801' + '10b7d3bef1041a16088ad9c3f8e1e9b19ec60110c7d2ffa0d3d5afb8c201',
  'hex',
);
const H2 = Buffer.from('04000000000000840804100000000000' + '1f0000000000008108011' + '0bfbfb8bd0a1a1508e9ac88b8dbf3b59d4210c7d2ffa0d3d5afb8c20100', 'hex');

describe('etcd write-ahead log identity', () => {
  it("reads the member and cluster IDs etcd wrote (a bootstrapped member and a joined one)", () => {
    const h1 = readWalIdentity(H1);
    expect(hexOf(h1.memberId)).toBe('c63cc74e1f10ec8a');
    expect(hexOf(h1.clusterId)).toBe('c270bead341fe947');
    const h2 = readWalIdentity(H2);
    expect(hexOf(h2.memberId)).toBe('423ad79db7021669');
    expect(hexOf(h2.clusterId)).toBe('c270bead341fe947');
  });

  it("derives a bootstrapped member's IDs from its flags as etcd does", () => {
    const id = bootstrapIdentity('tsklab-h1', 'tsklab-h1=https://10.231.0.11:2380', 'etcd-cluster')!;
    expect(hexOf(id.memberId)).toBe('c63cc74e1f10ec8a');
    expect(hexOf(id.clusterId)).toBe('c270bead341fe947');
    // another peer URL, another token: other members
    expect(hexOf(bootstrapMemberId(['https://10.231.0.12:2380'], 'etcd-cluster'))).not.toBe('c63cc74e1f10ec8a');
    expect(hexOf(bootstrapMemberId(['https://10.231.0.11:2380'], 'other'))).not.toBe('c63cc74e1f10ec8a');
    // the cluster ID does not depend on the order of the members
    expect(clusterIdOf(['1', '2'])).toBe(clusterIdOf(['2', '1']));
    expect(bootstrapIdentity('nobody', 'tsklab-h1=https://10.231.0.11:2380', 'etcd-cluster')).toBeUndefined();
  });

  it('refuses bytes that do not start with a CRC and a metadata record', () => {
    expect(() => readWalIdentity(Buffer.alloc(64))).toThrow(/no metadata record/);
    expect(() => readWalIdentity(Buffer.from('not a wal file at all, just some text here'))).toThrow();
    expect(readWalIdentity(walHead(5n, 7n))).toEqual({ memberId: '5', clusterId: '7' });
  });
});
