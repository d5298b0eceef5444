// An earlier, unfinished worker join on this host: the cluster CA file, the kubelet's kubelet.conf
// (this Node's client certificate, signed by the cluster's CA) and the kubelet on port 10250 are
// recognised against the cluster discovery finds; another cluster's files are refused by name.
// Discovery is not even asked when nothing of an earlier join is there.
import * as fs from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHost } from '../../helpers/fake-host.js';
import { initConfig } from '../../helpers/configs.js';
import { DiscoveryFailed, assessEarlierJoin } from '../../../src/phases/shared/earlier/join.js';
import { createBasic, writeClientConfig } from '../../../src/kubeconfig/clientcmd.js';
import { memoryOutput } from '../../../src/output.js';
import type { JoinData } from '../../../src/phases/join/data.js';
import { fileAvailableCheck, portOpenCheck } from '../../../src/preflight/index.js';
import { tsk } from '../phases/helpers.js';
import { checkContext, configFile, initData, phase, scratch } from './helpers.js';

const ENDPOINT = 'https://10.231.0.100:6443';
const cfg = configFile(initConfig({ nodeName: 'node3', address: '10.231.0.13', encryptionAlgorithm: 'ECDSA-P256', clusterExtra: 'controlPlaneEndpoint: 10.231.0.100:6443\n' }));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** a cluster: its CA in a rootfs of its own, and kubelet client kubeconfigs it signs */
async function cluster(): Promise<{ root: FakeHost; ca: Buffer; kubeletConf: (node: string) => Promise<string> }> {
  const root = await FakeHost.create();
  await phase(root, cfg, ['certs', 'ca']);
  const ca = await root.readFile('/etc/kubernetes/pki/ca.crt');
  const kubeletConf = async (node: string) => {
    const r = await tsk(['kubeconfig', 'user', '--client-name', `system:node:${node}`, '--org', 'system:nodes', '--config', cfg, '--rootfs', root.rootfs]);
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  return { root, ca, kubeletConf };
}

describe('an earlier worker join of this host', () => {
  let host: FakeHost;
  let ours: Awaited<ReturnType<typeof cluster>>;
  let discoveries = 0;
  let data: JoinData;

  beforeEach(async () => {
    host = await FakeHost.create();
    host.clock = new Date();
    ours = await cluster();
    discoveries = 0;
    const init = (await initData(host, cfg)).cfg;
    data = {
      cfg: { join: { caCertPath: '/etc/kubernetes/pki/ca.crt', nodeRegistration: init.init.nodeRegistration } },
      host,
      out: memoryOutput(),
      startTime: new Date(),
      tlsBootstrapConfig: async () => {
        discoveries++;
        return writeClientConfig(createBasic(ENDPOINT, 'kubernetes', 'tls-bootstrap-token-user', ours.ca));
      },
      initCfg: async () => init,
    } as unknown as JoinData;
  });
  afterEach(async () => {
    await host.cleanup();
    await ours.root.cleanup();
  });

  it('nothing there: nothing found, and no discovery', async () => {
    const state = await assessEarlierJoin(data);
    expect(state.found).toBe(false);
    expect(discoveries).toBe(0);
  });

  it("the cluster's CA and this Node's kubelet.conf: recognised, the Node and the kubelet's port are this host's", async () => {
    await host.write('/etc/kubernetes/pki/ca.crt', ours.ca);
    await host.write('/etc/kubernetes/kubelet.conf', await ours.kubeletConf('node3'), 0o600);
    const state = await assessEarlierJoin(data);
    expect(state.conflicts).toEqual([]);
    expect(discoveries).toBe(1);
    expect(state.ownsNode('node3')).toBe(true);
    expect(state.ownsNode('node4')).toBe(false);
    host.usedPorts = new Set(['10250']);
    host.holders.set(10250, [{ pid: 7, argv: ['/usr/bin/kubelet', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--config=/var/lib/kubelet/config.yaml'] }]);
    const ctx = checkContext(host, Promise.resolve(state));
    expect((await portOpenCheck(10250).run(ctx)).errors).toEqual([]);
    expect((await fileAvailableCheck('/etc/kubernetes/kubelet.conf').run(ctx)).errors).toEqual([]);
    expect((await fileAvailableCheck('/etc/kubernetes/pki/ca.crt').run(ctx)).errors).toEqual([]);
    // a kubelet with another kubeconfig is not the earlier join's
    host.holders.set(10250, [{ pid: 7, argv: ['/usr/bin/kubelet', '--kubeconfig=/root/other.conf'] }]);
    expect((await portOpenCheck(10250).run(ctx)).errors).toEqual(['Port 10250 is in use']);
  });

  it('a kubelet.conf whose certificate the TLS bootstrap has not written yet: recognised, but no Node is this host\'s yet', async () => {
    const conf = (await ours.kubeletConf('node3')).replace(/client-certificate-data: \S+/, 'client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem').replace(/client-key-data: \S+/, 'client-key: /var/lib/kubelet/pki/kubelet-client-current.pem');
    await host.write('/etc/kubernetes/kubelet.conf', conf, 0o600);
    const state = await assessEarlierJoin(data);
    expect(state.conflicts).toEqual([]);
    expect(state.recognised('/etc/kubernetes/kubelet.conf')).toBe(true);
    expect(state.ownsNode('node3')).toBe(false);
  });

  it("another cluster's files: refused, naming the CA file and kubelet.conf; another Node's kubelet.conf too", async () => {
    const theirs = await cluster();
    try {
      await host.write('/etc/kubernetes/pki/ca.crt', theirs.ca);
      await host.write('/etc/kubernetes/kubelet.conf', await theirs.kubeletConf('node3'), 0o600);
    } finally {
      await theirs.root.cleanup();
    }
    const state = await assessEarlierJoin(data);
    expect(state.conflicts).toEqual([
      expect.stringMatching(/^\/etc\/kubernetes\/pki\/ca\.crt: is the CA sha256:[0-9a-f]{64}, the cluster's \(discovery\) is sha256:[0-9a-f]{64}$/),
      expect.stringMatching(/^\/etc\/kubernetes\/kubelet\.conf: certificate-authority-data is the CA sha256:[0-9a-f]{64}, the cluster \(discovery\) is the CA sha256:[0-9a-f]{64}$/),
    ]);
    expect(state.ownsNode('node3')).toBe(false);

    await host.write('/etc/kubernetes/pki/ca.crt', ours.ca);
    await host.write('/etc/kubernetes/kubelet.conf', await ours.kubeletConf('node9'), 0o600);
    const other = await assessEarlierJoin(data);
    expect(other.conflicts).toEqual(['/etc/kubernetes/kubelet.conf: its client certificate is for "system:node:node9", this configuration\'s is "system:node:node3"']);
  });

  it("discovery failing while it looks is reported as that failure, for the join to fail with it once", async () => {
    await host.write('/etc/kubernetes/pki/ca.crt', ours.ca);
    const cause = new Error('could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef"');
    data.tlsBootstrapConfig = async () => {
      throw cause;
    };
    const e = await assessEarlierJoin(data).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DiscoveryFailed);
    expect((e as DiscoveryFailed).failure).toBe(cause);
  });
});
