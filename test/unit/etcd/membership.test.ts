// AddMember(AsLearner), MemberPromote and RemoveMember against a scripted etcd: what each attempt
// sends, when it retries (every 500 ms up to timeouts.etcdAPICall), and what kubeadm logs.
import { describe, expect, it } from 'vitest';
import { hang, member, serverError, setup, type M } from './fakes.js';

const PEER = 'https://10.0.0.4:2380';

describe('AddMemberAsLearner / AddMember', () => {
  it('lists, adds as learner, and returns the members with the new one under the given name', async () => {
    const members: M[] = [member('1', '10.0.0.1', { name: 'cp1' }), member('2', '10.0.0.2', { started: false })];
    const { client, transport, logs } = setup((r) => {
      if (r.path.endsWith('/list')) return { members };
      expect(r.path).toBe('/v3/cluster/member/add');
      expect(r.body).toEqual({ peerURLs: [PEER], isLearner: true });
      expect(r.policy).toBe('nonRepeatable');
      return { member: { ID: '9', peerURLs: [PEER], isLearner: true }, members: [...members, { ID: '9', peerURLs: [PEER], isLearner: true }] };
    });
    const out = await client.addMemberAsLearner('cp4', PEER);
    expect(transport.paths()).toEqual(['cluster/member/list', 'cluster/member/add']);
    expect(out).toEqual([
      { name: 'cp1', peerURL: 'https://10.0.0.1:2380' },
      // a member without a name (added concurrently, not started) is named by its hex ID
      { name: '2', peerURL: 'https://10.0.0.2:2380' },
      { name: 'cp4', peerURL: PEER },
    ]);
    expect(logs).toEqual([`1 [etcd] Adding etcd member "${PEER}" as learner`]);
    // a learner is not an endpoint
    expect(client.endpoints).toEqual(['https://10.0.0.1:2379']);
  });

  it('a plain add makes the new member an endpoint; an existing peer URL is not added again', async () => {
    const { client, transport, logs } = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1'), member('5', '10.0.0.4', { name: 'old' })] };
      throw new Error('unexpected ' + r.path);
    });
    expect(await client.addMember('cp4', PEER)).toEqual([
      { name: 'node-10.0.0.1', peerURL: 'https://10.0.0.1:2380' },
      { name: 'cp4', peerURL: PEER },
    ]);
    expect(transport.paths()).toEqual(['cluster/member/list']);
    expect(logs).toEqual([`5 The peer URL "${PEER}" for the added etcd member already exists. Skipping etcd member addition`]);
    expect(client.endpoints).toEqual(['https://10.0.0.1:2379', 'https://10.0.0.4:2379']);
  });

  it('retries a failed add every 500ms; "Peer URLs already exists" ends it with the member list', async () => {
    let adds = 0;
    const { client, transport, logs } = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1')] };
      if (++adds === 1) throw serverError('etcdserver: too many learner members in cluster');
      throw serverError('etcdserver: Peer URLs already exists');
    }, undefined, 10_000);
    await client.addMemberAsLearner('cp4', PEER);
    expect(transport.reqs.map((r) => `${r.at} ${r.path}`)).toEqual([
      '0 /v3/cluster/member/list',
      '0 /v3/cluster/member/add',
      '500 /v3/cluster/member/list',
      '500 /v3/cluster/member/add',
      '500 /v3/cluster/member/list',
    ]);
    expect(logs.filter((l) => l.startsWith('5'))).toEqual([
      '5 Failed to add etcd member: etcdserver: too many learner members in cluster',
      '5 The peer URL for the added etcd member already exists. Fetching the existing etcd members',
    ]);
  });

  it('one attempt\'s requests share one 2 s deadline', async () => {
    const { client, clock, transport } = setup((r) => {
      if (r.path.endsWith('/list')) {
        clock.t += 1500;
        return { members: [] };
      }
      return { members: [] };
    });
    await client.addMemberAsLearner('cp4', PEER);
    expect(transport.reqs.map((r) => r.timeoutMs)).toEqual([2000, 500]);
  });

  it('a bad peer URL fails before any request', async () => {
    const { client, transport } = setup(() => ({}));
    await expect(client.addMemberAsLearner('cp4', 'not a url')).rejects.toThrow(/^error parsing peer address not a url: /);
    expect(transport.reqs).toEqual([]);
  });
});

