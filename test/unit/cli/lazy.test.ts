// Start-up path: `tskubeadm --help` and `tskubeadm version` must not load the heavy packages (gRPC,
// execa) nor our API client code. The source is compiled afresh into a scratch directory (so a stale
// dist/ cannot hide a regression), bin/tskubeadm is run from there under module hooks that record every
// module loaded, and the record is checked. A positive control proves the record sees those packages.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanupTmp, tmpDir } from '../../helpers/cli.js';

const HEAVY = ['@grpc/', 'execa'];
const REGISTER = path.join(REPO, 'test/unit/cli/fixtures/record-register.mjs');

let scratch: string;

beforeAll(() => {
  // inside node_modules so the compiled files resolve the project's packages
  fs.mkdirSync(path.join(REPO, 'node_modules/.cache'), { recursive: true }); // absent on a fresh `npm ci`
  scratch = fs.mkdtempSync(path.join(REPO, 'node_modules/.cache/tsk-lazy-'));
  fs.writeFileSync(path.join(scratch, 'package.json'), '{"type":"module"}\n');
  const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', path.join(REPO, 'tsconfig.json'), '--outDir', path.join(scratch, 'dist'), '--sourceMap', 'false'], { encoding: 'utf8' });
  // type errors are the build's concern (npm run build); this test needs the emitted start-up modules
  expect(fs.existsSync(path.join(scratch, 'dist/cli/main.js')), tsc.stdout + tsc.stderr).toBe(true);
  fs.mkdirSync(path.join(scratch, 'bin'));
  // no dist/tskubeadm.cjs here: the entry falls back to the per-module tree, whose import graph is what
  // decides laziness (the bundle keeps it: esbuild evaluates a dynamically imported module on first import)
  for (const f of fs.readdirSync(path.join(REPO, 'bin'))) fs.copyFileSync(path.join(REPO, 'bin', f), path.join(scratch, 'bin', f));
}, 180_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  cleanupTmp();
});

/** Run the compiled CLI; returns the packages (node_modules names) it loaded. */
function loadedPackages(args: string[]): { code: number | null; packages: Set<string>; own: Set<string>; stdout: string } {
  const record = path.join(tmpDir(), 'modules.txt');
  fs.writeFileSync(record, '');
  const r = spawnSync(process.execPath, ['--import', REGISTER, path.join(scratch, 'bin/tskubeadm'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TSK_RECORD_FILE: record },
  });
  const packages = new Set<string>();
  const own = new Set<string>();
  for (const url of fs.readFileSync(record, 'utf8').split('\n')) {
    const o = /\/node_modules\/\.cache\/[^/]+\/dist\/(.+)$/.exec(url);
    if (o) own.add(o[1]!);
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m && !url.includes('/node_modules/.cache/')) packages.add(m[1]!);
  }
  return { code: r.status, packages, own, stdout: r.stdout };
}

const heavyIn = (packages: Set<string>) => [...packages].filter((p) => HEAVY.some((h) => (h.endsWith('/') ? p.startsWith(h) : p === h)));

describe('start-up path loads no heavy package', () => {
  for (const args of [['--help'], ['version'], ['version', '-o', 'json'], ['version', '-o', 'yaml'], ['token', 'generate'], ['token', '--help']]) {
    it(`tskubeadm ${args.join(' ')}`, () => {
      const r = loadedPackages(args);
      expect(r.code).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      // the record works: commander is what parses the command line
      expect(r.packages).toContain('commander');
      expect(heavyIn(r.packages)).toEqual([]);
      // nor the config schemas, YAML parser or any phase, certificate or API code
      expect([...r.packages].filter((p) => p === 'zod' || p === 'js-yaml')).toEqual([]);
      expect([...r.own].filter((f) => /^(phases|pki|kube|config|cri|preflight|addons)\//.test(f))).toEqual([]);
      expect(r.own).toContain('cli/main.js');
    });
  }

  it('positive control: a certificate phase does load the PKI code and the config packages, and the record shows it', () => {
    const root = tmpDir();
    const r = loadedPackages(['init', 'phase', 'certs', 'ca', '--rootfs', root]);
    expect(r.code).toBe(0);
    expect(r.own).toContain('pki/x509.js');
    expect(r.packages).toContain('zod');
  });
});

describe('the entry script', () => {
  it('ends quietly when its reader goes away early (| head)', () => {
    const bin = path.join(scratch, 'bin/tskubeadm');
    // the reader exits before the CLI writes a byte
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" init --help | true`], { encoding: 'utf8' });
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.status).toBe(0);
  });

  it('returns the exit code run() gives', () => {
    const bin = path.join(scratch, 'bin/tskubeadm');
    expect(spawnSync(process.execPath, [bin, 'version', '-o', 'short']).status).toBe(0);
    expect(spawnSync(process.execPath, [bin, 'version', '-o', 'bogus']).status).toBe(3);
  });
});
