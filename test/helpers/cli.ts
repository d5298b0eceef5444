// Shared helpers for the CLI-level tests (unit and integration): run the CLI in-process with captured streams,
// give it a throw-away rootfs, and snapshot a directory tree to prove nothing was written.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    argv,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    { env: { ...process.env, KUBEADM_INIT_DRYRUN_DIR: '', ...env } },
  );
  return { code, stdout, stderr };
}

const made: string[] = [];

export function tmpDir(prefix = 'tsk-cli-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

export function cleanupTmp(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Every entry under dir with its type, mode, size and content hash: equal snapshots mean nothing changed. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) {
      out.push(`d ${rel || '.'} ${mode}`);
      for (const e of fs.readdirSync(abs).sort()) walk(path.join(rel, e));
    } else if (st.isSymbolicLink()) {
      out.push(`l ${rel} -> ${fs.readlinkSync(abs)}`);
    } else {
      const h = createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16);
      out.push(`f ${rel} ${mode} ${st.size} ${h}`);
    }
  };
  walk('');
  return out;
}

/** stderr lines that are not klog-style warning/info lines, hints or the usage pointer. */
export function errorLines(stderr: string): string[] {
  let inHint = false;
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => !/^[WI]\d{4} \d\d:\d\d:\d\d\.\d{6} /.test(l))
    // a hint, and the indented lines that continue it
    .filter((l) => !(inHint = /^hint: /.test(l) || (inHint && l.startsWith('  '))))
    .filter((l) => !/^See '.*--help' for usage\.$/.test(l))
    .filter((l) => !/^To see the stack trace of this error execute with --v=5 or higher$/.test(l));
}

export const STACK_LINE = /^\s+at .+/m;
