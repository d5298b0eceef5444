// The cluster-wide KubeletConfiguration, defaulted once per run (kubeadm prints its warnings once,
// while loading the configuration) and shared by kubelet-start and upload-config.

import type { InitConfig } from '../../config/types.js';
import type { Output } from '../../output.js';
import type { KubeletConfigResult } from '../../manifests/kubelet.js';

const cache = new WeakMap<InitConfig, Promise<KubeletConfigResult>>();

export function kubeletComponentConfig(cfg: InitConfig, out: Output): Promise<KubeletConfigResult> {
  let p = cache.get(cfg);
  if (!p) {
    p = (async () => {
      const { defaultKubeletConfiguration } = await import('../../manifests/kubelet.js');
      const res = defaultKubeletConfiguration(cfg.cluster, cfg.kubelet);
      for (const w of res.warnings) out.warn(w);
      return res;
    })();
    cache.set(cfg, p);
  }
  return p;
}
