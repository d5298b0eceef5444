// Shared by the init phase tests: run the CLI in-process against a temp --rootfs, take snapshots of
// a directory tree (type, mode, content, mtime) and compare them, and small openssl helpers.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../../src/cli/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the trailing empty one */
  lines: string[];
}

/** Run `tskubeadm <args>` in-process and capture its streams. */
export async function tsk(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } }, { env });
  const lines = stdout.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { code, stdout, stderr, lines };
}

/** `tskubeadm init phase <phase...> --rootfs <root> --config <cfg> [extra]` */
export function phase(root: string, cfg: string, phaseWords: string[], extra: string[] = []): Promise<RunResult> {
  return tsk(['init', 'phase', ...phaseWords, '--rootfs', root, '--config', cfg, ...extra]);
}

/** stderr lines with klog's "W1122 19:37:12.760848    5225 file.go:56] " header removed (any other line kept as is). */
export function warningsOf(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^[WIE]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]]+\] /, ''));
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeTmp(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

export interface Entry {
  type: 'f' | 'd' | 'l';
  mode: number;
  /** sha256 of a file's content */
  sha?: string;
  mtimeMs: number;
}

/** Every path under `root` (relative, "/"-joined) with its type, permission bits, content hash, mtime. */
export function snapshot(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const walk = (rel: string) => {
    const abs = rel ? path.join(root, rel) : root;
    for (const name of fs.readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isSymbolicLink()) out.set(r, { type: 'l', mode: st.mode & 0o7777, mtimeMs: st.mtimeMs });
      else if (st.isDirectory()) {
        out.set(r, { type: 'd', mode: st.mode & 0o7777, mtimeMs: st.mtimeMs });
        walk(r);
      } else {
        const sha = createHash('sha256').update(fs.readFileSync(path.join(root, r))).digest('hex');
        out.set(r, { type: 'f', mode: st.mode & 0o7777, sha, mtimeMs: st.mtimeMs });
      }
    }
  };
  walk('');
  return out;
}

/** Paths that are new or whose type/mode/content changed between two snapshots, with "path mode". */
export function changed(before: Map<string, Entry>, after: Map<string, Entry>, { dirs = false } = {}): string[] {
  const out: string[] = [];
  for (const [p, e] of after) {
    if (e.type === 'd' && !dirs) continue;
    const b = before.get(p);
    if (!b || b.type !== e.type || b.mode !== e.mode || b.sha !== e.sha) out.push(`${p} ${e.mode.toString(8)}`);
  }
  return out.sort();
}

/** A snapshot without mtimes, for "nothing changed at all" assertions (same keys, types, modes, contents). */
export function contents(s: Map<string, Entry>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [p, e] of s) o[p] = `${e.type} ${e.mode.toString(8)} ${e.sha ?? ''}`;
  return o;
}

export function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `openssl verify` exit status and output (never throws). */
export function opensslVerify(caFile: string, certFile: string): { ok: boolean; out: string } {
  try {
    const out = execFileSync('openssl', ['verify', '-CAfile', caFile, certFile], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { ok: true, out };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** The certificate files of kubeadm's default PKI (relative to the rootfs), with kubeadm's modes. */
export const PKI_FILES: Record<string, number> = Object.fromEntries(
  [
    'ca',
    'apiserver',
    'apiserver-kubelet-client',
    'front-proxy-ca',
    'front-proxy-client',
    'etcd/ca',
    'etcd/server',
    'etcd/peer',
    'etcd/healthcheck-client',
    'apiserver-etcd-client',
  ].flatMap((b) => [
    [`etc/kubernetes/pki/${b}.crt`, 0o644],
    [`etc/kubernetes/pki/${b}.key`, 0o600],
  ]).concat([
    ['etc/kubernetes/pki/sa.key', 0o600],
    ['etc/kubernetes/pki/sa.pub', 0o600],
  ]),
);

/** "path mode" lines for a set of files, sorted, for comparison with `changed()`. */
export function withModes(files: Record<string, number>): string[] {
  return Object.entries(files)
    .map(([p, m]) => `${p} ${m.toString(8)}`)
    .sort();
}
