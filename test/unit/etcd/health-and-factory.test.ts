// Cluster status/health (kubeadm 1.37's getClusterStatus: per-endpoint Status retried, quorum by
// majority), WaitForClusterAvailable, the etcd Pod endpoints and the join steps' printed lines.
import { describe, expect, it } from 'vitest';
import { getEtcdEndpoints } from '../../../src/etcd/factory.js';
import { goDuration } from '../../../src/etcd/health.js';
import { announceStackedEtcdMember, checkLocalEtcdClusterStatus, promoteStackedEtcdMember } from '../../../src/etcd/stacked.js';
import type { KubeClient } from '../../../src/kube/base.js';
import { hang, ManualClock, member, setup } from './fakes.js';

const EPS = ['https://10.0.0.1:2379', 'https://10.0.0.2:2379', 'https://10.0.0.3:2379'];
const ok = { version: '3.7.0', header: { member_id: '1' }, leader: '1', errors: [] as string[] };

describe('cluster status', () => {
  it('asks every endpoint alone; a dead member is retried to the timeout and reported, the majority carries', async () => {
    const { client, clock, transport, logs } = setup((r) => {
      expect(r.path).toBe('/v3/maintenance/status');
      expect(r.endpoints).toHaveLength(1);
      if (r.endpoints[0] === EPS[1]) hang(clock, r);
      return ok;
    }, EPS, 5000);
    await client.checkClusterHealth();
    // the dead one: attempts at 0, 2000, 4000 (each a 2 s request), then the deadline
    expect(transport.reqs.map((r) => `${r.at} ${r.endpoints[0]}`)).toEqual([
      `0 ${EPS[0]}`,
      `0 ${EPS[1]}`,
      `2000 ${EPS[1]}`,
      `4000 ${EPS[1]}`,
      `6000 ${EPS[2]}`,
    ]);
    expect(logs.at(-1)).toBe(
      `1 [etcd] cluster has quorum: true; some members are not healthy: the status of member ${EPS[1]} is not available: context deadline exceeded`,
    );
  });

  it('no majority: the members\' problems, aggregated as kubeadm does; alarms count as unhealthy', async () => {
    const { client, clock, logs } = setup((r) => {
      if (r.endpoints[0] === EPS[0]) return { ...ok, errors: ['NOSPACE', 'CORRUPT'] };
      if (r.endpoints[0] === EPS[1]) hang(clock, r);
      return ok;
    }, EPS, 1000);
    const want = `[member ${EPS[0]} is not healthy: NOSPACE,CORRUPT, the status of member ${EPS[1]} is not available: context deadline exceeded]`;
    await expect(client.checkClusterHealth()).rejects.toThrow(want);
    expect(logs.at(-1)).toBe(`1 [etcd] cluster has quorum: false; some members are not healthy: ${want}`);
    await expect(checkLocalEtcdClusterStatus(async () => client, { println: () => {}, v: () => {} })).rejects.toThrow(`etcd cluster is not healthy: ${want}`);
  });

  it('WaitForClusterAvailable: 5 s apart, at most `retries` checks, then kubeadm\'s timeout error', async () => {
    const { client, clock, logs } = setup((r) => hang(clock, r), EPS.slice(0, 1), 1000);
    await expect(client.waitForClusterAvailable(3, 5000)).rejects.toThrow(/^timeout waiting for etcd cluster to be available$/);
    expect(clock.sleeps.filter((s) => s === 5000)).toHaveLength(2);
    expect(logs.filter((l) => !l.startsWith('5 '))).toEqual([
      `2 [etcd] attempting to see if all cluster endpoints ([${EPS[0]}]) are available 1/3`,
      `1 [etcd] cluster has quorum: false; some members are not healthy: the status of member ${EPS[0]} is not available: context deadline exceeded`,
      '1 [etcd] Waiting 5s until next retry',
      `2 [etcd] attempting to see if all cluster endpoints ([${EPS[0]}]) are available 2/3`,
      `1 [etcd] cluster has quorum: false; some members are not healthy: the status of member ${EPS[0]} is not available: context deadline exceeded`,
      '1 [etcd] Waiting 5s until next retry',
      `2 [etcd] attempting to see if all cluster endpoints ([${EPS[0]}]) are available 3/3`,
      `1 [etcd] cluster has quorum: false; some members are not healthy: the status of member ${EPS[0]} is not available: context deadline exceeded`,
    ]);
  });

  it('Go durations', () => {
    expect([goDuration(40_000), goDuration(5000), goDuration(500), goDuration(90_000), goDuration(120_000)]).toEqual(['40s', '5s', '500ms', '1m30s', '2m0s']);
  });
});

