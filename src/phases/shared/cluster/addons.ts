// addon/coredns and addon/kube-proxy: install the two essential addons through the API, in the
// order and with the existing-object handling of kubeadm v1.37.

import type { KubeClient } from '../../../kube/base.js';
import type { Output } from '../../../output.js';
import type { APIEndpoint, ClusterConfiguration, ComponentConfig } from '../../../config/types.js';
import type { ConfigMapObject, KubeObject } from '../../../kube/types.js';
import { KubeApiError } from '../../../errors.js';
import { isAlreadyExists, isInvalid } from '../../../kube/errors.js';
import {
  CORE_DNS_ORDER,
  COREDNS_DEFAULT_REPLICAS,
  COREDNS_NAME,
  corefile,
  DNS_LABEL_SELECTOR,
  renderCoreDNS,
} from '../../../addons/coredns.js';
import { KUBE_PROXY_ORDER, renderKubeProxy } from '../../../addons/kubeproxy.js';
import { wrapApiError } from './util.js';

interface DeploymentLike extends KubeObject {
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
}

async function dnsDeployments(client: KubeClient): Promise<DeploymentLike[]> {
  try {
    return await client.list<DeploymentLike>('apps/v1', 'Deployment', 'kube-system', { labelSelector: DNS_LABEL_SELECTOR });
  } catch (e) {
    throw wrapApiError("couldn't retrieve DNS addon deployments", e);
  }
}

function multiple(items: DeploymentLike[]): KubeApiError {
  return new KubeApiError(`multiple DNS addon deployments found: ${items.map((d) => d.metadata.name).join(', ')}`);
}

/** The replica count of the deployed CoreDNS, or kubeadm's default of 2. */
export async function deployedDNSReplicas(client: KubeClient): Promise<number> {
  const items = await dnsDeployments(client);
  if (items.length === 0) return COREDNS_DEFAULT_REPLICAS;
  if (items.length > 1) throw multiple(items);
  return items[0]!.spec?.replicas ?? 1;
}

/** The image tag of the deployed CoreDNS, or "" when none is deployed. */
export async function deployedDNSVersion(client: KubeClient): Promise<string> {
  const items = await dnsDeployments(client);
  if (items.length === 0) return '';
  if (items.length > 1) throw multiple(items);
  const image = items[0]!.spec?.template?.spec?.containers?.[0]?.image ?? '';
  const at = image.indexOf('@');
  const ref = at === -1 ? image : image.slice(0, at);
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : '';
}

/** Applies the --patches directory's patches for a target to an add-on object (identity without patches). */
export type AddonPatcher = (target: 'corednsdeployment' | 'kubeproxydaemonset', obj: KubeObject) => KubeObject;

export async function ensureCoreDNS(client: KubeClient, out: Output, cluster: ClusterConfiguration, patch?: AddonPatcher): Promise<void> {
  const replicas = await deployedDNSReplicas(client);
  const objs = renderCoreDNS({ cluster, replicas });
  if (patch) objs.deployment = patch('corednsdeployment', objs.deployment);

  // an existing Corefile the user changed is kept; kubeadm's default one is replaced
  let existing: ConfigMapObject | undefined;
  try {
    existing = await client.get<ConfigMapObject>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: COREDNS_NAME });
  } catch (e) {
    throw wrapApiError('unable to fetch CoreDNS current installed version and ConfigMap.', e);
  }
  let current = '';
  if (existing) {
    const cf = existing.data?.['Corefile'];
    if (cf === undefined) throw new KubeApiError('unable to fetch CoreDNS current installed version and ConfigMap.: unable to find the CoreDNS Corefile data');
    current = cf;
    await deployedDNSVersion(client);
  }

  for (const key of CORE_DNS_ORDER) {
    const obj = objs[key];
    if (key === 'configMap') {
      if (current === '' || current === corefile(cluster.networking.dnsDomain)) await client.apply(obj);
      else await client.createOrRetain(obj);
    } else if (key === 'service') {
      await createDNSService(client, obj);
    } else {
      await client.apply(obj);
    }
  }
  out.print('addons', 'Applied essential addon: CoreDNS');
}

/** Create kube-dns; when it exists (or its clusterIP is taken) update it instead. No retries, as in kubeadm. */
async function createDNSService(client: KubeClient, svc: KubeObject): Promise<void> {
  try {
    await client.create(svc);
    return;
  } catch (e) {
    if (!isAlreadyExists(e) && !isInvalid(e)) throw wrapApiError('unable to create a new DNS service', e);
  }
  try {
    const live = await client.get({ apiVersion: 'v1', kind: 'Service', namespace: 'kube-system', name: svc.metadata.name });
    const next = { ...svc, metadata: { ...svc.metadata } };
    if (live?.metadata.resourceVersion) next.metadata.resourceVersion = live.metadata.resourceVersion;
    await client.update(next);
  } catch (e) {
    throw wrapApiError('unable to create/update the DNS service', e);
  }
}

export interface KubeProxyAddonInput {
  cluster: ClusterConfiguration;
  localAPIEndpoint: APIEndpoint;
  userConfig?: ComponentConfig;
  /** kubeadm's environment, for the *_proxy variables */
  env?: Record<string, string | undefined>;
}

export async function ensureKubeProxy(client: KubeClient, out: Output, input: KubeProxyAddonInput, patch?: AddonPatcher): Promise<void> {
  const objs = renderKubeProxy(input);
  if (patch) objs.daemonSet = patch('kubeproxydaemonset', objs.daemonSet);
  for (const key of KUBE_PROXY_ORDER) {
    try {
      await client.apply(objs[key]);
    } catch (e) {
      if (key === 'serviceAccount') throw wrapApiError('error when creating kube-proxy service account', e);
      throw e;
    }
  }
  out.print('addons', 'Applied essential addon: kube-proxy');
}
