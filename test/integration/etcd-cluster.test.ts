// The project's etcd client (src/etcd) against a real etcd cluster (.lab/bin/etcd) of up to three
// members on loopback addresses of their own (127.77.<pid>.1-3), with certificates made by
// `tskubeadm init phase certs all`; etcdctl (.lab/bin/etcdctl) is the independent witness.
// One member is started alone; the second joins as kubeadm's join does it (add as learner, start
// with the returned initial cluster, promote, wait until available), the third through the join
// steps the join phase uses; then health with a stopped (SIGSTOP) and a dead member, removal of a
// dead member and of a live one, and the loss of quorum.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { NodeHost } from '../../src/host/node-host.js';
import { connectEtcd, createEtcdClient, readEtcdClientTLS } from '../../src/etcd/factory.js';
import type { EtcdClient } from '../../src/etcd/client.js';
import { announceStackedEtcdMember, promoteStackedEtcdMember, removeEtcdMemberByPeerURL } from '../../src/etcd/stacked.js';
import type { Member } from '../../src/etcd/types.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ETCD = path.join(repo, '.lab/bin/etcd');
const ETCDCTL = path.join(repo, '.lab/bin/etcdctl');
const NET = `127.77.${process.pid & 0xff}`;
const IP = [1, 2, 3].map((i) => `${NET}.${i}`);
const name = (i: number) => `cp${i + 1}`;
const clientURL = (i: number) => `https://${IP[i]}:2379`;
const peerURL = (i: number) => `https://${IP[i]}:2380`;

let work: string;
let root: string;
const procs: (ChildProcess | undefined)[] = [];
const logs: string[] = ['', '', ''];
const pki = (f: string) => path.join(root, 'etc/kubernetes/pki', f);

