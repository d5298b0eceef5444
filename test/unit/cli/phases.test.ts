// The phase commands generated from the init phase tree: help listings in kubeadm's format, non-leaf
// behaviour, and --skip-phases / config skipPhases selecting exactly what runs. Compared with the
// upstream kubeadm binary: test/integration/cli-phases-vs-kubeadm.test.ts.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, snapshot, tmpDir } from '../../helpers/cli.js';
import { initConfig } from '../../helpers/configs.js';
import { pathsOf, phaseList, subcommands, type ListedPhase } from '../../helpers/help.js';

let ours: { lines: string[]; phases: ListedPhase[] };
/** our phase paths, e.g. "certs/apiserver" */
let ourPaths: string[];

beforeAll(async () => {
  const r = await cli(['init', '--help']);
  expect(r.code).toBe(0);
  ours = phaseList(r.stdout, 'init');
  ourPaths = pathsOf(ours.phases);
});
afterAll(cleanupTmp);

describe('init --help phase list', () => {
  it('uses kubeadm layout: two spaces per level, "/" before children, descriptions in one column two past the longest name', () => {
    for (const [i, p] of ours.phases.entries()) {
      const line = ours.lines[i]!;
      expect(line.startsWith(' '.repeat(2 * p.level) + (p.level > 0 ? '/' : '') + p.name)).toBe(true);
    }
    const longest = Math.max(...ours.phases.map((p) => (p.level > 0 ? 1 : 0) + p.name.length));
    // kubeadm: padding = maxLength - len(use) + 2, after an indentation of 2*level
    for (const p of ours.phases) expect(p.column - 2 * p.level, p.name).toBe(longest + 2);
  });

  it('never lists the "all" pseudo-phases', () => {
    expect(ours.phases.map((p) => p.name)).not.toContain('all');
  });
});