describe('MemberPromote', () => {
  it('waits until the learner started, then promotes it (retrying "not in sync"), and adds it as an endpoint', async () => {
    let lists = 0;
    let promotes = 0;
    const { client, clock, transport, logs } = setup((r) => {
      if (r.path.endsWith('/list')) {
        lists++;
        return { members: [member('1', '10.0.0.1'), member('9', '10.0.0.4', { learner: true, started: lists > 2 })] };
      }
      expect(r.path).toBe('/v3/cluster/member/promote');
      expect(r.body).toEqual({ ID: '9' });
      if (++promotes < 3) throw serverError('etcdserver: can only promote a learner member which is in sync with leader');
      return { members: [member('1', '10.0.0.1'), member('9', '10.0.0.4')] };
    }, undefined, 10_000);
    await client.memberPromote('9');
    expect(transport.reqs.map((r) => `${r.at} ${r.path.replace('/v3/cluster/member/', '')}`)).toEqual([
      '0 list',
      '500 list',
      '1000 list', // started: the wait ends
      '1000 list', // the promote loop starts at once
      '1000 promote',
      '1500 list',
      '1500 promote',
      '2000 list',
      '2000 promote',
    ]);
    expect(clock.t).toBe(2000);
    expect(logs).toEqual([
      '1 [etcd] Waiting for a learner to start: 9',
      '1 [etcd] Member 9 is not started yet. Waiting for it to be started.',
      '1 [etcd] Member 9 is not started yet. Waiting for it to be started.',
      '1 [etcd] Promoting a learner as a voting member: 9',
      '5 [etcd] Promoting the learner 9 failed: etcdserver: can only promote a learner member which is in sync with leader',
      '5 [etcd] Promoting the learner 9 failed: etcdserver: can only promote a learner member which is in sync with leader',
      '1 [etcd] The learner was promoted as a voting member: 9',
    ]);
    expect(client.endpoints).toEqual(['https://10.0.0.1:2379', 'https://10.0.0.4:2379']);
  });

  it('a member that already votes is not promoted', async () => {
    const { client, transport, logs } = setup(() => ({ members: [member('1', '10.0.0.1'), member('26', '10.0.0.4')] }));
    await client.memberPromote('26');
    expect(transport.paths()).toEqual(['cluster/member/list']);
    expect(logs).toEqual(['1 [etcd] Waiting for a learner to start: 1a', '1 [etcd] Member 1a was already promoted.']);
    // kubeadm returns before adding the endpoint in this case
    expect(client.endpoints).toEqual(['https://10.0.0.1:2379']);
  });

  it('a promotion whose answer was lost is seen in the next list and not repeated', async () => {
    let promoted = false;
    const { client, clock, transport, logs } = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1'), member('9', '10.0.0.4', { learner: !promoted })] };
      promoted = true;
      hang(clock, r);
    }, undefined, 10_000);
    await client.memberPromote('9');
    expect(transport.paths()).toEqual(['cluster/member/list', 'cluster/member/list', 'cluster/member/promote', 'cluster/member/list']);
    expect(logs.slice(-2)).toEqual([
      '5 [etcd] Promoting the learner 9 failed: context deadline exceeded',
      '1 [etcd] Member 9 is already a voting member, treating promotion as successful',
    ]);
    expect(client.endpoints).toContain('https://10.0.0.4:2379');
  });

  it('a learner that never starts: the wait ends at the etcd API call timeout with kubeadm\'s error', async () => {
    const { client, clock } = setup(() => ({ members: [member('1', '10.0.0.1'), member('255', '10.0.0.4', { learner: true, started: false })] }), undefined, 3000);
    await expect(client.memberPromote('255')).rejects.toThrow(/^the etcd member ff is not started$/);
    expect(clock.t).toBe(3000);
  });

  it('a member missing from the list', async () => {
    const { client } = setup(() => ({ members: [member('1', '10.0.0.1')] }), undefined, 1000);
    await expect(client.memberPromote('255')).rejects.toThrow(/^failed to get member ff status: member ff not found$/);
  });
});

describe('RemoveMember', () => {
  it('removes by ID and returns the members left', async () => {
    const { client, transport } = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1'), member('9', '10.0.0.4')] };
      expect(r.body).toEqual({ ID: '9' });
      return { members: [member('1', '10.0.0.1', { name: 'cp1' })] };
    });
    expect(await client.removeMember('9')).toEqual([{ name: 'cp1', peerURL: 'https://10.0.0.1:2380' }]);
    expect(transport.paths()).toEqual(['cluster/member/list', 'cluster/member/remove']);
  });

  it('a member not in the list, or "member not found", counts as removed', async () => {
    const a = setup(() => ({ members: [member('1', '10.0.0.1')] }));
    expect(await a.client.removeMember('16')).toHaveLength(1);
    expect(a.logs).toEqual(['5 Member 10 was not found; assuming it was already removed']);
    const b = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1'), member('16', '10.0.0.4')] };
      throw serverError('etcdserver: member not found', 5);
    });
    await b.client.removeMember('16');
    expect(b.logs).toEqual(['5 Member was already removed, because member 10 was not found']);
    expect(b.transport.paths()).toEqual(['cluster/member/list', 'cluster/member/remove', 'cluster/member/list']);
  });

  it('other failures are retried until the timeout, then returned', async () => {
    const { client, transport, logs } = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1'), member('9', '10.0.0.4')] };
      throw serverError('etcdserver: re-configuration failed due to not enough started members', 9);
    }, undefined, 1000);
    await expect(client.removeMember('9')).rejects.toThrow('etcdserver: re-configuration failed due to not enough started members');
    expect(transport.reqs.filter((r) => r.path.endsWith('/remove')).map((r) => r.at)).toEqual([0, 500]);
    expect(logs[0]).toBe('5 Failed to remove etcd member: etcdserver: re-configuration failed due to not enough started members');
  });
});
