// Two lab hosts: upstream kubeadm init on host 1, upstream kubeadm join on host 2, pods on the
// worker reach CoreDNS on the control plane. Proves the lab's multi-host design (own namespaces,
// containerd socket, /etc and /var/lib per host; veths on one bridge) for the join/HA work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import {
  MIN,
  eventually,
  hostHasCluster,
  installCni,
  kubeadmInit,
  kubectl,
  kubectlApply,
  labUp,
  onHost,
  resetHost,
} from '../lab/fixture/labhost.js';

describe('lab: upstream kubeadm init + join on two lab hosts', () => {
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(2);
    for (const n of [2, 1]) if (await hostHasCluster(n)) await resetHost(n);
  }, 40 * MIN);

  afterAll(async () => {
    try {
      await resetHost(2).catch(() => undefined);
      await resetHost(1).catch(() => undefined);
    } finally {
      release?.();
    }
  }, 5 * MIN);

  it('host 2 joins the cluster of host 1 and both nodes turn Ready', async () => {
    expect(await kubeadmInit()).toContain('initialized successfully');
    await installCni(1);
    const join = (await onHost(1, ['kubeadm', 'token', 'create', '--print-join-command'])).trim().split(/\s+/);
    expect(join.slice(0, 2)).toEqual(['kubeadm', 'join']);
    const out = await onHost(2, [...join, '--ignore-preflight-errors=SystemVerification'], 8 * MIN);
    expect(out).toContain('This node has joined the cluster');
    await installCni(2);
    await kubectl('wait', '--for=condition=Ready', 'node/tsklab-h1', 'node/tsklab-h2', '--timeout=180s');
    console.log(await kubectl('get', 'nodes', '-o', 'wide'));
  }, 12 * MIN);

  it('a pod on the worker resolves kubernetes.default through CoreDNS across hosts', async () => {
    await kubectlApply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dns-check-h2', namespace: 'default' },
      spec: {
        nodeName: 'tsklab-h2',
        restartPolicy: 'Never',
        containers: [
          {
            name: 'check',
            image: 'tsklab.local/busybox:1',
            imagePullPolicy: 'Never',
            command: ['sh', '-c', 'for i in $(seq 1 30); do ping -c1 -W1 kubernetes.default 2>&1 | grep "(10.96.0.1)" && exit 0; sleep 2; done; exit 1'],
          },
        ],
      },
    });
    const phase = await eventually(
      'dns-check-h2 to finish',
      async () => {
        const p = await kubectl('get', 'pod', 'dns-check-h2', '-o', 'jsonpath={.status.phase}');
        return p === 'Succeeded' || p === 'Failed' ? p : undefined;
      },
      3 * MIN,
    );
    const logs = await kubectl('logs', 'dns-check-h2');
    expect(phase).toBe('Succeeded');
    expect(logs).toContain('PING kubernetes.default (10.96.0.1)');
    await kubectl('delete', 'pod', 'dns-check-h2', '--wait=false');
  }, 5 * MIN);
});
