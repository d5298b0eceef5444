// What reset reads from the cluster, as kubeadm's FetchInitConfigurationFromCluster does it for reset:
// the ClusterConfiguration in the kubeadm-config ConfigMap, the component config ConfigMaps, this
// node's registration (Node object, CRI socket from the kubelet's instance config) and, on a control
// plane, its API endpoint from its kube-apiserver Pod annotation.

import * as path from 'node:path';
import { errorMessage, TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { KubeClient } from '../../kube/base.js';
import type { ConfigMapObject } from '../../kube/types.js';
import { getConfigMapShort } from '../shared/cluster/configmap.js';
import { detectCRISocket } from '../../cri/detect.js';
import { DEFAULT_CRI_SOCKET, KUBELET_DIR, MANIFESTS_DIR } from '../../config/constants.js';
import type { APIEndpoint, ClusterState } from './data.js';


export interface FetchOptions {
  client: KubeClient;
  host: Host;
  out: Output;
  /** timeouts.kubernetesAPICall in ms (the API endpoint lookup retries this long) */
  apiCallTimeoutMs: number;
  /** the tag of the lines it prints: kubeadm's logPrefix ("reset", or "certs" for the certs commands) */
  prefix?: string;
}

/** kubeadm's FetchInitConfigurationFromCluster(client, nil, "reset", true, isControlPlane, true, true); the certs commands' too */
export async function fetchClusterState(o: FetchOptions): Promise<ClusterState> {
  const { client, host, out } = o;
  const prefix = o.prefix ?? 'reset';
  out.print(prefix, 'Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out.print(prefix, "Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.");

  let cm: ConfigMapObject | undefined;
  try {
    cm = await getConfigMapShort(client, host, 'kubeadm-config');
    if (!cm) throw new TskError('configmaps "kubeadm-config" not found');
  } catch (e) {
    throw new TskError(`failed to get config map: ${errorMessage(e)}`, 1, { cause: e });
  }
  const text = cm.data?.['ClusterConfiguration'];
  if (text === undefined) {
    throw new TskError('unexpected error when reading kubeadm-config ConfigMap: ClusterConfiguration key value pair missing');
  }
  const { loadInitConfig } = await import('../../config/index.js');
  let cluster;
  try {
    const cfg = await loadInitConfig({
      text,
      fileName: 'kubeadm-config',
      flags: {},
      flagsSet: [],
      dynamic: { hostname: () => host.hostname(), defaultAddress: async () => '127.0.0.1', generateToken: () => 'abcdef.0123456789abcdef' },
    });
    cluster = cfg.cluster;
    for (const w of cfg.warnings) out.warn(w);
  } catch (e) {
    throw new TskError(`failed to decode cluster configuration data: ${errorMessage(e)}`, 1, { cause: e });
  }

  // component configs: kube-proxy's is optional, the kubelet's must exist
  try {
    await getConfigMapShort(client, host, 'kube-proxy');
  } catch (e) {
    throw new TskError(`failed to get component configs: could not download the kube-proxy configuration from ConfigMap "kube-proxy": ${errorMessage(e)}`);
  }
  try {
    if (!(await getConfigMapShort(client, host, 'kubelet-config'))) throw new TskError('configmaps "kubelet-config" not found');
  } catch (e) {
    throw new TskError(`failed to get component configs: could not download the kubelet configuration from ConfigMap "kubelet-config": ${errorMessage(e)}`);
  }

  // node registration
  const { nodeNameFromKubeletConf } = await import('../shared/node-name.js');
  const name = await nodeNameFromKubeletConf(host);
  let criSocket: string;
  try {
    const node = await client.get({ apiVersion: 'v1', kind: 'Node', name });
    if (!node) throw new TskError(`nodes "${name}" not found`);
    const instanceConfig = path.posix.join(KUBELET_DIR, 'instance-config.yaml');
    if (await host.exists(instanceConfig)) {
      const { parseGoYaml } = await import('../../manifests/yamlload.js');
      const kc = parseGoYaml(await host.readText(instanceConfig), instanceConfig) as { containerRuntimeEndpoint?: string } | null;
      criSocket = kc?.containerRuntimeEndpoint ?? '';
    } else {
      out.warn(`Node "${name}" lacks a kubelet instance config file "${instanceConfig}"; attempting auto-detection`);
      try {
        criSocket = await detectCRISocket(host);
      } catch (e) {
        out.warn(`Auto-detection of CRI socket failed for node "${name}": ${errorMessage(e)}; falling back to default "${DEFAULT_CRI_SOCKET}"`);
        criSocket = DEFAULT_CRI_SOCKET;
      }
    }
  } catch (e) {
    throw new TskError(`failed to get node registration: failed to get corresponding node: ${errorMessage(e)}`, 1, { cause: e });
  }

  // this control plane's API endpoint
  let localAPIEndpoint: APIEndpoint = { advertiseAddress: '', bindPort: 6443 };
  if (await host.exists(path.posix.join(MANIFESTS_DIR, 'kube-apiserver.yaml'))) {
    const { apiEndpointFromPodAnnotation } = await import('../shared/pod-annotations.js');
    localAPIEndpoint = await apiEndpointFromPodAnnotation(client, host, name, o.apiCallTimeoutMs);
  }
  return { cluster, nodeName: name, criSocket, localAPIEndpoint };
}
