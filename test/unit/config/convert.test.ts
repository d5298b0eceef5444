import { describe, expect, test } from 'vitest';
import { loadInitConfig, loadJoinConfig, migrateConfig, formatDuration, parseDuration, normalizeDuration, validateConfigFile } from '../../../src/config/index.js';

const dynamic = {
  hostname: () => 'host1',
  defaultAddress: async () => '192.168.0.10',
  generateToken: () => 'abcdef.0123456789abcdef',
};

const V1BETA3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  name: cp1
  kubeletExtraArgs:
    v: "4"
    cgroup-driver: systemd
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.37.1
apiServer:
  timeoutForControlPlane: 10m
  extraArgs:
    zeta: "1"
    alpha: "2"
etcd:
  local:
    extraArgs:
      quota-backend-bytes: "8589934592"
controllerManager:
  extraArgs:
    bind-address: 0.0.0.0
`;

describe('kubeadm.k8s.io/v1beta3 is read and converted to v1beta4', () => {
  test('extraArgs maps become lists sorted by name; timeoutForControlPlane moves to timeouts', async () => {
    const cfg = await loadInitConfig({ text: V1BETA3, fileName: 'old.yaml', flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.cluster.apiServer.extraArgs).toEqual([
      { name: 'alpha', value: '2' },
      { name: 'zeta', value: '1' },
    ]);
    expect(cfg.init.nodeRegistration.kubeletExtraArgs).toEqual([
      { name: 'cgroup-driver', value: 'systemd' },
      { name: 'v', value: '4' },
    ]);
    expect(cfg.cluster.etcd.local!.extraArgs).toEqual([{ name: 'quota-backend-bytes', value: '8589934592' }]);
    expect(cfg.cluster.controllerManager.extraArgs).toEqual([{ name: 'bind-address', value: '0.0.0.0' }]);
    expect(cfg.init.timeouts.controlPlaneComponentHealthCheck).toBe('10m0s');
    expect(cfg.init.nodeRegistration.imagePullSerial).toBe(true);
    expect(cfg.cluster.encryptionAlgorithm).toBe('RSA-2048');
    expect(cfg.warnings.filter((w) => w.includes('deprecated API spec: "kubeadm.k8s.io/v1beta3"'))).toHaveLength(2);
  });

  test('join: discovery.timeout becomes timeouts.discovery', async () => {
    const text = `apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  timeout: 7m
  bootstrapToken:
    token: abcdef.0123456789abcdef
    apiServerEndpoint: 10.0.0.1:6443
    unsafeSkipCAVerification: true
`;
    const cfg = await loadJoinConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.join.timeouts.discovery).toBe('7m0s');
    expect(cfg.join.timeouts.tlsBootstrap).toBe('5m0s');
  });

  test('migrate prints v1beta4', () => {
    const out = migrateConfig(V1BETA3, 'old.yaml', { hostname: () => 'h', defaultAddress: '10.0.0.9', generateToken: () => 'abcdef.0123456789abcdef' });
    expect(out.text).toContain('apiVersion: kubeadm.k8s.io/v1beta4');
    expect(out.text).not.toContain('v1beta3');
    expect(out.text).not.toContain('timeoutForControlPlane');
    expect(out.text).toContain('  extraArgs:\n  - name: alpha\n    value: "2"\n  - name: zeta\n    value: "1"\n');
    expect(out.text).toContain('  controlPlaneComponentHealthCheck: 10m0s\n');
  });

  test('v1beta3-only fields are unknown in v1beta4 documents', () => {
    const res = validateConfigFile('apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  timeoutForControlPlane: 4m\n', 'x.yaml');
    expect(res.problems.map((p) => p.path)).toEqual(['ClusterConfiguration.apiServer.timeoutForControlPlane']);
  });
});

describe('JSON input', () => {
  test('a JSON file is read like YAML, with lines', async () => {
    const text = JSON.stringify(
      { apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', networking: { podSubnet: '10.244.0.0/16' }, clusterName: 'prod' },
      null,
      2,
    );
    const cfg = await loadInitConfig({ text, fileName: 'c.json', flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.cluster.networking.podSubnet).toBe('10.244.0.0/16');
    expect(cfg.cluster.clusterName).toBe('prod');
    const bad = validateConfigFile(text.replace('10.244.0.0/16', '10.244.0.0/99'), 'c.json');
    expect(bad.problems[0]).toMatchObject({ path: 'ClusterConfiguration.networking.podSubnet', file: 'c.json', line: 5 });
  });

  test('component configs are passed through untouched', async () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n';
    const cfg = await loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.kubelet).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd' });
    expect(cfg.kubeProxy).toMatchObject({ mode: 'ipvs' });
  });
});

describe('Go durations', () => {
  test.each([
    ['24h', '24h0m0s', 86_400_000],
    ['4m', '4m0s', 240_000],
    ['90s', '1m30s', 90_000],
    ['1.5h', '1h30m0s', 5_400_000],
    ['8760h', '8760h0m0s', 31_536_000_000],
    ['500ms', '500ms', 500],
    ['0', '0s', 0],
    ['1h0m0.25s', '1h0m0.25s', 3_600_250],
    ['-2m', '-2m0s', -120_000],
  ])('%s -> %s', (input, printed, ms) => {
    expect(normalizeDuration(input)).toBe(printed);
    expect(parseDuration(input)).toBe(ms);
    expect(formatDuration(ms)).toBe(printed);
  });
  // time.ParseDuration rejects all of these ("1.h2": the trailing 2 has no unit)
  test.each(['', '1', '1d', 'h', '1.h2', 'soon'])('rejects %j', (bad) => {
    expect(() => parseDuration(bad)).toThrow();
  });
  test('"1.h" is one hour, as in Go', () => {
    expect(normalizeDuration('1.h')).toBe('1h0m0s');
  });
  test('sub-millisecond formatting', () => {
    expect(formatDuration(0.0015)).toBe('1.5µs');
    expect(formatDuration(1.5)).toBe('1.5ms');
  });
});
