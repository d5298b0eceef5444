// init phase "kubelet-start": stop the kubelet, write kubeadm-flags.env, instance-config.yaml and
// config.yaml under /var/lib/kubelet, then (re)start it through the host's service manager.

import * as path from 'node:path';
import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import { kubeletComponentConfig } from './componentconfigs.js';
import { patchManagerFor } from '../shared/staticpod.js';

export const KUBELET_FILE_MODE = 0o644;
export const KUBELET_DIR_MODE = 0o700;

const NOT_RUNNING_NOTE = "won't make sure the kubelet not running for a short period of time while setting up configuration for it.";
const RUNNING_NOTE = "won't make sure the kubelet is running properly.";

/**
 * Stop, start or restart the kubelet through the service manager; never fatal, as in kubeadm, which
 * prints a note when there is no service manager or no kubelet service and warns when the call fails.
 */
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

async function writeKubeletFile(d: InitData, file: string, content: string): Promise<void> {
  await d.host.mkdirp(d.kubeletWriteDir, KUBELET_DIR_MODE);
  await d.host.writeFileAtomic(path.posix.join(d.kubeletWriteDir, file), content, KUBELET_FILE_MODE, KUBELET_DIR_MODE);
}

export const kubeletStartPhase: Phase<InitData> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings and (re)start the kubelet',
  long: 'Write a file with KubeletConfiguration and an environment file with node specific kubelet settings, and then (re)start kubelet.',
  example: '  # Writes a dynamic environment file with kubelet flags from a InitConfiguration file.\n  tskubeadm init phase kubelet-start --config config.yaml',
  inheritFlags: ['config', 'image-repository', 'cri-socket', 'node-name', 'patches', 'dry-run'],
  run: async (d) => {
    const k = await import('../../manifests/kubelet.js');
    // render everything before touching the host: a bad patch or config stops us with nothing written
    const nodeReg = d.cfg.init.nodeRegistration;
    const hostname = d.host.hostname().trim().toLowerCase();
    const flagsEnv = k.renderKubeletFlagsEnv({ nodeRegistration: nodeReg, hostname, registerTaintsUsingFlags: false });
    const instance = k.renderInstanceConfig(nodeReg.criSocket);
    const { config } = await kubeletComponentConfig(d.cfg, d.out);
    const { detectInitSystem, NO_INIT_SYSTEM_MESSAGE } = await import('../../host/initsystem.js');
    const init = await detectInitSystem(d.host);
    // kubeadm warns (and carries on) when it cannot tell whether systemd-resolved runs
    const cannotTell = (why: string) => {
      d.out.warn(`cannot determine if systemd-resolved is active: ${why}`);
      return false;
    };
    const resolvedActive = init
      ? await init.serviceIsActive('systemd-resolved').catch((e: unknown) => cannotTell(e instanceof Error ? e.message : String(e)))
      : cannotTell(NO_INIT_SYSTEM_MESSAGE);
    // kubeadm reads the patches directory only when it writes config.yaml: hold its lines until then
    const readingLines: string[] = [];
    const patches = await patchManagerFor(d, (l) => readingLines.push(l));
    const instancePath = path.posix.join(d.kubeletWriteDir, k.KUBELET_INSTANCE_CONFIG_FILE);
    const cfgFile = k.renderKubeletConfigFile({
      config,
      systemdResolvedActive: resolvedActive,
      ...(patches ? { patches } : {}),
      instanceConfig: instance,
      instanceConfigPath: instancePath,
    });
    for (const w of cfgFile.warnings) d.out.warn(w);

    if (!d.dryRun) await tryStopKubelet(d.host, d.out);
    const envPath = path.posix.join(d.kubeletWriteDir, k.KUBELET_ENV_FILE);
    d.out.print('kubelet-start', `Writing kubelet environment file with flags to file "${envPath}"`);
    await writeKubeletFile(d, k.KUBELET_ENV_FILE, flagsEnv);
    d.out.print('kubelet-start', `Writing kubelet configuration to file "${instancePath}"`);
    await writeKubeletFile(d, k.KUBELET_INSTANCE_CONFIG_FILE, instance);
    for (const l of [...readingLines, ...cfgFile.log]) d.out.println(l);
    d.out.print('kubelet-start', `Writing kubelet configuration to file "${path.posix.join(d.kubeletWriteDir, k.KUBELET_CONFIG_FILE)}"`);
    await writeKubeletFile(d, k.KUBELET_CONFIG_FILE, cfgFile.content);
    if (!d.dryRun) {
      d.out.print('kubelet-start', 'Starting the kubelet');
      await tryStartKubelet(d.host, d.out);
    }
  },
};
