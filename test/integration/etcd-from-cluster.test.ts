// kubeadm's NewFromCluster with the project's etcd client, against a real kube-apiserver and etcd
// (test/lab/fixture/controlplane.ts, on 127.0.0.1): the etcd endpoints come from the
// advertise-client-urls annotation of the etcd Pods in kube-system (component=etcd,tier=control-plane),
// retried until every such Pod has one; then Sync, member list and join's cluster health check.
// The fixture's own etcd stands for the stacked member the Pod describes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { NodeHost } from '../../src/host/node-host.js';
import { loadKubeClient } from '../../src/kube/client.js';
import type { KubeClient } from '../../src/kube/base.js';
import { etcdClientFromCluster, readEtcdClientTLS } from '../../src/etcd/factory.js';
import { checkLocalEtcdClusterStatus } from '../../src/etcd/stacked.js';
import { startControlPlane, type ControlPlane } from '../lab/fixture/controlplane.js';
import { KUBERNETES_VERSION } from '../../src/versions.js';

const ANNOTATION = 'kubeadm.kubernetes.io/etcd.advertise-client-urls';
let work: string;
let pki: string;
let cp: ControlPlane;
let kube: KubeClient;
const host = new NodeHost();

const etcdPod = (name: string, url?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'kube-system',
    labels: { component: 'etcd', tier: 'control-plane' },
    ...(url ? { annotations: { [ANNOTATION]: url } } : {}),
  },
  spec: { containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd:3.7.0-0' }] },
});

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-etcd-from-cluster-'));
  pki = path.join(work, 'pki');
  let err = '';
  const code = await run(
    ['init', 'phase', 'certs', 'all', `--kubernetes-version=${KUBERNETES_VERSION}`, `--cert-dir=${pki}`, '--apiserver-advertise-address=10.231.0.11', '--apiserver-cert-extra-sans=127.0.0.1'],
    { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } },
    { env: process.env },
  );
  if (code !== 0) throw new Error(`certs: ${err}`);
  cp = await startControlPlane({ pkiDir: pki, workDir: path.join(work, 'cp') });
  kube = await loadKubeClient(host, cp.adminKubeconfig, { requestTimeoutMs: 10_000 });
  // Pods need their ServiceAccount (no controller-manager runs here to make it)
  await kube.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'kube-system' } });
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('etcd client from the cluster', () => {
  it('waits until every etcd Pod is annotated, then syncs to the members', async () => {
    await kube.create(etcdPod('etcd-cp1'));
    const logs: string[] = [];
    const pending = etcdClientFromCluster(kube, {
      kubernetesAPICallTimeoutMs: 30_000,
      timeoutMs: 30_000,
      tls: readEtcdClientTLS(host, pki),
      log: (l, m) => logs.push(`V${l} ${m}`),
    });
    // the Pod gets its annotation a little later (as a mirror Pod that has not been updated yet)
    await new Promise((r) => setTimeout(r, 1200));
    await kube.patch({ apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'etcd-cp1' }, { metadata: { annotations: { [ANNOTATION]: cp.etcdServer } } }, 'merge');
    const c = await pending;
    expect(c.endpoints).toEqual([cp.etcdServer]);
    expect(await c.listMembers()).toEqual([{ name: 'fixture', peerURL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) }]);
    expect(logs).toContain('V4 found a total of 1 etcd pods and the following endpoints: []; retrying');
    expect(logs).toContain(`V3 etcd Pod "etcd-cp1" is missing the "${ANNOTATION}" annotation; cannot infer etcd advertise client URL using the Pod annotation`);
    // a Pod created through the API never becomes Ready; kubeadm only mentions it
    expect(logs).toContain('V3 etcd pod "etcd-cp1" is not ready');
    expect(logs).toContain(`V1 etcd endpoints read from pods: ${cp.etcdServer}`);
    expect(logs).toContain(`V1 update etcd endpoints: ${cp.etcdServer}`);
  }, 60_000);

  it("join's check-etcd: the cluster is healthy", async () => {
    const lines: string[] = [];
    const out = { println: (l: string) => lines.push(l), v: (n: number, m: string) => lines.push(`V${n} ${m}`) };
    const newClient = () => etcdClientFromCluster(kube, { kubernetesAPICallTimeoutMs: 10_000, timeoutMs: 10_000, tls: readEtcdClientTLS(host, pki), log: out.v });
    await checkLocalEtcdClusterStatus(newClient, out);
    expect(lines.slice(0, 2)).toEqual(['V1 [etcd] Checking etcd cluster health', 'V1 creating etcd client that connects to etcd pods']);
  }, 60_000);

  it('a second etcd Pod without the annotation: no endpoints within the API call timeout', async () => {
    await kube.create(etcdPod('etcd-cp2'));
    await expect(etcdClientFromCluster(kube, { kubernetesAPICallTimeoutMs: 1500, timeoutMs: 10_000, tls: readEtcdClientTLS(host, pki) })).rejects.toThrow(
      /^could not retrieve the list of etcd endpoints: context deadline exceeded$/,
    );
  }, 60_000);

  it('missing client certificates: New fails after the endpoints are known, naming them', async () => {
    await kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'etcd-cp2' });
    await expect(
      etcdClientFromCluster(kube, { kubernetesAPICallTimeoutMs: 10_000, timeoutMs: 10_000, tls: readEtcdClientTLS(host, path.join(work, 'nowhere')) }),
    ).rejects.toThrow(new RegExp(`^error creating etcd client for \\[${cp.etcdServer.replace(/\./g, '\\.')}\\] endpoints: `));
  }, 60_000);
});
