// Exit codes and error rendering: 0 success, 1 error, 2 preflight failure, 3 invalid configuration or usage;
// each error printed once; a failing phase is reported as "error execution phase <name>: ...".

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACK_LINE, cleanupTmp, cli, errorLines, tmpDir } from '../../helpers/cli.js';
import { initConfig } from '../../helpers/configs.js';

afterAll(cleanupTmp);

const count = (hay: string, needle: string) => hay.split(needle).length - 1;
const CFG = initConfig({ nodeName: 'cp-1', address: '192.0.2.10', cluster: false });

function configFile(nodeName = 'cp-1'): string {
  const f = path.join(tmpDir(), 'kubeadm.yaml');
  fs.writeFileSync(f, CFG.replace('name: cp-1', `name: ${nodeName}`));
  return f;
}

describe('exit 0', () => {
  for (const argv of [['version'], ['--help'], ['init', '--help'], ['init', 'phase', 'certs', 'all', '--help'], ['config', 'print', 'init-defaults'], ['help']]) {
    it(`tskubeadm ${argv.join(' ')}`, async () => {
      const r = await cli(argv);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.length).toBeGreaterThan(0);
    });
  }

  it('bare tskubeadm prints the help on stdout', async () => {
    const r = await cli([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe((await cli(['--help'])).stdout);
  });

  it('the top-level help is the same whether or not the init command was loaded', async () => {
    // `help` loads every command module, `--help` registers init by name only
    const a = await cli(['--help']);
    const b = await cli(['help']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^ {2}init \[options\] +\S/m);
  });
});

describe('exit 1: a phase fails', () => {
  it('init phase kubeconfig admin without a CA: prefixed once, no stack, hint to the stack trace', async () => {
    const root = tmpDir();
    const r = await cli(['init', 'phase', 'kubeconfig', 'admin', '--apiserver-advertise-address', '192.0.2.10', '--rootfs', root]);
    expect(r.code).toBe(1);
    const errs = errorLines(r.stderr);
    expect(errs[0]).toMatch(/^error: error execution phase kubeconfig\/admin: /);
    expect(count(r.stderr, 'error execution phase')).toBe(1);
    expect(count(r.stderr, errs[0]!)).toBe(1);
    expect(errs[0]).toContain('ca.crt');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(count(r.stderr, 'To see the stack trace of this error execute with --v=5 or higher')).toBe(1);
    expect(fs.existsSync(path.join(root, 'etc/kubernetes/admin.conf'))).toBe(false);
  });

  it('init whose certs/ca phase meets a corrupt ca.crt names that phase', async () => {
    const root = tmpDir();
    fs.mkdirSync(path.join(root, 'etc/kubernetes/pki'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/kubernetes/pki/ca.crt'), 'not a certificate\n');
    fs.writeFileSync(path.join(root, 'etc/kubernetes/pki/ca.key'), 'not a key\n');
    const r = await cli(['init', '--config', configFile(), '--skip-phases', 'preflight', '--rootfs', root]);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(/^error: error execution phase certs\/ca: /);
    expect(count(r.stderr, 'error execution phase')).toBe(1);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('at --v=5 the same failure carries the stack trace (once per error in the cause chain)', async () => {
    const root = tmpDir();
    const r = await cli(['init', 'phase', 'kubeconfig', 'admin', '--apiserver-advertise-address', '192.0.2.10', '--rootfs', root, '--v=5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(STACK_LINE);
    expect(r.stderr).toMatch(/^PhaseError: error execution phase kubeconfig\/admin/m);
    expect(count(r.stderr, 'To see the stack trace')).toBe(0);
  });
});

describe('exit 2: preflight fails', () => {
  it('an existing kube-apiserver manifest fails preflight with the phase prefix and the ignore hint', async () => {
    const root = tmpDir();
    fs.mkdirSync(path.join(root, 'etc/kubernetes/manifests'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'x\n');
    // preflight looks the node name up: one /etc/hosts has, so no DNS query leaves this machine
    const r = await cli(['init', 'phase', 'preflight', '--config', configFile('localhost'), '--rootfs', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]');
    expect(count(r.stderr, '[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]')).toBe(1);
    expect(count(r.stderr, 'error execution phase preflight')).toBe(1);
    expect(r.stderr).toContain('--ignore-preflight-errors');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe('exit 3: invalid usage', () => {
  for (const argv of [['frobnicate'], ['init', 'frob'], ['init', 'phase', 'nope'], ['version', 'extra'], ['init', '--skip-phases', 'nope'], ['config', 'print', 'bogus-defaults']]) {
    it(`tskubeadm ${argv.join(' ')}: one message, no stack`, async () => {
      const r = await cli([...argv, '--rootfs', tmpDir()]);
      expect(r.code, r.stderr).toBe(3);
      const errs = errorLines(r.stderr);
      expect(errs.length, r.stderr).toBe(1);
      expect(count(r.stderr, errs[0]!)).toBe(1);
      expect(r.stderr).not.toMatch(STACK_LINE);
    });
  }

  it('an unknown command in a phase tree is reported the way cobra does', async () => {
    const r = await cli(['init', 'phase', 'certs', 'nope']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('unknown command "nope" for "tskubeadm init phase certs"');
    expect(r.stderr).toContain("See 'tskubeadm init phase certs --help' for usage.");
  });
});
