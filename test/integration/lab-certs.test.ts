// On lab host 1: a tskubeadm cluster, `tskubeadm certs renew all`, the control-plane components
// restarted the way kubeadm's documentation tells users (static Pod manifests moved out and back),
// then the API server serves the renewed certificate, kubectl works with the renewed admin.conf, the
// kubelet, controller-manager and scheduler keep renewing their leases, and upstream kubeadm's
// `certs check-expiration` reads the renewed files. Needs root and the lab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB_KUBEADM_CONFIG, MIN, eventually, hostHasCluster, labUp } from '../lab/fixture/labhost.js';
import { kubeadm, onHost, onHostResult, removeCniConfig, tskubeadm } from './helpers/lab.js';

const INIT_ARGS = ['init', '--config', LAB_KUBEADM_CONFIG, '--ignore-preflight-errors=SystemVerification'];
const ADMIN = ['--kubeconfig', '/etc/kubernetes/admin.conf'];

async function tskReset(): Promise<void> {
  const r = await onHostResult([tskubeadm, 'reset', '--force'], 5 * MIN);
  if (r.code !== 0) throw new Error(`tskubeadm reset failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  await removeCniConfig();
}

const sh = (script: string, timeout?: number) => onHost(['sh', '-c', script], timeout);
const serialOfFile = (file: string) => sh(`openssl x509 -noout -serial -in ${file}`).then((s) => s.trim());
const servedSerial = () => sh('openssl s_client -connect 10.231.0.11:6443 </dev/null 2>/dev/null | openssl x509 -noout -serial').then((s) => s.trim());
const leaseRenewTime = (ns: string, name: string) =>
  onHost(['kubectl', ...ADMIN, '-n', ns, 'get', 'lease', name, '-o', 'jsonpath={.spec.renewTime}']).then((s) => Date.parse(s.trim()));

describe('lab: tskubeadm certs renew all on a running tskubeadm cluster', () => {
  let release: (() => void) | undefined;
  const before = new Map<string, string>();

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await tskReset();
    const r = await onHostResult([tskubeadm, ...INIT_ARGS], 10 * MIN);
    if (r.code !== 0) throw new Error(`tskubeadm init failed:\n${r.stdout}\n${r.stderr}`);
  }, 40 * MIN);

  afterAll(async () => {
    try {
      await tskReset().catch(() => undefined);
    } finally {
      release?.();
    }
  }, 5 * MIN);

  it('check-expiration reads the cluster configuration and prints the same tables as upstream kubeadm', async () => {
    const tk = await onHostResult([tskubeadm, 'certs', 'check-expiration']);
    const up = await onHostResult([kubeadm, 'certs', 'check-expiration']);
    expect(up.code, up.stderr).toBe(0);
    expect(tk.code, tk.stderr).toBe(0);
    expect(tk.stdout).toContain('[check-expiration] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
    expect(tk.stdout).not.toContain('Falling back');
    const mask = (s: string) => s.replace(/[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} UTC/g, '<date>');
    expect(mask(tk.stdout)).toBe(mask(up.stdout));
  }, 3 * MIN);

  it('renew all renews every certificate and prints kubeadm\'s reminder', async () => {
    for (const f of ['apiserver', 'apiserver-kubelet-client', 'front-proxy-client', 'apiserver-etcd-client', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client']) {
      before.set(f, await serialOfFile(`/etc/kubernetes/pki/${f}.crt`));
    }
    expect(await servedSerial()).toBe(before.get('apiserver'));
    const r = await onHostResult([tskubeadm, 'certs', 'renew', 'all'], 5 * MIN);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[renew] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
    expect(r.stdout.match(/ renewed$/gm)?.length).toBe(11);
    expect(r.stdout).toContain('You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd');
    for (const [f, serial] of before) expect(await serialOfFile(`/etc/kubernetes/pki/${f}.crt`), f).not.toBe(serial);
  }, 6 * MIN);

  it('after moving the static Pod manifests out and back, the components run with the renewed files', async () => {
    await sh('mkdir -p /tmp/tsk-manifests && mv /etc/kubernetes/manifests/*.yaml /tmp/tsk-manifests/');
    await eventually(
      'control-plane containers stopped',
      async () => ((await sh('crictl --runtime-endpoint unix:///run/containerd/containerd.sock ps -q --name "kube-apiserver|etcd|kube-scheduler|kube-controller-manager"')).trim() === '' ? true : undefined),
      3 * MIN,
    );
    const restartedAt = Date.now();
    await sh('mv /tmp/tsk-manifests/*.yaml /etc/kubernetes/manifests/ && rmdir /tmp/tsk-manifests');
    await eventually(
      'API server ready',
      async () => ((await onHostResult(['kubectl', ...ADMIN, 'get', '--raw', '/readyz'])).stdout.trim() === 'ok' ? true : undefined),
      5 * MIN,
    );
    // the API server serves the renewed certificate and accepts the renewed admin.conf (kubectl)
    expect(await servedSerial()).toBe(await serialOfFile('/etc/kubernetes/pki/apiserver.crt'));
    expect(await onHost(['kubectl', ...ADMIN, 'get', 'nodes', '-o', 'name'])).toContain('node/tsklab-h1');
    // the kubelet (its own kubelet.conf, the renewed serving certificate), the controller-manager and the
    // scheduler (their renewed kubeconfig files) renew their leases after the restart
    for (const [ns, lease] of [
      ['kube-node-lease', 'tsklab-h1'],
      ['kube-system', 'kube-controller-manager'],
      ['kube-system', 'kube-scheduler'],
    ] as const) {
      await eventually(`${ns}/${lease} renewed after the restart`, async () => ((await leaseRenewTime(ns, lease)) > restartedAt ? true : undefined), 3 * MIN);
    }
  }, 12 * MIN);

  it('upstream kubeadm check-expiration reads the renewed files: nothing missing, a year left', async () => {
    const up = await onHostResult([kubeadm, 'certs', 'check-expiration']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).not.toContain('MISSING');
    // the first table (certificates), between its header and the blank line before the CA table
    const first = up.stdout.slice(up.stdout.indexOf('CERTIFICATE '), up.stdout.indexOf('\n\nCERTIFICATE AUTHORITY'));
    const rows = first.split('\n').slice(1);
    expect(rows.length).toBe(11);
    for (const row of rows) expect(row, row).toMatch(/\s(364|365)d\s/);
  }, 3 * MIN);
});
