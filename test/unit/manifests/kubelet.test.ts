// Expectations from kubeadm v1.37.2 (app/componentconfigs/kubelet.go, app/phases/kubelet) and from
// files its `init phase kubelet-start` wrote (golden/kubelet-*; the run happened on host "vm",
// without a supported init system, so systemd-resolved counted as inactive).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  clusterDNSIP,
  defaultKubeletConfiguration,
  kubeletConfigurationYaml,
  renderInstanceConfig,
  renderKubeletConfigFile,
  renderKubeletFlagsEnv,
  taintToString,
} from '../../../src/manifests/kubelet.js';
import { formatGoDuration, goQuote, parseGoDuration } from '../../../src/manifests/gofmt.js';
import { loadPatches } from '../../../src/manifests/patches.js';
import { defaultCluster } from './fixtures.js';

const golden = (p: string) => readFileSync(fileURLToPath(new URL(`./golden/${p}`, import.meta.url)), 'utf8');

describe('kubeadm-flags.env', () => {
  it('hostname-override only when the node name differs from the hostname', () => {
    const nodeRegistration = { name: 'cp-1', taints: null, kubeletExtraArgs: [] };
    expect(renderKubeletFlagsEnv({ nodeRegistration, hostname: 'vm' })).toBe(golden('kubelet-default/kubeadm-flags.env'));
    expect(renderKubeletFlagsEnv({ nodeRegistration, hostname: 'cp-1' })).toBe('KUBELET_KUBEADM_ARGS=""\n');
  });
  it('extra args follow in the user order, quoted like Go %q', () => {
    const env = renderKubeletFlagsEnv({
      hostname: 'vm',
      nodeRegistration: {
        name: 'node-a',
        taints: null,
        kubeletExtraArgs: [
          { name: 'v', value: '2' },
          { name: 'node-ip', value: '10.0.0.10' },
          { name: 'max-pods', value: 'a b"c' },
        ],
      },
    });
    expect(env).toBe(golden('kubelet-rich/kubeadm-flags.env'));
  });
  it('worker join registers taints by flag; hostname-override extra arg replaces the computed one', () => {
    const env = renderKubeletFlagsEnv({
      hostname: 'w1',
      registerTaintsUsingFlags: true,
      nodeRegistration: {
        name: 'w1',
        taints: [
          { key: 'a', value: 'b', effect: 'NoSchedule' },
          { key: 'c', effect: 'NoExecute' },
        ],
        kubeletExtraArgs: [{ name: 'hostname-override', value: 'other' }],
      },
    });
    expect(env).toBe('KUBELET_KUBEADM_ARGS="--register-with-taints=a=b:NoSchedule,c:NoExecute --hostname-override=other"\n');
    expect(taintToString({ key: 'k', value: 'v', effect: '' as never })).toBe('k=v:');
  });
});

describe('instance-config.yaml', () => {
  it('holds the CRI endpoint, Go-quoted', () => {
    expect(renderInstanceConfig('unix:///var/run/containerd/containerd.sock')).toBe(golden('kubelet-default/instance-config.yaml'));
    expect(renderInstanceConfig('unix:///run/crio/crio.sock')).toBe(golden('kubelet-rich/instance-config.yaml'));
  });
});

