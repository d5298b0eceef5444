// The path rules of every Host: how a target-host path maps to a real path under --rootfs (".." that
// climbs out and symbolic links that lead outside are refused), how a real path maps back, and how a
// command line is quoted. NodeHost and the tests' FakeHost both use these, so the two cannot drift.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { TskError } from '../errors.js';

export class RootfsEscapeError extends TskError {
  constructor(p: string, rootfs: string, why: string) {
    super(`path ${JSON.stringify(p)} escapes the root filesystem ${JSON.stringify(rootfs)}: ${why}`);
  }
}

/** Quote a command line so that it can be pasted into a POSIX shell. */
export function shellQuote(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The real path of absolute target path `p`: `p` itself (normalized) without a root; under `realRoot`
 * (the rootfs with its own symbolic links resolved; `rootfs` as the user gave it, for messages)
 * otherwise, with every symbolic link on the way resolved and required to stay inside.
 */
export function confinedPath(p: string, rootfs: string | undefined, realRoot: string | undefined): string {
  if (!path.isAbsolute(p)) throw new TskError(`internal: host path ${JSON.stringify(p)} is not absolute`);
  if (!realRoot) return path.normalize(p);
  const shown = rootfs ?? realRoot;
  // Refuse ".." that would climb above the root before anything touches the disk.
  const parts = p.split('/').filter((s) => s && s !== '.');
  let depth = 0;
  for (const s of parts) {
    depth += s === '..' ? -1 : 1;
    if (depth < 0) throw new RootfsEscapeError(p, shown, '".." climbs above the root');
  }
  const joined = path.join(realRoot, path.normalize('/' + parts.join('/')));
  // Resolve the deepest existing ancestor; a symlink anywhere on the way must stay inside.
  let probe = joined;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = fs.realpathSync.native(probe);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new RootfsEscapeError(p, shown, `a symbolic link leads to ${JSON.stringify(real)}`);
      }
      return tail.length ? path.join(real, ...tail.reverse()) : real;
    } catch (e) {
      if (e instanceof RootfsEscapeError) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') throw e;
      // a dangling symlink pointing outside must be refused too
      try {
        const target = fs.readlinkSync(probe);
        const abs = path.resolve(path.dirname(probe), target);
        if (abs !== realRoot && !abs.startsWith(realRoot + path.sep)) {
          throw new RootfsEscapeError(p, shown, `a symbolic link leads to ${JSON.stringify(abs)}`);
        }
      } catch (le) {
        if (le instanceof RootfsEscapeError) throw le;
      }
      tail.push(path.basename(probe));
      const parent = path.dirname(probe);
      if (parent === probe) throw e;
      probe = parent;
    }
  }
}

/** The target path of `real`, a real path under `realRoot`. */
export function targetPath(real: string, realRoot: string): string {
  const rel = path.relative(realRoot, real);
  return '/' + rel.split(path.sep).filter(Boolean).join('/');
}

/**
 * The name of the temporary file an atomic write of `base` goes through: hidden, in the same directory,
 * with the writer's pid. A writer killed between creating it and renaming it over `base` (SIGKILL, power
 * loss) leaves it behind; `staleTemporary` recognises such a leftover so the next write in that
 * directory (or reset) removes it.
 */
export function temporaryName(base: string, pid: number, random: string): string {
  return `.${base}.tskubeadm-${pid}-${random}.tmp`;
}

const TEMPORARY = /^\..+\.tskubeadm-(\d+)-[0-9a-f]+\.tmp$/;

/** The pid that made `name` when it is one of tskubeadm's temporary files, else undefined. */
export function temporaryOwner(name: string): number | undefined {
  const m = TEMPORARY.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** True when `name` is a temporary file of a tskubeadm process that no longer runs. */
export function staleTemporary(name: string, alive: (pid: number) => boolean = pidAlive): boolean {
  const pid = temporaryOwner(name);
  return pid !== undefined && pid !== process.pid && !alive(pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
