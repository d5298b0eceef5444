// A Host for tests: files live under a temporary rootfs directory (real fs calls, so modes and
// atomic writes behave), commands are scripted and recorded, and everything else (hostname,
// interfaces, ports, env, CPU/memory, HTTP, clock) is a settable field.
//
//   const host = await FakeHost.create();
//   host.command('kubelet', () => ({ stdout: 'Kubernetes v1.37.2\n' }));
//   await host.write('/proc/sys/net/ipv4/ip_forward', '1\n');
//   ... run code ...
//   expect(host.execCalls.map((c) => c.line)).toContain('kubelet --version');
//   await host.cleanup();
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type {
  ExecOptions,
  ExecResult,
  FileInfo,
  Host,
  HttpGetOptions,
  HttpResponse,
  NetInterfaceAddress,
  PortHolder,
} from '../../src/host/types.js';
import { confinedPath, shellQuote, targetPath } from '../../src/host/paths.js';

export interface ExecCall {
  cmd: string;
  args: string[];
  /** cmd and args joined by spaces, for easy assertions */
  line: string;
  opts: ExecOptions | undefined;
}

/** what a scripted command returns; missing fields default to success with empty output */
export type ScriptedResult = Partial<Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr' | 'timedOut'>>;
export type CommandHandler = (args: string[], opts: ExecOptions | undefined) => ScriptedResult | Promise<ScriptedResult>;

export type HttpHandler = (url: string, opts: HttpGetOptions | undefined) => HttpResponse | Promise<HttpResponse>;

export class FakeHost implements Host {
  readonly rootfs: string;

  // ---- settable state ----
  hostnameValue = 'node-1';
  ifaces: NetInterfaceAddress[] = [
    { iface: 'lo', address: '127.0.0.1', family: 4, internal: true, cidr: '127.0.0.1/8' },
    { iface: 'eth0', address: '192.168.0.10', family: 4, internal: false, cidr: '192.168.0.10/24' },
  ];
  defaultRoute: { 4?: string; 6?: string } = { 4: '192.168.0.10' };
  /** ports in use: a bare port (any address) or "address:port" */
  usedPorts = new Set<string>();
  /** the processes listening on a port (see usedPorts for whether it is free) */
  holders = new Map<number, PortHolder[]>();
  envVars: Record<string, string> = {};
  root = true;
  cpus = 2;
  memoryBytes = 4 * 1024 * 1024 * 1024;
  clock = new Date('2026-01-01T00:00:00Z');

  /** every exec call, in order */
  readonly execCalls: ExecCall[] = [];
  /** every httpGet URL, in order */
  readonly httpCalls: string[] = [];

  private commands = new Map<string, { path: string; handler: CommandHandler }>();
  private http = new Map<string, HttpHandler>();

  /** the rootfs with its symbolic links resolved */
  private readonly realRoot: string;

  private constructor(rootfs: string, realRoot: string) {
    this.rootfs = rootfs;
    this.realRoot = realRoot;
  }

