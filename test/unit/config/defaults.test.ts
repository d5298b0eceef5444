import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  loadInitConfig,
  loadJoinConfig,
  loadResetConfig,
  marshalClusterConfiguration,
  migrateConfig,
  printInitDefaults,
  printJoinDefaults,
  printResetDefaults,
} from '../../../src/config/index.js';
import { TskError } from '../../../src/errors.js';

const fixture = (n: string) => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), 'utf8');
const dynamic = {
  hostname: () => 'Worker-01',
  defaultAddress: async () => '192.168.0.10',
  generateToken: () => 'qwerty.0123456789qwerty',
};

describe('printing matches upstream kubeadm v1.37.2 byte for byte', () => {
  test('print init-defaults', () => {
    expect(printInitDefaults()).toBe(fixture('kubeadm-print-init-defaults.yaml'));
  });
  test('print join-defaults', () => {
    expect(printJoinDefaults({ hostname: 'Some-Host' })).toBe(fixture('kubeadm-print-join-defaults.yaml').replace('HOSTNAME', 'some-host'));
  });
  test('print reset-defaults', () => {
    expect(printResetDefaults()).toBe(fixture('kubeadm-print-reset-defaults.yaml'));
  });
  test('config migrate of a v1beta4 file with every kind', () => {
    const r = migrateConfig(fixture('migrate-input.yaml'), 'migrate-input.yaml', { hostname: () => 'unused', defaultAddress: '9.9.9.9' });
    expect(r.text).toBe(fixture('kubeadm-migrate-output.yaml'));
  });
  test.each([
    [['KubeletConfiguration', 'KubeProxyConfiguration'], 'kubeadm-print-init-defaults-kubelet-kubeproxy.yaml'],
    [['KubeProxyConfiguration', 'KubeletConfiguration'], 'kubeadm-print-init-defaults-kubeproxy-kubelet.yaml'],
    [['KubeletConfiguration'], 'kubeadm-print-init-defaults-kubelet.yaml'],
    [['KubeProxyConfiguration'], 'kubeadm-print-init-defaults-kubeproxy.yaml'],
  ])('print init-defaults --component-configs %j', (kinds, file) => {
    expect(printInitDefaults({ componentConfigs: kinds })).toBe(fixture(file));
  });
  test('an empty --component-configs list prints the kubeadm documents only', () => {
    expect(printInitDefaults({ componentConfigs: [] })).toBe(fixture('kubeadm-print-init-defaults.yaml'));
  });
  test('an unknown component config kind is an exit-3 error naming it, and nothing is printed for the known ones', () => {
    for (const kinds of [['Nope'], ['KubeletConfiguration', 'Nope'], ['kubeletconfiguration']]) {
      let err: unknown;
      try {
        printInitDefaults({ componentConfigs: kinds });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TskError);
      expect((err as TskError).exitCode).toBe(3);
      expect((err as TskError).message).toContain('--component-configs needs to contain some of [KubeProxyConfiguration KubeletConfiguration]');
      expect((err as TskError).message).toContain(JSON.stringify(kinds[kinds.length - 1]));
    }
  });
});

