// The phase commands generated from the init phase tree: help listings in kubeadm's format, the flags each
// phase command takes (compared with the upstream kubeadm binary), non-leaf behaviour, and --skip-phases
// / config skipPhases selecting exactly what runs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, snapshot, tmpDir, upstream } from './helpers.js';

interface ListedPhase {
  level: number;
  name: string;
  short: string;
  /** column where the description starts */
  column: number;
}

/** The phase block of a workflow command's help, parsed. */
function phaseList(help: string, command: string): { lines: string[]; phases: ListedPhase[] } {
  const head = `The "${command}" command executes the following phases:\n\`\`\`\n`;
  const start = help.indexOf(head);
  expect(start, `no phase list in:\n${help}`).toBeGreaterThanOrEqual(0);
  const body = help.slice(start + head.length);
  const end = body.indexOf('```');
  expect(end).toBeGreaterThan(0);
  const lines = body.slice(0, end).split('\n').filter((l) => l !== '');
  const phases = lines.map((l) => {
    const m = /^( *)(\/?)([a-z0-9-]+)( +)(.+)$/.exec(l);
    expect(m, `phase line "${l}"`).not.toBeNull();
    const indent = m![1]!.length;
    return { level: indent / 2, name: m![3]!, short: m![5]!, column: indent + m![2]!.length + m![3]!.length + m![4]!.length };
  });
  return { lines, phases };
}

/** "Available Commands:" of a cobra/commander help text: command names. */
function subcommands(help: string): string[] {
  const m = /(?:Available Commands|Commands):\n([\s\S]*?)(?:\n\n|$)/.exec(help);
  if (!m) return [];
  // entry lines start with two spaces and the name; wrapped descriptions are indented further
  return m[1]!
    .split('\n')
    .filter((l) => /^ {2}\S/.test(l))
    .map((l) => l.trim().split(/\s+/)[0]!.split('|')[0]!) // commander writes "name|alias"
    .filter((n) => n !== 'help');
}

/** Long flag names a help text lists, without help and the global flags. */
function flagNames(help: string): string[] {
  const names = new Set<string>();
  for (const m of help.matchAll(/^\s+(?:-\w, )?--([a-z0-9-]+)/gm)) names.add(m[1]!);
  for (const g of ['help', 'v', 'rootfs', 'vmodule']) names.delete(g);
  return [...names].sort();
}

/** The global-flags section of a cobra help is not the command's own; cut it off. */
const ownFlags = (help: string) => flagNames(help.split('\nGlobal Flags:')[0]!);

/**
 * Upstream phase-local flags tskubeadm does not offer yet (reported, not hidden: the test fails when one
 * appears without this list being updated). Empty: every upstream phase flag is offered.
 */
const KNOWN_FLAG_GAPS: Record<string, string[]> = {};

let ours: { lines: string[]; phases: ListedPhase[] };
let theirs: { lines: string[]; phases: ListedPhase[] };
/** our phase paths, e.g. "certs/apiserver" */
let ourPaths: string[];

const pathsOf = (list: ListedPhase[]) => {
  const out: string[] = [];
  const stack: string[] = [];
  for (const p of list) {
    stack.length = p.level;
    stack.push(p.name);
    out.push(stack.join('/'));
  }
  return out;
};

beforeAll(async () => {
  const r = await cli(['init', '--help']);
  expect(r.code).toBe(0);
  ours = phaseList(r.stdout, 'init');
  const u = upstream(['init', '--help']);
  theirs = phaseList(u.stdout, 'init');
  ourPaths = pathsOf(ours.phases);
});
afterAll(cleanupTmp);

describe('init --help phase list', () => {
  it('lists phases with upstream names, nesting and order (a subsequence of kubeadm v1.37.2)', () => {
    const upstreamPaths = pathsOf(theirs.phases);
    expect(ourPaths.length).toBeGreaterThanOrEqual(10);
    let j = 0;
    for (const p of ourPaths) {
      while (j < upstreamPaths.length && upstreamPaths[j] !== p) j++;
      expect(j, `"${p}" is not in upstream's list, or out of order`).toBeLessThan(upstreamPaths.length);
    }
  });

  it('uses kubeadm layout: two spaces per level, "/" before children, descriptions in one column two past the longest name', () => {
    for (const [i, p] of ours.phases.entries()) {
      const line = ours.lines[i]!;
      expect(line.startsWith(' '.repeat(2 * p.level) + (p.level > 0 ? '/' : '') + p.name)).toBe(true);
    }
    const longest = Math.max(...ours.phases.map((p) => (p.level > 0 ? 1 : 0) + p.name.length));
    // kubeadm: padding = maxLength - len(use) + 2, after an indentation of 2*level
    for (const p of ours.phases) expect(p.column - 2 * p.level, p.name).toBe(longest + 2);
    // the same rule reproduces upstream's own block
    const upLongest = Math.max(...theirs.phases.map((p) => (p.level > 0 ? 1 : 0) + p.name.length));
    for (const p of theirs.phases) expect(p.column - 2 * p.level).toBe(upLongest + 2);
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

  it('each phase command takes exactly the flags the upstream phase command takes', async () => {
    const parents = new Set(ourPaths.filter((p) => ourPaths.some((q) => q.startsWith(p + '/'))));
    const commands = [...ourPaths.filter((p) => !parents.has(p)), ...[...parents].map((p) => `${p}/all`)];
    const mismatches: string[] = [];
    let compared = 0;
    for (const p of commands) {
      const words = p.split('/');
      const u = upstream(['init', 'phase', ...words, '--help']);
      if (u.code !== 0) continue; // e.g. a parent without an "all" child upstream
      const r = await cli(['init', 'phase', ...words, '--help']);
      expect(r.code, p).toBe(0);
      const a = flagNames(r.stdout);
      const b = ownFlags(u.stdout);
      // a known gap must still be one (so the list shrinks when it is fixed), and nothing else may differ
      const gap = KNOWN_FLAG_GAPS[p] ?? [];
      for (const g of gap) expect(a, `${p} gained --${g}: drop it from KNOWN_FLAG_GAPS`).not.toContain(g);
      const expected = b.filter((f) => !gap.includes(f));
      if (a.join(',') !== expected.join(',')) mismatches.push(`${p}: ours [${a}] upstream [${b}]`);
      if (b.includes('config')) compared++;
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(15);
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
  const CFG =
    'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  name: cp-1\n' +
    '  criSocket: unix:///run/containerd/containerd.sock\nlocalAPIEndpoint:\n  advertiseAddress: 192.0.2.10\n';
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
