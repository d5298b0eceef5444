// version, completion and config through the CLI, in the shapes upstream kubeadm prints. The same
// commands next to the upstream binary: test/integration/cli-commands-vs-kubeadm.test.ts.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load as loadYaml, loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, snapshot, tmpDir } from '../../helpers/cli.js';
import { V1BETA3 } from '../../helpers/configs.js';

afterAll(cleanupTmp);

describe('version', () => {
  it('-o short prints the pinned Kubernetes version alone', async () => {
    const r = await cli(['version', '-o', 'short']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^v\d+\.\d+\.\d+\n$/);
    expect(r.stderr).toBe('');
  });

  it('-o json is {"clientVersion": {...}}', async () => {
    const r = await cli(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    const ours = JSON.parse(r.stdout) as { clientVersion: Record<string, string> };
    expect(Object.keys(ours)).toEqual(['clientVersion']);
  });

  it('-o yaml holds the same data as -o json, keys sorted as sigs.k8s.io/yaml writes them', async () => {
    const y = await cli(['version', '-o', 'yaml']);
    const j = await cli(['version', '-o', 'json']);
    expect(y.code).toBe(0);
    const data = loadYaml(y.stdout) as { clientVersion: Record<string, string> };
    expect(data).toEqual(JSON.parse(j.stdout));
    const keys = [...y.stdout.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]!);
    expect(keys).toEqual([...keys].sort());
    // numbers-looking strings stay strings, as upstream quotes them
    expect(y.stdout).toMatch(/^ {2}major: "\d+"$/m);
    expect(y.stdout.endsWith('\n\n')).toBe(true);
  });

  it("-o '' prints the Go-struct form", async () => {
    const r = await cli(['version', '-o', '']);
    const plain = await cli(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stdout).toMatch(/^tskubeadm version: &version\.Info\{.*\}\n$/);
  });

  it('an unknown -o value exits 3 and names the value', async () => {
    const r = await cli(['version', '-o', 'toml']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('toml');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('completion', () => {
  const script = async (shell: string) => {
    const r = await cli(['completion', shell]);
    expect(r.code).toBe(0);
    const f = path.join(tmpDir(), `c.${shell}`);
    fs.writeFileSync(f, r.stdout);
    return f;
  };

  /** Source the script in bash, set COMP_WORDS/COMP_CWORD, call the function, read COMPREPLY. */
  const complete = (file: string, words: string[]): string[] => {
    const arr = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const fn = fs.readFileSync(file, 'utf8').match(/complete .*-F (\S+) tskubeadm/)![1]!;
    const prog = `source '${file}'; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; COMP_LINE="${words.join(' ')}"; COMP_POINT=\${#COMP_LINE}; ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean);
  };

  it('bash: the script passes bash -n', async () => {
    const f = await script('bash');
    const r = spawnSync('bash', ['-n', f], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('bash: completes "init phase ce" to certs', async () => {
    const f = await script('bash');
    expect(complete(f, ['tskubeadm', 'init', 'phase', 'ce'])).toEqual(['certs']);
  });

  it('bash: completes commands, phase children and flags', async () => {
    const f = await script('bash');
    expect(complete(f, ['tskubeadm', 'ver'])).toEqual(['version']);
    expect(complete(f, ['tskubeadm', 'init', 'phase', 'certs', 'al'])).toEqual(['all']);
    expect(complete(f, ['tskubeadm', 'init', '--skip-ph'])).toEqual(['--skip-phases']);
    expect(complete(f, ['tskubeadm', 'init', 'phase', 'certs', 'all', '--cert-d'])).toEqual(['--cert-dir']);
    // a flag the phase does not take is not offered
    expect(complete(f, ['tskubeadm', 'init', 'phase', 'certs', 'all', '--node-n'])).toEqual([]);
    expect(complete(f, ['tskubeadm', 'config', 'print', 'i'])).toEqual(['init-defaults']);
    // flags before the subcommand are stepped over
    expect(complete(f, ['tskubeadm', '--v', '5', 'init', 'ph'])).toEqual(['phase']);
  });

  it('zsh: a #compdef script that bash can parse (it uses bashcompinit)', async () => {
    const f = await script('zsh');
    expect(fs.readFileSync(f, 'utf8').startsWith('#compdef tskubeadm\n')).toBe(true);
    const zsh = spawnSync('zsh', ['-n', f], { encoding: 'utf8' });
    if (zsh.error) {
      // no zsh on this machine: the body is POSIX/bash function code, so bash -n still checks it
      expect(spawnSync('bash', ['-n', f]).status).toBe(0);
    } else {
      expect(zsh.status, zsh.stderr).toBe(0);
    }
  });

  it('an unknown shell exits 3', async () => {
    const r = await cli(['completion', 'fish']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('fish');
    expect(r.stdout).toBe('');
  });
});

describe('config print / validate / migrate', () => {
  for (const kind of ['init-defaults', 'join-defaults', 'reset-defaults']) {
    it(`print ${kind} is accepted by config validate`, async () => {
      const p = await cli(['config', 'print', kind]);
      expect(p.code, p.stderr).toBe(0);
      const docs = loadAll(p.stdout) as { apiVersion: string }[];
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs.filter((d) => d.apiVersion.startsWith('kubeadm.k8s.io/'))) expect(d.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
      const f = path.join(tmpDir(), `${kind}.yaml`);
      fs.writeFileSync(f, p.stdout);
      const v = await cli(['config', 'validate', '--config', f]);
      expect(v.code, v.stderr).toBe(0);
    });
  }

  it('migrate turns a v1beta3 file into v1beta4 that config validate accepts', async () => {
    const dir = tmpDir();
    const old = path.join(dir, 'old.yaml');
    const neu = path.join(dir, 'new.yaml');
    fs.writeFileSync(old, V1BETA3);
    const m = await cli(['config', 'migrate', '--old-config', old, '--new-config', neu]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(/deprecated API spec: "kubeadm\.k8s\.io\/v1beta3"/);
    const text = fs.readFileSync(neu, 'utf8');
    const docs = loadAll(text) as Record<string, unknown>[];
    expect(docs.map((d) => `${d.apiVersion as string} ${d.kind as string}`).sort()).toEqual(
      ['ClusterConfiguration', 'InitConfiguration', 'JoinConfiguration'].map((k) => `kubeadm.k8s.io/v1beta4 ${k}`),
    );
    // v1beta4 shapes: extra args as name/value lists, timeouts moved out of apiServer and discovery
    const init = docs.find((d) => d.kind === 'InitConfiguration') as { nodeRegistration: { kubeletExtraArgs: unknown }; timeouts: Record<string, string> };
    expect(init.nodeRegistration.kubeletExtraArgs).toEqual([
      { name: 'node-labels', value: 'tier=control' },
      { name: 'v', value: '2' },
    ]);
    expect(init.timeouts.controlPlaneComponentHealthCheck).toBe('3m0s');
    const cluster = docs.find((d) => d.kind === 'ClusterConfiguration') as { apiServer: Record<string, unknown> };
    expect(cluster.apiServer).not.toHaveProperty('timeoutForControlPlane');
    const join = docs.find((d) => d.kind === 'JoinConfiguration') as { discovery: Record<string, unknown>; timeouts: Record<string, string> };
    expect(join.discovery).not.toHaveProperty('timeout');
    expect(join.timeouts.discovery).toBe('2m0s');

    const v = await cli(['config', 'validate', '--config', neu]);
    expect(v.code, v.stderr).toBe(0);
    // without --new-config the same text goes to stdout
    const s = await cli(['config', 'migrate', '--old-config', old]);
    expect(s.stdout).toBe(text);
  });

  it('migrate of an invalid v1beta3 file exits 3 and writes no output file', async () => {
    const dir = tmpDir();
    const old = path.join(dir, 'old.yaml');
    fs.writeFileSync(old, V1BETA3.replace('serviceSubnet: 10.100.0.0/16', 'serviceSubnet: 10.100.0.0/40'));
    const before = snapshot(dir);
    const m = await cli(['config', 'migrate', '--old-config', old, '--new-config', path.join(dir, 'new.yaml')]);
    expect(m.code).toBe(3);
    expect(m.stderr).toContain('ClusterConfiguration.networking.serviceSubnet');
    expect(snapshot(dir)).toEqual(before);
  });

  it('validate reports every problem in a file, each with its field path', async () => {
    const f = path.join(tmpDir(), 'two.yaml');
    fs.writeFileSync(
      f,
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 10.96.0.0/33\n  dnsDomain: a_b\nencryptionAlgorithm: DSA\n',
    );
    const r = await cli(['config', 'validate', '--config', f]);
    expect(r.code).toBe(3);
    for (const p of ['ClusterConfiguration.networking.serviceSubnet', 'ClusterConfiguration.networking.dnsDomain', 'ClusterConfiguration.encryptionAlgorithm']) {
      expect(r.stderr.split(p).length - 1, p).toBe(1);
    }
  });

  it('validate of a missing file exits 3 and names the file', async () => {
    const f = path.join(tmpDir(), 'absent.yaml');
    const r = await cli(['config', 'validate', '--config', f]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('absent.yaml');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('validate without --config is a usage error', async () => {
    const r = await cli(['config', 'validate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('--config');
  });
});
