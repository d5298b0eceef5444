// init phase "kubelet-start": stop the kubelet, write kubeadm-flags.env, instance-config.yaml and
// config.yaml under /var/lib/kubelet, then (re)start it through the host's service manager.

import * as path from 'node:path';
import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { kubeletComponentConfig } from './componentconfigs.js';
import { patchManagerFor } from '../shared/staticpod.js';
import { renderKubeletFiles, tryStartKubelet, tryStopKubelet, writeKubeletFile } from '../shared/kubelet.js';

export { KUBELET_DIR_MODE, KUBELET_FILE_MODE, tryRestartKubelet, tryStartKubelet, tryStopKubelet } from '../shared/kubelet.js';

export const kubeletStartPhase: Phase<InitData> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings and (re)start the kubelet',
  long: 'Write a file with KubeletConfiguration and an environment file with node specific kubelet settings, and then (re)start kubelet.',
  example: '  # Writes a dynamic environment file with kubelet flags from a InitConfiguration file.\n  tskubeadm init phase kubelet-start --config config.yaml',
  inheritFlags: ['config', 'image-repository', 'cri-socket', 'node-name', 'patches', 'dry-run'],
  run: async (d) => {
    const k = await import('../../manifests/kubelet.js');
    // render everything before touching the host: a bad patch or config stops us with nothing written
    const { config } = await kubeletComponentConfig(d.cfg, d.out);
    // kubeadm reads the patches directory only when it writes config.yaml: hold its lines until then
    const readingLines: string[] = [];
    const patches = await patchManagerFor(d, (l) => readingLines.push(l));
    const files = await renderKubeletFiles({
      host: d.host,
      out: d.out,
      nodeRegistration: d.cfg.init.nodeRegistration,
      config,
      patches,
      kubeletDir: d.kubeletWriteDir,
      registerTaintsUsingFlags: false,
    });
    const dir = d.kubeletWriteDir;
    if (!d.dryRun) await tryStopKubelet(d.host, d.out);
    d.out.print('kubelet-start', `Writing kubelet environment file with flags to file "${path.posix.join(dir, k.KUBELET_ENV_FILE)}"`);
    await writeKubeletFile(d.host, dir, k.KUBELET_ENV_FILE, files.env);
    d.out.print('kubelet-start', `Writing kubelet configuration to file "${path.posix.join(dir, k.KUBELET_INSTANCE_CONFIG_FILE)}"`);
    await writeKubeletFile(d.host, dir, k.KUBELET_INSTANCE_CONFIG_FILE, files.instance);
    for (const l of [...readingLines, ...files.log]) d.out.println(l);
    d.out.print('kubelet-start', `Writing kubelet configuration to file "${path.posix.join(dir, k.KUBELET_CONFIG_FILE)}"`);
    await writeKubeletFile(d.host, dir, k.KUBELET_CONFIG_FILE, files.config);
    if (!d.dryRun) {
      d.out.print('kubelet-start', 'Starting the kubelet');
      await tryStartKubelet(d.host, d.out);
    }
  },
};
