// Helpers of the fault tests (test/integration/faults-*.test.ts): run tskubeadm and act on its --events
// as the lines appear (SIGKILL it, freeze the API server, ...), and judge the files a run left: every
// certificate, key, kubeconfig, manifest and kubelet file complete and valid, or absent; tskubeadm's
// temporaries recognised and reported.
import { spawn } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { temporaryOwner } from '../../../src/host/paths.js';

/** one --events line */
export interface Ev {
  ts: string;
  pid: number;
  command: string;
  event: string;
  phase?: string;
  reason?: string;
  durationMs?: number;
  message?: string;
  file?: string;
  object?: string;
  request?: string;
  exitCode?: number;
}

export interface Followed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: Ev[];
  /** when the command started and how long it ran (ms) */
  startedAt: number;
  ms: number;
}

/**
 * Run `cmd args` (which must pass `--events <eventsFile>` to tskubeadm), call `onEvent` for each line as
 * it is appended (inotify, with a 10 ms poll behind it), and return when the command ends. The file is
 * created empty first, so only this run's lines are in it.
 */
export async function runFollowing(
  cmd: string,
  args: string[],
  eventsFile: string,
  onEvent: (e: Ev) => void | Promise<void>,
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Followed> {
  fs.writeFileSync(eventsFile, '');
  const fd = fs.openSync(eventsFile, 'r');
  const events: Ev[] = [];
  let offset = 0;
  let partial = '';
  let chain = Promise.resolve();
  const drain = () => {
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      if (n <= 0) break;
      offset += n;
      const lines = (partial + buf.subarray(0, n).toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        if (!l.trim()) continue;
        const e = JSON.parse(l) as Ev;
        events.push(e);
        chain = chain.then(() => onEvent(e));
      }
    }
  };
  const watcher = fs.watch(eventsFile, () => drain());
  const timer = setInterval(drain, 10);
  const t0 = Date.now();
  try {
    const r = await new Promise<Omit<Followed, 'events' | 'ms' | 'startedAt'>>((resolve, reject) => {
      const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 5 * 60_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(kill);
        resolve({ code, signal, stdout, stderr });
      });
    });
    drain();
    await chain;
    return { ...r, events, startedAt: t0, ms: Date.now() - t0 };
  } finally {
    watcher.close();
    clearInterval(timer);
    fs.closeSync(fd);
  }
}

