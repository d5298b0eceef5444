// The kubelet's files and service, shared by init's and join's kubelet-start: stop/start through the
// service manager (never fatal, as in kubeadm), and the three files under /var/lib/kubelet rendered
// before anything is written (kubeadm-flags.env, instance-config.yaml, config.yaml).

import * as path from 'node:path';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { NodeRegistrationOptions } from '../../config/types.js';
import type { PatchManager } from '../../manifests/patches.js';

export const KUBELET_FILE_MODE = 0o644;
export const KUBELET_DIR_MODE = 0o700;

const NOT_RUNNING_NOTE = "won't make sure the kubelet not running for a short period of time while setting up configuration for it.";
const RUNNING_NOTE = "won't make sure the kubelet is running properly.";

async function tryKubelet(host: Host, out: Output, action: 'stop' | 'start' | 'restart'): Promise<void> {
  const { detectInitSystem } = await import('../../host/initsystem.js');
  const init = await detectInitSystem(host);
  const note = action === 'start' ? RUNNING_NOTE : NOT_RUNNING_NOTE;
  if (!init) return out.println(`[kubelet-start] No supported init system detected, ${note}`);
  if (!(await init.serviceExists('kubelet'))) {
    out.println(`[kubelet-start] Couldn't detect a kubelet service, can't make sure the kubelet ${action === 'start' ? 'is running properly.' : 'not running for a short period of time while setting up configuration for it.'}`);
  }
  try {
    if (action === 'stop') await init.serviceStop('kubelet');
    else await init.serviceRestart('kubelet'); // kubeadm "starts" with daemon-reload + restart
  } catch (e) {
    const msg = (e as Error).message;
    if (action === 'start') {
      out.warn(`[kubelet-start] WARNING: unable to start the kubelet service: [${msg}]`);
      out.println('[kubelet-start] Please ensure kubelet is reloaded and running manually.');
    } else {
      out.warn(`[kubelet-start] WARNING: unable to ${action} the kubelet service momentarily: [${msg}]`);
    }
  }
}

export const tryStopKubelet = (host: Host, out: Output) => tryKubelet(host, out, 'stop');
export const tryStartKubelet = (host: Host, out: Output) => tryKubelet(host, out, 'start');
export const tryRestartKubelet = (host: Host, out: Output) => tryKubelet(host, out, 'restart');

export interface KubeletFilesInput {
  host: Host;
  out: Output;
  nodeRegistration: NodeRegistrationOptions;
  /** the cluster-wide KubeletConfiguration, defaulted */
  config: Record<string, unknown>;
  patches: PatchManager | undefined;
  /** where the files go (/var/lib/kubelet or the dry-run directory) */
  kubeletDir: string;
  /** a worker join registers its taints through the kubelet's flags; init and control-plane joins do not */
  registerTaintsUsingFlags: boolean;
}

export interface KubeletFiles {
  env: string;
  instance: string;
  config: string;
  /** `[patches] ...` lines, printed when config.yaml is written */
  log: string[];
}

/** Render kubeadm-flags.env, instance-config.yaml and config.yaml; warnings go out at once. */
export async function renderKubeletFiles(i: KubeletFilesInput): Promise<KubeletFiles> {
  const k = await import('../../manifests/kubelet.js');
  const hostname = i.host.hostname().trim().toLowerCase();
  const env = k.renderKubeletFlagsEnv({ nodeRegistration: i.nodeRegistration, hostname, registerTaintsUsingFlags: i.registerTaintsUsingFlags });
  const instance = k.renderInstanceConfig(i.nodeRegistration.criSocket);
  const { detectInitSystem, NO_INIT_SYSTEM_MESSAGE } = await import('../../host/initsystem.js');
  const init = await detectInitSystem(i.host);
  // kubeadm warns (and carries on) when it cannot tell whether systemd-resolved runs
  const cannotTell = (why: string) => {
    i.out.warn(`cannot determine if systemd-resolved is active: ${why}`);
    return false;
  };
  const resolvedActive = init
    ? await init.serviceIsActive('systemd-resolved').catch((e: unknown) => cannotTell(e instanceof Error ? e.message : String(e)))
    : cannotTell(NO_INIT_SYSTEM_MESSAGE);
  const cfgFile = k.renderKubeletConfigFile({
    config: i.config,
    systemdResolvedActive: resolvedActive,
    ...(i.patches ? { patches: i.patches } : {}),
    instanceConfig: instance,
    instanceConfigPath: path.posix.join(i.kubeletDir, k.KUBELET_INSTANCE_CONFIG_FILE),
  });
  for (const w of cfgFile.warnings) i.out.warn(w);
  return { env, instance, config: cfgFile.content, log: cfgFile.log };
}

export async function writeKubeletFile(host: Host, kubeletDir: string, file: string, content: string): Promise<void> {
  await host.mkdirp(kubeletDir, KUBELET_DIR_MODE);
  await host.writeFileAtomic(path.posix.join(kubeletDir, file), content, KUBELET_FILE_MODE, KUBELET_DIR_MODE);
}
