// Which processes listen on a TCP port: the kernel's socket tables of this network namespace
// (/proc/net/tcp and tcp6: LISTEN sockets and their inodes), then every process's open files
// (/proc/<pid>/fd -> "socket:[inode]") and its command line. Read from the real /proc: the network
// namespace and the processes are the running system's, whatever --rootfs says. Used to tell a
// port held by this host's own control plane (an earlier, unfinished init or join) from another program.

import * as fsp from 'node:fs/promises';
import type { PortHolder } from './types.js';

const TCP_LISTEN = '0A';

/** The inodes of the LISTEN sockets on `port` in a /proc/net/tcp(6) table. */
export function listenInodes(table: string, port: number): string[] {
  const out: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (f.length < 10 || f[3] !== TCP_LISTEN) continue;
    const local = f[1]!;
    const hexPort = local.slice(local.lastIndexOf(':') + 1);
    if (parseInt(hexPort, 16) === port && f[9] !== '0') out.push(f[9]!);
  }
  return out;
}

/** A NUL-separated /proc/<pid>/cmdline as argv. */
export function parseCmdline(raw: Buffer): string[] {
  const parts = raw.toString('utf8').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

async function readOr(p: string): Promise<string> {
  try {
    return await fsp.readFile(p, 'utf8');
  } catch {
    return '';
  }
}

/** The processes holding a listening TCP socket on `port` (empty when none can be seen). */
export async function portHolders(port: number, proc = '/proc'): Promise<PortHolder[]> {
  const inodes = new Set<string>();
  for (const t of ['tcp', 'tcp6']) for (const i of listenInodes(await readOr(`${proc}/net/${t}`), port)) inodes.add(i);
  if (inodes.size === 0) return [];
  const want = new Set([...inodes].map((i) => `socket:[${i}]`));
  const pids = (await fsp.readdir(proc).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  const holders: PortHolder[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      const fds = await fsp.readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        const target = await fsp.readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '');
        if (!want.has(target)) continue;
        const raw = await fsp.readFile(`${proc}/${pid}/cmdline`).catch(() => Buffer.alloc(0));
        holders.push({ pid: Number(pid), argv: parseCmdline(raw) });
        return;
      }
    }),
  );
  return holders.sort((a, b) => a.pid - b.pid);
}
