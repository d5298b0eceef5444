// `init phase addon coredns|kube-proxy --print-manifest` against the upstream kubeadm v1.37.2 binary:
// the same configuration file given to both, standard output compared byte for byte. Upstream runs
// without --rootfs (it then writes nothing for this command); tskubeadm runs confined to an empty
// --rootfs that must stay unchanged. The file sits at the same path inside that rootfs as outside,
// so the comparison holds whether the config is read inside the rootfs (as kubeadm's chroot does) or not.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, errorLines, snapshot, tmpDir } from '../helpers/cli.js';
import { upstream } from './helpers/upstream.js';
import { initConfig } from '../helpers/configs.js';

afterAll(cleanupTmp);

const PLAIN = initConfig({ address: '10.1.2.3', criSocket: 'unix:///var/run/containerd/containerd.sock' });

// IPv6 endpoint and networks, custom registries and DNS domain, a control-plane endpoint without a
// port, and a user KubeProxyConfiguration (printed inside the kube-proxy ConfigMap)
const CUSTOM = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: fd00::10
  bindPort: 7443
nodeRegistration:
  name: node1
  criSocket: unix:///var/run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.1
imageRepository: my.registry.example/k8s
controlPlaneEndpoint: cp.example.net
networking:
  podSubnet: fd01::/64
  serviceSubnet: fd02::/112
  dnsDomain: corp.internal
dns:
  imageRepository: other.example/dns
  imageTag: v9.9.9
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
conntrack:
  maxPerCore: 0
ipvs:
  scheduler: rr
