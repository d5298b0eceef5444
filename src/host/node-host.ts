// The real host. With a rootfs, every path is confined under it: `..` that climbs out and symlinks
// that lead outside are refused, and commands run through chroot(8) like kubeadm's process-wide chroot.

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { TskError } from '../errors.js';
import { confinedPath, shellQuote, staleTemporary, targetPath, temporaryName } from './paths.js';
import type {
  ExecOptions,
  ExecResult,
  FileInfo,
  Host,
  HttpGetOptions,
  HttpResponse,
  NetInterfaceAddress,
  PortHolder,
} from './types.js';

export interface NodeHostOptions {
  rootfs?: string;
  env?: NodeJS.ProcessEnv;
}

export class NodeHost implements Host {
  readonly rootfs: string | undefined;
  private readonly realRoot: string | undefined;
  private readonly environ_: NodeJS.ProcessEnv;

  constructor(opts: NodeHostOptions = {}) {
    this.environ_ = opts.env ?? process.env;
    if (opts.rootfs !== undefined) {
      const abs = path.resolve(opts.rootfs);
      let real: string;
      try {
        real = fs.realpathSync(abs);
      } catch {
        throw new TskError(`--rootfs: directory ${JSON.stringify(opts.rootfs)} does not exist`, 3);
      }
      if (!fs.statSync(real).isDirectory()) throw new TskError(`--rootfs: ${JSON.stringify(opts.rootfs)} is not a directory`, 3);
      this.rootfs = abs;
      this.realRoot = real;
    } else {
      this.rootfs = undefined;
      this.realRoot = undefined;
    }
  }

  /** Map a target path to the real path, refusing escapes from the rootfs. */
  resolve(p: string): string {
    return confinedPath(p, this.rootfs, this.realRoot);
  }

  async realPath(p: string): Promise<string> {
    let real: string;
    try {
      real = await fsp.realpath(this.resolve(p));
    } catch (e) {
      throw fileError('resolve', p, e);
    }
    return this.realRoot ? targetPath(real, this.realRoot) : real;
  }

  async readFile(p: string): Promise<Buffer> {
    try {
      return await fsp.readFile(this.resolve(p));
    } catch (e) {
      throw fileError('read', p, e);
    }
  }

  async readText(p: string): Promise<string> {
    return (await this.readFile(p)).toString('utf8');
  }

