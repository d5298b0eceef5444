// Bootstrap-token, cluster-info, upload-config and mark-control-plane objects (kubeadm v1.37.2:
// apis/bootstraptoken/v1 encodeTokenSecretData, phases/bootstraptoken, phases/uploadconfig,
// phases/kubelet CreateConfigMap, componentconfigs/checksums.go, phases/markcontrolplane).
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import {
  apiServerKubeletClientClusterRoleBinding,
  bootstrapTokenSecret,
  clusterAdminsClusterRoleBinding,
  clusterInfoConfigMap,
  clusterInfoKubeconfig,
  clusterInfoRole,
  clusterInfoRoleBinding,
  formatRFC3339,
  getNodesClusterRole,
  getNodesClusterRoleBinding,
  kubeletBootstrapClusterRoleBinding,
  nodeAutoApproveBootstrapClusterRoleBinding,
  nodeAutoApproveCertificateRotationClusterRoleBinding,
  splitToken,
} from '../../../src/kube/objects/bootstraptoken.js';
import {
  configMapChecksum,
  kubeadmConfigConfigMap,
  kubeletConfigConfigMap,
  kubeletConfigRoleBinding,
  nodesKubeadmConfigRole,
  nodesKubeadmConfigRoleBinding,
} from '../../../src/kube/objects/uploadconfig.js';
import {
  markControlPlaneMessages,
  markControlPlaneNode,
  taintToString,
} from '../../../src/kube/objects/markcontrolplane.js';
import type { NodeObject } from '../../../src/kube/types.js';

const G = 'system:bootstrappers:kubeadm:default-node-token';
const decode = (data: Record<string, string | null>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v ?? '', 'base64').toString()]));

describe('bootstrap token Secret', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  it('has the kubeadm data keys, expiration = now + ttl in RFC3339 UTC', () => {
    const s = bootstrapTokenSecret(
      { token: 'abcdef.0123456789abcdef', ttl: '24h0m0s', usages: ['signing', 'authentication'], groups: [G], description: 'hello' },
      now,
    );
    expect(s.metadata).toEqual({ name: 'bootstrap-token-abcdef', namespace: 'kube-system' });
    expect(s.type).toBe('bootstrap.kubernetes.io/token');
    expect(decode(s.data!)).toEqual({
      'auth-extra-groups': G,
      description: 'hello',
      expiration: '2026-01-03T03:04:05Z',
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
    });
  });
  it('expires wins over ttl; ttl 0 means no expiration; groups are comma-joined', () => {
    const a = decode(bootstrapTokenSecret({ token: 'abcdef.0123456789abcdef', ttl: '1h', expires: '2030-05-06T07:08:09+02:00' }, now).data!);
    expect(a['expiration']).toBe('2030-05-06T05:08:09Z');
    const b = decode(bootstrapTokenSecret({ token: 'abcdef.0123456789abcdef', ttl: '0s', groups: ['a:b', 'c:d'] }, now).data!);
    expect('expiration' in b).toBe(false);
    expect(b['auth-extra-groups']).toBe('a:b,c:d');
    expect('description' in b).toBe(false);
  });
  it('RFC3339 truncates sub-seconds', () => {
    expect(formatRFC3339(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
  });
  it('rejects malformed tokens', () => {
    expect(() => splitToken('ABCDEF.0123456789abcdef')).toThrow(/was not of the form/);
    expect(splitToken('abcdef.0123456789abcdef')).toEqual({ id: 'abcdef', secret: '0123456789abcdef' });
  });
});

describe('bootstrap RBAC', () => {
  const sub = (b: { subjects: unknown[] }) => b.subjects;
  it('kubeadm:get-nodes', () => {
    expect(getNodesClusterRole().rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]);
    expect(getNodesClusterRoleBinding().roleRef.name).toBe('kubeadm:get-nodes');
    expect(sub(getNodesClusterRoleBinding())).toEqual([{ kind: 'Group', name: G }]);
  });
  it('bindings to the built-in roles', () => {
    const cases: [ReturnType<typeof kubeletBootstrapClusterRoleBinding>, string, string, unknown][] = [
      [kubeletBootstrapClusterRoleBinding(), 'kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', { kind: 'Group', name: G }],
      [
        nodeAutoApproveBootstrapClusterRoleBinding(),
        'kubeadm:node-autoapprove-bootstrap',
        'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
        { kind: 'Group', name: G },
      ],
      [
        nodeAutoApproveCertificateRotationClusterRoleBinding(),
        'kubeadm:node-autoapprove-certificate-rotation',
        'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
        { kind: 'Group', name: 'system:nodes' },
      ],
      [
        apiServerKubeletClientClusterRoleBinding(),
        'kubeadm:apiserver-kubelet-client',
        'system:kubelet-api-admin',
        { kind: 'User', name: 'kube-apiserver-kubelet-client' },
      ],
      [clusterAdminsClusterRoleBinding(), 'kubeadm:cluster-admins', 'cluster-admin', { kind: 'Group', name: 'kubeadm:cluster-admins' }],
    ];
    for (const [b, name, roleName, subject] of cases) {
      expect(b.kind).toBe('ClusterRoleBinding');
      expect(b.metadata).toEqual({ name });
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName });
      expect(b.subjects).toEqual([subject]);
    }
  });
});

