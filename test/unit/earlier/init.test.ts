// An earlier, unfinished init on this host: what the files phases left (run for real into a rootfs)
// is recognised when the configuration is the same, and refused with each difference named when it
// is not; preflight's checks accept exactly what is recognised.
import * as fs from 'node:fs';
import { load } from 'js-yaml';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHost } from '../../helpers/fake-host.js';
import { initConfig } from '../../helpers/configs.js';
import { assessEarlierInit } from '../../../src/phases/shared/earlier/init.js';
import { dirAvailableCheck, earlierRunCheck, fileAvailableCheck, portOpenCheck } from '../../../src/preflight/index.js';
import { checkContext, configFile, filePhases, initData, phase, scratch } from './helpers.js';

// the first records of the WAL a real etcd wrote as tsklab-h1, --initial-cluster=tsklab-h1=https://10.231.0.11:2380 (wal.test.ts)
const H1_WAL = Buffer.from('04000000000000840804100000000000200000000000000008011' + '0b7d3bef1041a16088ad9c3f8e1e9b19ec60110c7d2ffa0d3d5afb8c201' + '00'.repeat(64), 'hex');
const H2_WAL = Buffer.from('040000000000008408041000000000001f000000000000810801' + '10bfbfb8bd0a1a1508e9ac88b8dbf3b59d4210c7d2ffa0d3d5afb8c20100' + '00'.repeat(64), 'hex');
const WAL = '/var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal';
const MANIFEST = (c: string) => `/etc/kubernetes/manifests/${c}.yaml`;