  async readFileHead(p: string, maxBytes: number): Promise<Buffer> {
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(this.resolve(p), 'r');
      const buf = Buffer.alloc(maxBytes);
      const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
      return buf.subarray(0, bytesRead);
    } catch (e) {
      throw fileError('read', p, e);
    } finally {
      await fh?.close();
    }
  }

  async stat(p: string): Promise<FileInfo | undefined> {
    try {
      const s = await fsp.lstat(this.resolve(p));
      return {
        isFile: s.isFile(),
        isDirectory: s.isDirectory(),
        isSymlink: s.isSymbolicLink(),
        mode: s.mode & 0o7777,
        size: s.size,
        mtimeMs: s.mtimeMs,
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw fileError('inspect', p, e);
    }
  }

  async exists(p: string): Promise<boolean> {
    return (await this.stat(p)) !== undefined;
  }

  async mkdirp(p: string, mode: number): Promise<void> {
    const real = this.resolve(p);
    const missing: string[] = [];
    let cur = real;
    while (!fs.existsSync(cur)) {
      missing.push(cur);
      const parent = path.dirname(cur);
      if (parent === cur) break;
      cur = parent;
    }
    try {
      // one level at a time from the top: a recursive mkdir reports ENOENT where a level fails with EROFS
      for (const d of [...missing].reverse()) {
        await fsp.mkdir(d, { mode }).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
        // mkdir's mode is filtered by the umask; kubeadm's modes are explicit
        await fsp.chmod(d, mode);
      }
    } catch (e) {
      throw fileError('create directory', p, e);
    }
    if (!missing.length && !fs.statSync(real).isDirectory()) {
      throw new TskError(`unable to create directory ${JSON.stringify(p)}: a file is in the way`, 1, { file: p });
    }
  }

  async writeFileAtomic(p: string, data: string | Uint8Array, mode: number, dirMode = 0o755): Promise<void> {
    await this.writeFilesAtomic([{ path: p, data, mode }], dirMode);
  }

  async writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array; mode: number }[], dirMode = 0o755): Promise<void> {
    const staged: { target: string; real: string; tmp: string }[] = [];
    const dirs = new Set<string>();
    const discard = async () => {
      for (const s of staged) await fsp.rm(s.tmp, { force: true }).catch(() => undefined);
    };
    // every temp file written and synced first: a full disk stops the set before anything is renamed
    for (const f of files) {
      const real = this.resolve(f.path);
      const dir = path.dirname(real);
      if (!dirs.has(dir)) {
        try {
          if (!fs.existsSync(dir)) await this.mkdirp(path.dirname(f.path), dirMode);
          else await removeStaleTemporaries(dir);
        } catch (e) {
          await discard();
          throw e;
        }
        dirs.add(dir);
      }
      const tmp = path.join(dir, temporaryName(path.basename(real), process.pid, randomBytes(6).toString('hex')));
      let fh: fsp.FileHandle | undefined;
      try {
        fh = await fsp.open(tmp, 'wx', f.mode);
        staged.push({ target: f.path, real, tmp });
        await fh.chmod(f.mode);
        await fh.writeFile(f.data);
        await fh.sync();
        await fh.close();
        fh = undefined;
      } catch (e) {
        await fh?.close().catch(() => undefined);
        await discard();
        throw fileError('write', f.path, e);
      }
    }
    for (const [i, s] of staged.entries()) {
      try {
        await fsp.rename(s.tmp, s.real);
      } catch (e) {
        for (const rest of staged.slice(i)) await fsp.rm(rest.tmp, { force: true }).catch(() => undefined);
        throw fileError('write', s.target, e);
      }
    }
    for (const dir of dirs) {
      try {
        const dh = await fsp.open(dir, 'r');
        await dh.sync().catch(() => undefined);
        await dh.close();
      } catch {
        /* directory fsync is best effort */
      }
    }
  }

  async writable(p: string): Promise<string | undefined> {
    try {
      await fsp.access(this.resolve(p), fs.constants.W_OK);
      return undefined;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
  }

  async removeStaleTemporaries(p: string): Promise<void> {
    await removeStaleTemporaries(this.resolve(p));
  }

  async chmod(p: string, mode: number): Promise<void> {
    try {
      await fsp.chmod(this.resolve(p), mode);
    } catch (e) {
      throw fileError('change the mode of', p, e);
    }
  }

  async remove(p: string): Promise<void> {
    try {
      await fsp.rm(this.resolve(p), { recursive: true, force: true });
    } catch (e) {
      throw fileError('remove', p, e);
    }
  }

  async readDir(p: string): Promise<string[]> {
    try {
      return (await fsp.readdir(this.resolve(p))).sort();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      throw fileError('list', p, e);
    }
  }

  async lookPath(cmd: string): Promise<string | undefined> {
    const dirs = (this.environ_.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
    const candidates = cmd.includes('/') ? [cmd] : dirs.filter(Boolean).map((d) => path.join(d, cmd));
    for (const c of candidates) {
      try {
        const real = this.resolve(path.resolve('/', c));
        const s = await fsp.stat(real);
        if (s.isFile() && (s.mode & 0o111) !== 0) return c;
      } catch {
        /* keep looking */
      }
    }
    return undefined;
  }

  async exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = shellQuote([cmd, ...args]);
    const found = await this.lookPath(cmd);
    if (!found) return { exitCode: undefined, stdout: '', stderr: `executable file not found in $PATH: ${cmd}`, command, notFound: true };
    const { execa } = await import('execa');
    const [file, argv] = this.realRoot ? ['chroot', [this.realRoot, found, ...args]] : [found, args];
    const r = await execa(file, argv, {
      reject: false,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
      env: { ...this.environ_, ...(opts.env ?? {}) },
      extendEnv: false,
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stripFinalNewline: false,
    });
    return {
      exitCode: typeof r.exitCode === 'number' ? r.exitCode : undefined,
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      command,
      ...(r.timedOut ? { timedOut: true } : {}),
    };
  }

  hostname(): string {
    return os.hostname();
  }

  interfaces(): NetInterfaceAddress[] {
    const out: NetInterfaceAddress[] = [];
    for (const [iface, addrs] of Object.entries(os.networkInterfaces())) {
      for (const a of addrs ?? []) {
        out.push({ iface, address: a.address, family: a.family === 'IPv6' ? 6 : 4, internal: a.internal, cidr: a.cidr ?? null });
      }
    }
    return out;
  }

  async defaultRouteAddress(family: 4 | 6 = 4): Promise<string | undefined> {
    const iface = family === 4 ? defaultRouteIface4() : defaultRouteIface6();
    if (!iface) return undefined;
    const addrs = this.interfaces().filter((a) => a.iface === iface && a.family === family && !a.internal);
    const global = addrs.filter((a) => !(family === 6 && a.address.toLowerCase().startsWith('fe80')));
    return global[0]?.address;
  }

  portFree(port: number, address?: string): Promise<boolean> {
    return new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen({ port, host: address, exclusive: true }, () => srv.close(() => resolve(true)));
    });
  }

  async portHolders(port: number): Promise<PortHolder[]> {
    const { portHolders } = await import('./procnet.js');
    return portHolders(port);
  }

  async httpGet(url: string, opts: HttpGetOptions = {}): Promise<HttpResponse> {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? await import('node:https') : await import('node:http');
    return new Promise((resolve, reject) => {
      const req = mod.request(
        u,
        {
          method: 'GET',
          timeout: opts.timeoutMs ?? 10_000,
          ...(u.protocol === 'https:'
            ? {
                rejectUnauthorized: !opts.insecure,
                ...(opts.ca ? { ca: opts.ca } : {}),
                ...(opts.cert ? { cert: opts.cert } : {}),
                ...(opts.key ? { key: opts.key } : {}),
              }
            : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  env(name: string): string | undefined {
    return this.environ_[name];
  }

  environ(): Readonly<Record<string, string | undefined>> {
    return this.environ_;
  }

  isRoot(): boolean {
    return typeof process.geteuid === 'function' ? process.geteuid() === 0 : false;
  }

  now(): Date {
    return new Date();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  cpuCount(): number {
    return os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  }

  totalMemoryBytes(): number {
    return os.totalmem();
  }
}

/** Remove the temporary files a killed tskubeadm left in `dir` (see temporaryName); best effort. */
async function removeStaleTemporaries(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) if (staleTemporary(n)) await fsp.rm(path.join(dir, n), { force: true }).catch(() => undefined);
}

function fileError(verb: string, p: string, e: unknown): TskError {
  if (e instanceof TskError) return e;
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ENOENT'
      ? 'no such file or directory'
      : err.code === 'EACCES' || err.code === 'EPERM'
        ? 'permission denied'
        : err.code === 'EISDIR'
          ? 'is a directory'
          : err.code === 'ENOTDIR'
            ? 'a parent is not a directory'
            : err.code === 'ENOSPC'
              ? 'no space left on device'
              : err.code === 'EDQUOT'
                ? 'disk quota exceeded'
                : err.code === 'EROFS'
                  ? 'read-only file system'
                  : (err.message ?? String(e));
  return new TskError(`unable to ${verb} ${JSON.stringify(p)}: ${why}`, 1, { cause: e, file: p });
}

function defaultRouteIface4(): string | undefined {
  try {
    const lines = fs.readFileSync('/proc/net/route', 'utf8').trim().split('\n').slice(1);
    let best: { iface: string; metric: number } | undefined;
    for (const l of lines) {
      const f = l.trim().split(/\s+/);
      if (f[1] === '00000000' && f[7] === '00000000') {
        const metric = Number(f[6]);
        if (!best || metric < best.metric) best = { iface: f[0]!, metric };
      }
    }
    return best?.iface;
  } catch {
    return undefined;
  }
}

function defaultRouteIface6(): string | undefined {
  try {
    for (const l of fs.readFileSync('/proc/net/ipv6_route', 'utf8').trim().split('\n')) {
      const f = l.trim().split(/\s+/);
      if (f[0] === '00000000000000000000000000000000' && f[1] === '00' && f[9] !== 'lo') return f[9];
    }
  } catch {
    /* no IPv6 */
  }
  return undefined;
}