describe('etcd endpoints from the etcd Pods', () => {
  const pod = (name: string, url?: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', ...(url ? { annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': url } } : {}) },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  });

  it('retries every 500 ms until every etcd Pod carries the annotation', async () => {
    const clock = new ManualClock();
    const selectors: string[] = [];
    let n = 0;
    const kube = {
      list: async (_v: string, kind: string, ns: string, o: { labelSelector: string }) => {
        selectors.push(`${kind} ${ns} ${o.labelSelector}`);
        n++;
        return n < 3 ? [pod('etcd-a', EPS[0]), pod('etcd-b')] : [pod('etcd-a', EPS[0]), pod('etcd-b', EPS[1])];
      },
    } as unknown as KubeClient;
    const logs: string[] = [];
    expect(await getEtcdEndpoints(kube, { timeoutMs: 10_000, clock, log: (l, m) => logs.push(`${l} ${m}`) })).toEqual(EPS.slice(0, 2));
    expect(selectors[0]).toBe('Pod kube-system component=etcd,tier=control-plane');
    expect(clock.t).toBe(1000);
    expect(logs).toContain(`4 found a total of 2 etcd pods and the following endpoints: [${EPS[0]}]; retrying`);
    expect(logs).toContain('3 etcd Pod "etcd-b" is missing the "kubeadm.kubernetes.io/etcd.advertise-client-urls" annotation; cannot infer etcd advertise client URL using the Pod annotation');
  });

  it('times out with the last API error, or the deadline', async () => {
    const clock = new ManualClock();
    const failing = { list: async () => Promise.reject(new Error('connection refused')) } as unknown as KubeClient;
    await expect(getEtcdEndpoints(failing, { timeoutMs: 2000, clock })).rejects.toThrow(/^could not retrieve the list of etcd endpoints: connection refused$/);
    const empty = { list: async () => [] } as unknown as KubeClient;
    await expect(getEtcdEndpoints(empty, { timeoutMs: 2000, clock })).rejects.toThrow(/^could not retrieve the list of etcd endpoints: context deadline exceeded$/);
  });
});

describe('join steps', () => {
  it('announce as learner, then promote and wait, with kubeadm\'s lines', async () => {
    const PEER = 'https://10.0.0.4:2380';
    let learner = true;
    let added = false;
    const { client } = setup((r) => {
      if (r.path.endsWith('/list')) return { members: [member('1', '10.0.0.1', { name: 'cp1' }), ...(added ? [member('9', '10.0.0.4', { name: 'cp4', learner })] : [])] };
      if (r.path.endsWith('/add')) return (added = true), { members: [member('1', '10.0.0.1', { name: 'cp1' }), { ID: '9', peerURLs: [PEER], isLearner: true }] };
      if (r.path.endsWith('/promote')) return (learner = false), { members: [member('1', '10.0.0.1'), member('9', '10.0.0.4')] };
      return ok;
    });
    const lines: string[] = [];
    const out = { println: (l: string) => lines.push(l), v: (n: number, m: string) => lines.push(`V${n} ${m}`) };
    const { client: c, initialCluster } = await announceStackedEtcdMember(async () => client, 'cp4', PEER, out);
    expect(initialCluster).toEqual([
      { name: 'cp1', peerURL: 'https://10.0.0.1:2380' },
      { name: 'cp4', peerURL: PEER },
    ]);
    await promoteStackedEtcdMember(c, PEER, out);
    expect(lines).toEqual([
      'V1 creating etcd client that connects to etcd pods',
      `V1 [etcd] Adding etcd member: ${PEER}`,
      '[etcd] Announced new etcd member joining to the existing etcd cluster',
      `V1 Updated etcd member list: [{cp1 https://10.0.0.1:2380} {cp4 ${PEER}}]`,
      '[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s',
    ]);
    expect(c.endpoints).toEqual(['https://10.0.0.1:2379', 'https://10.0.0.4:2379']);
  });
});
