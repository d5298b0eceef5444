// upload-config/kubeadm and upload-config/kubelet: store the ClusterConfiguration and the
// cluster-wide KubeletConfiguration in ConfigMaps, with the RBAC that lets nodes read them.

import type { KubeClient } from '../../../kube/base.js';
import type { Output } from '../../../output.js';
import type { ConfigMapObject } from '../../../kube/types.js';
import {
  CLUSTER_CONFIGURATION_KEY,
  KUBEADM_CONFIG_CONFIGMAP,
  KUBELET_CONFIG_CONFIGMAP,
  kubeadmConfigConfigMap,
  kubeletConfigConfigMap,
  kubeletConfigRole,
  kubeletConfigRoleBinding,
  nodesKubeadmConfigRole,
  nodesKubeadmConfigRoleBinding,
} from '../../../kube/objects/uploadconfig.js';
import { inOrder, wrapApiError } from './util.js';

/**
 * Stores the marshalled ClusterConfiguration in kube-system/kubeadm-config (created, or its
 * ClusterConfiguration key replaced when it exists) and grants the bootstrap-token group and all
 * nodes read access to it.
 */
export async function uploadKubeadmConfig(client: KubeClient, out: Output, clusterConfigurationYaml: string): Promise<void> {
  out.print('upload-config', `Storing the configuration used in ConfigMap "${KUBEADM_CONFIG_CONFIGMAP}" in the "kube-system" Namespace`);
  const requests = inOrder(client, [
    () =>
      client.createOrMutate(kubeadmConfigConfigMap(clusterConfigurationYaml), (cm: ConfigMapObject) => {
        cm.data = { ...(cm.data ?? {}), [CLUSTER_CONFIGURATION_KEY]: clusterConfigurationYaml };
      }),
    () => client.apply(nodesKubeadmConfigRole()),
    () => client.apply(nodesKubeadmConfigRoleBinding()),
  ]);
  try {
    for (const r of requests) await r();
  } catch (e) {
    throw wrapApiError('error uploading the kubeadm ClusterConfiguration', e);
  }
}

/**
 * Stores the marshalled KubeletConfiguration in kube-system/kubelet-config (signed with the
 * component-config hash unless the user supplied it) and its Role/RoleBinding.
 */
export async function uploadKubeletConfig(
  client: KubeClient,
  out: Output,
  kubeletConfigYaml: string,
  opts: { userSupplied: boolean },
): Promise<void> {
  out.print(
    'kubelet',
    `Creating a ConfigMap "${KUBELET_CONFIG_CONFIGMAP}" in namespace kube-system with the configuration for the kubelets in the cluster`,
  );
  const [configMap, role, binding] = inOrder(client, [
    () => client.apply(kubeletConfigConfigMap(kubeletConfigYaml, opts)),
    () => client.apply(kubeletConfigRole()),
    () => client.apply(kubeletConfigRoleBinding()),
  ]);
  try {
    await configMap!();
  } catch (e) {
    throw wrapApiError('error creating kubelet configuration ConfigMap', e);
  }
  try {
    await role!();
    await binding!();
  } catch (e) {
    throw wrapApiError('error creating kubelet configuration ConfigMap: error creating kubelet configuration configmap RBAC rules', e);
  }
}