/** SIGKILL a process, ignoring one that is already gone */
export function killHard(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// what a run left on disk

export interface TreeCheck {
  /** files checked, relative to the root, e.g. "etc/kubernetes/pki/ca.crt" */
  files: string[];
  /** tskubeadm's temporaries (.NAME.tskubeadm-PID-RAND.tmp) found */
  temporaries: string[];
  /** what is wrong: truncated or unparsable files, keys that do not match their certificates */
  problems: string[];
}

const PEM = /-----BEGIN ([A-Z ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** the target path `p` (absolute, as the host sees it) under `root`, symbolic links followed inside `root` */
function inside(root: string, p: string, depth = 0): string {
  const real = path.join(root, p);
  if (depth > 8) return real;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(real);
  } catch {
    return real;
  }
  if (!st.isSymbolicLink()) return real;
  const target = fs.readlinkSync(real);
  return inside(root, path.posix.isAbsolute(target) ? target : path.posix.join(path.posix.dirname(p), target), depth + 1);
}

function pemBlocks(text: string): { type: string; pem: string }[] {
  return [...text.matchAll(PEM)].map((m) => ({ type: m[1]!, pem: m[0] }));
}

/** problems with one certificate/key PEM text (several blocks allowed, e.g. kubelet-client-current.pem) */
function checkPem(text: string, what: string): string[] {
  const blocks = pemBlocks(text);
  if (!blocks.length) return [`${what}: no PEM block (${text.length} bytes)`];
  if (text.replace(PEM, '').trim() !== '') return [`${what}: bytes outside PEM blocks (truncated?)`];
  const problems: string[] = [];
  let cert: X509Certificate | undefined;
  let key: ReturnType<typeof createPrivateKey> | undefined;
  for (const b of blocks) {
    try {
      if (b.type === 'CERTIFICATE') cert ??= new X509Certificate(b.pem);
      else if (b.type.endsWith('PRIVATE KEY')) key ??= createPrivateKey(b.pem);
      else if (b.type.endsWith('PUBLIC KEY')) createPublicKey(b.pem);
      else problems.push(`${what}: unexpected PEM block ${b.type}`);
    } catch (e) {
      problems.push(`${what}: ${b.type} does not parse: ${(e as Error).message}`);
    }
  }
  if (cert && key && !cert.checkPrivateKey(key)) problems.push(`${what}: the certificate does not match the key`);
  return problems;
}

function checkKubeconfig(root: string, rel: string, text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = load(text) as Record<string, unknown>;
  } catch (e) {
    return [`${rel}: not YAML: ${(e as Error).message}`];
  }
  if (!doc || doc.kind !== 'Config') return [`${rel}: not a kubeconfig`];
  const problems: string[] = [];
  const b64 = (v: unknown) => Buffer.from(String(v), 'base64').toString('utf8');
  for (const c of (doc.clusters as { cluster?: Record<string, unknown> }[] | undefined) ?? []) {
    const ca = c.cluster?.['certificate-authority-data'];
    if (ca) problems.push(...checkPem(b64(ca), `${rel}: certificate-authority-data`));
    if (!c.cluster?.server) problems.push(`${rel}: a cluster without server`);
  }
  const users = (doc.users as { name: string; user?: Record<string, unknown> }[] | undefined) ?? [];
  if (!users.length) problems.push(`${rel}: no users`);
  for (const u of users) {
    const cert = u.user?.['client-certificate-data'];
    const key = u.user?.['client-key-data'];
    if (cert || key) problems.push(...checkPem(`${b64(cert)}\n${b64(key)}`, `${rel}: user ${u.name}`));
    const file = u.user?.['client-certificate'];
    if (typeof file === 'string') {
      const real = inside(root, file);
      if (!fs.existsSync(real)) problems.push(`${rel}: user ${u.name}: ${file} does not exist`);
      else problems.push(...checkPem(fs.readFileSync(real, 'utf8'), `${rel}: ${file}`));
    }
    if (!cert && !file && !u.user?.token) problems.push(`${rel}: user ${u.name} has no credentials`);
  }
  return problems;
}

/**
 * Check what kubeadm writes under `dirs` (target paths such as "/etc/kubernetes") of the host whose
 * root is `root` ("/" of a rootfs, or /proc/PID/root of a lab host): every .crt/.key/.pub/.pem
 * parses and matches its pair, every .conf is a kubeconfig whose credentials parse and match, every
 * .yaml parses, every .env is KEY="value" lines. Other files (the kubelet's own) are left alone.
 */
export function checkHostFiles(root: string, dirs: string[]): TreeCheck {
  const out: TreeCheck = { files: [], temporaries: [], problems: [] };
  const walk = (target: string) => {
    const real = path.join(root, target);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(real);
    } catch {
      return;
    }
    const rel = target.replace(/^\//, '');
    const base = path.posix.basename(target);
    if (st.isDirectory()) {
      // the kubelet's pod volumes and plugins are not kubeadm's
      if (/^\/var\/lib\/kubelet\/(pods|plugins|plugins_registry|device-plugins|pod-resources|checkpoints)$/.test(target)) return;
      for (const e of fs.readdirSync(real).sort()) walk(path.posix.join(target, e));
      return;
    }
    if (temporaryOwner(base) !== undefined) {
      out.temporaries.push(rel);
      return;
    }
    if (!st.isFile() && !st.isSymbolicLink()) return;
    const ext = path.posix.extname(base);
    if (!['.crt', '.key', '.pub', '.pem', '.conf', '.yaml', '.env'].includes(ext)) return;
    const text = fs.readFileSync(inside(root, target), 'utf8');
    out.files.push(rel);
    if (text.length === 0) {
      out.problems.push(`${rel}: empty`);
      return;
    }
    if (['.crt', '.key', '.pub', '.pem'].includes(ext)) out.problems.push(...checkPem(text, rel));
    else if (ext === '.conf') out.problems.push(...checkKubeconfig(root, rel, text));
    else if (ext === '.yaml') {
      try {
        const doc = load(text) as { kind?: unknown; spec?: { containers?: unknown[] } } | null;
        if (!doc || typeof doc !== 'object') out.problems.push(`${rel}: not a YAML mapping`);
        else if (target.includes('/manifests/') && (doc.kind !== 'Pod' || !doc.spec?.containers?.length)) out.problems.push(`${rel}: not a whole static Pod`);
      } catch (e) {
        out.problems.push(`${rel}: not YAML: ${(e as Error).message}`);
      }
    } else if (!text.endsWith('\n') || !text.trimEnd().split('\n').every((l) => /^[A-Z_]+=".*"$/.test(l))) {
      out.problems.push(`${rel}: not KEY="value" lines`);
    }
  };
  for (const d of dirs) walk(d);
  // pairs: a certificate and its key, sa.key and sa.pub
  for (const f of out.files) {
    if (f.endsWith('.crt')) {
      const key = f.replace(/\.crt$/, '.key');
      if (!out.files.includes(key)) continue;
      try {
        const c = new X509Certificate(fs.readFileSync(inside(root, '/' + f)));
        if (!c.checkPrivateKey(createPrivateKey(fs.readFileSync(inside(root, '/' + key))))) out.problems.push(`${f}: does not match ${key}`);
      } catch {
        /* reported above */
      }
    }
    if (f.endsWith('/sa.key') && out.files.includes(f.replace(/key$/, 'pub'))) {
      try {
        const a = createPublicKey(createPrivateKey(fs.readFileSync(inside(root, '/' + f)))).export({ type: 'spki', format: 'der' });
        const b = createPublicKey(fs.readFileSync(inside(root, '/' + f.replace(/key$/, 'pub')))).export({ type: 'spki', format: 'der' });
        if (!a.equals(b)) out.problems.push(`${f}: does not match sa.pub`);
      } catch {
        /* reported above */
      }
    }
  }
  return out;
}

/** Every entry under `dirs` of the host rooted at `root`: type, mode, size and a hash of the content. */
export function treeDigest(root: string, dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (target: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(root, target));
    } catch {
      return;
    }
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) {
      out.push(`d ${target} ${mode}`);
      for (const e of fs.readdirSync(path.join(root, target)).sort()) walk(path.posix.join(target, e));
    } else if (st.isFile()) {
      out.push(`f ${target} ${mode} ${createHash('sha256').update(fs.readFileSync(path.join(root, target))).digest('hex').slice(0, 16)}`);
    } else out.push(`${st.isSymbolicLink() ? 'l' : 'o'} ${target}`);
  };
  for (const d of dirs) walk(d);
  return out;
}

/** / of lab host n as this process can read it: the root of a process inside the host (its containerd) */
export function labRoot(n = 1): string {
  const pid = fs.readFileSync(path.join(process.env.TSK_LAB_STATE ?? '/var/lib/tskubeadm-lab', `hosts/h${n}/log/containerd.pid`), 'utf8').trim();
  return `/proc/${pid}/root`;
}

/** `tskubeadm reset --force` on lab host n; throws with its output when it fails */
export async function resetLabHost(n = 1): Promise<void> {
  const { onHostResultN, tskubeadm } = await import('./lab.js');
  const r = await onHostResultN(n, [tskubeadm, 'reset', '--force'], 5 * 60_000);
  if (r.code !== 0) throw new Error(`tskubeadm reset on lab host ${n} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}
