// The cluster-wide KubeletConfiguration, defaulted once per run (kubeadm prints its warnings once,
// while loading the configuration) and shared by kubelet-start and upload-config.

import type { InitConfig } from '../../config/types.js';
import type { Output } from '../../output.js';
import type { KubeletConfigResult } from '../../manifests/kubelet.js';
import { perRun } from '../shared/per-run.js';

export const kubeletComponentConfig = perRun(async (cfg: InitConfig, out: Output): Promise<KubeletConfigResult> => {
  const { defaultKubeletConfiguration } = await import('../../manifests/kubelet.js');
  const res = defaultKubeletConfiguration(cfg.cluster, cfg.kubelet);
  for (const w of res.warnings) out.warn(w);
  return res;
});
