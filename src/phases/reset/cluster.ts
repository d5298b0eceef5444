// What reset reads from the cluster, as kubeadm's FetchInitConfigurationFromCluster does it for reset:
// the ClusterConfiguration in the kubeadm-config ConfigMap, the component config ConfigMaps, this
// node's registration (Node object, CRI socket from the kubelet's instance config) and, on a control
// plane, its API endpoint from its kube-apiserver Pod annotation.

import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import { errorMessage, TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { KubeClient } from '../../kube/base.js';
import type { ConfigMapObject, KubeObject } from '../../kube/types.js';
import { KUBELET_DIR, KUBERNETES_DIR, MANIFESTS_DIR, type APIEndpoint, type ClusterState } from './data.js';

const NODES_USER_PREFIX = 'system:node:';
const APISERVER_ENDPOINT_ANNOTATION = 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint';
const KNOWN_CRI_SOCKETS = ['unix:///var/run/containerd/containerd.sock', 'unix:///var/run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock'];
const DEFAULT_CRI_SOCKET = KNOWN_CRI_SOCKETS[0]!;
const API_RETRY_INTERVAL_MS = 500;

const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name });

/** kubeadm's GetConfigMapWithShortRetry: every 50 ms for 350 ms; the last error when none answered */
async function getConfigMapShort(client: KubeClient, host: Host, name: string): Promise<ConfigMapObject | undefined> {
  const deadline = Date.now() + 350;
  let last: unknown;
  for (;;) {
    try {
      const cm = await client.get<ConfigMapObject>(cmRef(name));
      if (cm) return cm;
      last = new TskError(`configmaps "${name}" not found`);
    } catch (e) {
      last = e;
    }
    if (Date.now() + 50 > deadline) break;
    await host.sleep(50);
  }
  if (last instanceof TskError && /not found$/.test(last.message)) return undefined;
  throw last;
}

/**
 * The CRI socket kubeadm would detect on this host: the one known socket that accepts a connection,
 * the default when none does, an error when several do.
 */
export async function detectCRISocket(host: Host): Promise<string> {
  const net = await import('node:net');
  const found: string[] = [];
  for (const sock of KNOWN_CRI_SOCKETS) {
    let real: string;
    try {
      real = host.resolve(sock.replace(/^unix:\/\//, ''));
    } catch {
      continue;
    }
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.createConnection(real);
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) found.push(sock);
  }
  if (found.length === 0) return DEFAULT_CRI_SOCKET;
  if (found.length === 1) return found[0]!;
  throw new TskError(
    `found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the 'criSocket' field in the kubeadm configuration file: ${found.join(', ')}`,
  );
}

/** The node name in kubelet.conf's client certificate (CN "system:node:<name>"), else the host name. */
async function nodeName(host: Host): Promise<string> {
  const file = path.posix.join(KUBERNETES_DIR, 'kubelet.conf');
  try {
    const { parseKubeconfig } = await import('../../kubeconfig/index.js');
    const kc = parseKubeconfig(await host.readText(file), file);
    const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
    const user = ctx && kc.users.find((u) => u.name === ctx.user);
    const pem = user?.clientCertificateData ?? (user?.clientCertificate ? await host.readFile(user.clientCertificate) : undefined);
    if (pem) {
      const cn = /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[1];
      if (cn !== undefined) return cn.startsWith(NODES_USER_PREFIX) ? cn.slice(NODES_USER_PREFIX.length) : cn;
    }
  } catch {
    // fall back to the host name, as kubeadm does
  }
  return host.hostname().toLowerCase();
}

function parseAPIEndpoint(s: string): APIEndpoint {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s);
  if (!m) throw new TskError(`invalid API endpoint "${s}"`);
  return { advertiseAddress: m[1]!, bindPort: Number(m[2]) };
}

export interface FetchOptions {
  client: KubeClient;
  host: Host;
  out: Output;
  /** timeouts.kubernetesAPICall in ms (the API endpoint lookup retries this long) */
  apiCallTimeoutMs: number;
}

/** kubeadm's FetchInitConfigurationFromCluster(client, nil, "reset", true, isControlPlane, true, true) */
export async function fetchClusterState(o: FetchOptions): Promise<ClusterState> {
  const { client, host, out } = o;
  out.println('[reset] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out.println("[reset] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it.");

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
  const name = await nodeName(host);
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
    const deadline = Date.now() + o.apiCallTimeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const pods = await client.list<KubeObject>('v1', 'Pod', 'kube-system', {
          fieldSelector: `spec.nodeName=${name}`,
          labelSelector: 'component=kube-apiserver,tier=control-plane',
        });
        if (pods.length !== 1) throw new TskError(`API server pod for node name "${name}" has ${pods.length} entries, only one was expected`);
        const ann = pods[0]!.metadata.annotations?.[APISERVER_ENDPOINT_ANNOTATION];
        if (ann === undefined) {
          throw new TskError(`API server pod for node name "${name}" hasn't got a "${APISERVER_ENDPOINT_ANNOTATION}" annotation, cannot retrieve API endpoint`);
        }
        localAPIEndpoint = parseAPIEndpoint(ann);
        break;
      } catch (e) {
        last = e;
      }
      if (Date.now() + API_RETRY_INTERVAL_MS > deadline) {
        throw new TskError(`failed to getAPIEndpoint: could not retrieve API endpoints for node "${name}" using pod annotations: ${errorMessage(last)}`);
      }
      await host.sleep(API_RETRY_INTERVAL_MS);
    }
  }
  return { cluster, nodeName: name, criSocket, localAPIEndpoint };
}
