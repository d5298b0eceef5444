// Invalid configuration files and flag combinations, driven through the CLI as a user would type them.
// Each case comes from a rule kubeadm v1.37.2 applies (apis/kubeadm/validation, cmd/init.go, the
// workflow runner, cobra/pflag parsing). For every case: exit code 3, one message on stderr that names
// the field path or the flag, no stack trace at the default verbosity, and not one byte written under
// --rootfs, for `init` and for `init phase certs all`. The configuration files are also fed to the
// upstream `kubeadm config validate`, which must reject them too (unless marked as a tskubeadm rule).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, cleanupTmp, cli, errorLines, snapshot, tmpDir, upstream } from './helpers.js';

const V4 = 'apiVersion: kubeadm.k8s.io/v1beta4\n';
const INIT = V4 + 'kind: InitConfiguration\n';
const CLUSTER = V4 + 'kind: ClusterConfiguration\n';
// a node section that needs no host detection, so upstream and tskubeadm judge the same document
const NODE =
  'nodeRegistration:\n  name: cp-1\n  criSocket: unix:///run/containerd/containerd.sock\n' +
  'localAPIEndpoint:\n  advertiseAddress: 192.0.2.10\n  bindPort: 6443\n';
const BASE = INIT + NODE;
const withCluster = (body: string) => BASE + '---\n' + CLUSTER + body;

interface FileCase {
  name: string;
  text: string;
  /** what stderr must name: the field path (document.field...) */
  names: string;
  /** upstream `kubeadm config validate` accepts it: the rule is checked later upstream (e.g. by the API server) */
  upstreamAccepts?: true;
}

