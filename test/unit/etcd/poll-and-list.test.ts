// The retry loop (wait.PollUntilContextTimeout with immediate=true) and the calls built directly on
// it: Sync retries until the etcd API call timeout, ListMembers/GetMemberID do not retry (kubeadm's
// listMembers condition returns its error, which ends the poll).
import { describe, expect, it } from 'vitest';
import { pollUntilTimeout } from '../../../src/etcd/poll.js';
import { NoMemberIDForPeerURLError } from '../../../src/etcd/client.js';
import { hang, ManualClock, member, setup } from './fakes.js';

describe('pollUntilTimeout (Go ticker semantics)', () => {
  it('runs at once, then every interval; no attempt at the deadline', async () => {
    const clock = new ManualClock();
    const at: number[] = [];
    const r = await pollUntilTimeout(clock, 500, 2000, async () => (at.push(clock.t), undefined));
    expect(r).toBeUndefined();
    expect(at).toEqual([0, 500, 1000, 1500]);
    expect(clock.t).toBe(2000);
  });

  it('an attempt longer than the interval is followed at once; the ticker keeps its phase', async () => {
    const clock = new ManualClock();
    const at: number[] = [];
    await pollUntilTimeout(clock, 500, 5000, async () => {
      at.push(clock.t);
      clock.t += at.length === 1 ? 2000 : 300;
      return undefined;
    });
    // 0-2000 (ticks at 500.. dropped but one buffered), 2000-2300, next tick 2500, ...
    expect(at).toEqual([0, 2000, 2500, 3000, 3500, 4000, 4500]);
  });

  it('an attempt running over the deadline is not cut short, and is the last', async () => {
    const clock = new ManualClock();
    const at: number[] = [];
    await pollUntilTimeout(clock, 500, 3000, async () => {
      at.push(clock.t);
      clock.t += 2000;
      return undefined;
    });
    expect(at).toEqual([0, 2000]);
    expect(clock.t).toBe(4000);
  });

  it('a value ends it; a thrown error ends it with that error', async () => {
    const clock = new ManualClock();
    let n = 0;
    expect(await pollUntilTimeout(clock, 500, 5000, async () => (++n === 3 ? { value: 'x' } : undefined))).toEqual({ value: 'x' });
    expect(clock.t).toBe(1000);
    await expect(
      pollUntilTimeout(clock, 500, 5000, async () => {
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
  });
});

describe('Sync', () => {
  it('retries every 500ms until the member list answers; endpoints become the started voting members', async () => {
    let n = 0;
    const { client, clock, transport, logs } = setup((r) => {
      expect(r.path).toBe('/v3/cluster/member/list');
      expect(r.body).toEqual({ linearizable: true });
      if (++n < 3) throw new Error('context deadline exceeded');
      return {
        members: [member('1', '10.0.0.1'), member('2', '10.0.0.2'), member('3', '10.0.0.3', { learner: true }), member('4', '10.0.0.4', { started: false })],
      };
    }, ['https://10.0.0.9:2379'], 10_000);
    await client.sync();
    expect(transport.reqs.map((r) => r.at)).toEqual([0, 500, 1000]);
    expect(clock.t).toBe(1000);
    expect(client.endpoints).toEqual(['https://10.0.0.1:2379', 'https://10.0.0.2:2379']);
    expect(logs).toEqual([
      '5 Failed to sync etcd endpoints: context deadline exceeded',
      '5 Failed to sync etcd endpoints: context deadline exceeded',
      '1 etcd endpoints read from etcd: https://10.0.0.1:2379,https://10.0.0.2:2379',
    ]);
  });

  it('gives up at the etcd API call timeout with the last error; 2 s requests are tried back to back', async () => {
    const { client, clock, transport } = setup((r) => hang(clock, r), undefined, 5000);
    await expect(client.sync()).rejects.toThrow('context deadline exceeded');
    expect(transport.reqs.map((r) => r.at)).toEqual([0, 2000, 4000]);
    expect(transport.reqs.every((r) => r.timeoutMs === 2000)).toBe(true);
  });
});

describe('ListMembers / GetMemberID', () => {
  it('one attempt only: an error is returned at once (kubeadm stops its poll on it)', async () => {
    const { client, transport, logs } = setup(() => {
      throw new Error('etcdserver: request timed out');
    });
    await expect(client.listMembers()).rejects.toThrow('etcdserver: request timed out');
    expect(transport.reqs).toHaveLength(1);
    expect(logs).toEqual(['5 Failed to get etcd member list: etcdserver: request timed out']);
  });

  it('lists name and first peer URL; finds an ID by the first peer URL', async () => {
    const { client } = setup(() => ({ members: [member('18446744073709551615', '10.0.0.1', { name: 'a' }), member('7', '10.0.0.2', { started: false })] }));
    expect(await client.listMembers()).toEqual([
      { name: 'a', peerURL: 'https://10.0.0.1:2380' },
      { name: '', peerURL: 'https://10.0.0.2:2380' },
    ]);
    // uint64 IDs stay exact (decimal strings)
    expect(await client.getMemberID('https://10.0.0.1:2380')).toBe('18446744073709551615');
    await expect(client.getMemberID('https://10.0.0.3:2380')).rejects.toBeInstanceOf(NoMemberIDForPeerURLError);
    await expect(client.getMemberID('https://10.0.0.3:2380')).rejects.toThrow('no member id found for peer URL');
  });
});
