// The etcd data of a joined control plane: it is the earlier join's when it holds the cluster's
// member with this node's peer URL (tsklab-h2's real WAL start, member 423ad79db7021669, see wal.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHost } from '../../helpers/fake-host.js';
import { EarlierRunState } from '../../../src/phases/shared/earlier/state.js';
import { checkJoinedEtcdMemberData, readEtcdData } from '../../../src/phases/shared/earlier/etcd-data.js';

const H2_WAL = Buffer.from('040000000000008408041000000000001f000000000000810801' + '10bfbfb8bd0a1a1508e9ac88b8dbf3b59d4210c7d2ffa0d3d5afb8c20100' + '00'.repeat(64), 'hex');
const PEER = 'https://10.231.0.12:2380';
const h1 = { id: BigInt('0xc63cc74e1f10ec8a').toString(), peerURLs: ['https://10.231.0.11:2380'] };
const h2 = { id: BigInt('0x423ad79db7021669').toString(), peerURLs: [PEER] };

describe("a joined control plane's etcd data", () => {
  let host: FakeHost;
  beforeEach(async () => {
    host = await FakeHost.create();
  });
  afterEach(() => host.cleanup());

  it('empty, or without a write-ahead log: nothing to say', async () => {
    expect(await readEtcdData(host, '/var/lib/etcd')).toEqual({ kind: 'empty' });
    await host.write('/var/lib/etcd/member/snap/db', 'x');
    expect(await readEtcdData(host, '/var/lib/etcd')).toEqual({ kind: 'unknown' });
  });

  it("the data of the cluster's member with this node's peer URL: the earlier join's", async () => {
    await host.write('/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal', H2_WAL);
    await host.write('/var/lib/etcd/member/wal/0.tmp', Buffer.alloc(16));
    const data = await readEtcdData(host, '/var/lib/etcd');
    const state = new EarlierRunState(host, 'join');
    await checkJoinedEtcdMemberData(state, data, '/var/lib/etcd', PEER, [h1, h2]);
    expect(state.conflicts).toEqual([]);
    expect(state.recognised('/var/lib/etcd')).toBe(true);
  });

  it('the member removed, or another member with that peer URL now: refused, naming both', async () => {
    await host.write('/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal', H2_WAL);
    const data = await readEtcdData(host, '/var/lib/etcd');
    const gone = new EarlierRunState(host, 'join');
    await checkJoinedEtcdMemberData(gone, data, '/var/lib/etcd', PEER, [h1]);
    expect(gone.conflicts).toEqual([
      '/var/lib/etcd: holds the data of etcd member 423ad79db7021669 of cluster c270bead341fe947, which the cluster no longer has (no member has this node\'s peer URL https://10.231.0.12:2380)',
    ]);
    const replaced = new EarlierRunState(host, 'join');
    await checkJoinedEtcdMemberData(replaced, data, '/var/lib/etcd', PEER, [h1, { id: '12345', peerURLs: [PEER] }]);
    expect(replaced.conflicts).toEqual([
      "/var/lib/etcd: holds the data of etcd member 423ad79db7021669 of cluster c270bead341fe947; the cluster's member with this node's peer URL https://10.231.0.12:2380 is 3039",
    ]);
    expect(replaced.recognised('/var/lib/etcd')).toBe(false);
  });
});