describe('defaults (kubeadm v1beta4 defaults.go and dynamic defaulting)', () => {
  test('init without a file or flags', async () => {
    const { init, cluster, warnings } = await loadInitConfig({ flags: {}, flagsSet: [], dynamic });
    const expected: [string, unknown][] = [
      ['cluster.networking.serviceSubnet', '10.96.0.0/12'],
      ['cluster.networking.dnsDomain', 'cluster.local'],
      ['cluster.networking.podSubnet', undefined],
      ['cluster.certificatesDir', '/etc/kubernetes/pki'],
      ['cluster.imageRepository', 'registry.k8s.io'],
      ['cluster.clusterName', 'kubernetes'],
      ['cluster.encryptionAlgorithm', 'RSA-2048'],
      ['cluster.certificateValidityPeriod', '8760h0m0s'],
      ['cluster.caCertificateValidityPeriod', '87600h0m0s'],
      ['cluster.etcd.local.dataDir', '/var/lib/etcd'],
      ['cluster.kubernetesVersion', 'v1.37.2'],
      ['cluster.controlPlaneEndpoint', ''],
      ['init.localAPIEndpoint.bindPort', 6443],
      ['init.localAPIEndpoint.advertiseAddress', '192.168.0.10'],
      ['init.nodeRegistration.name', 'worker-01'],
      ['init.nodeRegistration.criSocket', 'unix:///var/run/containerd/containerd.sock'],
      ['init.nodeRegistration.imagePullPolicy', 'IfNotPresent'],
      ['init.nodeRegistration.imagePullSerial', true],
      ['init.timeouts.controlPlaneComponentHealthCheck', '4m0s'],
      ['init.timeouts.kubeletHealthCheck', '4m0s'],
      ['init.timeouts.kubernetesAPICall', '1m0s'],
      ['init.timeouts.etcdAPICall', '2m0s'],
      ['init.timeouts.tlsBootstrap', '5m0s'],
      ['init.timeouts.discovery', '5m0s'],
      ['init.timeouts.upgradeManifests', '5m0s'],
    ];
    const all = { init, cluster } as Record<string, unknown>;
    for (const [path, want] of expected) {
      const got = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], all);
      expect(got, path).toEqual(want);
    }
    expect(init.nodeRegistration.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(init.bootstrapTokens).toEqual([
      {
        token: 'qwerty.0123456789qwerty',
        description: "The default bootstrap token generated by 'kubeadm init'.",
        ttl: '24h0m0s',
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token'],
      },
    ]);
    expect(warnings.some((w) => w.includes('stable-1') && w.includes('v1.37.2'))).toBe(true);
  });

  test('taints: absent means the control-plane taint, [] means none', async () => {
    const base = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  name: n1\n';
    const a = await loadInitConfig({ text: base, flags: {}, flagsSet: ['config'], dynamic });
    expect(a.init.nodeRegistration.taints).toHaveLength(1);
    const b = await loadInitConfig({ text: base + '  taints: []\n', flags: {}, flagsSet: ['config'], dynamic });
    expect(b.init.nodeRegistration.taints).toEqual([]);
    const c = await loadInitConfig({ text: base + '  taints:\n', flags: {}, flagsSet: ['config'], dynamic });
    expect(c.init.nodeRegistration.taints).toHaveLength(1); // null = unset
  });

  test('a config file token has no description; the flag-built one does', async () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n';
    const cfg = await loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.init.bootstrapTokens[0]!.description).toBeUndefined();
    expect(cfg.init.bootstrapTokens[0]!.token).toBe('qwerty.0123456789qwerty');
  });

  test('controlPlaneEndpoint gets the bind port, SANs are lower-cased, durations normalised', async () => {
    const text = [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: ClusterConfiguration',
      'controlPlaneEndpoint: lb.example.com',
      'apiServer:',
      '  certSANs: [API.Example.COM]',
      'certificateValidityPeriod: 48h',
      '---',
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: InitConfiguration',
      'localAPIEndpoint:',
      '  bindPort: 7443',
      'timeouts:',
      '  kubernetesAPICall: 90s',
    ].join('\n');
    const cfg = await loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.cluster.controlPlaneEndpoint).toBe('lb.example.com:7443');
    expect(cfg.cluster.apiServer.certSANs).toEqual(['api.example.com']);
    expect(cfg.cluster.certificateValidityPeriod).toBe('48h0m0s');
    expect(cfg.init.timeouts.kubernetesAPICall).toBe('1m30s');
  });

  test('no default route: advertise address falls back to 0.0.0.0, which init then refuses', async () => {
    const err = await loadInitConfig({ flags: {}, flagsSet: [], dynamic: { ...dynamic, defaultAddress: async () => undefined } }).catch((e: Error) => e);
    expect((err as Error).message).toContain('cannot use "0.0.0.0" as the bind address for the API Server');
  });

  test('a loopback advertise address is kept on the loopback interface', async () => {
    const cfg = await loadInitConfig({ flags: { 'apiserver-advertise-address': '127.0.0.5' }, flagsSet: ['apiserver-advertise-address'], dynamic });
    expect(cfg.init.localAPIEndpoint.advertiseAddress).toBe('127.0.0.1');
  });

  test('a CRI socket without scheme gets unix:// and a warning', async () => {
    const cfg = await loadInitConfig({ flags: { 'cri-socket': '/run/crio/crio.sock' }, flagsSet: ['cri-socket'], dynamic });
    expect(cfg.init.nodeRegistration.criSocket).toBe('unix:///run/crio/crio.sock');
    expect(cfg.warnings.some((w) => w.includes('without URL scheme'))).toBe(true);
  });

  test('external etcd: httpEndpoints default to the endpoints; no local etcd', async () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\netcd:\n  external:\n    endpoints: [https://10.0.0.1:2379]\n    caFile: /ca.crt\n    certFile: /c.crt\n    keyFile: /c.key\n';
    const cfg = await loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.cluster.etcd.local).toBeUndefined();
    expect(cfg.cluster.etcd.external!.httpEndpoints).toEqual(['https://10.0.0.1:2379']);
  });

  test('env var fieldRef gets apiVersion v1', async () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraEnvs:\n  - name: IP\n    valueFrom:\n      fieldRef:\n        fieldPath: status.podIP\n';
    const cfg = await loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.cluster.apiServer.extraEnvs[0]!.valueFrom).toEqual({ fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } });
  });

  test('expires with the defaulted ttl is rejected, as upstream does', async () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nbootstrapTokens:\n- expires: "2031-01-01T00:00:00Z"\n';
    await expect(loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic })).rejects.toThrow(/mutually exclusive/);
  });

  test('join defaults: caCertPath, tlsBootstrapToken from the discovery token, no taint for workers', async () => {
    const cfg = await loadJoinConfig({
      flags: { token: 'abcdef.0123456789abcdef', 'discovery-token-unsafe-skip-ca-verification': true },
      flagsSet: ['token', 'discovery-token-unsafe-skip-ca-verification'],
      args: ['10.0.0.1:6443'],
      dynamic,
    });
    expect(cfg.join.caCertPath).toBe('/etc/kubernetes/pki/ca.crt');
    expect(cfg.join.discovery.tlsBootstrapToken).toBe('abcdef.0123456789abcdef');
    expect(cfg.join.discovery.bootstrapToken!.apiServerEndpoint).toBe('10.0.0.1:6443');
    expect(cfg.join.nodeRegistration.taints).toBeNull();
    expect(cfg.join.controlPlane).toBeUndefined();
    expect(cfg.join.timeouts.discovery).toBe('5m0s');
  });

  test('control-plane join gets the control-plane taint and a default-route advertise address', async () => {
    const cfg = await loadJoinConfig({
      flags: { token: 'abcdef.0123456789abcdef', 'discovery-token-unsafe-skip-ca-verification': true, 'control-plane': true },
      flagsSet: ['token', 'discovery-token-unsafe-skip-ca-verification', 'control-plane'],
      args: ['10.0.0.1:6443'],
      dynamic,
    });
    expect(cfg.join.nodeRegistration.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(cfg.join.controlPlane!.localAPIEndpoint).toEqual({ advertiseAddress: '192.168.0.10', bindPort: 6443 });
  });

  test('file discovery: a file:// URL becomes a path', async () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  file:\n    kubeConfigPath: file:///etc/kubernetes/discovery.conf\n  tlsBootstrapToken: abcdef.0123456789abcdef\n';
    const cfg = await loadJoinConfig({ text, flags: {}, flagsSet: ['config'], dynamic: { ...dynamic, fileExists: () => true } });
    expect(cfg.join.discovery.file!.kubeConfigPath).toBe('/etc/kubernetes/discovery.conf');
  });

  test('reset defaults', async () => {
    const cfg = await loadResetConfig({ flags: {}, flagsSet: [], dynamic });
    expect(cfg.reset).toMatchObject({
      certificatesDir: '/etc/kubernetes/pki',
      criSocket: 'unix:///var/run/containerd/containerd.sock',
      force: false,
      dryRun: false,
      cleanupTmpDir: false,
    });
  });
});

describe('kubeadm-config ConfigMap ClusterConfiguration', () => {
  test('sorted keys, omitempty, defaults present', async () => {
    const cfg = await loadInitConfig({
      flags: { 'pod-network-cidr': '10.244.0.0/16', 'control-plane-endpoint': 'cp.example.com' },
      flagsSet: ['pod-network-cidr', 'control-plane-endpoint'],
      dynamic,
    });
    // expected text assembled from the upstream init-defaults ClusterConfiguration document plus the two flags
    const upstream = fixture('kubeadm-print-init-defaults.yaml').split('---\n')[1]!;
    const expected = upstream
      .replace('clusterName: kubernetes\n', 'clusterName: kubernetes\ncontrolPlaneEndpoint: cp.example.com:6443\n')
      .replace('kubernetesVersion: 1.37.0\n', 'kubernetesVersion: v1.37.2\n')
      .replace('  dnsDomain: cluster.local\n', '  dnsDomain: cluster.local\n  podSubnet: 10.244.0.0/16\n');
    expect(marshalClusterConfiguration(cfg.cluster)).toBe(expected);
  });
});
