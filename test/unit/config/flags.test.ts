import { describe, expect, test } from 'vitest';
import { UsageError, ValidationError } from '../../../src/errors.js';
import { loadInitConfig, loadJoinConfig, loadResetConfig } from '../../../src/config/index.js';

const dynamic = {
  hostname: () => 'host1',
  defaultAddress: async () => '192.168.0.10',
  generateToken: () => 'abcdef.0123456789abcdef',
};
const CLUSTER = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n';

describe('mixing --config with flags', () => {
  test('forbidden flags are listed sorted, as upstream prints them', async () => {
    // upstream v1.37.2: `kubeadm init --config c.yaml --service-cidr .. --pod-network-cidr .. --skip-token-print --node-name x`
    // -> "can not mix '--config' with arguments [pod-network-cidr service-cidr]"
    const p = loadInitConfig({
      text: CLUSTER,
      flags: { 'service-cidr': '10.0.0.0/16', 'pod-network-cidr': '10.1.0.0/16', 'skip-token-print': true, 'node-name': 'x' },
      flagsSet: ['config', 'service-cidr', 'pod-network-cidr', 'skip-token-print', 'node-name'],
      dynamic,
    });
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(p).rejects.toThrow("can not mix '--config' with arguments [pod-network-cidr service-cidr]");
  });

  test('join --token with --config is refused (upstream: [token])', async () => {
    const p = loadJoinConfig({ text: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n', flags: { token: 'abcdef.0123456789abcdef' }, flagsSet: ['config', 'token'], dynamic });
    await expect(p).rejects.toThrow("can not mix '--config' with arguments [token]");
  });

  test('allowed flags: node-name overrides, dry-run, ignore-preflight-errors merge, skip-* phases', async () => {
    const text = CLUSTER + '---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nskipPhases: [preflight]\nnodeRegistration:\n  name: fromfile\n  ignorePreflightErrors: [Swap]\n';
    const cfg = await loadInitConfig({
      text,
      flags: { 'node-name': 'fromflag', 'dry-run': true, 'ignore-preflight-errors': ['NumCPU', 'swap'], 'skip-phases': 'addon/coredns' },
      flagsSet: ['config', 'node-name', 'dry-run', 'ignore-preflight-errors', 'skip-phases', 'upload-certs', 'v', 'rootfs'],
      dynamic,
    });
    expect(cfg.init.nodeRegistration.name).toBe('fromflag');
    expect(cfg.init.dryRun).toBe(true);
    expect(cfg.init.nodeRegistration.ignorePreflightErrors).toEqual(['numcpu', 'swap']);
    expect(cfg.init.skipPhases).toEqual(['addon/coredns']);
    expect(cfg.cluster.dns.disabled).toBe(true);
  });

  test('skipPhases from the file are used when the flag is absent; disabled addons add their phase', async () => {
    const text = CLUSTER + 'proxy:\n  disabled: true\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nskipPhases: [preflight]\n';
    const cfg = await loadInitConfig({ text, flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.init.skipPhases).toEqual(['preflight', 'addon/kube-proxy']);
  });

  test("'all' must stand alone in ignore-preflight-errors", async () => {
    const p = loadInitConfig({ flags: { 'ignore-preflight-errors': 'all,Swap' }, flagsSet: ['ignore-preflight-errors'], dynamic });
    await expect(p).rejects.toThrow(/don't specify individual checks if 'all' is used/);
  });
});

describe('flags build the configuration when there is no file', () => {
  test('init flags land in the right fields', async () => {
    const cfg = await loadInitConfig({
      flags: {
        'apiserver-advertise-address': '10.1.2.3',
        'apiserver-bind-port': '8443',
        'apiserver-cert-extra-sans': 'a.example.com,10.9.9.9',
        'cert-dir': '/srv/pki',
        'certificate-key': 'a'.repeat(64),
        'control-plane-endpoint': 'cp.example.com:443',
        'cri-socket': 'unix:///run/crio/crio.sock',
        'feature-gates': 'RootlessControlPlane=true',
        'image-repository': 'mirror.example.com/k8s',
        'kubernetes-version': '1.36.4',
        'node-name': 'cp-1',
        'pod-network-cidr': '10.244.0.0/16',
        'service-cidr': '10.112.0.0/12',
        'service-dns-domain': 'corp.local',
        token: 'zyxwvu.0123456789abcdef',
        'token-ttl': '2h',
        patches: '/etc/patches',
      },
      flagsSet: [
        'apiserver-advertise-address', 'apiserver-bind-port', 'apiserver-cert-extra-sans', 'cert-dir', 'certificate-key',
        'control-plane-endpoint', 'cri-socket', 'feature-gates', 'image-repository', 'kubernetes-version', 'node-name',
        'pod-network-cidr', 'service-cidr', 'service-dns-domain', 'token', 'token-ttl', 'patches',
      ],
      dynamic,
    });
    expect(cfg.init.localAPIEndpoint).toEqual({ advertiseAddress: '10.1.2.3', bindPort: 8443 });
    expect(cfg.cluster.apiServer.certSANs).toEqual(['a.example.com', '10.9.9.9']);
    expect(cfg.cluster.certificatesDir).toBe('/srv/pki');
    expect(cfg.init.certificateKey).toBe('a'.repeat(64));
    expect(cfg.cluster.controlPlaneEndpoint).toBe('cp.example.com:443');
    expect(cfg.init.nodeRegistration.criSocket).toBe('unix:///run/crio/crio.sock');
    expect(cfg.cluster.featureGates).toEqual({ RootlessControlPlane: true });
    expect(cfg.cluster.imageRepository).toBe('mirror.example.com/k8s');
    expect(cfg.cluster.kubernetesVersion).toBe('v1.36.4');
    expect(cfg.init.nodeRegistration.name).toBe('cp-1');
    expect(cfg.cluster.networking).toEqual({ serviceSubnet: '10.112.0.0/12', podSubnet: '10.244.0.0/16', dnsDomain: 'corp.local' });
    expect(cfg.init.bootstrapTokens[0]!.token).toBe('zyxwvu.0123456789abcdef');
    expect(cfg.init.bootstrapTokens[0]!.ttl).toBe('2h0m0s');
    expect(cfg.init.patches).toEqual({ directory: '/etc/patches' });
  });

  test('flag values are validated after merging, with the field path', async () => {
    const err = await loadInitConfig({ flags: { 'service-cidr': '10.96.0.0/33' }, flagsSet: ['service-cidr'], dynamic }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems[0]!.path).toBe('ClusterConfiguration.networking.serviceSubnet');
  });

  test('bad flag syntax is a usage error', async () => {
    await expect(loadInitConfig({ flags: { 'feature-gates': 'Nope=true' }, flagsSet: ['feature-gates'], dynamic })).rejects.toThrow('unrecognized feature-gate key: Nope');
    await expect(loadInitConfig({ flags: { 'feature-gates': 'RootlessControlPlane=maybe' }, flagsSet: ['feature-gates'], dynamic })).rejects.toThrow(/invalid value maybe/);
    await expect(loadInitConfig({ flags: { token: 'short' }, flagsSet: ['token'], dynamic })).rejects.toBeInstanceOf(UsageError);
    await expect(loadInitConfig({ flags: { 'token-ttl': 'forever' }, flagsSet: ['token-ttl'], dynamic })).rejects.toBeInstanceOf(UsageError);
    await expect(loadInitConfig({ flags: { 'apiserver-bind-port': 'http' }, flagsSet: ['apiserver-bind-port'], dynamic })).rejects.toBeInstanceOf(UsageError);
  });

  test('a version label resolves to the pinned version, with a note', async () => {
    const cfg = await loadInitConfig({ flags: { 'kubernetes-version': 'stable' }, flagsSet: ['kubernetes-version'], dynamic });
    expect(cfg.cluster.kubernetesVersion).toBe('v1.37.2');
    expect(cfg.warnings.join('\n')).toMatch(/"stable" resolved to the pinned Kubernetes version v1.37.2/);
  });

  test('join: --token fills both tokens; control-plane flags without --control-plane warn', async () => {
    const cfg = await loadJoinConfig({
      flags: { token: 'abcdef.0123456789abcdef', 'discovery-token-ca-cert-hash': 'sha256:aa,sha256:bb', 'certificate-key': 'b'.repeat(64) },
      flagsSet: ['token', 'discovery-token-ca-cert-hash', 'certificate-key'],
      args: ['cp.example.com:6443', 'other:6443'],
      dynamic,
    });
    expect(cfg.join.discovery.bootstrapToken).toEqual({
      token: 'abcdef.0123456789abcdef',
      apiServerEndpoint: 'cp.example.com:6443',
      caCertHashes: ['sha256:aa', 'sha256:bb'],
      unsafeSkipCAVerification: false,
    });
    expect(cfg.join.discovery.tlsBootstrapToken).toBe('abcdef.0123456789abcdef');
    expect(cfg.join.controlPlane).toBeUndefined();
    expect(cfg.warnings.some((w) => w.includes('--control-plane is also required'))).toBe(true);
    expect(cfg.warnings.some((w) => w.includes('More than one API server endpoint'))).toBe(true);
  });

  test('reset: flags set win, cert-dir flag is used', async () => {
    const cfg = await loadResetConfig({ flags: { force: true, 'cert-dir': '/srv/pki', 'cleanup-tmp-dir': true }, flagsSet: ['force', 'cert-dir', 'cleanup-tmp-dir'], dynamic });
    expect(cfg.reset).toMatchObject({ force: true, certificatesDir: '/srv/pki', cleanupTmpDir: true });
    // `force` is not in kubeadm's list of flags allowed next to --config
    const withFile = loadResetConfig({ text: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\nforce: false\n', flags: { force: true }, flagsSet: ['config', 'force'], dynamic });
    await expect(withFile).rejects.toThrow("can not mix '--config' with arguments [force]");
    const dry = await loadResetConfig({ text: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\nforce: true\n', flags: { 'dry-run': true }, flagsSet: ['config', 'dry-run'], dynamic });
    expect(dry.reset).toMatchObject({ force: true, dryRun: true });
  });
});
