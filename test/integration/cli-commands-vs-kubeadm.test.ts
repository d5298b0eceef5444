// version and config next to upstream kubeadm v1.37.2 (the lab's build): the same version data, the
// same printed defaults byte for byte, the same refusals, and upstream's validation accepting what
// tskubeadm prints and migrates.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, tmpDir } from '../helpers/cli.js';
import { V1BETA3 } from '../helpers/configs.js';
import { upstream } from './helpers/upstream.js';

afterAll(cleanupTmp);

describe('version against upstream', () => {
  it('-o short is the same as upstream kubeadm v1.37.2', async () => {
    expect((await cli(['version', '-o', 'short'])).stdout).toBe(upstream(['version', '-o', 'short']).stdout);
  });

  it('-o json has every key upstream has, with the same version data', async () => {
    const ours = JSON.parse((await cli(['version', '-o', 'json'])).stdout) as { clientVersion: Record<string, string> };
    const theirs = JSON.parse(upstream(['version', '-o', 'json']).stdout) as { clientVersion: Record<string, string> };
    for (const k of Object.keys(theirs.clientVersion)) expect(ours.clientVersion, k).toHaveProperty(k);
    for (const k of ['major', 'minor', 'gitVersion', 'gitTreeState', 'platform']) expect(ours.clientVersion[k], k).toBe(theirs.clientVersion[k]);
  });

  it('-o yaml ends with an empty line, as upstream', async () => {
    const up = upstream(['version', '-o', 'yaml']).stdout;
    expect(up.endsWith('\n\n')).toBe(true);
    expect((await cli(['version', '-o', 'yaml'])).stdout.endsWith('\n\n')).toBe(true);
  });

  it("-o '' prints the Go-struct form upstream prints, with its GitVersion", async () => {
    const r = await cli(['version', '-o', '']);
    const up = upstream(['version']).stdout;
    expect(up).toMatch(/^kubeadm version: &version\.Info\{.*\}\n$/);
    const gv = /GitVersion:"[^"]+"/.exec(up)![0];
    expect(r.stdout).toContain(gv);
  });
});

describe('config against upstream', () => {
  for (const kind of ['init-defaults', 'join-defaults', 'reset-defaults']) {
    it(`print ${kind} is accepted by upstream kubeadm config validate`, async () => {
      const p = await cli(['config', 'print', kind]);
      expect(p.code, p.stderr).toBe(0);
      const f = path.join(tmpDir(), `${kind}.yaml`);
      fs.writeFileSync(f, p.stdout);
      const u = upstream(['config', 'validate', '--config', f]);
      expect(u.code, u.stderr).toBe(0);
    });
  }

  it('print init-defaults has the kinds upstream prints, in the same order', async () => {
    const kinds = (s: string) => (loadAll(s) as { kind: string }[]).map((d) => d.kind);
    const p = await cli(['config', 'print', 'init-defaults']);
    expect(kinds(p.stdout)).toEqual(kinds(upstream(['config', 'print', 'init-defaults']).stdout));
  });

  for (const args of [
    ['--component-configs', 'KubeletConfiguration,KubeProxyConfiguration'],
    ['--component-configs', 'KubeProxyConfiguration'],
    ['--component-configs', 'KubeletConfiguration', '--component-configs', 'KubeProxyConfiguration,KubeletConfiguration'],
    ['--component-configs='],
  ]) {
    it(`print init-defaults ${args.join(' ')} is byte for byte what upstream prints`, async () => {
      const argv = ['config', 'print', 'init-defaults', ...args];
      const u = upstream(argv);
      expect(u.code, u.stderr).toBe(0);
      const p = await cli(argv);
      expect(p.code, p.stderr).toBe(0);
      expect(p.stdout).toBe(u.stdout);
    });
  }

  it('an unknown --component-configs kind fails like upstream, before printing anything', async () => {
    const argv = ['config', 'print', 'init-defaults', '--component-configs', 'KubeletConfiguration,Nope'];
    const u = upstream(argv);
    expect(u.code).not.toBe(0);
    expect(u.stdout).toBe('');
    const p = await cli(argv);
    expect(p.code).toBe(3);
    expect(p.stdout).toBe('');
    // upstream's sentence, then the offending kind (which upstream leaves out)
    const theirs = /--component-configs needs to contain some of \[[^\]]*\]/.exec(u.stderr)![0];
    expect(p.stderr).toContain(theirs);
    expect(p.stderr).toContain('"Nope"');
  });

  for (const kind of ['join-defaults', 'reset-defaults']) {
    it(`print ${kind} has no --component-configs flag, as upstream`, async () => {
      const argv = ['config', 'print', kind, '--component-configs', 'KubeletConfiguration'];
      const u = upstream(argv);
      expect(u.code).not.toBe(0);
      expect(u.stderr).toContain('unknown flag: --component-configs');
      const p = await cli(argv);
      expect(p.code).toBe(3);
      expect(p.stdout).toBe('');
      expect(p.stderr).toContain('--component-configs');
    });
  }

  it('migrate of a v1beta3 file gives v1beta4 that upstream kubeadm accepts', async () => {
    const dir = tmpDir();
    const old = path.join(dir, 'old.yaml');
    const neu = path.join(dir, 'new.yaml');
    fs.writeFileSync(old, V1BETA3);
    const m = await cli(['config', 'migrate', '--old-config', old, '--new-config', neu]);
    expect(m.code, m.stderr).toBe(0);
    const u = upstream(['config', 'validate', '--config', neu]);
    expect(u.code, u.stderr).toBe(0);
  });
});

describe('flag errors against upstream', () => {
  // the first line is cobra's (pflag's) wording, as upstream prints it; tskubeadm then points at --help
  for (const argv of [
    ['token', 'list', '--foo'],
    ['init', '-x'],
    ['init', 'phase', 'certs', 'ca', '--bogus-flag'],
    ['token', 'create', '--ttl'],
    ['reset', '--forc'],
  ]) {
    it(`tskubeadm ${argv.join(' ')}: the same first line as upstream`, async () => {
      const u = upstream(argv);
      expect(u.code).toBe(1);
      const p = await cli(argv);
      expect(p.code).toBe(3);
      expect(p.stdout).toBe('');
      expect(p.stderr.split('\n')[0]).toBe(u.stderr.split('\n')[0]);
      expect(p.stderr).toContain(`See 'tskubeadm ${argv.filter((a) => !a.startsWith('-')).join(' ')} --help' for usage.`);
    });
  }
});