const FILE_CASES: FileCase[] = [
  { name: 'service subnet with a /33 prefix', text: withCluster('networking:\n  serviceSubnet: 10.96.0.0/33\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'service subnet that is not a CIDR', text: withCluster('networking:\n  serviceSubnet: 10.96.0.300/12\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'service subnet larger than 20 host bits', text: withCluster('networking:\n  serviceSubnet: 10.0.0.0/11\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'IPv6 service subnet too large', text: withCluster('networking:\n  serviceSubnet: fd00::/64\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'two IPv4 service subnets (not dual-stack)', text: withCluster('networking:\n  serviceSubnet: 10.96.0.0/12,10.112.0.0/12\n'), names: 'ClusterConfiguration.networking.serviceSubnet' },
  { name: 'two IPv6 pod subnets (not dual-stack)', text: withCluster('networking:\n  podSubnet: fd10::/56,fd20::/56\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'three pod subnets', text: withCluster('networking:\n  podSubnet: 10.244.0.0/16,fd10::/56,10.245.0.0/16\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'pod subnet smaller than the per-node mask', text: withCluster('networking:\n  podSubnet: 10.244.0.0/26\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'pod subnet without a prefix', text: withCluster('networking:\n  podSubnet: 10.244.0.0\n'), names: 'ClusterConfiguration.networking.podSubnet' },
  { name: 'DNS domain with an underscore', text: withCluster('networking:\n  dnsDomain: my_cluster.local\n'), names: 'ClusterConfiguration.networking.dnsDomain' },
  { name: 'advertise address that is not an IP', text: BASE.replace('192.0.2.10', 'cp.example.com'), names: 'InitConfiguration.localAPIEndpoint.advertiseAddress' },
  { name: 'advertise address out of range', text: BASE.replace('192.0.2.10', '192.0.2.256'), names: 'InitConfiguration.localAPIEndpoint.advertiseAddress' },
  { name: 'bind port above 65535', text: BASE.replace('bindPort: 6443', 'bindPort: 65536'), names: 'InitConfiguration.localAPIEndpoint.bindPort' },
  { name: 'negative bind port', text: BASE.replace('bindPort: 6443', 'bindPort: -1'), names: 'InitConfiguration.localAPIEndpoint.bindPort' },
  { name: 'bootstrap token with upper-case letters', text: BASE + 'bootstrapTokens:\n- token: ABCDEF.0123456789abcdef\n', names: 'InitConfiguration.bootstrapTokens[0].token' },
  { name: 'bootstrap token with a short secret', text: BASE + 'bootstrapTokens:\n- token: abcdef.0123456789\n', names: 'InitConfiguration.bootstrapTokens[0].token' },
  { name: 'bootstrap token with ttl and expires', text: BASE + 'bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  ttl: 1h0m0s\n  expires: "2031-05-01T00:00:00Z"\n', names: 'InitConfiguration.bootstrapTokens[0]' },
  { name: 'unknown field in InitConfiguration', text: BASE + 'nodeRegistrationz:\n  name: x\n', names: 'InitConfiguration.nodeRegistrationz' },
  { name: 'unknown nested field in ClusterConfiguration', text: withCluster('apiServer:\n  extraArgz: []\n'), names: 'ClusterConfiguration.apiServer.extraArgz' },
  { name: 'wrong type: a string where an object goes', text: withCluster('networking: "10.96.0.0/12"\n'), names: 'ClusterConfiguration.networking' },
  { name: 'wrong type: v1beta3 map form of kubeletExtraArgs', text: BASE.replace('  name: cp-1\n', '  name: cp-1\n  kubeletExtraArgs:\n    node-labels: a=b\n'), names: 'InitConfiguration.nodeRegistration.kubeletExtraArgs' },
  { name: 'duplicate ClusterConfiguration document', text: withCluster('clusterName: a\n') + '---\n' + CLUSTER + 'clusterName: b\n', names: 'ClusterConfiguration' },
  { name: 'unknown kubeadm API version', text: BASE + '---\napiVersion: kubeadm.k8s.io/v1beta9\nkind: ClusterConfiguration\n', names: 'kubeadm.k8s.io/v1beta9' },
  { name: 'local and external etcd together', text: withCluster('etcd:\n  local:\n    dataDir: /var/lib/etcd\n  external:\n    endpoints: ["https://192.0.2.20:2379"]\n'), names: 'ClusterConfiguration.etcd' },
  { name: 'relative local etcd data directory', text: withCluster('etcd:\n  local:\n    dataDir: lib/etcd\n'), names: 'ClusterConfiguration.etcd.local.dataDir' },
  { name: 'unknown feature gate', text: withCluster('featureGates:\n  TotallyMadeUpGate: true\n'), names: 'ClusterConfiguration.featureGates' },
  { name: 'taint with an unknown effect', text: BASE.replace('  name: cp-1\n', '  name: cp-1\n  taints:\n  - key: dedicated\n    value: x\n    effect: NoExecutePlease\n'), names: 'InitConfiguration.nodeRegistration.taints[0].effect', upstreamAccepts: true },
  { name: 'unknown image pull policy', text: BASE.replace('  name: cp-1\n', '  name: cp-1\n  imagePullPolicy: Often\n'), names: 'InitConfiguration.nodeRegistration.imagePullPolicy' },
  { name: 'unknown encryption algorithm', text: withCluster('encryptionAlgorithm: DSA-1024\n'), names: 'ClusterConfiguration.encryptionAlgorithm' },
  { name: 'certificate validity period that is not a duration', text: withCluster('certificateValidityPeriod: 1y\n'), names: 'ClusterConfiguration.certificateValidityPeriod' },
  { name: 'timeout that is not a duration', text: BASE + 'timeouts:\n  controlPlaneComponentHealthCheck: 4 minutes\n', names: 'InitConfiguration.timeouts.controlPlaneComponentHealthCheck' },
  { name: 'certificate key of 30 hex characters', text: BASE + 'certificateKey: 0123456789abcdef0123456789abcd\n', names: 'InitConfiguration.certificateKey' },
  { name: 'certificate key that is not hex', text: BASE + 'certificateKey: ' + 'g'.repeat(64) + '\n', names: 'InitConfiguration.certificateKey' },
  { name: 'node name with an underscore', text: BASE.replace('name: cp-1', 'name: cp_1'), names: 'InitConfiguration.nodeRegistration.name' },
  { name: 'control-plane endpoint with port 0', text: withCluster('controlPlaneEndpoint: "lb.example.com:0"\n'), names: 'ClusterConfiguration.controlPlaneEndpoint' },
  { name: 'kubernetes version below the supported minimum', text: withCluster('kubernetesVersion: v1.30.4\n'), names: 'ClusterConfiguration.kubernetesVersion' },
  { name: 'relative certificatesDir', text: withCluster('certificatesDir: etc/pki\n'), names: 'ClusterConfiguration.certificatesDir' },
  { name: 'API server SAN with a space', text: withCluster('apiServer:\n  certSANs: ["api server.example.com"]\n'), names: 'ClusterConfiguration.apiServer.certSANs' },
  { name: 'JSON document with a bad pod subnet', text: JSON.stringify({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', networking: { podSubnet: 'not-a-cidr' } }), names: 'ClusterConfiguration.networking.podSubnet' },
];

interface FlagCase {
  name: string;
  args: string[];
  /** the flag or field path stderr must name */
  names: string;
}

// flags `init` takes; the subset `init phase certs all` inherits is tried there too
const INIT_FLAG_CASES: FlagCase[] = [
  { name: '--config mixed with --pod-network-cidr', args: ['--config', '@ok', '--pod-network-cidr', '10.244.0.0/16'], names: 'pod-network-cidr' },
  { name: '--config mixed with --token', args: ['--config', '@ok', '--token', 'abcdef.0123456789abcdef'], names: 'token' },
  { name: 'unknown phase in --skip-phases', args: ['--skip-phases', 'certs/frobnicate'], names: 'certs/frobnicate' },
  { name: 'non-numeric --v', args: ['--v=loud'], names: '--v' },
  { name: '--v above 10', args: ['--v=11'], names: '--v' },
  { name: 'unknown flag', args: ['--frobnicate'], names: '--frobnicate' },
  { name: "'all' plus a named check in --ignore-preflight-errors", args: ['--ignore-preflight-errors', 'all,Swap'], names: 'ignore-preflight-errors' },
  { name: 'malformed --token', args: ['--token', 'abc.def'], names: 'abc.def' },
  { name: '--service-cidr with a /33 prefix', args: ['--service-cidr', '10.96.0.0/33'], names: 'serviceSubnet' },
  { name: '--pod-network-cidr that is not a CIDR', args: ['--pod-network-cidr', '10.244.0.0/16/1'], names: 'podSubnet' },
  { name: '--apiserver-advertise-address that is not an IP', args: ['--apiserver-advertise-address', '10.0.0'], names: 'advertiseAddress' },
  { name: '--apiserver-bind-port out of range', args: ['--apiserver-bind-port', '99999'], names: 'bindPort' },
  { name: '--apiserver-bind-port that is not a number', args: ['--apiserver-bind-port', 'https'], names: '--apiserver-bind-port' },
  { name: 'unknown feature gate in --feature-gates', args: ['--feature-gates', 'TotallyMadeUpGate=true'], names: 'TotallyMadeUpGate' },
  { name: '--token-ttl that is not a duration', args: ['--token-ttl', 'tomorrow'], names: '--token-ttl' },
  { name: '--certificate-key that is not hex', args: ['--certificate-key', 'x'.repeat(64)], names: 'certificateKey' },
  { name: '--dry-run with a non-boolean value', args: ['--dry-run=perhaps'], names: '--dry-run' },
  { name: '--node-name that is not DNS-1123', args: ['--node-name', 'node_one'], names: 'nodeRegistration.name' },
  { name: '--kubernetes-version that is neither a version nor a label', args: ['--kubernetes-version', 'v1.x'], names: 'kubernetesVersion' },
  { name: 'relative --cert-dir', args: ['--cert-dir', 'pki'], names: 'certificatesDir' },
  { name: 'unexpected positional argument', args: ['extra-arg'], names: 'unknown command "extra-arg"' },
];

const CERTS_ALL_FLAG_CASES: FlagCase[] = [
  { name: 'flag certs all does not inherit (--node-name)', args: ['--node-name', 'x'], names: '--node-name' },
  { name: 'flag certs all does not inherit (--pod-network-cidr)', args: ['--pod-network-cidr', '10.244.0.0/16'], names: '--pod-network-cidr' },
  { name: 'relative --cert-dir', args: ['--cert-dir', 'pki'], names: 'certificatesDir' },
  { name: '--service-cidr with a /33 prefix', args: ['--service-cidr', '10.96.0.0/33'], names: 'serviceSubnet' },
  { name: '--kubernetes-version that is neither a version nor a label', args: ['--kubernetes-version', 'v1.x'], names: 'kubernetesVersion' },
  { name: '--apiserver-advertise-address that is not an IP', args: ['--apiserver-advertise-address', '10.0.0'], names: 'advertiseAddress' },
  { name: '--service-dns-domain with an underscore', args: ['--service-dns-domain', 'a_b'], names: 'dnsDomain' },
  { name: '--apiserver-cert-extra-sans with a space', args: ['--apiserver-cert-extra-sans', 'a b'], names: 'certSANs' },
  { name: '--config mixed with --service-cidr', args: ['--config', '@ok', '--service-cidr', '10.96.0.0/12'], names: 'service-cidr' },
  { name: 'non-numeric --v', args: ['--v=loud'], names: '--v' },
  { name: '--dry-run with a non-boolean value', args: ['--dry-run=perhaps'], names: '--dry-run' },
  { name: 'unexpected positional argument', args: ['extra-arg'], names: 'unknown command "extra-arg"' },
];

let work: string;
let okConfig: string;

beforeAll(() => {
  work = tmpDir('tsk-invalid-');
  okConfig = path.join(work, 'ok.yaml');
  fs.writeFileSync(okConfig, BASE);
});
afterAll(cleanupTmp);

function writeCase(text: string): string {
  const f = path.join(tmpDir('tsk-case-'), 'kubeadm.yaml');
  fs.writeFileSync(f, text);
  return f;
}

/** A rootfs that already holds something, so both "created" and "changed" would show in the snapshot. */
function freshRootfs(): string {
  const root = tmpDir('tsk-rootfs-');
  fs.mkdirSync(path.join(root, 'etc/kubernetes/pki'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/hostname'), 'cp-1\n');
  return root;
}

async function expectRejected(command: string[], extra: string[], names: string): Promise<void> {
  const root = freshRootfs();
  const before = snapshot(root);
  const r = await cli([...command, ...extra, '--rootfs', root]);
  expect(r.code, `stderr: ${r.stderr}`).toBe(3);
  expect(r.stderr).toContain(names);
  expect(r.stderr).not.toMatch(STACK_LINE);
  const errs = errorLines(r.stderr);
  // one message: a single line, or a header followed by tab-indented problem lines
  expect(errs.length, r.stderr).toBeGreaterThanOrEqual(1);
  expect(errs.slice(1).every((l) => l.startsWith('\t')), r.stderr).toBe(true);
  // printed once
  const first = errs[0]!;
  expect(r.stderr.split(first).length - 1, r.stderr).toBe(1);
  expect(snapshot(root)).toEqual(before);
}

describe('invalid configuration files through the CLI', () => {
  it('has at least 30 file cases', () => {
    expect(FILE_CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of FILE_CASES) {
    describe(c.name, () => {
      it('init: exit 3, names the field, writes nothing', async () => {
        await expectRejected(['init'], ['--config', writeCase(c.text)], c.names);
      });
      it('init phase certs all: exit 3, names the field, writes nothing', async () => {
        await expectRejected(['init', 'phase', 'certs', 'all'], ['--config', writeCase(c.text)], c.names);
      });
      it('config validate: exit 3 and names the field', async () => {
        const r = await cli(['config', 'validate', '--config', writeCase(c.text)]);
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr).toContain(c.names);
        expect(r.stdout).not.toContain('ok');
      });
      if (c.upstreamAccepts) {
        it('upstream kubeadm config validate accepts it (rule checked later upstream)', () => {
          expect(upstream(['config', 'validate', '--config', writeCase(c.text)]).code).toBe(0);
        });
      } else {
        it('upstream kubeadm config validate rejects it too', () => {
          const r = upstream(['config', 'validate', '--config', writeCase(c.text)]);
          expect(r.code, r.stdout + r.stderr).not.toBe(0);
        });
      }
    });
  }
});

const resolveArgs = (args: string[]) => args.map((a) => (a === '@ok' ? okConfig : a));

describe('invalid flags through the CLI', () => {
  it('has enough flag cases', () => {
    expect(INIT_FLAG_CASES.length + CERTS_ALL_FLAG_CASES.length).toBeGreaterThanOrEqual(30);
  });
  for (const c of INIT_FLAG_CASES) {
    it(`init ${c.name}: exit 3, names ${c.names}, writes nothing`, async () => {
      await expectRejected(['init'], resolveArgs(c.args), c.names);
    });
  }
  for (const c of CERTS_ALL_FLAG_CASES) {
    it(`init phase certs all ${c.name}: exit 3, names ${c.names}, writes nothing`, async () => {
      await expectRejected(['init', 'phase', 'certs', 'all'], resolveArgs(c.args), c.names);
    });
  }
});

describe('stack traces', () => {
  it('are printed at --v=5 (and not at the default verbosity)', async () => {
    const f = writeCase(withCluster('networking:\n  serviceSubnet: 10.96.0.0/33\n'));
    const root = freshRootfs();
    const quiet = await cli(['init', '--config', f, '--rootfs', root]);
    const loud = await cli(['init', '--config', f, '--rootfs', root, '--v=5']);
    expect(quiet.code).toBe(3);
    expect(loud.code).toBe(3);
    expect(quiet.stderr).not.toMatch(STACK_LINE);
    expect(loud.stderr).toMatch(STACK_LINE);
    expect(loud.stderr).toContain('ClusterConfiguration.networking.serviceSubnet');
  });

  it('are printed at --v 7 given before the command', async () => {
    const r = await cli(['--v', '7', 'init', '--skip-phases', 'nope', '--rootfs', freshRootfs()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(STACK_LINE);
  });

  it('an out-of-range --v does not switch stack traces on', async () => {
    for (const v of ['--v=11', '--v=99', '-v=50']) {
      const r = await cli(['init', v, '--rootfs', freshRootfs()]);
      expect(r.code, v).toBe(3);
      expect(r.stderr, v).not.toMatch(STACK_LINE);
    }
  });
});
