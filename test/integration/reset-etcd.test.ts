// remove-etcd-member against a real etcd (.lab/bin/etcd) on a loopback address, with certificates made
// by `tskubeadm init phase certs all`: the member list and member remove go through etcd's own
// HTTP/JSON gateway with the healthcheck-client certificate.
// - a single member is this node's: it is not removed, and the data directory is emptied;
// - with a second (learner) member standing for this node, that member is removed by its ID.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { NodeHost } from '../../src/host/node-host.js';
import { memoryOutput } from '../../src/output.js';
import type { ClusterConfiguration, ResetConfiguration } from '../../src/config/types.js';
import type { ResetData } from '../../src/phases/reset/data.js';
import { removeEtcdMemberPhase } from '../../src/phases/reset/remove-etcd-member.js';
import { connectEtcd, readEtcdClientTLS } from '../../src/etcd/factory.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ETCD = path.join(repo, '.lab/bin/etcd');
const ETCDCTL = path.join(repo, '.lab/bin/etcdctl');
/** a loopback address of its own, so the standard ports do not meet anyone else's etcd */
const ADDR = '127.0.0.23';
const OTHER = '127.0.0.24';

let work: string;
let root: string;
let etcd: ChildProcess | undefined;
let etcdLog = '';

const pki = (f: string) => path.join(root, 'etc/kubernetes/pki', f);