describe('config.yaml', () => {
  it('default configuration matches kubeadm byte for byte', () => {
    const { config, warnings } = defaultKubeletConfiguration(defaultCluster());
    expect(warnings).toEqual([]);
    const instanceConfig = renderInstanceConfig('unix:///var/run/containerd/containerd.sock');
    const r = renderKubeletConfigFile({ config, systemdResolvedActive: false, instanceConfig });
    expect(r.content).toBe(golden('kubelet-default/config.yaml'));
    expect(r.log).toEqual(['[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kubeletconfiguration"']);
    // the cluster-wide copy has no node-local values
    expect(kubeletConfigurationYaml(config)).toContain('containerRuntimeEndpoint: ""\n');
  });

  it('user document, warnings and patches match kubeadm byte for byte', () => {
    const cluster = defaultCluster();
    cluster.networking = { serviceSubnet: 'fd02::/112,10.96.0.0/16', dnsDomain: 'corp.local' };
    const user = {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      clusterDNS: ['10.96.0.11'],
      healthzPort: 10249,
      readOnlyPort: 10255,
      cgroupDriver: 'cgroupfs',
      syncFrequency: '90s',
      cpuCFSQuotaPeriod: '100ms',
      evictionHard: { 'memory.available': '100Mi' },
      featureGates: { Foo: true },
      authentication: { anonymous: { enabled: true }, webhook: { cacheTTL: '2m' } },
      logging: { flushFrequency: '5s', verbosity: 3 },
      maxPods: 0,
      serializeImagePulls: false,
      tlsCipherSuites: [],
    };
    const { config, warnings } = defaultKubeletConfiguration(cluster, user);
    expect(warnings).toEqual([
      'The recommended value for "clusterDNS" in "KubeletConfiguration" is: [fd02::a]; the provided value is: [10.96.0.11]',
      'The recommended value for "authentication.anonymous.enabled" in "KubeletConfiguration" is: false; the provided value is: true',
      'The recommended value for "healthzPort" in "KubeletConfiguration" is: 10248; the provided value is: 10249',
      'The recommended value for "readOnlyPort" in "KubeletConfiguration" is: 0; the provided value is: 10255',
    ]);
    const dir = fileURLToPath(new URL('./golden/kubelet-rich/patches', import.meta.url));
    const { manager } = loadPatches('/tmp/patches', [
      { fileName: 'kubeletconfiguration+merge.yaml', content: readFileSync(`${dir}/kubeletconfiguration+merge.yaml`, 'utf8') },
    ]);
    const r = renderKubeletConfigFile({
      config,
      systemdResolvedActive: false,
      patches: manager,
      instanceConfig: renderInstanceConfig('unix:///run/crio/crio.sock'),
    });
    expect(r.content).toBe(golden('kubelet-rich/config.yaml'));
    expect(r.log).toEqual([
      '[patches] Applied patch of type "application/merge-patch+json" to target "kubeletconfiguration"',
      '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kubeletconfiguration"',
    ]);
  });

  it('sets resolvConf when systemd-resolved is active, warns when the user chose another', () => {
    const { config } = defaultKubeletConfiguration(defaultCluster());
    const r = renderKubeletConfigFile({ config, systemdResolvedActive: true, instanceConfig: renderInstanceConfig('x') });
    expect(r.content).toContain('resolvConf: /run/systemd/resolve/resolv.conf\n');
    expect(config.resolvConf).toBeUndefined();
    const other = defaultKubeletConfiguration(defaultCluster(), { resolvConf: '/etc/resolv.conf' });
    const r2 = renderKubeletConfigFile({ config: other.config, systemdResolvedActive: true, instanceConfig: renderInstanceConfig('x') });
    expect(r2.warnings).toEqual([
      'The recommended value for "resolvConf" in "KubeletConfiguration" is: /run/systemd/resolve/resolv.conf; the provided value is: /etc/resolv.conf',
    ]);
    expect(r2.content).toContain('resolvConf: /etc/resolv.conf\n');
  });
});

describe('helpers', () => {
  it('cluster DNS IP is the 10th address of the first service subnet', () => {
    expect(clusterDNSIP('10.96.0.0/12')).toBe('10.96.0.10');
    expect(clusterDNSIP('10.96.5.7/24')).toBe('10.96.5.10');
    expect(clusterDNSIP('fd02::/112,10.96.0.0/16')).toBe('fd02::a');
    expect(clusterDNSIP('10.0.0.0/29')).toBeUndefined();
  });
  it('Go durations and quoting', () => {
    expect(formatGoDuration(parseGoDuration('90s'))).toBe('1m30s');
    expect(formatGoDuration(parseGoDuration('2h'))).toBe('2h0m0s');
    expect(formatGoDuration(parseGoDuration('1.5s'))).toBe('1.5s');
    expect(formatGoDuration(parseGoDuration('100ms'))).toBe('100ms');
    expect(formatGoDuration(parseGoDuration('1500us'))).toBe('1.5ms');
    expect(formatGoDuration(0n)).toBe('0s');
    expect(goQuote('a"b\\c\n\u00e9')).toBe('"a\\"b\\\\c\\né"');
  });
});
