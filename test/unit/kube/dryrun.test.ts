// RecordingKubeClient: kubeadm's dry-run log lines (util/apiclient/dryrun.go LogAction/LogObject),
// its in-memory store, canned Node answers, and reads from a real cluster when one is given.
import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../../src/output.js';
import { RecordingKubeClient, fakeNode, marshalLikeKubeadm } from '../../../src/kube/dryrun.js';
import { goShape } from '../../../src/kube/goshape.js';
import type { KubeObject } from '../../../src/kube/types.js';

const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'kube-system' }, data: { k: 'v' } };

describe('RecordingKubeClient', () => {
  it('logs a create with the attached object followed by an empty line', async () => {
    const out = memoryOutput();
    const c = new RecordingKubeClient({ out });
    await c.create(cm);
    expect(out.text()).toBe(
      '[dryrun] Would perform action CREATE on resource "configmaps" in API group "core/v1"\n' +
        '[dryrun] Attached object:\n' +
        'apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: kube-system\n',
    );
  });

  it('GET of an unknown object: name line, fallback line, undefined', async () => {
    const out = memoryOutput();
    const c = new RecordingKubeClient({ out });
    expect(await c.get({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'r' })).toBeUndefined();
    expect(out.lines).toEqual([
      '[dryrun] Would perform action GET on resource "clusterroles" in API group "rbac.authorization.k8s.io/v1"',
      '[dryrun] Resource name "r", namespace ""',
      '[dryrun] Real object does not exist. Attempting to GET from followup reactors or from the fake client tracker',
    ]);
  });

  it('remembers written objects: apply twice → CREATE, then CREATE (exists), GET, UPDATE', async () => {
    const c = new RecordingKubeClient();
    await c.apply(cm);
    await c.apply({ ...cm, data: { k: 'w' } });
    expect(c.actions.map((a) => a.verb)).toEqual(['create', 'create', 'get', 'update']);
    expect(c.objects()).toEqual([{ ...cm, data: { k: 'w' } }]);
  });

  it('answers Node get/patch with a fake Node carrying the hostname label', async () => {
    const out = memoryOutput();
    const c = new RecordingKubeClient({ out });
    await c.patchNode('n1', (n) => {
      n.metadata.labels!['x'] = '';
    });
    expect(c.actions.map((a) => `${a.verb} ${a.ref.kind}`)).toEqual(['get Node', 'patch Node']);
    expect(c.actions[1]!.patch).toEqual({ metadata: { labels: { x: '' } } });
    expect(out.lines[0]).toBe('[dryrun] Would perform action GET on resource "nodes" in API group "core/v1"');
    expect(out.lines[1]).toBe('[dryrun] Resource name "n1", namespace ""');
    expect(out.lines[2]).toBe('[dryrun] Attached object:');
    expect(out.lines[3]).toContain('kubernetes.io/hostname: n1');
  });

  it('reads from a real cluster when given one, printing what it found', async () => {
    const real = new RecordingKubeClient();
    real.seed(cm);
    const out = memoryOutput();
    const c = new RecordingKubeClient({ out, reads: real });
    const got = await c.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'c' });
    expect(got).toEqual(cm);
    expect(out.lines.slice(2, 3)).toEqual(['[dryrun] Attached object:']);
    // writes never reach the real cluster
    await c.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'c' });
    expect(real.objects()).toHaveLength(1);
  });

  it('LIST filters the store by label selector', async () => {
    const c = new RecordingKubeClient();
    const dep = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'kube-system', labels } });
    c.seed(dep('a', { 'k8s-app': 'kube-dns' }), dep('b', { 'k8s-app': 'other' }));
    const got = await c.list('apps/v1', 'Deployment', 'kube-system', { labelSelector: 'k8s-app=kube-dns' });
    expect(got.map((d) => d.metadata.name)).toEqual(['a']);
  });
});

describe('Go shape of printed objects', () => {
  it('Node: empty spec, zero daemon endpoint port and node info strings', () => {
    const yaml = marshalLikeKubeadm(fakeNode('cp1'));
    expect(yaml).toContain('spec: {}\n');
    expect(yaml).toContain('    kubeletEndpoint:\n      Port: 0\n');
    expect(yaml).toContain('    kubeProxyVersion: ""\n');
  });
  it('Deployment/DaemonSet/Service status and container resources', () => {
    const ds = goShape({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'c' }] } } },
    }) as any;
    expect(ds.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
    expect(ds.spec.template.spec.containers[0].resources).toEqual({});
    const svc = goShape({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} }) as any;
    expect(svc.status).toEqual({ loadBalancer: {} });
    const dep = goShape({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { spec: { containers: [] } } } }) as any;
    expect(dep.status).toEqual({});
  });
});

describe('join/reset dry-run reactors (appended after the real-cluster read)', () => {
  it('GET cluster-info: fallback line first, then the canned object', async () => {
    const { joinDryRunReactors } = await import('../../../src/kube/dryrun-fakes.js');
    const out = memoryOutput();
    const c = new RecordingKubeClient({ out, nodeReactors: false, reactors: joinDryRunReactors() });
    const cm = await c.get<KubeObject & { data: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' });
    expect(out.lines.slice(0, 4)).toEqual([
      '[dryrun] Would perform action GET on resource "configmaps" in API group "core/v1"',
      '[dryrun] Resource name "cluster-info", namespace "kube-public"',
      '[dryrun] Real object does not exist. Attempting to GET from followup reactors or from the fake client tracker',
      '[dryrun] Attached object:',
    ]);
    expect(cm!.data['kubeconfig']).toContain('server: https://192.168.0.101:6443');
    expect(Object.keys(cm!.data).sort()).toEqual(['jws-kubeconfig-abcdef', 'kubeconfig']);
  });

  it('fake kubeadm-config names the minimum control-plane version (one minor back)', async () => {
    const { fakeKubeadmConfig, fakeKubeadmCerts } = await import('../../../src/kube/dryrun-fakes.js');
    expect(fakeKubeadmConfig().data!['ClusterConfiguration']).toContain('\nkubernetesVersion: 1.36.0\n');
    expect(Object.values(fakeKubeadmCerts().data!)).toEqual(Array(8).fill(''));
  });
});
