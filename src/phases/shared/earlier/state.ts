// What an earlier run of init or join left on this host, as found by init.ts / join.ts: the files,
// directories and ports recognised as its own, what this configuration cannot continue from, and
// what the run will change (the summary printed by preflight). Preflight's checks ask it (see
// src/preflight/earlier.ts); nothing is recognised while a single conflict stands.

import type { Host } from '../../../host/types.js';
import type { EarlierRun } from '../../../preflight/earlier.js';

/** decides whether a process (by its command line) is the earlier run's holder of a port */
export type HolderMatch = (argv: readonly string[]) => boolean;

export class EarlierRunState implements EarlierRun {
  readonly conflicts: string[] = [];
  /** what the continued run will rewrite (reconcilable differences), printed by preflight */
  readonly notes: string[] = [];
  /** what preflight accepted because it is the earlier run's (files, directories, ports) */
  readonly used: string[] = [];
  private readonly paths = new Set<string>();
  private readonly ports = new Map<number, HolderMatch[]>();
  /** Node names whose credentials (kubelet.conf) this host holds */
  readonly nodes = new Set<string>();

  constructor(
    private readonly host: Host,
    readonly command: 'init' | 'join',
  ) {}

  /** a file or directory of the earlier run */
  own(path: string): void {
    this.paths.add(path);
  }

  /** a port the earlier run's process (told by `match`) may hold */
  ownPort(port: number, match: HolderMatch): void {
    this.ports.set(port, [...(this.ports.get(port) ?? []), match]);
  }

  conflict(line: string): void {
    if (!this.conflicts.includes(line)) this.conflicts.push(line);
  }

  /** anything of an earlier run found at all */
  get found(): boolean {
    return this.paths.size > 0 || this.conflicts.length > 0;
  }

  /** whether the path was recognised (without counting it as used) */
  recognised(path: string): boolean {
    return this.paths.has(path);
  }

  owns(path: string): boolean {
    if (this.conflicts.length > 0 || !this.paths.has(path)) return false;
    if (!this.used.includes(path)) this.used.push(path);
    return true;
  }

  /** a Node this host is (its kubelet.conf holds that Node's client certificate) */
  ownsNode(name: string): boolean {
    return this.conflicts.length === 0 && this.nodes.has(name);
  }

  async ownsPort(port: number): Promise<boolean> {
    const matches = this.ports.get(port);
    if (this.conflicts.length > 0 || !matches) return false;
    // a crash-looping component may be between two processes: look again, or find the port free
    for (let attempt = 0; attempt < 5; attempt++) {
      const holders = await this.host.portHolders(port);
      if (holders.length > 0) {
        const ok = holders.every((h) => matches.some((m) => m(h.argv)));
        if (ok && !this.used.includes(`port ${port}`)) this.used.push(`port ${port}`);
        return ok;
      }
      if (await this.host.portFree(port)) return true;
      await this.host.sleep(100);
    }
    return false;
  }
}

/** The command of a static Pod as a process runs it: the same argv. */
export const sameArgv =
  (command: readonly string[]): HolderMatch =>
  (argv) =>
    argv.length === command.length && argv.every((a, i) => a === command[i]);

/** The kubelet (the kubelet service's command) running with this kubeconfig. */
export const kubeletWith =
  (kubeconfig: string): HolderMatch =>
  (argv) => {
    if (argv.length === 0 || argv[0]!.split('/').pop() !== 'kubelet') return false;
    return argv.some((a, i) => a === `--kubeconfig=${kubeconfig}` || (a === '--kubeconfig' && argv[i + 1] === kubeconfig));
  };