describe('generated phase commands', () => {
  it('init phase --help lists every top-level phase as a command', async () => {
    const r = await cli(['init', 'phase', '--help']);
    expect(r.code).toBe(0);
    const top = ours.phases.filter((p) => p.level === 0).map((p) => p.name);
    expect(subcommands(r.stdout).sort()).toEqual([...top].sort());
  });

  it('init phase certs --help lists its children and "all"', async () => {
    const r = await cli(['init', 'phase', 'certs', '--help']);
    expect(r.code).toBe(0);
    const children = ourPaths.filter((p) => p.startsWith('certs/')).map((p) => p.slice('certs/'.length));
    expect(children.length).toBeGreaterThan(5);
    expect(subcommands(r.stdout).sort()).toEqual(['all', ...children].sort());
  });

  it('a phase command refuses a flag its phase does not inherit', async () => {
    const r = await cli(['init', 'phase', 'certs', 'all', '--node-name', 'x', '--rootfs', tmpDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--node-name');
  });

  it('a phase command accepts a flag its phase inherits (kubeconfig kubelet --node-name)', async () => {
    const root = tmpDir();
    const ca = await cli(['init', 'phase', 'certs', 'ca', '--rootfs', root]);
    expect(ca.code, ca.stderr).toBe(0);
    const r = await cli([
      'init', 'phase', 'kubeconfig', 'kubelet',
      '--node-name', 'worker-x', '--apiserver-advertise-address', '192.0.2.10', '--rootfs', root,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const conf = fs.readFileSync(path.join(root, 'etc/kubernetes/kubelet.conf'), 'utf8');
    expect(conf).toContain('system:node:worker-x');
    expect(conf).toContain('https://192.0.2.10:6443');
  });

  it('a non-leaf phase without a subcommand prints its help and fails', async () => {
    const root = tmpDir();
    const before = snapshot(root);
    const r = await cli(['init', 'phase', 'certs', '--rootfs', root]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/Usage: .*init phase certs/);
    expect(subcommands(r.stdout)).toContain('all');
    expect(r.stderr).toContain('subcommand');
    expect(snapshot(root)).toEqual(before);
  });

  it('"init phase" alone prints its help and fails', async () => {
    const r = await cli(['init', 'phase']);
    expect(r.code).not.toBe(0);
    expect(subcommands(r.stdout)).toContain('certs');
  });
});

describe('--skip-phases and skipPhases', () => {
  // everything but certs: the phases after certs need a kubelet and an API server
  const skipAllBut = (keep: string) => ourPaths.filter((p) => !p.includes('/') && p !== keep);
  const CFG = initConfig({ nodeName: 'cp-1', address: '192.0.2.10', cluster: false });
  const pkiFiles = (root: string) =>
    snapshot(path.join(root, 'etc/kubernetes/pki'))
      .filter((l) => l.startsWith('f '))
      .map((l) => l.split(' ')[1]!)
      .sort();

  let full: string[];
  beforeAll(async () => {
    const root = tmpDir();
    const cfg = path.join(root, '..', path.basename(root) + '.yaml');
    fs.writeFileSync(cfg, CFG);
    const r = await cli(['init', '--config', cfg, '--skip-phases', skipAllBut('certs').join(','), '--rootfs', root]);
    expect(r.code, r.stderr).toBe(0);
    full = pkiFiles(root);
    fs.rmSync(cfg);
  });

  it('certs alone writes the full set (the reference for the next cases)', () => {
    expect(full).toContain('apiserver.crt');
    expect(full).toContain('ca.key');
    expect(full).toContain('sa.pub');
  });

  it('--skip-phases certs/apiserver skips only that certificate', async () => {
    const root = tmpDir();
    const r = await cli(['init', '--skip-phases', [...skipAllBut('certs'), 'certs/apiserver'].join(','), '--apiserver-advertise-address', '192.0.2.10', '--node-name', 'cp-1', '--rootfs', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(pkiFiles(root)).toEqual(full.filter((f) => f !== 'apiserver.crt' && f !== 'apiserver.key'));
    expect(r.stdout).not.toContain('Generating "apiserver" certificate');
  });

  it('the config file skipPhases applies when --skip-phases is empty', async () => {
    const root = tmpDir();
    const cfg = path.join(tmpDir(), 'c.yaml');
    fs.writeFileSync(cfg, CFG + 'skipPhases:\n' + [...skipAllBut('certs'), 'certs/apiserver'].map((p) => `- ${p}\n`).join(''));
    const r = await cli(['init', '--config', cfg, '--rootfs', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(pkiFiles(root)).toEqual(full.filter((f) => f !== 'apiserver.crt' && f !== 'apiserver.key'));
  });

  it('--skip-phases replaces the config file skipPhases', async () => {
    const root = tmpDir();
    const cfg = path.join(tmpDir(), 'c.yaml');
    fs.writeFileSync(cfg, CFG + 'skipPhases:\n' + [...skipAllBut('certs'), 'certs/apiserver'].map((p) => `- ${p}\n`).join(''));
    const r = await cli(['init', '--config', cfg, '--skip-phases', [...skipAllBut('certs'), 'certs/sa'].join(','), '--rootfs', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(pkiFiles(root)).toEqual(full.filter((f) => f !== 'sa.key' && f !== 'sa.pub'));
  });

  it('skipping a parent skips its children', async () => {
    const root = tmpDir();
    const r = await cli(['init', '--skip-phases', ourPaths.filter((p) => !p.includes('/')).join(','), '--apiserver-advertise-address', '192.0.2.10', '--node-name', 'cp-1', '--rootfs', root]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(root, 'etc/kubernetes/pki/ca.crt'))).toBe(false);
  });

  it('an unknown phase name in the config skipPhases is refused before anything is written', async () => {
    const root = tmpDir();
    const cfg = path.join(tmpDir(), 'c.yaml');
    fs.writeFileSync(cfg, CFG + 'skipPhases:\n- certs/nope\n');
    const before = snapshot(root);
    const r = await cli(['init', '--config', cfg, '--rootfs', root]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('certs/nope');
    expect(snapshot(root)).toEqual(before);
  });
});
