// The host layer: every side effect of tskubeadm goes through this interface.
// Paths are always the target host's absolute paths (e.g. "/etc/kubernetes/pki/ca.crt");
// an implementation may confine them under a --rootfs directory.

export interface PortHolder {
  pid: number;
  /** the process's command line */
  argv: string[];
}

export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  /** permission bits, e.g. 0o600 */
  mode: number;
  size: number;
  mtimeMs: number;
}

export interface ExecOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  timeoutMs?: number;
  cwd?: string;
}

export interface ExecResult {
  /** undefined when the command could not be started (not found) or was killed */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** the command line, quoted so that it can be pasted into a shell */
  command: string;
  /** true when the executable was not found */
  notFound?: boolean;
  timedOut?: boolean;
}

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpGetOptions {
  /** skip TLS verification (kubeadm's health probes do this) */
  insecure?: boolean;
  timeoutMs?: number;
  /** PEM CA bundle to verify against */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface NetInterfaceAddress {
  iface: string;
  address: string;
  family: 4 | 6;
  internal: boolean;
  cidr: string | null;
}

export interface Host {
  /** the directory host paths are confined to, or undefined for the real root */
  readonly rootfs: string | undefined;

  // ---- files ----
  readFile(path: string): Promise<Buffer>;
  readText(path: string): Promise<string>;
  /** the first `maxBytes` bytes of a file (all of it when shorter) */
  readFileHead(path: string, maxBytes: number): Promise<Buffer>;
  /** undefined when the path does not exist (lstat semantics) */
  stat(path: string): Promise<FileInfo | undefined>;
  exists(path: string): Promise<boolean>;
  /**
   * atomic: temp file in the same directory, fsync, rename; mode applied explicitly.
   * Missing parent directories are created with dirMode (default 0755).
   */
  writeFileAtomic(path: string, data: string | Uint8Array, mode: number, dirMode?: number): Promise<void>;
  /**
   * several files that belong together (a key and its certificate), all or none as far as the file
   * system allows: every temp file is written and synced before the first rename, so a full disk or a
   * write error leaves none of them; only a kill between two renames can leave part of the set
   */
  writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array; mode: number }[], dirMode?: number): Promise<void>;
  /**
   * remove the temporary files of atomic writes that a killed tskubeadm left in a directory
   * (writeFileAtomic does this for the directory it writes to)
   */
  removeStaleTemporaries(dir: string): Promise<void>;
  /**
   * undefined when this process may write in the existing directory `path`, else why not as an errno
   * code (EROFS for a read-only file system, EACCES, ...): access(2) with W_OK
   */
  writable(path: string): Promise<string | undefined>;
  /** create a directory and its parents; the given mode is applied to every directory created */
  mkdirp(path: string, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** remove a file or (recursively) a directory; no error if absent */
  remove(path: string): Promise<void>;
  /** entry names in a directory; [] when it does not exist */
  readDir(path: string): Promise<string[]>;
  /** the real (rootfs-relative, when confined) path under the host, for tools that must read it */
  resolve(path: string): string;
  /** the target path with every symbolic link resolved, as the target host sees it (Go's EvalSymlinks) */
  realPath(path: string): Promise<string>;

  // ---- commands ----
  exec(cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** absolute path of an executable on PATH, or undefined */
  lookPath(cmd: string): Promise<string | undefined>;

  // ---- network ----
  hostname(): string;
  interfaces(): NetInterfaceAddress[];
  /** the IP address of the interface carrying the default route, per family preference */
  defaultRouteAddress(family?: 4 | 6): Promise<string | undefined>;
  /** true when something can bind the TCP port (i.e. it is free) */
  portFree(port: number, address?: string): Promise<boolean>;
  httpGet(url: string, opts?: HttpGetOptions): Promise<HttpResponse>;
  /** the processes listening on a TCP port in this host's network, with their command lines; [] when none is seen */
  portHolders(port: number): Promise<PortHolder[]>;

  // ---- process and clock ----
  env(name: string): string | undefined;
  /** the whole environment (for kubeadm's *_proxy pass-through) */
  environ?(): Readonly<Record<string, string | undefined>>;
  isRoot(): boolean;
  now(): Date;
  sleep(ms: number): Promise<void>;
  cpuCount(): number;
  totalMemoryBytes(): number;
}
