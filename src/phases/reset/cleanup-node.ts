// reset phase "cleanup-node": stop the kubelet, unmount what is mounted under /var/lib/kubelet
// (unmount.ts), remove the node's pod sandboxes through the CRI, and delete what init/join wrote
// under /etc/kubernetes, /var/lib/kubelet and the certificates directory. Every effect goes through the Host, so it works
// under --rootfs (where commands run chrooted, as kubeadm's --rootfs does).

import * as path from 'node:path';
import { errorMessage, TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Phase } from '../workflow.js';
import { unmountKubeletDirectory } from './unmount.js';
import { DEFAULT_CERTIFICATES_DIR, KUBELET_DIR, KUBERNETES_DIR, MANIFESTS_DIR, TMP_DIR } from '../../config/constants.js';
import { KUBECONFIG_FILES, type ResetData } from './data.js';

/** Go's %v of a []string: "[a b c]" */
export const goList = (items: string[]) => `[${items.join(' ')}]`;

/** Delete everything inside `dir`, keeping `dir` itself; a missing directory is not an error (kubeadm's CleanDir). */
export async function cleanDir(host: Host, dir: string): Promise<void> {
  const st = await host.stat(dir);
  if (!st) return;
  for (const name of await host.readDir(dir)) await host.remove(path.posix.join(dir, name));
}

/** kubeadm's IsDirEmpty: false when the directory cannot be read (e.g. it does not exist). */
export async function isDirEmpty(host: Host, dir: string): Promise<boolean> {
  const st = await host.stat(dir);
  if (!st || !st.isDirectory) return false;
  return (await host.readDir(dir)).length === 0;
}

/**
 * filepath.EvalSymlinks for a host path: the path with every symbolic link resolved, as the target
 * host sees it (inside the rootfs when there is one). Go's error text when it does not exist.
 */
export async function evalSymlinks(host: Host, p: string): Promise<string> {
  if (!(await host.stat(p))) throw new TskError(`lstat ${p}: no such file or directory`);
  return host.realPath(p);
}

async function stopKubelet(d: ResetData): Promise<void> {
  d.out.v(1, '[reset] Getting init system');
  const { detectInitSystem } = await import('../../host/initsystem.js');
  const init = await detectInitSystem(d.host);
  if (!init) {
    d.out.warn('[reset] The kubelet service could not be stopped by kubeadm. Unable to detect a supported init system!');
    d.out.warn('[reset] Please ensure kubelet is stopped manually');
    return;
  }
  if (d.dryRun) {
    d.out.println('[dryrun] Would stop the kubelet service');
    return;
  }
  d.out.println('[reset] Stopping the kubelet service');
  try {
    await init.serviceStop('kubelet');
  } catch (e) {
    d.out.warn(`[reset] The kubelet service could not be stopped by kubeadm: [${errorMessage(e)}]`);
    d.out.warn('[reset] Please ensure kubelet is stopped manually');
  }
}

async function removeContainers(d: ResetData): Promise<void> {
  const { createCriClient } = await import('../../cri/index.js');
  const cri = createCriClient(d.criSocket, { host: d.host });
  try {
    await cri.connect();
    const ids = await cri.stopAndRemoveAllPods();
    d.out.v(1, `[reset] Removed pod sandboxes: ${goList(ids)}`);
  } finally {
    cri.close();
  }
}

/** kubeadm's resetConfigDir: empty the directories, then delete the kubeconfig files */
async function resetConfigDir(d: ResetData, dirs: string[]): Promise<void> {
  const files = KUBECONFIG_FILES.map((f) => path.posix.join(KUBERNETES_DIR, f));
  if (d.dryRun) {
    d.out.println(`[dryrun] Would delete contents of directories: ${goList(dirs)}`);
    d.out.println(`[dryrun] Would delete files: ${goList(files)}`);
    return;
  }
  d.out.println(`[reset] Deleting contents of directories: ${goList(dirs)}`);
  for (const dir of dirs) {
    try {
      await cleanDir(d.host, dir);
    } catch (e) {
      d.out.warn(`[reset] Failed to delete contents of ${JSON.stringify(dir)} directory: ${errorMessage(e)}`);
    }
  }
  d.out.println(`[reset] Deleting files: ${goList(files)}`);
  for (const f of files) {
    try {
      await d.host.remove(f);
    } catch (e) {
      d.out.warn(`[reset] Failed to remove file: ${JSON.stringify(f)} [${errorMessage(e)}]`);
    }
  }
  // the half-written temporaries a killed tskubeadm left beside those files (the emptied directories
  // lost theirs above); kubeadm writes in place and has none
  await d.host.removeStaleTemporaries(KUBERNETES_DIR).catch(() => undefined);
}

export const cleanupNodePhase: Phase<ResetData> = {
  name: 'cleanup-node',
  aliases: ['cleanupnode'],
  short: 'Run cleanup node.',
  inheritFlags: ['cert-dir', 'cri-socket', 'cleanup-tmp-dir', 'dry-run'],
  run: async (d) => {
    const dirs = [MANIFESTS_DIR];
    await stopKubelet(d);

    if (!d.dryRun) {
      let kubeletDir: string | undefined;
      try {
        kubeletDir = await evalSymlinks(d.host, KUBELET_DIR);
      } catch (e) {
        d.out.warn(`[reset] Skipping unmount of directories in ${JSON.stringify(KUBELET_DIR)}: ${errorMessage(e)}`);
      }
      if (kubeletDir !== undefined) {
        d.out.println(`[reset] Unmounting mounted directories in ${JSON.stringify(KUBELET_DIR)}`);
        await unmountKubeletDirectory(d, kubeletDir, d.reset.unmountFlags);
        dirs.push(kubeletDir);
      }
    } else {
      d.out.println(`[dryrun] Would unmount mounted directories in ${JSON.stringify(KUBELET_DIR)}`);
    }

    if (!d.dryRun) {
      d.out.v(1, '[reset] Removing Kubernetes-managed containers');
      try {
        await removeContainers(d);
      } catch (e) {
        d.out.warn(`[reset] Failed to remove containers: ${errorMessage(e)}`);
      }
    } else {
      d.out.println('[dryrun] Would remove Kubernetes-managed containers');
    }

    if (d.certificatesDir !== DEFAULT_CERTIFICATES_DIR) {
      d.out.warn(`[reset] WARNING: Cleaning a non-default certificates directory: ${JSON.stringify(d.certificatesDir)}`);
    }
    dirs.push(d.certificatesDir);
    if (d.cleanupTmpDir) dirs.push(TMP_DIR);
    await resetConfigDir(d, dirs);

    if (d.clusterState?.cluster.featureGates?.['RootlessControlPlane']) {
      if (d.dryRun) d.out.println('[dryrun] Would remove users and groups created for rootless control-plane');
      else d.out.warn('[reset] Removing the users and groups of a rootless control plane is not supported by tskubeadm; remove the kubeadm-* users and groups manually');
    }
  },
};