function etcdctl(...args: string[]): string {
  const r = spawnSync(
    ETCDCTL,
    [`--endpoints=https://${ADDR}:2379`, `--cacert=${pki('etcd/ca.crt')}`, `--cert=${pki('etcd/healthcheck-client.crt')}`, `--key=${pki('etcd/healthcheck-client.key')}`, '--dial-timeout=3s', '--command-timeout=5s', ...args],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function memberCount(): number {
  return (JSON.parse(etcdctl('member', 'list', '-w', 'json')) as { members: unknown[] }).members.length;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-reset-etcd-'));
  root = path.join(work, 'root');
  fs.mkdirSync(root);
  const cfg = path.join(work, 'init.yaml');
  fs.writeFileSync(
    cfg,
    `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${ADDR}
nodeRegistration:
  name: node1
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
etcd:
  local:
    serverCertSANs: [${ADDR}]
    peerCertSANs: [${ADDR}]
`,
  );
  let err = '';
  const code = await run(['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } }, { env: process.env });
  if (code !== 0) throw new Error(`certs: ${err}`);

  const dataDir = path.join(work, 'etcd-data');
  etcd = spawn(
    ETCD,
    [
      '--name=node1',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=https://${ADDR}:2379`,
      `--advertise-client-urls=https://${ADDR}:2379`,
      `--listen-peer-urls=https://${ADDR}:2380`,
      `--initial-advertise-peer-urls=https://${ADDR}:2380`,
      `--initial-cluster=node1=https://${ADDR}:2380`,
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
  etcd.stdout!.on('data', (c: Buffer) => (etcdLog += c.toString()));
  etcd.stderr!.on('data', (c: Buffer) => (etcdLog += c.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if (memberCount() === 1) break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`etcd did not come up: ${(e as Error).message}\n${etcdLog.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);

afterAll(() => {
  etcd?.kill('SIGTERM');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function resetCfg(): ResetConfiguration {
  return {
    cleanupTmpDir: false,
    certificatesDir: '/etc/kubernetes/pki',
    criSocket: 'unix:///var/run/containerd/containerd.sock',
    dryRun: false,
    force: true,
    ignorePreflightErrors: [],
    skipPhases: [],
    unmountFlags: [],
    timeouts: {
      controlPlaneComponentHealthCheck: '4m0s',
      kubeletHealthCheck: '4m0s',
      kubernetesAPICall: '1m0s',
      etcdAPICall: '2m0s',
      tlsBootstrap: '5m0s',
      discovery: '5m0s',
      upgradeManifests: '5m0s',
    },
  };
}

/** The data reset builds on a control plane whose cluster answered: local etcd, this node's endpoint. */
function data(out: ReturnType<typeof memoryOutput>, nodeAddress: string, etcdEndpoint = `https://${ADDR}:2379`, etcdAPICallTimeoutMs = 10_000): ResetData {
  const cluster = { etcd: { local: { dataDir: '/var/lib/etcd' } }, certificatesDir: '/etc/kubernetes/pki', featureGates: {} } as unknown as ClusterConfiguration;
  const host = new NodeHost({ rootfs: root });
  return {
    host,
    out,
    reset: resetCfg(),
    clusterState: { cluster, nodeName: 'node1', criSocket: '', localAPIEndpoint: { advertiseAddress: nodeAddress, bindPort: 6443 } },
    client: undefined,
    dryRun: false,
    force: true,
    cleanupTmpDir: false,
    certificatesDir: '/etc/kubernetes/pki',
    criSocket: '',
    ignorePreflightErrors: [],
    stdin: undefined,
    etcdAPICallTimeoutMs,
    kubernetesAPICallTimeoutMs: 10_000,
    // the client NewFromCluster makes when the etcd Pod's advertise-client-urls annotation says etcdEndpoint
    etcdClient: () =>
      connectEtcd([etcdEndpoint], {
        tls: readEtcdClientTLS(host, '/etc/kubernetes/pki'),
        timeoutMs: etcdAPICallTimeoutMs,
        log: (level, msg) => out.v(level, msg),
      }),
    wholeCommand: true,
  };
}

function fillDataDir(): void {
  const d = path.join(root, 'var/lib/etcd/member/snap');
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'db'), 'stale');
}

describe('remove-etcd-member with a real etcd', () => {
  it('the only member is not removed; the data directory is emptied', async () => {
    fillDataDir();
    const out = memoryOutput(5);
    await removeEtcdMemberPhase.run!(data(out, ADDR), { out, path: 'remove-etcd-member', selected: new Set() });
    expect(out.errLines.filter((l) => l.startsWith('W '))).toEqual([]);
    expect(out.errLines).toContain('I [etcd] This is the only remaining etcd member in the etcd cluster, skip removing it');
    expect(out.lines).toEqual(['[reset] Deleted contents of the etcd data directory: /var/lib/etcd']);
    expect(memberCount()).toBe(1);
    expect(fs.readdirSync(path.join(root, 'var/lib/etcd'))).toEqual([]);
  }, 60_000);

  it("this node's member is removed by its ID when there are others", async () => {
    etcdctl('member', 'add', 'node2', '--learner', `--peer-urls=https://${OTHER}:2380`);
    expect(memberCount()).toBe(2);
    fillDataDir();
    const out = memoryOutput(5);
    await removeEtcdMemberPhase.run!(data(out, OTHER), { out, path: 'remove-etcd-member', selected: new Set() });
    expect(out.errLines.filter((l) => l.startsWith('W '))).toEqual([]);
    expect(out.errLines.some((l) => l.startsWith(`I [etcd] removing etcd member: https://${OTHER}:2380, id: `))).toBe(true);
    expect(out.lines).toEqual(['[reset] Deleted contents of the etcd data directory: /var/lib/etcd']);
    const left = JSON.parse(etcdctl('member', 'list', '-w', 'json')) as { members: { name: string }[] };
    expect(left.members.map((m) => m.name)).toEqual(['node1']);
    expect(fs.readdirSync(path.join(root, 'var/lib/etcd'))).toEqual([]);
  }, 60_000);

  it('an etcd endpoint that does not answer is kubeadm\'s warning, not a failure', async () => {
    fillDataDir();
    // nothing listens on that port
    const out = memoryOutput(5);
    const bad = data(out, OTHER, `https://${ADDR}:2381`, 600);
    await removeEtcdMemberPhase.run!(bad, { out, path: 'remove-etcd-member', selected: new Set() });
    const w = out.errLines.filter((l) => l.startsWith('W '));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^W \[reset\] Failed to remove etcd member: error syncing endpoints with etcd: .*, please manually remove this etcd member using etcdctl$/);
    // the data directory is still emptied afterwards (kubeadm's stale-files cleanup)
    expect(out.lines).toEqual(['[reset] Deleted contents of the etcd data directory: /var/lib/etcd']);
    expect(memberCount()).toBe(1);
  }, 60_000);
});
