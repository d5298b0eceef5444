// Static Pods on this node, for init's control-plane and etcd phases and a control-plane join: host
// facts for the renderers, the --patches directory (read once per run), and the one writer of manifests.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { PatchManager } from '../../manifests/patches.js';
import type { ManifestEnv } from '../../manifests/staticpods.js';
import type { Pod } from '../../manifests/pod.js';
import { perRun } from './per-run.js';

export const MANIFEST_FILE_MODE = 0o600;
export const MANIFEST_DIR_MODE = 0o700;

interface PatchSource {
  readonly inputs: Host;
  readonly out: Output;
  readonly patchesDir: string | undefined;
}

/** Read every file of a patches directory (recursively, through the unconfined input host). */
async function readPatchFiles(inputs: Host, dir: string): Promise<{ fileName: string; content: string }[]> {
  const out: { fileName: string; content: string }[] = [];
  const walk = async (rel: string) => {
    const abs = rel ? path.posix.join(dir, rel) : dir;
    for (const name of await inputs.readDir(abs)) {
      const relName = rel ? `${rel}/${name}` : name;
      const st = await inputs.stat(path.posix.join(dir, relName));
      if (st?.isDirectory) await walk(relName);
      else if (st?.isFile) out.push({ fileName: relName, content: await inputs.readText(path.posix.join(dir, relName)) });
    }
  };
  await walk('');
  return out;
}

/**
 * The patch manager for the run's --patches directory, loaded once; undefined without one.
 * The "[patches] Reading ..." lines go to `log` (default: the run's output) when this call loads it.
 */
export const patchManagerFor = perRun(
  async (d: PatchSource, log: (line: string) => void = (l) => d.out.println(l)): Promise<PatchManager | undefined> => {
    if (!d.patchesDir) return undefined;
    const dir = path.resolve(d.patchesDir);
    const st = await d.inputs.stat(dir);
    if (!st?.isDirectory) throw new TskError(`--patches: ${JSON.stringify(d.patchesDir)} is not a directory`, 3);
    const { loadPatches } = await import('../../manifests/patches.js');
    const loaded = loadPatches(dir, await readPatchFiles(d.inputs, dir));
    for (const l of loaded.log) log(l);
    return loaded.manager;
  },
);

/** Apply the patches for `target` to a static Pod, printing kubeadm's "[patches] Applied ..." lines. */
export async function patchPod(d: PatchSource, target: string, pod: Pod): Promise<Pod> {
  const mgr = await patchManagerFor(d);
  if (!mgr) return pod;
  const { applyPatchesToTarget, podMergeSchema } = await import('../../manifests/patches.js');
  const { normalizePod } = await import('../../manifests/podnormalize.js');
  const res = applyPatchesToTarget(mgr, target, pod, podMergeSchema);
  for (const l of res.log) d.out.println(l);
  // a patched Pod goes through kubeadm's decode/encode round trip: zero omitempty fields
  // ("hostNetwork: false") disappear, quantities become canonical
  return res.log.length ? normalizePod(res.data) : pod;
}

/** Host facts the static Pod renderers need. */
export async function manifestEnv(host: Host, externalCA: boolean): Promise<ManifestEnv> {
  const { CA_CERTS_EXTRA_VOLUME_PATHS } = await import('../../manifests/staticpods.js');
  const existing: string[] = [];
  for (const p of CA_CERTS_EXTRA_VOLUME_PATHS) {
    const st = await host.stat(p);
    if (st?.isDirectory || (st?.isSymlink && (await host.exists(p)))) existing.push(p);
  }
  return { existingCaCertDirs: existing, proxyEnv: host.environ?.() ?? {}, externalCA };
}

/** The one writer of static Pod manifests: directory 0700, file 0600, atomic. */
export async function writeStaticPod(host: Host, manifestDir: string, component: string, pod: Pod): Promise<string> {
  const { toManifestYaml, manifestPath } = await import('../../manifests/staticpods.js');
  const file = manifestPath(component, manifestDir);
  await host.mkdirp(manifestDir, MANIFEST_DIR_MODE);
  await host.writeFileAtomic(file, toManifestYaml(pod), MANIFEST_FILE_MODE, MANIFEST_DIR_MODE);
  return file;
}