  static async create(): Promise<FakeHost> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tsk-fakehost-'));
    return new FakeHost(dir, await fs.realpath(dir));
  }

  async cleanup(): Promise<void> {
    await fs.rm(this.rootfs, { recursive: true, force: true });
  }

  // ---- scripting helpers ----

  /** make `name` an executable on PATH (at /usr/bin/<name> unless given) answering with `handler` */
  command(name: string, handler: CommandHandler | ScriptedResult = {}, binPath = `/usr/bin/${name}`): this {
    const h: CommandHandler = typeof handler === 'function' ? handler : () => handler;
    this.commands.set(name, { path: binPath, handler: h });
    return this;
  }

  removeCommand(name: string): this {
    this.commands.delete(name);
    return this;
  }

  /** answer GET <url> (exact match, or a prefix ending in "*") */
  onHttp(url: string, handler: HttpHandler | HttpResponse): this {
    this.http.set(url, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  /** write a file under the rootfs, creating parent directories */
  async write(p: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
    const real = this.resolve(p);
    await fs.mkdir(path.dirname(real), { recursive: true });
    await fs.writeFile(real, data);
    await fs.chmod(real, mode);
  }

  async mkdir(p: string, mode = 0o755): Promise<void> {
    await fs.mkdir(this.resolve(p), { recursive: true, mode });
  }

  // ---- Host: files ----

  /** confined under the rootfs by the same rules as NodeHost (src/host/paths.ts) */
  resolve(p: string): string {
    return confinedPath(p, this.rootfs, this.realRoot);
  }

  async realPath(p: string): Promise<string> {
    return targetPath(await fs.realpath(this.resolve(p)), this.realRoot);
  }

  async readFile(p: string): Promise<Buffer> {
    return fs.readFile(this.resolve(p));
  }

  async readText(p: string): Promise<string> {
    return fs.readFile(this.resolve(p), 'utf8');
  }

  async readFileHead(p: string, maxBytes: number): Promise<Buffer> {
    return (await fs.readFile(this.resolve(p))).subarray(0, maxBytes);
  }

  async stat(p: string): Promise<FileInfo | undefined> {
    try {
      const st = await fs.lstat(this.resolve(p));
      return {
        isFile: st.isFile(),
        isDirectory: st.isDirectory(),
        isSymlink: st.isSymbolicLink(),
        mode: st.mode & 0o7777,
        size: st.size,
        mtimeMs: st.mtimeMs,
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async exists(p: string): Promise<boolean> {
    return (await this.stat(p)) !== undefined;
  }

  async writeFileAtomic(p: string, data: string | Uint8Array, mode: number): Promise<void> {
    const real = this.resolve(p);
    const tmp = `${real}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(tmp, data, { mode });
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, real);
  }

  async writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array; mode: number }[]): Promise<void> {
    for (const f of files) await this.writeFileAtomic(f.path, f.data, f.mode);
  }

  async removeStaleTemporaries(): Promise<void> {}

  /** paths (target host) that answer EROFS, as on a read-only mount */
  readonly readOnly = new Set<string>();

  async writable(p: string): Promise<string | undefined> {
    if (this.readOnly.has(p)) return 'EROFS';
    try {
      await fs.access(this.resolve(p), fs.constants.W_OK);
      return undefined;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code;
    }
  }

  async mkdirp(p: string, mode: number): Promise<void> {
    // apply the mode to each directory created, like the real host
    const parts = p.split('/').filter(Boolean);
    let cur = '';
    for (const part of parts) {
      cur += `/${part}`;
      const real = this.resolve(cur);
      try {
        await fs.mkdir(real);
        await fs.chmod(real, mode);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }

  async chmod(p: string, mode: number): Promise<void> {
    await fs.chmod(this.resolve(p), mode);
  }

  async remove(p: string): Promise<void> {
    await fs.rm(this.resolve(p), { recursive: true, force: true });
  }

  async readDir(p: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.resolve(p))).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  // ---- Host: commands ----

  async exec(cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult> {
    const line = [cmd, ...args].join(' ');
    this.execCalls.push({ cmd, args: [...args], line, opts });
    const command = shellQuote([cmd, ...args]);
    const entry = this.commands.get(cmd) ?? [...this.commands.values()].find((c) => c.path === cmd);
    if (!entry) {
      return { exitCode: undefined, stdout: '', stderr: '', command, notFound: true };
    }
    const r = await entry.handler([...args], opts);
    return {
      exitCode: r.timedOut ? undefined : (r.exitCode ?? 0),
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      command,
      ...(r.timedOut ? { timedOut: true } : {}),
    };
  }

  async lookPath(cmd: string): Promise<string | undefined> {
    return this.commands.get(cmd)?.path;
  }

  // ---- Host: network ----

  hostname(): string {
    return this.hostnameValue;
  }

  interfaces(): NetInterfaceAddress[] {
    return this.ifaces.map((i) => ({ ...i }));
  }

  async defaultRouteAddress(family?: 4 | 6): Promise<string | undefined> {
    if (family) return this.defaultRoute[family];
    return this.defaultRoute[4] ?? this.defaultRoute[6];
  }

  async portFree(port: number, address?: string): Promise<boolean> {
    if (this.usedPorts.has(String(port))) return false;
    if (address !== undefined && this.usedPorts.has(`${address}:${port}`)) return false;
    return true;
  }

  async portHolders(port: number): Promise<PortHolder[]> {
    return (this.holders.get(port) ?? []).map((h) => ({ pid: h.pid, argv: [...h.argv] }));
  }

  async httpGet(url: string, opts?: HttpGetOptions): Promise<HttpResponse> {
    this.httpCalls.push(url);
    let h = this.http.get(url);
    if (!h) {
      for (const [k, v] of this.http) if (k.endsWith('*') && url.startsWith(k.slice(0, -1))) h = v;
    }
    if (!h) throw new Error(`Get "${url}": dial tcp: connect: connection refused`);
    return h(url, opts);
  }

  // ---- Host: process and clock ----

  env(name: string): string | undefined {
    return this.envVars[name];
  }

  isRoot(): boolean {
    return this.root;
  }

  now(): Date {
    return new Date(this.clock.getTime());
  }

  async sleep(ms: number): Promise<void> {
    this.clock = new Date(this.clock.getTime() + ms);
  }

  cpuCount(): number {
    return this.cpus;
  }

  totalMemoryBytes(): number {
    return this.memoryBytes;
  }
}