`;

// both add-ons disabled: a phase command still runs its phase (only the main command skips them)
const DISABLED = PLAIN + 'dns:\n  disabled: true\nproxy:\n  disabled: true\n';

/** A config file at <dir>/kubeadm.yaml, copied to the same path under a fresh rootfs. */
function setup(text: string): { cfg: string; root: string } {
  const dir = tmpDir('tsk-pm-cfg-');
  const cfg = path.join(dir, 'kubeadm.yaml');
  fs.writeFileSync(cfg, text);
  const root = tmpDir('tsk-pm-root-');
  fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, cfg), text);
  return { cfg, root };
}

describe('init phase addon ... --print-manifest prints what upstream kubeadm prints', () => {
  for (const [name, text] of [
    ['plain IPv4', PLAIN],
    ['IPv6 with custom settings and a KubeProxyConfiguration', CUSTOM],
    ['both add-ons disabled', DISABLED],
  ] as const) {
    for (const addon of ['coredns', 'kube-proxy']) {
      it(`${addon}, ${name}`, async () => {
        const { cfg, root } = setup(text);
        const argv = ['init', 'phase', 'addon', addon, '--print-manifest', '--config', cfg];
        const u = upstream(argv);
        expect(u.code, u.stderr).toBe(0);
        expect(u.stdout).toMatch(/^---\n?apiVersion: /);
        const before = snapshot(root);
        const t = await cli([...argv, '--rootfs', root]);
        expect(t.code, t.stderr).toBe(0);
        expect(t.stdout).toBe(u.stdout);
        expect(errorLines(t.stderr)).toEqual(errorLines(u.stderr));
        expect(snapshot(root)).toEqual(before);
      });
    }
  }

  // with a patches directory in the config kubeadm re-marshals the workload (sorted keys) after
  // patching it, and prints its "[patches]" lines first; an empty directory still re-marshals
  const PATCHES: Record<string, string> = {
    'corednsdeployment+strategic.yaml':
      'spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: coredns\n        resources:\n          limits:\n            memory: 300Mi\n        env:\n        - name: FOO\n          value: "1"\n',
    'kubeproxydaemonset+json.json': '[{"op":"add","path":"/spec/template/spec/priorityClassName","value":"x"}]\n',
    'kubeproxydaemonset0+merge.yaml': 'metadata:\n  labels:\n    extra: "yes"\nspec:\n  template:\n    spec:\n      tolerations:\n      - key: a\n        operator: Exists\n',
    'etcd.yaml': '\n',
    'notes.txt': 'not a patch\n',
  };
  for (const [name, files] of [
    ['an empty patches directory', {}],
    ['patches for both workloads', PATCHES],
  ] as const) {
    for (const addon of ['coredns', 'kube-proxy']) {
      it(`${addon} with ${name}`, async () => {
        const pdir = tmpDir('tsk-pm-patches-');
        for (const [f, c] of Object.entries(files)) fs.writeFileSync(path.join(pdir, f), c);
        const { cfg, root } = setup(PLAIN.replace('localAPIEndpoint:', `patches:\n  directory: ${pdir}\nlocalAPIEndpoint:`));
        fs.cpSync(pdir, path.join(root, pdir), { recursive: true });
        const argv = ['init', 'phase', 'addon', addon, '--print-manifest', '--config', cfg];
        const u = upstream(argv);
        expect(u.code, u.stderr).toBe(0);
        expect(u.stdout).toContain(`[patches] Reading patches from path "${pdir}"`);
        const before = snapshot(root);
        const t = await cli([...argv, '--rootfs', root]);
        expect(t.code, t.stderr).toBe(0);
        expect(t.stdout).toBe(u.stdout);
        expect(snapshot(root)).toEqual(before);
      });
    }
  }

  for (const [addon, flags] of [
    ['coredns', ['--image-repository', 'reg.example/x', '--service-cidr', '10.200.0.0/16', '--service-dns-domain', 'foo.bar']],
    [
      'kube-proxy',
      ['--image-repository', 'reg.example/x', '--pod-network-cidr', '10.244.0.0/16', '--apiserver-advertise-address', '192.0.2.7', '--apiserver-bind-port', '8443', '--control-plane-endpoint', 'lb.example:443'],
    ],
  ] as const) {
    it(`${addon} from flags instead of a config file`, async () => {
      const root = tmpDir('tsk-pm-root-');
      const argv = ['init', 'phase', 'addon', addon, '--print-manifest', '--kubernetes-version', 'v1.36.3', ...flags];
      const u = upstream(argv);
      expect(u.code, u.stderr).toBe(0);
      const t = await cli([...argv, '--rootfs', root]);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toBe(u.stdout);
      // the control-plane endpoint's port overriding --apiserver-bind-port is warned about by both
      const warning = '[endpoint] WARNING: port specified in controlPlaneEndpoint overrides bindPort in the controlplane address';
      expect(u.stderr.includes(warning)).toBe(addon === 'kube-proxy');
      expect(t.stderr.includes(warning)).toBe(u.stderr.includes(warning));
      expect(errorLines(t.stderr)).toEqual(errorLines(u.stderr));
      expect(snapshot(root)).toEqual(['d . 700']);
    });
  }

  it('needs no kubeconfig: a missing --kubeconfig only matters without --print-manifest', async () => {
    const { cfg, root } = setup(PLAIN);
    const missing = path.join(tmpDir(), 'no-such-admin.conf');
    for (const addon of ['coredns', 'kube-proxy']) {
      const argv = ['init', 'phase', 'addon', addon, '--config', cfg, '--kubeconfig', missing];
      const u = upstream([...argv, '--print-manifest']);
      expect(u.code, u.stderr).toBe(0);
      const t = await cli([...argv, '--print-manifest', '--rootfs', root]);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toBe(u.stdout);

      const u2 = upstream(argv);
      expect(u2.code).not.toBe(0);
      expect(u2.stderr).toContain(missing);
      const t2 = await cli([...argv, '--rootfs', root]);
      expect(t2.code).not.toBe(0);
      expect(t2.stderr).toContain(missing);
      expect(t2.stdout).toBe('');
    }
  });

  it('--print-manifest=false installs as usual (and so needs the kubeconfig)', async () => {
    const { cfg, root } = setup(PLAIN);
    const missing = path.join(tmpDir(), 'no-such-admin.conf');
    const argv = ['init', 'phase', 'addon', 'coredns', '--config', cfg, '--kubeconfig', missing, '--print-manifest=false'];
    expect(upstream(argv).code).not.toBe(0);
    const t = await cli([...argv, '--rootfs', root]);
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain(missing);
  });

  for (const argv of [
    ['init', 'phase', 'addon', 'all', '--print-manifest'],
    ['init', '--print-manifest'],
  ]) {
    it(`${argv.join(' ')} is an unknown flag, as upstream`, async () => {
      const { cfg, root } = setup(PLAIN);
      const u = upstream([...argv, '--config', cfg]);
      expect(u.code).not.toBe(0);
      expect(u.stderr).toContain('unknown flag: --print-manifest');
      const before = snapshot(root);
      const t = await cli([...argv, '--config', cfg, '--rootfs', root]);
      expect(t.code).toBe(3);
      expect(t.stdout).toBe('');
      expect(t.stderr).toContain('--print-manifest');
      expect(snapshot(root)).toEqual(before);
    });
  }
});
