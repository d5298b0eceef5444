// Invalid configuration files and flag combinations, driven through the CLI as a user would type them.
// Each case comes from a rule kubeadm v1.37.2 applies (apis/kubeadm/validation, cmd/init.go, the
// workflow runner, cobra/pflag parsing). For every case: exit code 3, one message on stderr that names
// the field path or the flag, no stack trace at the default verbosity, and not one byte written under
// --rootfs, for `init` and for `init phase certs all`. Upstream's `kubeadm config validate` judging the
// same files: test/integration/invalid-vs-kubeadm.test.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, cleanupTmp, cli, errorLines, snapshot, tmpDir } from '../../helpers/cli.js';
import { BASE, FILE_CASES, withCluster } from '../../helpers/invalid-files.js';


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
