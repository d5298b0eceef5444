// End to end on lab host 1: `tskubeadm init` brings up a working cluster; upstream kubeadm reads what
// it made; upstream `kubeadm init` with the same configuration gives the same objects and files;
// `tskubeadm reset --force` leaves the host ready for either tool's init. Needs root and the lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB_KUBEADM_CONFIG, MIN, eventually, hostHasCluster, kubectl, labUp, runDnsCheckPod } from '../lab/fixture/labhost.js';
import { clusterSnapshot, diffMaps, hostFilesSnapshot, kubeadm, networkAndReady, onHost, onHostResult, removeCniConfig, tskubeadm } from './helpers/lab.js';

const INIT_ARGS = ['init', '--config', LAB_KUBEADM_CONFIG, '--ignore-preflight-errors=SystemVerification'];

async function tskReset(): Promise<void> {
  const r = await onHostResult([tskubeadm, 'reset', '--force'], 5 * MIN);
  if (r.code !== 0) throw new Error(`tskubeadm reset failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  await removeCniConfig();
}

describe('lab: tskubeadm init on lab host 1', () => {
  let tskObjects: Map<string, Record<string, unknown>>;
  let tskFiles: Map<string, { mode: string; content: string }>;

  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await tskReset();
  }, 40 * MIN);

  afterAll(async () => {
    try {
      if (process.env.TSK_LAB_KEEP_CLUSTER !== '1') await tskReset().catch(() => undefined);
    } finally {
      release?.();
    }
  }, 5 * MIN);

  it('tskubeadm init succeeds and prints the join command', async () => {
    const t = Date.now();
    const r = await onHostResult([tskubeadm, ...INIT_ARGS], 10 * MIN);
    console.log(`tskubeadm init took ${Date.now() - t} ms`);
    expect(r.stderr + r.stdout).toContain('Your Kubernetes control-plane has initialized successfully');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tskubeadm join 10\.231\.0\.11:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} \\\n\t--discovery-token-ca-cert-hash sha256:[0-9a-f]{64}/);
    expect(r.stdout).toContain('[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key');
  }, 12 * MIN);

  it('the node turns Ready with the pod network, CoreDNS Ready, kube-proxy Running, /readyz ok', async () => {
    await networkAndReady();
    const nodes = await kubectl('get', 'nodes', '-o', 'wide');
    console.log(nodes);
    expect(nodes).toMatch(/tsklab-h1\s+Ready\s+control-plane/);
    expect((await onHost(['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'get', '--raw', '/readyz'])).trim()).toBe('ok');
    const kubeletConf = await onHost(['cat', '/etc/kubernetes/kubelet.conf']);
    expect(kubeletConf).toContain('client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem');
  }, 8 * MIN);

  it('a test pod runs and resolves kubernetes.default through CoreDNS', async () => {
    const { phase, logs } = await runDnsCheckPod('tsk-dns-check');
    expect(phase).toBe('Succeeded');
    expect(logs).toContain('PING kubernetes.default (10.96.0.1)');
    expect(logs).toMatch(/Server:\s+10\.96\.0\.10/);
  }, 5 * MIN);

  it('the controller-manager signed cluster-info for the bootstrap token', async () => {
    const id = (await kubectl('-n', 'kube-system', 'get', 'secrets', '--field-selector', 'type=bootstrap.kubernetes.io/token', '-o', 'jsonpath={.items[0].data.token-id}')).trim();
    const tokenId = Buffer.from(id, 'base64').toString();
    expect(tokenId).toMatch(/^[a-z0-9]{6}$/);
    const keys = await eventually(
      'jws-kubeconfig key',
      async () => {
        const k = await kubectl('-n', 'kube-public', 'get', 'configmap', 'cluster-info', '-o', 'jsonpath={.data}');
        return k.includes(`jws-kubeconfig-${tokenId}`) ? k : undefined;
      },
      MIN,
    );
    expect(keys).toContain(`jws-kubeconfig-${tokenId}`);
  }, 2 * MIN);

  it('upstream kubeadm reads what tskubeadm made', async () => {
    const tokens = await onHost([kubeadm, 'token', 'list']);
    expect(tokens).toMatch(/^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS/m);
    expect(tokens).toMatch(/[a-z0-9]{6}\.[a-z0-9]{16}\s+23h/);
    const certs = await onHost([kubeadm, 'certs', 'check-expiration']);
    expect(certs).toContain('[check-expiration] Reading configuration from the "kubeadm-config" ConfigMap');
    for (const c of ['admin.conf', 'apiserver', 'apiserver-etcd-client', 'etcd-server', 'front-proxy-client', 'scheduler.conf', 'super-admin.conf']) {
      expect(certs).toMatch(new RegExp(`^${c.replace('.', '\\.')}\\s+\\w{3} \\d\\d, \\d{4}`, 'm'));
    }
    const plan = await onHostResult([kubeadm, 'upgrade', 'plan', 'v1.37.2', '--ignore-preflight-errors=all'], 5 * MIN);
    expect(plan.stdout + plan.stderr).toContain('[upgrade/config] Reading configuration from the "kubeadm-config" ConfigMap');
    // the cluster already runs the target version: kubeadm reads and checks it, then has nothing to offer
    expect(plan.stdout).toContain('[upgrade] Running cluster health checks');
    expect(plan.stdout).toContain('[upgrade/versions] Cluster version: 1.37.2');
    expect(plan.code).toBe(0);
  }, 6 * MIN);

  it('snapshot of the tskubeadm cluster', async () => {
    tskObjects = await clusterSnapshot();
    tskFiles = await hostFilesSnapshot();
    expect(tskObjects.size).toBeGreaterThan(30);
    expect(tskFiles.has('/etc/kubernetes/manifests/kube-apiserver.yaml')).toBe(true);
  }, 3 * MIN);

  it('tskubeadm reset --force, then upstream kubeadm init gives the same objects and files', async () => {
    await tskReset();
    expect((await onHost(['sh', '-c', 'ls -A /etc/kubernetes/manifests /var/lib/etcd 2>/dev/null | grep -v : | grep -c . || true'])).trim()).toBe('0');
    const t = Date.now();
    const up = await onHostResult([kubeadm, ...INIT_ARGS], 10 * MIN);
    console.log(`kubeadm init took ${Date.now() - t} ms`);
    expect(up.code).toBe(0);
    await networkAndReady();
    const upObjects = await clusterSnapshot();
    const upFiles = await hostFilesSnapshot();
    const objectDiffs = diffMaps(tskObjects, upObjects);
    const fileDiffs = diffMaps(tskFiles, upFiles);
    if (objectDiffs.length || fileDiffs.length) console.log([...objectDiffs, ...fileDiffs].join('\n'));
    expect(objectDiffs).toEqual([]);
    expect(fileDiffs).toEqual([]);
  }, 15 * MIN);

  it('after upstream kubeadm reset, tskubeadm init succeeds again; after tskubeadm reset too', async () => {
    await onHost([kubeadm, 'reset', '-f'], 5 * MIN);
    await removeCniConfig();
    const again = await onHostResult([tskubeadm, ...INIT_ARGS], 10 * MIN);
    expect(again.code).toBe(0);
    await tskReset();
    const third = await onHostResult([tskubeadm, ...INIT_ARGS], 10 * MIN);
    expect(third.code).toBe(0);
    expect((await onHost(['kubectl', 'get', '--raw', '/readyz'])).trim()).toBe('ok');
  }, 20 * MIN);
});
