// Objects of the upload-config phase: kube-system/kubeadm-config (the ClusterConfiguration) and
// kube-system/kubelet-config (the cluster-wide KubeletConfiguration), each with the Role and
// RoleBinding that let joining nodes read it.

import { createHash } from 'node:crypto';
import type { ConfigMapObject } from '../types.js';
import {
  getNamedRule,
  group,
  KUBE_SYSTEM,
  NODE_BOOTSTRAP_TOKEN_AUTH_GROUP,
  NODES_GROUP,
  role,
  roleBinding,
  type BindingObject,
  type RoleObject,
} from './rbac.js';

export const KUBEADM_CONFIG_CONFIGMAP = 'kubeadm-config';
export const CLUSTER_CONFIGURATION_KEY = 'ClusterConfiguration';
export const NODES_KUBEADM_CONFIG_ROLE = 'kubeadm:nodes-kubeadm-config';
export const KUBELET_CONFIG_CONFIGMAP = 'kubelet-config';
export const KUBELET_CONFIG_KEY = 'kubelet';
export const KUBELET_CONFIG_ROLE = 'kubeadm:kubelet-config';
export const COMPONENT_CONFIG_HASH_ANNOTATION = 'kubeadm.kubernetes.io/component-config.hash';

/**
 * kubeadm's ChecksumForConfigMap: SHA-256 over the data values in key order, then the binaryData
 * values (base64-decoded) in key order, as "sha256:<hex>".
 */
export function configMapChecksum(cm: Pick<ConfigMapObject, 'data' | 'binaryData'>): string {
  const h = createHash('sha256');
  const data = cm.data ?? {};
  for (const k of Object.keys(data).sort()) h.update(data[k]!, 'utf8');
  const bin = cm.binaryData ?? {};
  for (const k of Object.keys(bin).sort()) h.update(Buffer.from(bin[k]!, 'base64'));
  return `sha256:${h.digest('hex')}`;
}

/** Adds the component-config hash annotation (kubeadm's SignConfigMap); returns the same object. */
export function signConfigMap<T extends ConfigMapObject>(cm: T): T {
  cm.metadata.annotations = { ...(cm.metadata.annotations ?? {}), [COMPONENT_CONFIG_HASH_ANNOTATION]: configMapChecksum(cm) };
  return cm;
}

/** kube-system/kubeadm-config with the marshalled ClusterConfiguration (kubeadm.k8s.io/v1beta4 YAML). */
export function kubeadmConfigConfigMap(clusterConfigurationYaml: string): ConfigMapObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: KUBEADM_CONFIG_CONFIGMAP, namespace: KUBE_SYSTEM },
    data: { [CLUSTER_CONFIGURATION_KEY]: clusterConfigurationYaml },
  };
}

export function nodesKubeadmConfigRole(): RoleObject {
  return role(NODES_KUBEADM_CONFIG_ROLE, KUBE_SYSTEM, [getNamedRule('configmaps', KUBEADM_CONFIG_CONFIGMAP)]);
}

/** Subjects: the bootstrap-token group, then all nodes. */
export function nodesKubeadmConfigRoleBinding(): BindingObject {
  return roleBinding(NODES_KUBEADM_CONFIG_ROLE, KUBE_SYSTEM, NODES_KUBEADM_CONFIG_ROLE, [
    group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP),
    group(NODES_GROUP),
  ]);
}

/**
 * kube-system/kubelet-config with the marshalled KubeletConfiguration. kubeadm signs it with the
 * component-config hash unless the user supplied the KubeletConfiguration document.
 */
export function kubeletConfigConfigMap(kubeletConfigYaml: string, opts: { userSupplied: boolean }): ConfigMapObject {
  const cm: ConfigMapObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: KUBELET_CONFIG_CONFIGMAP, namespace: KUBE_SYSTEM },
    data: { [KUBELET_CONFIG_KEY]: kubeletConfigYaml },
  };
  return opts.userSupplied ? cm : signConfigMap(cm);
}

export function kubeletConfigRole(): RoleObject {
  return role(KUBELET_CONFIG_ROLE, KUBE_SYSTEM, [getNamedRule('configmaps', KUBELET_CONFIG_CONFIGMAP)]);
}

/** Subjects: all nodes, then the bootstrap-token group (the reverse of kubeadm-config's order). */
export function kubeletConfigRoleBinding(): BindingObject {
  return roleBinding(KUBELET_CONFIG_ROLE, KUBE_SYSTEM, KUBELET_CONFIG_ROLE, [group(NODES_GROUP), group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP)]);
}
