// `token` commands of both tools against one real kube-apiserver + etcd (the loopback fixture, no
// root): each lists and deletes the other's tokens, `token list` prints the same text (TTL masked),
// JSON and YAML, the one-line join commands match, --dry-run prints the same requests and objects,
// and errors read the same.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePki, labBinary, startControlPlane, type ControlPlane } from '../lab/fixture/controlplane.js';
import { REPO } from '../lab/fixture/labhost.js';

const TSK = join(REPO, 'bin/tskubeadm');
let KUBEADM: string;
let dir: string;
let cp: ControlPlane;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[]): Result {
  const r = spawnSync(bin, [...args, '--kubeconfig', cp.adminKubeconfig], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECONFIG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tsk = (...a: string[]) => run(TSK, a);
const up = (...a: string[]) => run(KUBEADM, a);
function ok(r: Result): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** the TTL column depends on the moment: mask it (same width in both outputs) */
const maskTtl = (s: string) => s.replace(/(?<=^[a-z0-9]{6}\.[a-z0-9]{16}\s+)(\d+[smhdy]|<invalid>)/gm, (m) => 'T'.repeat(m.length));

beforeAll(async () => {
  KUBEADM = labBinary('kubeadm');
  dir = mkdtempSync(join(tmpdir(), 'tsk-token-'));
  const pki = join(dir, 'pki');
  await generatePki(pki);
  cp = await startControlPlane({ pkiDir: pki, workDir: join(dir, 'cp') });
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('token commands against a real API server, beside upstream kubeadm', () => {
  it('tokens made by either tool are listed identically by both: text, json, yaml', () => {
    expect(ok(tsk('token', 'create', 'aaaaaa.0123456789abcdef', '--ttl', '30m', '--description', 'short <&> lived'))).toBe('aaaaaa.0123456789abcdef\n');
    ok(up('token', 'create', 'bbbbbb.0123456789abcdef', '--ttl', '0', '--description', 'a description that is much longer than the fifty-six characters column'));
    ok(tsk('token', 'create', 'cccccc.0123456789abcdef', '--usages', 'authentication', '--groups', 'system:bootstrappers:x,system:bootstrappers:y'));
    const made = tsk('token', 'create');
    expect(made.stdout).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
    // kubeadm pins its own version for this load: no version label is looked up, nothing is said
    expect(made.stderr).toBe('');
    const text = ok(tsk('token', 'list'));
    expect(text.split('\n')[0]).toMatch(/^TOKEN {3,}TTL {3,}EXPIRES {3,}USAGES {3,}DESCRIPTION {3,}EXTRA GROUPS$/);
    expect(text.trim().split('\n')).toHaveLength(5);
    expect(maskTtl(text)).toBe(maskTtl(ok(up('token', 'list'))));
    for (const fmt of ['json', 'yaml']) expect(ok(tsk('token', 'list', '-o', fmt)), fmt).toBe(ok(up('token', 'list', '-o', fmt)));
    ok(tsk('token', 'delete', made.stdout.trim()));
  });

  it('each deletes the other\'s tokens, by ID or whole token', () => {
    expect(ok(up('token', 'delete', 'aaaaaa.0123456789abcdef', 'cccccc'))).toBe('bootstrap token "aaaaaa" deleted\nbootstrap token "cccccc" deleted\n');
    expect(ok(tsk('token', 'delete', 'bbbbbb'))).toBe('bootstrap token "bbbbbb" deleted\n');
    expect(ok(tsk('token', 'list'))).toBe('');
    expect(ok(up('token', 'list'))).toBe('');
  });

  it('deleting a token that is not there fails the same way', () => {
    const a = tsk('token', 'delete', 'zzzzzz');
    const b = up('token', 'delete', 'zzzzzz');
    expect(b.code).toBe(1);
    expect(a.code).toBe(1);
    expect(a.stderr.split('\n')[0]).toBe(b.stderr.split('\n')[0]);
  });

  it('creating a token whose ID exists fails the same way', () => {
    ok(up('token', 'create', 'dupdup.0123456789abcdef'));
    const a = tsk('token', 'create', 'dupdup.0123456789abcdef');
    const b = up('token', 'create', 'dupdup.0123456789abcdef');
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(a.stderr).toContain('a token with id "dupdup" already exists');
    expect(b.stderr).toContain('a token with id "dupdup" already exists');
    ok(tsk('token', 'delete', 'dupdup'));
  });

  it('--print-join-command: the same one line, "tskubeadm join" for "kubeadm join"; --certificate-key adds the control-plane flags', () => {
    const a = ok(tsk('token', 'create', 'dddddd.0123456789abcdef', '--print-join-command'));
    const b = ok(up('token', 'create', 'eeeeee.0123456789abcdef', '--print-join-command'));
    expect(b).toMatch(/^kubeadm join 127\.0\.0\.1:\d+ --token eeeeee\.0123456789abcdef --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} \n$/);
    expect(a).toBe(b.replace(/^kubeadm/, 'tskubeadm').replace('eeeeee', 'dddddd'));
    const key = 'f'.repeat(64);
    const c = ok(tsk('token', 'create', 'ffffff.0123456789abcdef', '--print-join-command', '--certificate-key', key));
    const d = ok(up('token', 'create', 'gggggg.0123456789abcdef', '--print-join-command', '--certificate-key', key));
    expect(d).toContain(`--control-plane --certificate-key ${key}\n`);
    expect(c).toBe(d.replace(/^kubeadm/, 'tskubeadm').replace('gggggg', 'ffffff'));
    ok(tsk('token', 'delete', 'dddddd', 'eeeeee', 'ffffff', 'gggggg'));
  });

  it('--dry-run: the same requests and objects printed, nothing stored or deleted', () => {
    ok(up('token', 'create', 'keepme.0123456789abcdef'));
    const maskExp = (s: string) => s.replace(/expiration: \S+/, 'expiration: X');
    const a = ok(tsk('token', 'create', '--dry-run', 'hhhhhh.0123456789abcdef'));
    const b = ok(up('token', 'create', '--dry-run', 'hhhhhh.0123456789abcdef'));
    expect(a).toContain('[dryrun] Would perform action CREATE on resource "secrets" in API group "core/v1"');
    expect(maskExp(a)).toBe(maskExp(b));
    expect(ok(tsk('token', 'delete', '--dry-run', 'keepme'))).toBe(ok(up('token', 'delete', '--dry-run', 'keepme')));
    expect(ok(tsk('token', 'list', '-o', 'json'))).toContain('"token": "keepme.0123456789abcdef"');
    expect(ok(tsk('token', 'list', '-o', 'json'))).not.toContain('hhhhhh');
    ok(tsk('token', 'delete', 'keepme'));
  });
});
