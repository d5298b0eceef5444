// Unmounting what is mounted below the kubelet's directory (kubeadm's unmountKubeletDirectory), through
// the Host: the mount table and umount(8) of the target host, inside the rootfs under --rootfs.

import { TskError } from '../../errors.js';
import type { ResetData } from './data.js';

/**
 * umount(8) options for kubeadm's unmountFlags. kubeadm calls umount2(2) with the flags OR-ed;
 * umount(8) can express MNT_FORCE (-f) and MNT_DETACH (-l). MNT_EXPIRE (mark for expiry, EAGAIN on
 * the first call) and UMOUNT_NOFOLLOW (do not follow a symlink in the target) have no umount(8)
 * option, so they are dropped here.
 */
export function umountArgs(flags: readonly string[]): string[] {
  const out: string[] = [];
  if (flags.includes('MNT_FORCE')) out.push('-f');
  if (flags.includes('MNT_DETACH')) out.push('-l');
  return out;
}

/** /proc/mounts escapes space, tab, newline and backslash in octal */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Unmount every mount point below `kubeletDir` (a path on the target host), deepest first. The mount
 * table is the host's /proc/mounts (inside the rootfs, as for kubeadm's chroot); its entries name
 * mount points as this process sees them, so under --rootfs only those inside the rootfs are taken,
 * translated to target paths.
 */
export async function unmountKubeletDirectory(d: Pick<ResetData, 'host' | 'out'>, kubeletDir: string, flags: readonly string[]): Promise<void> {
  const { host, out } = d;
  let raw: string;
  try {
    raw = await host.readText('/proc/mounts');
  } catch {
    throw new TskError('open /proc/mounts: no such file or directory');
  }
  const dirWithSlash = kubeletDir.endsWith('/') ? kubeletDir : kubeletDir + '/';
  // the prefix the mount table uses for that directory
  const seenAs = host.rootfs ? host.resolve(kubeletDir).replace(/\/?$/, '/') : dirWithSlash;
  const targets: string[] = [];
  for (const line of raw.split('\n')) {
    const m = line.split(' ');
    if (m.length < 2) continue;
    const mp = unescapeMountPath(m[1]!);
    if (!mp.startsWith(seenAs)) continue;
    targets.push(dirWithSlash + mp.slice(seenAs.length));
  }
  // deepest first, so a mount is never hidden below another one still mounted
  const depth = (p: string) => p.split('/').length;
  const ordered = targets.map((t, i) => ({ t, i })).sort((a, b) => depth(b.t) - depth(a.t) || a.i - b.i).map((x) => x.t);
  const errs: string[] = [];
  for (const target of ordered) {
    out.v(5, `[reset] Unmounting ${JSON.stringify(target)}`);
    const r = await host.exec('umount', [...umountArgs(flags), target]);
    if (r.exitCode === 0) continue;
    const why = (r.stderr || r.stdout).trim();
    // EINVAL: a duplicate entry already unmounted through its shared peer
    if (/not mounted|invalid argument/i.test(why)) {
      out.warn(`[reset] Ignoring EINVAL error while unmounting ${JSON.stringify(target)}`);
      continue;
    }
    errs.push(`failed to unmount ${JSON.stringify(target)}: ${r.notFound ? 'exec: "umount": executable file not found in $PATH' : why || `exit status ${r.exitCode}`}`);
  }
  if (errs.length) {
    const agg = errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`;
    throw new TskError(`encountered the following errors while unmounting directories in ${JSON.stringify(dirWithSlash)}: ${agg}`);
  }
}
