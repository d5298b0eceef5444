// Acceptance of the lab with the reference: upstream kubeadm (built by lab:build) brings up a real
// single-node cluster on lab host 1, the pod network works, CoreDNS answers, and reset leaves the
// host ready for another init. Needs root (namespaces, cgroups); `npm run lab:build` must have run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import {
  LAB_KUBEADM_CONFIG,
  MIN,
  REPO,
  eventually,
  hostHasCluster,
  installCni,
  kubeadmInit,
  kubectl,
  labUp,
  onHost,
  resetHost,
  runDnsCheckPod,
} from '../lab/fixture/labhost.js';

describe('lab: upstream kubeadm on lab host 1', () => {
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireLabLock();
    const versions = readFileSync(join(REPO, 'src/versions.ts'), 'utf8');
    const pinned = /KUBERNETES_VERSION = '([^']+)'/.exec(versions)?.[1];
    expect(readFileSync(LAB_KUBEADM_CONFIG, 'utf8')).toContain(`kubernetesVersion: ${pinned}`);
    await labUp(1);
    // a cluster left over from an earlier run is reset first
    if (await hostHasCluster(1)) await resetHost(1);
  }, 40 * MIN);

  afterAll(async () => {
    try {
      if (process.env.TSK_LAB_KEEP_CLUSTER !== '1') await resetHost(1).catch(() => undefined);
    } finally {
      release?.();
    }
  }, 5 * MIN);

  it('kubeadm init succeeds', async () => {
    const t = Date.now();
    const out = await kubeadmInit();
    console.log(`kubeadm init took ${Date.now() - t} ms`);
    expect(out).toContain('Your Kubernetes control-plane has initialized successfully');
  }, 10 * MIN);

  it('the node turns Ready once the CNI config is installed', async () => {
    await installCni(1);
    await kubectl('wait', '--for=condition=Ready', 'node/tsklab-h1', '--timeout=180s');
    const nodes = await kubectl('get', 'nodes', '-o', 'wide');
    console.log(nodes);
    expect(nodes).toMatch(/tsklab-h1\s+Ready\s+control-plane/);
  }, 5 * MIN);

  it('CoreDNS pods are Running and Ready, kube-proxy is Running', async () => {
    await eventually(
      'coredns pods',
      async () => ((await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'name')).trim() ? true : undefined),
      2 * MIN,
    );
    await kubectl('-n', 'kube-system', 'wait', '--for=condition=Ready', 'pod', '-l', 'k8s-app=kube-dns', '--timeout=240s');
    const dns = JSON.parse(await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'json')) as {
      items: { status: { phase: string } }[];
    };
    expect(dns.items.length).toBe(2);
    for (const p of dns.items) expect(p.status.phase).toBe('Running');
    const proxy = await eventually(
      'kube-proxy Running',
      async () => {
        const s = await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-proxy', '-o', 'jsonpath={.items[*].status.phase}');
        return s.trim() === 'Running' ? s : undefined;
      },
      2 * MIN,
    );
    expect(proxy.trim()).toBe('Running');
    console.log(await kubectl('get', 'pods', '-A', '-o', 'wide'));
  }, 6 * MIN);

  it('a test pod runs and resolves kubernetes.default through CoreDNS', async () => {
    const { phase, logs } = await runDnsCheckPod('dns-check');
    console.log(logs);
    expect(phase).toBe('Succeeded');
    expect(logs).toMatch(/nameserver 10\.96\.0\.10/);
    expect(logs).toContain('PING kubernetes.default (10.96.0.1)');
    expect(logs).toMatch(/Server:\s+10\.96\.0\.10/);
    expect(logs).toMatch(/Address:\s*10\.96\.0\.1$/m);
  }, 5 * MIN);

  it('kubeadm reset -f leaves the host ready for another init', async () => {
    await resetHost(1);
    expect(await hostHasCluster(1)).toBe(false);
    expect((await onHost(1, ['sh', '-c', 'ls -A /var/lib/etcd | wc -l'])).trim()).toBe('0');
    expect((await onHost(1, ['crictl', 'ps', '-a', '-q'])).trim()).toBe('');
    expect(await onHost(1, ['systemctl', 'is-active', 'kubelet']).catch((e: Error) => e.message)).toContain('inactive');
    const out = await kubeadmInit();
    expect(out).toContain('Your Kubernetes control-plane has initialized successfully');
    expect(await kubectl('get', '--raw', '/readyz')).toBe('ok');
  }, 12 * MIN);
});
