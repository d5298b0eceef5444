// The kubeconfig files of a control-plane node, from explicit inputs (kubeadm's
// CreateJoinControlPlaneKubeConfigFiles / CreateKubeConfigFile for init's "kubeconfig" phase and a
// control-plane join): existing files are checked (same CA, same server) and the missing ones get
// their client certificates, with keys from the run's pool, signed by the cluster CA on disk.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { InitConfig } from '../../config/types.js';
import type { ExistingKubeconfigCheck } from '../../kubeconfig/kubeconfig.js';
import type { PrivateKey } from '../../pki/keys.js';
import type { KubeconfigFile } from '../../pki/specs.js';

/** kubeadm's validateKubeConfig for a file on the host, reading the CA file it refers to when it does. */
export async function checkKubeconfigFile(
  host: Host,
  file: string,
  expected: { caPem: string | Uint8Array; server: string },
): Promise<ExistingKubeconfigCheck> {
  const { checkExistingKubeconfig } = await import('../../kubeconfig/kubeconfig.js');
  const text = await host.readFile(file);
  const check = checkExistingKubeconfig(text, expected, file);
  if (!check.needsCAFile) return check;
  const caFile = await host.readFile(check.needsCAFile).catch(() => undefined);
  return checkExistingKubeconfig(text, expected, file, caFile);
}

export interface PlannedKubeconfig {
  file: KubeconfigFile;
  /** full path read from / written to */
  path: string;
  /** rendered text when it must be written; undefined when the existing file is kept */
  text?: string;
}

export interface KubeconfigPlanInput {
  host: Host;
  cfg: InitConfig;
  /** where ca.crt and ca.key are */
  caDir: string;
  /** where the kubeconfig files are */
  dir: string;
  files: readonly KubeconfigFile[];
  now: Date;
  /** a fresh client key (from the run's key pool), asked for only for a file to be written */
  takeKey: () => Promise<PrivateKey>;
}

/** Failing to load the CA, in kubeadm's words (Go's os.Open error for a missing certificate file). */
function caLoadError(e: unknown, caCrtPath: string): TskError {
  const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'not a directory' : undefined;
  const detail = why ? `failed to load certificate: couldn't load the certificate file ${caCrtPath}: open ${caCrtPath}: ${why}` : (e as Error).message;
  return new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${detail}`, 1, {
    cause: e,
    hint: code === 'ENOENT' ? `${caCrtPath} does not exist: run "tskubeadm init phase certs ca" first` : `${caCrtPath} cannot be read`,
  });
}

/**
 * Every requested file checked or rendered, nothing written; throws with every problem found before
 * any write. `warnings`: kubeadm's notes about the control-plane endpoint, printed per file using it.
 */
export async function planKubeconfigFiles(i: KubeconfigPlanInput): Promise<{ files: Map<KubeconfigFile, PlannedKubeconfig>; warnings: string[] }> {
  const planned = new Map<KubeconfigFile, PlannedKubeconfig>();
  if (!i.files.length) return { files: planned, warnings: [] };
  const { kubeconfigSpecs } = await import('../../kubeconfig/kubeconfig.js');
  const caCrtPath = path.posix.join(i.caDir, 'ca.crt');
  let caPem: Buffer;
  try {
    caPem = await i.host.readFile(caCrtPath);
  } catch (e) {
    throw caLoadError(e, caCrtPath);
  }
  const { specs, warnings } = kubeconfigSpecs(i.cfg);

  // check every existing file first; collect every problem before writing anything
  const problems: string[] = [];
  const missing: KubeconfigFile[] = [];
  for (const f of i.files) {
    const spec = specs.find((x) => x.file === f)!;
    const file = path.posix.join(i.dir, f);
    planned.set(f, { file: f, path: file });
    if (!(await i.host.stat(file))) {
      missing.push(f);
      continue;
    }
    const check = await checkKubeconfigFile(i.host, file, { caPem, server: spec.server });
    if (!check.ok) problems.push(check.error ?? `${file}: unusable kubeconfig file`);
    // stricter than kubeadm, which only warns: a file pointing at another API server is not reused
    else if (check.warnings.some((w) => w.includes('unexpected API Server URL'))) {
      problems.push(check.warnings.find((w) => w.includes('unexpected API Server URL'))!);
    }
  }
  if (problems.length) {
    throw new TskError(problems.join('\n'), 1, { hint: 'remove the files named above (or fix the configuration) and run the phase again' });
  }
  if (!missing.length) return { files: planned, warnings };

  const { loadSigner } = await import('../../pki/certs.js');
  const { buildKubeconfigFile } = await import('../../kubeconfig/files.js');
  let caKeyPem: Buffer;
  try {
    caKeyPem = await i.host.readFile(path.posix.join(i.caDir, 'ca.key'));
  } catch (e) {
    throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${(e as Error).message}`);
  }
  let signer;
  try {
    signer = loadSigner('ca', caPem, caKeyPem, i.caDir);
  } catch (e) {
    throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${(e as Error).message}`, 1, { cause: e });
  }
  const built = await Promise.all(missing.map(async (f) => buildKubeconfigFile(f, i.cfg, i.now, signer, { key: await i.takeKey() })));
  for (const b of built) planned.get(b.file)!.text = b.text;
  return { files: planned, warnings };
}
