// kubeadm's FetchInitConfigurationFromCluster as join calls it (no node registration, no API endpoint,
// with the component configs): the ClusterConfiguration in kube-system/kubeadm-config, the
// KubeletConfiguration in kubelet-config and (optional) the KubeProxyConfiguration in kube-proxy,
// defaulted as init defaults them, then this node's registration and API endpoint from the join
// configuration.

import { TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { InitConfig, JoinConfiguration } from '../../config/types.js';
import type { KubeClient } from '../../kube/base.js';
import type { ConfigMapObject } from '../../kube/types.js';
import { cmRef, getConfigMapShort as getShort } from '../shared/cluster/configmap.js';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** GET retried every 500 ms until `timeoutMs` (kubeadm's wait on kubeadm-config); the last error on timeout. */
async function getRetried(client: KubeClient, host: Host, name: string, timeoutMs: number): Promise<ConfigMapObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const cm = await client.get<ConfigMapObject>(cmRef(name));
      if (cm) return cm;
      last = new TskError(`configmaps "${name}" not found`);
    } catch (e) {
      last = e;
    }
    if (Date.now() + 500 >= deadline) throw last;
    await host.sleep(500);
  }
}

export interface FetchJoinInitConfigInput {
  client: KubeClient;
  host: Host;
  out: Output;
  join: JoinConfiguration;
  apiCallTimeoutMs: number;
}

export async function fetchInitConfigForJoin(o: FetchJoinInitConfigInput): Promise<InitConfig> {
  const { client, host, out, join } = o;
  const fail = (msg: string, e?: unknown) =>
    new TskError(`unable to fetch the kubeadm-config ConfigMap: ${msg}${e !== undefined ? `: ${message(e)}` : ''}`, 1, e !== undefined ? { cause: e } : {});
  out.print('preflight', 'Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out.print('preflight', "Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.");
  let cm: ConfigMapObject;
  try {
    cm = await getRetried(client, host, 'kubeadm-config', o.apiCallTimeoutMs);
  } catch (e) {
    throw fail('failed to get config map', e);
  }
  const clusterText = cm.data?.['ClusterConfiguration'];
  if (clusterText === undefined) {
    throw fail('unexpected error when reading kubeadm-config ConfigMap: ClusterConfiguration key value pair missing');
  }
  const docs = [clusterText];
  let kubelet: ConfigMapObject | undefined;
  try {
    kubelet = await getShort(client, host, 'kubelet-config');
    if (!kubelet) throw new TskError('configmaps "kubelet-config" not found');
  } catch (e) {
    throw fail('failed to get component configs: could not download the kubelet configuration from ConfigMap "kubelet-config"', e);
  }
  const kubeletText = kubelet.data?.['kubelet'];
  if (kubeletText === undefined) throw fail('unexpected error when reading kubelet-config ConfigMap: kubelet key value pair missing');
  docs.push(kubeletText);
  try {
    const proxy = await getShort(client, host, 'kube-proxy');
    if (!proxy) throw new TskError('configmaps "kube-proxy" not found');
    const proxyText = proxy.data?.['config.conf'];
    if (proxyText !== undefined) docs.push(proxyText);
  } catch (e) {
    // kubeadm carries on without the kube-proxy configuration when it is missing or forbidden
    out.warn(`Warning: No kubeproxy.config.k8s.io/v1alpha1 config is loaded. Continuing without it: ${message(e)}`);
  }
  const { loadInitConfig } = await import('../../config/index.js');
  let cfg: InitConfig;
  try {
    cfg = await loadInitConfig({
      text: docs.map((d) => d.replace(/\n*$/, '\n')).join('---\n'),
      fileName: 'kubeadm-config',
      flags: {},
      flagsSet: [],
      dynamic: {
        hostname: () => host.hostname(),
        defaultAddress: () => host.defaultRouteAddress(4),
        // init's bootstrap tokens are not used by join; a fixed value keeps this free of randomness
        generateToken: () => 'abcdef.0123456789abcdef',
      },
    });
  } catch (e) {
    throw fail('failed to decode cluster configuration data', e);
  }
  for (const w of cfg.warnings) out.warn(w);
  // this node's registration and (control plane) API endpoint come from the join configuration
  cfg.init.nodeRegistration = join.nodeRegistration;
  if (join.controlPlane) cfg.init.localAPIEndpoint = join.controlPlane.localAPIEndpoint;
  return cfg;
}
