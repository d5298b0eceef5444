// init phase "upload-config": the ClusterConfiguration and the kubelet's component config in
// ConfigMaps (the work: src/phases/shared/cluster/uploadconfig.ts).

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { clusterClient } from './admin.js';

const UPLOAD_CONFIG_FLAGS = ['config', 'cri-socket', 'kubeconfig', 'dry-run'] as const;

export const uploadConfigPhase: Phase<InitData> = {
  name: 'upload-config',
  aliases: ['uploadconfig'],
  short: 'Upload the kubeadm and kubelet configuration to a ConfigMap',
  phases: [
    { name: 'all', short: 'Upload all configuration to a config map', runAllSiblings: true, inheritFlags: UPLOAD_CONFIG_FLAGS },
    {
      name: 'kubeadm',
      short: 'Upload the kubeadm ClusterConfiguration to a ConfigMap',
      inheritFlags: UPLOAD_CONFIG_FLAGS,
      run: async (d) => {
        const { marshalClusterConfiguration } = await import('../../config/marshal.js');
        const { uploadKubeadmConfig } = await import('../shared/cluster/uploadconfig.js');
        d.out.v(1, '[upload-config] Uploading the kubeadm ClusterConfiguration to a ConfigMap');
        await uploadKubeadmConfig(await clusterClient(d), d.out, marshalClusterConfiguration(d.cfg.cluster));
      },
    },
    {
      name: 'kubelet',
      short: 'Upload the kubelet component config to a ConfigMap',
      inheritFlags: UPLOAD_CONFIG_FLAGS,
      run: async (d) => {
        const { kubeletComponentConfig } = await import('./componentconfigs.js');
        const { kubeletConfigurationYaml } = await import('../../manifests/kubelet.js');
        const { uploadKubeletConfig } = await import('../shared/cluster/uploadconfig.js');
        d.out.v(1, '[upload-config] Uploading the kubelet component config to a ConfigMap');
        const { config } = await kubeletComponentConfig(d.cfg, d.out);
        await uploadKubeletConfig(await clusterClient(d), d.out, kubeletConfigurationYaml(config), { userSupplied: d.cfg.kubelet !== undefined });
      },
    },
  ],
};