function etcdctl(...args: string[]): string {
  const r = spawnSync(
    ETCDCTL,
    [`--endpoints=${clientURL(0)}`, `--cacert=${pki('etcd/ca.crt')}`, `--cert=${pki('etcd/healthcheck-client.crt')}`, `--key=${pki('etcd/healthcheck-client.key')}`, '--dial-timeout=3s', '--command-timeout=5s', ...args],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (r.status !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface CtlMember {
  /** hex (--hex), so that uint64 IDs survive JSON.parse */
  ID: string;
  name?: string;
  peerURLs: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}
const ctlMembers = () => (JSON.parse(etcdctl('member', 'list', '-w', 'json', '--hex')) as { members: CtlMember[] }).members;
const hex = (decimal: string) => BigInt(decimal).toString(16);

/** start member i; `initialCluster` as kubeadm's manifest has it (--initial-cluster, state existing when joining) */
function startMember(i: number, initialCluster: Member[] | undefined): void {
  const cluster = initialCluster ? initialCluster.map((m) => `${m.name}=${m.peerURL}`).join(',') : `${name(i)}=${peerURL(i)}`;
  const p = spawn(
    ETCD,
    [
      `--name=${name(i)}`,
      `--data-dir=${path.join(work, `data-${i}`)}`,
      `--listen-client-urls=${clientURL(i)}`,
      `--advertise-client-urls=${clientURL(i)}`,
      `--listen-peer-urls=${peerURL(i)}`,
      `--initial-advertise-peer-urls=${peerURL(i)}`,
      `--initial-cluster=${cluster}`,
      ...(initialCluster ? ['--initial-cluster-state=existing'] : []),
      '--client-cert-auth=true',
      `--cert-file=${pki('etcd/server.crt')}`,
      `--key-file=${pki('etcd/server.key')}`,
      `--trusted-ca-file=${pki('etcd/ca.crt')}`,
      '--peer-client-cert-auth=true',
      `--peer-cert-file=${pki('etcd/peer.crt')}`,
      `--peer-key-file=${pki('etcd/peer.key')}`,
      `--peer-trusted-ca-file=${pki('etcd/ca.crt')}`,
      '--listen-metrics-urls=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  p.stdout!.on('data', (c: Buffer) => (logs[i] += c.toString()));
  p.stderr!.on('data', (c: Buffer) => (logs[i] += c.toString()));
  procs[i] = p;
}

async function stopMember(i: number): Promise<void> {
  const p = procs[i];
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGCONT');
  p.kill('SIGKILL');
  await exited;
}

const lines: string[] = [];
const out = { println: (l: string) => lines.push(l), v: (n: number, m: string) => lines.push(`V${n} ${m}`) };

/** the client kubeadm's NewFromCluster makes, here from member 0's client URL */
function connect(timeoutMs = 30_000, log: (l: number, m: string) => void = out.v): Promise<EtcdClient> {
  return connectEtcd([clientURL(0)], { tls: readEtcdClientTLS(new NodeHost({ rootfs: root }), '/etc/kubernetes/pki'), timeoutMs, log });
}

beforeAll(async () => {
  for (const b of [ETCD, ETCDCTL]) expect(fs.existsSync(b), `${b} (run npm run lab:build)`).toBe(true);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-etcd-cluster-'));
  root = path.join(work, 'root');
  fs.mkdirSync(root);
  const cfg = path.join(work, 'init.yaml');
  fs.writeFileSync(
    cfg,
    `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${IP[0]}
nodeRegistration:
  name: cp1
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
etcd:
  local:
    serverCertSANs: [${IP.join(', ')}]
    peerCertSANs: [${IP.join(', ')}]
`,
  );
  let err = '';
  const code = await run(['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } }, { env: process.env });
  if (code !== 0) throw new Error(`certs: ${err}`);
  startMember(0, undefined);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if (ctlMembers().length === 1) break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`etcd did not come up: ${(e as Error).message}\n${logs[0]!.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);

afterAll(async () => {
  for (let i = 0; i < 3; i++) await stopMember(i);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('etcd client against a real cluster', () => {
  it('syncs to the running member and lists it', async () => {
    lines.length = 0;
    const c = await connect();
    expect(c.endpoints).toEqual([clientURL(0)]);
    expect(await c.listMembers()).toEqual([{ name: 'cp1', peerURL: peerURL(0) }]);
    const ctl = ctlMembers();
    expect(hex(await c.getMemberID(peerURL(0)))).toBe(ctl[0]!.ID);
    expect(lines).toContain(`V1 etcd endpoints read from etcd: ${clientURL(0)}`);
    expect(lines).toContain(`V1 update etcd endpoints: ${clientURL(0)}`);
  });

  it('adds a learner, which etcd shows as a learner; starts it; promotes it; the cluster is available', async () => {
    const c = await connect();
    const initial = await c.addMemberAsLearner('cp2', peerURL(1));
    // in etcd's order (by member ID)
    expect(initial).toEqual(ctlMembers().map((m) => (m.peerURLs[0] === peerURL(0) ? { name: 'cp1', peerURL: peerURL(0) } : { name: 'cp2', peerURL: peerURL(1) })));
    expect(initial).toHaveLength(2);
    const learner = ctlMembers().find((m) => m.peerURLs[0] === peerURL(1));
    expect(learner?.isLearner).toBe(true);
    // adding again finds it and adds nothing
    expect(await c.addMemberAsLearner('cp2', peerURL(1))).toEqual(initial);
    expect(ctlMembers()).toHaveLength(2);

    startMember(1, initial);
    lines.length = 0;
    const id = await c.getMemberID(peerURL(1));
    await c.memberPromote(id);
    expect(ctlMembers().find((m) => m.peerURLs[0] === peerURL(1))?.isLearner).toBeFalsy();
    expect(c.endpoints).toEqual([clientURL(0), clientURL(1)]);
    expect(lines).toContain(`V1 [etcd] Promoting a learner as a voting member: ${BigInt(id).toString(16)}`);
    expect(lines).toContain(`V1 [etcd] The learner was promoted as a voting member: ${BigInt(id).toString(16)}`);
    expect(await c.waitForClusterAvailable(8, 5000)).toBe(true);
    // promoting a voting member does nothing
    lines.length = 0;
    await c.memberPromote(id);
    expect(lines).toEqual([`V1 [etcd] Waiting for a learner to start: ${BigInt(id).toString(16)}`, `V1 [etcd] Member ${BigInt(id).toString(16)} was already promoted.`]);
  }, 120_000);

  it("joins a third member through the join phase's steps, printing kubeadm's lines", async () => {
    lines.length = 0;
    const { client, initialCluster } = await announceStackedEtcdMember(() => connect(), 'cp3', peerURL(2), out);
    const order = ctlMembers().map((m) => m.peerURLs[0]);
    expect(initialCluster.map((m) => m.peerURL)).toEqual(order);
    expect(initialCluster.map((m) => m.name).sort()).toEqual(['cp1', 'cp2', 'cp3']);
    startMember(2, initialCluster);
    await promoteStackedEtcdMember(client, peerURL(2), out);
    expect(lines.filter((l) => !l.startsWith('V'))).toEqual([
      '[etcd] Announced new etcd member joining to the existing etcd cluster',
      '[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s',
    ]);
    const names: Record<string, string> = { [peerURL(0)]: 'cp1', [peerURL(1)]: 'cp2', [peerURL(2)]: 'cp3' };
    expect(lines).toContain(`V1 Updated etcd member list: [${order.map((u) => `{${names[u!]} ${u}}`).join(' ')}]`);
    const ctl = ctlMembers().map((m) => `${m.name} ${m.isLearner ?? false}`);
    expect(ctl.sort()).toEqual(['cp1 false', 'cp2 false', 'cp3 false']);
  }, 120_000);

  it('reports the status of every member; all healthy', async () => {
    const c = await connect();
    expect(c.endpoints.sort()).toEqual([clientURL(0), clientURL(1), clientURL(2)]);
    const { statuses, quorum, error } = await c.getClusterStatus();
    expect(error).toBeUndefined();
    expect(quorum).toBe(true);
    const ctlStatus = JSON.parse(etcdctl('endpoint', 'status', `--endpoints=${[0, 1, 2].map(clientURL).join(',')}`, '-w', 'json')) as {
      Endpoint: string;
      Status: { version: string };
    }[];
    const ctl = ctlMembers();
    expect(statuses.map((s) => s.endpoint).sort()).toEqual([0, 1, 2].map(clientURL));
    for (const s of statuses) {
      expect(s.status?.version).toBe(ctlStatus.find((x) => x.Endpoint === s.endpoint)!.Status.version);
      // the member that answered is the one with that client URL
      expect(hex(s.status!.memberId)).toBe(ctl.find((m) => m.clientURLs?.includes(s.endpoint))!.ID);
      expect(s.status?.errors).toEqual([]);
    }
    await c.checkClusterHealth();
  }, 60_000);

  it('a stopped (SIGSTOP) member: requests to it time out after 2 s and are retried; the others answer meanwhile', async () => {
    procs[2]!.kill('SIGSTOP');
    try {
      const log: string[] = [];
      const c = await connect(3000, (l, m) => log.push(`V${l} ${m}`));
      // calls that may go to any member do not wait for the stopped one
      expect(await c.listMembers()).toHaveLength(3);
      const t0 = Date.now();
      const { statuses, quorum, error } = await c.getClusterStatus();
      const took = Date.now() - t0;
      expect(quorum).toBe(true);
      expect(statuses.find((s) => s.endpoint === clientURL(2))?.error?.message).toBe('context deadline exceeded');
      expect(error?.message).toBe(`the status of member ${clientURL(2)} is not available: context deadline exceeded`);
      // with timeouts.etcdAPICall at 3 s: attempts at 0 s and 2 s, each ending at its 2 s deadline
      expect(log.filter((l) => l === `V5 Failed to get etcd status for ${clientURL(2)}: context deadline exceeded`)).toHaveLength(2);
      expect(took).toBeGreaterThanOrEqual(4000);
      await c.checkClusterHealth();
      expect(log.at(-1)).toBe(`V1 [etcd] cluster has quorum: true; some members are not healthy: the status of member ${clientURL(2)} is not available: context deadline exceeded`);
    } finally {
      procs[2]!.kill('SIGCONT');
    }
  }, 60_000);

  it('a dead member is reported by the health check; it is removed by its peer URL; removing it again is a no-op', async () => {
    await stopMember(1);
    const log: string[] = [];
    const c = await connect(2000, (l, m) => log.push(`V${l} ${m}`));
    // the member list still has it (Sync keeps the client URLs of every started voting member)
    expect(c.endpoints).toContain(clientURL(1));
    await c.checkClusterHealth();
    expect(log.at(-1)).toBe(`V1 [etcd] cluster has quorum: true; some members are not healthy: the status of member ${clientURL(1)} is not available: context deadline exceeded`);

    lines.length = 0;
    const rc = await connect(30_000);
    expect(await removeEtcdMemberByPeerURL(rc, peerURL(1), out)).toBe(true);
    expect(lines.filter((l) => l.includes('removing etcd member'))).toEqual([expect.stringMatching(new RegExp(`^V1 \\[etcd\\] removing etcd member: ${peerURL(1)}, id: \\d+$`))]);
    expect(ctlMembers().map((m) => m.name).sort()).toEqual(['cp1', 'cp3']);
    expect(await removeEtcdMemberByPeerURL(rc, peerURL(1), out)).toBe(false);
  }, 60_000);

  it('two members, one dead: no quorum, and the health check fails with the member\'s problem', async () => {
    await stopMember(2);
    // Sync's linearizable member list cannot be had without a quorum
    await expect(connect(2000)).rejects.toThrow(/^error syncing endpoints with etcd: /);
    const c = await createEtcdClient([clientURL(0), clientURL(2)], { tls: readEtcdClientTLS(new NodeHost({ rootfs: root }), '/etc/kubernetes/pki'), timeoutMs: 2000 });
    await expect(c.checkClusterHealth()).rejects.toThrow(`the status of member ${clientURL(2)} is not available: context deadline exceeded`);
    await expect(c.waitForClusterAvailable(2, 1000)).rejects.toThrow('timeout waiting for etcd cluster to be available');
  }, 60_000);

  it('the member comes back; a live member is removed; the last one is left alone', async () => {
    startMember(2, [
      { name: 'cp1', peerURL: peerURL(0) },
      { name: 'cp3', peerURL: peerURL(2) },
    ]);
    const c = await connect(30_000);
    expect(await c.waitForClusterAvailable(8, 1000)).toBe(true);
    const id = await c.getMemberID(peerURL(2));
    expect(await c.removeMember(id)).toEqual([{ name: 'cp1', peerURL: peerURL(0) }]);
    expect(ctlMembers().map((m) => m.name)).toEqual(['cp1']);
    // RemoveMember of a member that is gone: the members left, nothing removed
    expect(await c.removeMember(id)).toEqual([{ name: 'cp1', peerURL: peerURL(0) }]);
  }, 120_000);
});