describe('cluster-info', () => {
  const admin = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0EK
    server: https://cp.example:6443
  name: kubernetes
- cluster:
    server: https://other:6443
  name: other
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
users:
- name: kubernetes-admin
  user:
    client-key-data: U0VDUkVU
`;
  it('keeps only the current cluster, unnamed, without users or contexts (clientcmd.Write layout)', () => {
    expect(clusterInfoKubeconfig(admin)).toBe(
      'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0EK\n    server: https://cp.example:6443\n  name: ""\n' +
        'contexts: null\ncurrent-context: ""\nkind: Config\nusers: null\n',
    );
  });
  it('ConfigMap kube-public/cluster-info and its anonymous-read RBAC', () => {
    const cm = clusterInfoConfigMap('X');
    expect(cm.metadata).toEqual({ name: 'cluster-info', namespace: 'kube-public' });
    expect(cm.data).toEqual({ kubeconfig: 'X' });
    expect(clusterInfoRole().metadata).toEqual({ name: 'kubeadm:bootstrap-signer-clusterinfo', namespace: 'kube-public' });
    expect(clusterInfoRole().rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'] }]);
    expect(clusterInfoRoleBinding().subjects).toEqual([{ kind: 'User', name: 'system:anonymous' }]);
  });
  it('fails on a kubeconfig without a usable current context', () => {
    expect(() => clusterInfoKubeconfig('apiVersion: v1\nkind: Config\n')).toThrow('invalid kubeconfig');
    expect(load(clusterInfoKubeconfig(admin))).toMatchObject({ users: null, contexts: null });
  });
});

describe('upload-config objects', () => {
  it('kubeadm-config carries the ClusterConfiguration text; nodes and bootstrap tokens may read it', () => {
    const cm = kubeadmConfigConfigMap('kind: ClusterConfiguration\n');
    expect(cm.metadata).toEqual({ name: 'kubeadm-config', namespace: 'kube-system' });
    expect(cm.data).toEqual({ ClusterConfiguration: 'kind: ClusterConfiguration\n' });
    expect(cm.metadata.annotations).toBeUndefined();
    expect(nodesKubeadmConfigRole().rules[0]!.resourceNames).toEqual(['kubeadm-config']);
    expect(nodesKubeadmConfigRoleBinding().subjects).toEqual([
      { kind: 'Group', name: G },
      { kind: 'Group', name: 'system:nodes' },
    ]);
    // kubelet-config lists the two groups the other way round
    expect(kubeletConfigRoleBinding().subjects).toEqual([
      { kind: 'Group', name: 'system:nodes' },
      { kind: 'Group', name: G },
    ]);
  });
  it('kubelet-config is signed with sha256 over the sorted data values, unless user supplied', () => {
    const cm = kubeletConfigConfigMap('abc', { userSupplied: false });
    // sha256("abc")
    expect(cm.metadata.annotations).toEqual({
      'kubeadm.kubernetes.io/component-config.hash': 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(kubeletConfigConfigMap('abc', { userSupplied: true }).metadata.annotations).toBeUndefined();
    // values are hashed in key order, not insertion order: sha256("ab" + "c")
    expect(configMapChecksum({ data: { z: 'c', a: 'ab' } })).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('mark-control-plane', () => {
  const node = (taints?: NodeObject['spec']): NodeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'cp1', labels: { 'kubernetes.io/hostname': 'cp1' } },
    ...(taints ? { spec: taints } : {}),
  });
  const CP = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

  it('adds both labels and, when taints are unset, the control-plane NoSchedule taint', () => {
    const n = markControlPlaneNode(node(), null);
    expect(n.metadata.labels).toEqual({
      'kubernetes.io/hostname': 'cp1',
      'node-role.kubernetes.io/control-plane': '',
      'node.kubernetes.io/exclude-from-external-load-balancers': '',
    });
    expect(n.spec!.taints).toEqual([CP]);
  });

  it('[] adds no taint and keeps existing ones', () => {
    expect(markControlPlaneNode(node(), []).spec).toBeUndefined();
    const existing = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
    expect(markControlPlaneNode(node({ taints: [existing] }), []).spec!.taints).toEqual([existing]);
  });

  it('puts the wanted taints first, then existing ones, without duplicates', () => {
    const existing = [{ key: 'a', value: 'b', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }, { ...CP }];
    const n = markControlPlaneNode(node({ taints: existing }), [{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }, { ...CP, effect: 'NoSchedule' }]);
    expect(n.spec!.taints).toEqual([{ key: 'x', value: 'y', effect: 'PreferNoSchedule' }, CP, existing[0]]);
  });

  it("prints kubeadm's lines", () => {
    expect(markControlPlaneMessages('cp1', null)).toEqual([
      'Marking the node cp1 as control-plane by adding the labels: [node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]',
      'Marking the node cp1 as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]',
    ]);
    expect(markControlPlaneMessages('cp1', [])).toHaveLength(1);
    expect(taintToString({ key: 'k', value: 'v', effect: 'NoExecute' })).toBe('k=v:NoExecute');
  });
});
