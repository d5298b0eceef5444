// tskubeadm's own preflight check (not kubeadm's): every directory the command is about to write in can
// be written, so that a read-only /etc/kubernetes (or manifests directory, or /var/lib/kubelet) stops
// the run before its first file, instead of in the middle of the certs, control-plane or kubelet-start
// phase with some files written. A directory that does not exist yet is judged by the nearest existing
// one above it, where it would be created.

import * as path from 'node:path';
import { result, type Check } from './runner.js';
import type { Host } from '../host/types.js';

const pathLabel = (p: string) => p.replace(/\//g, '-');

function why(code: string): string {
  if (code === 'EROFS') return 'is on a read-only file system';
  if (code === 'EACCES' || code === 'EPERM') return 'is not writable (permission denied)';
  return `cannot be written (${code})`;
}

/** The problem with writing in `dir`, or undefined. */
async function problem(host: Host, dir: string): Promise<string | undefined> {
  let cur = path.posix.normalize(dir);
  for (;;) {
    const st = await host.stat(cur);
    if (st) {
      if (!st.isDirectory && !(st.isSymlink && (await host.readDir(cur).then(() => true, () => false)))) {
        return cur === dir ? `${dir} is not a directory` : `${dir} cannot be created: ${cur} is not a directory`;
      }
      const code = await host.writable(cur);
      if (code === undefined) return undefined;
      return cur === dir ? `${dir} ${why(code)}` : `${dir} cannot be created: ${cur} ${why(code)}`;
    }
    const parent = path.posix.dirname(cur);
    if (parent === cur) return undefined;
    cur = parent;
  }
}

/** One check per directory, named "DirWritable-<path>" in kubeadm's style ("DirWritable--etc-kubernetes"). */
export function dirWritableChecks(dirs: readonly string[]): Check[] {
  return [...new Set(dirs.map((d) => path.posix.normalize(d)))].map((dir) => ({
    name: `DirWritable-${pathLabel(dir)}`,
    async run({ host }) {
      const p = await problem(host, dir);
      return p ? result([], [p]) : result();
    },
  }));
}