const base = { nodeName: 'tsklab-h1', address: '10.231.0.11', encryptionAlgorithm: 'ECDSA-P256' };
const sameCfg = configFile(initConfig(base));

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('an earlier init of this host', () => {
  let host: FakeHost;
  beforeEach(async () => {
    host = await FakeHost.create();
    // the certificates are made now, by the phases
    host.clock = new Date();
    await filePhases(host, sameCfg);
    await host.write(WAL, H1_WAL, 0o600);
  });
  afterEach(() => host.cleanup());

  it('with the same configuration: its manifests, etcd data and processes are recognised, nothing conflicts', async () => {
    const state = await assessEarlierInit(await initData(host, sameCfg));
    expect(state.conflicts).toEqual([]);
    expect(state.notes).toEqual([]);
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(state.recognised(MANIFEST(c))).toBe(true);
    expect(state.recognised('/var/lib/etcd')).toBe(true);
    expect(state.recognised('/etc/kubernetes/kubelet.conf')).toBe(true);

    // ports: held by the processes the manifests describe, or by the kubelet with this kubelet.conf
    const pod = load(await host.readText(MANIFEST('kube-apiserver'))) as { spec: { containers: { command: string[] }[] } };
    const apiserver = pod.spec.containers[0]!.command;
    host.usedPorts = new Set(['6443', '10250', '2379']);
    host.holders.set(6443, [{ pid: 10, argv: apiserver }]);
    host.holders.set(10250, [{ pid: 11, argv: ['/usr/bin/kubelet', '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf', '--kubeconfig=/etc/kubernetes/kubelet.conf'] }]);
    host.holders.set(2379, [{ pid: 12, argv: ['nginx', '-g', 'daemon off;'] }]);
    const ctx = checkContext(host, Promise.resolve(state));
    expect((await portOpenCheck(6443).run(ctx)).errors).toEqual([]);
    expect((await portOpenCheck(10250).run(ctx)).errors).toEqual([]);
    // another program on etcd's port is not the earlier run's
    expect((await portOpenCheck(2379).run(ctx)).errors).toEqual(['Port 2379 is in use']);
    // an apiserver with one flag more is another process
    host.holders.set(6443, [{ pid: 10, argv: [...apiserver, '--v=9'] }]);
    expect((await portOpenCheck(6443).run(ctx)).errors).toEqual(['Port 6443 is in use']);

    expect((await fileAvailableCheck(MANIFEST('kube-apiserver')).run(ctx)).errors).toEqual([]);
    expect((await dirAvailableCheck('/var/lib/etcd').run(ctx)).errors).toEqual([]);
    expect((await earlierRunCheck().run(ctx)).errors).toEqual([]);
    expect(state.used).toEqual(expect.arrayContaining(['port 6443', 'port 10250', MANIFEST('kube-apiserver'), '/var/lib/etcd']));
  });

  it('another advertise address: refused, naming the certificates, kubeconfig files, manifest and etcd data that differ', async () => {
    const state = await assessEarlierInit(await initData(host, configFile(initConfig({ ...base, address: '10.231.0.99' }))));
    const text = state.conflicts.join('\n');
    expect(text).toContain('certificate apiserver (/etc/kubernetes/pki/apiserver.crt) does not include the IP address 10.231.0.99');
    expect(text).toContain('/etc/kubernetes/admin.conf: server is https://10.231.0.11:6443, this configuration\'s is https://10.231.0.99:6443');
    expect(text).toContain("/etc/kubernetes/manifests/kube-apiserver.yaml: --advertise-address is 10.231.0.11, this configuration's is 10.231.0.99");
    expect(text).toMatch(/\/var\/lib\/etcd: holds the data of etcd member c63cc74e1f10ec8a of cluster c270bead341fe947; the etcd this configuration starts \(--name=tsklab-h1, --initial-advertise-peer-urls=https:\/\/10\.231\.0\.99:2380\) is member [0-9a-f]+ of cluster [0-9a-f]+/);
    const ctx = checkContext(host, Promise.resolve(state));
    const check = await earlierRunCheck().run(ctx);
    expect(check.errors).toHaveLength(1);
    expect(check.errors[0]).toMatch(/^this host has files of an earlier init that this configuration cannot continue from:\n/);
    expect(check.errors[0]).toContain("run 'tskubeadm reset'");
    // nothing is accepted while a conflict stands
    expect((await fileAvailableCheck(MANIFEST('etcd')).run(ctx)).errors).toEqual([`${MANIFEST('etcd')} already exists`]);
    expect((await dirAvailableCheck('/var/lib/etcd').run(ctx)).errors).toEqual(['/var/lib/etcd is not empty']);
  });

  it('another CA in the certificates directory: refused, naming every kubeconfig file and certificate it did not sign', async () => {
    const other = await FakeHost.create();
    try {
      await phase(other, sameCfg, ['certs', 'ca']);
      for (const f of ['ca.crt', 'ca.key']) await host.write(`/etc/kubernetes/pki/${f}`, await other.readFile(`/etc/kubernetes/pki/${f}`));
    } finally {
      await other.cleanup();
    }
    const state = await assessEarlierInit(await initData(host, sameCfg));
    const text = state.conflicts.join('\n');
    for (const f of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) {
      expect(text).toMatch(new RegExp(`/etc/kubernetes/${f.replace('.', '\\.')}: certificate-authority-data is the CA sha256:[0-9a-f]{64}, /etc/kubernetes/pki/ca\\.crt is the CA sha256:[0-9a-f]{64}`));
    }
    expect(text).toContain('certificate apiserver (/etc/kubernetes/pki/apiserver.crt) is not signed by corresponding CA');
    // the etcd CA is still the earlier run's: its certificates are fine
    expect(text).not.toContain('etcd/server.crt');
  });

  it('another cluster name, another node name: refused, naming the kubeconfig fields and flags', async () => {
    const renamed = await assessEarlierInit(await initData(host, configFile(initConfig({ ...base, clusterExtra: 'clusterName: other\n' }))));
    expect(renamed.conflicts).toContain('/etc/kubernetes/admin.conf: the cluster is named "kubernetes", this configuration\'s clusterName is "other"');
    expect(renamed.conflicts).toContain("/etc/kubernetes/manifests/kube-controller-manager.yaml: --cluster-name is kubernetes, this configuration's is other");
    const node = await assessEarlierInit(await initData(host, configFile(initConfig({ ...base, nodeName: 'tsklab-h9' }))));
    expect(node.conflicts).toContain('/etc/kubernetes/kubelet.conf: its client certificate is for "system:node:tsklab-h1", this configuration\'s is "system:node:tsklab-h9"');
  });

  it('a setting the cluster can follow (an extra apiserver flag) is no conflict: the manifest is named as written again', async () => {
    const state = await assessEarlierInit(await initData(host, configFile(initConfig({ ...base, clusterExtra: 'apiServer:\n  extraArgs:\n  - name: v\n    value: "4"\n' }))));
    expect(state.conflicts).toEqual([]);
    expect(state.notes).toEqual([`${MANIFEST('kube-apiserver')} has other settings than this configuration's (--v): it is written again`]);
    expect(state.recognised(MANIFEST('kube-apiserver'))).toBe(true);
  });

  it("etcd data of another member: refused; a manifest that is not kubeadm's Pod is not recognised", async () => {
    await host.write(WAL, H2_WAL, 0o600);
    await host.write(MANIFEST('kube-scheduler'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-scheduler\n');
    const state = await assessEarlierInit(await initData(host, sameCfg));
    expect(state.conflicts).toEqual([expect.stringMatching(/^\/var\/lib\/etcd: holds the data of etcd member 423ad79db7021669 of cluster c270bead341fe947; .* is member c63cc74e1f10ec8a of cluster c270bead341fe947$/)]);
    expect(state.recognised(MANIFEST('kube-scheduler'))).toBe(false);
  });

  it('an etcd data directory without a write-ahead log is not recognised (preflight objects as kubeadm does)', async () => {
    await host.remove('/var/lib/etcd/member');
    await host.write('/var/lib/etcd/notes.txt', 'x');
    const state = await assessEarlierInit(await initData(host, sameCfg));
    expect(state.conflicts).toEqual([]);
    expect(state.recognised('/var/lib/etcd')).toBe(false);
    expect((await dirAvailableCheck('/var/lib/etcd').run(checkContext(host, Promise.resolve(state)))).errors).toEqual(['/var/lib/etcd is not empty']);
  });
});

describe('a host without an earlier init', () => {
  it('finds nothing, and the checks behave as kubeadm\'s', async () => {
    const host = await FakeHost.create();
    try {
      const state = await assessEarlierInit(await initData(host, sameCfg));
      expect(state.found).toBe(false);
      expect(state.conflicts).toEqual([]);
      host.usedPorts = new Set(['6443']);
      host.holders.set(6443, [{ pid: 1, argv: ['kube-apiserver'] }]);
      const ctx = checkContext(host, Promise.resolve(state));
      expect((await portOpenCheck(6443).run(ctx)).errors).toEqual(['Port 6443 is in use']);
      // when the look at the host fails, the checks are kubeadm's
      const failed = checkContext(host, Promise.reject(new Error('cannot tell')));
      expect((await portOpenCheck(6443).run(failed)).errors).toEqual(['Port 6443 is in use']);
      expect((await earlierRunCheck().run(failed)).errors).toEqual([]);
    } finally {
      await host.cleanup();
    }
  });
});
