// What a control-plane node's static Pods announce through kubeadm's annotations, read back through
// the API: this node's API endpoint from its kube-apiserver Pod (kubeadm's
// getAPIEndpointFromPodAnnotation, used when a command rebuilds a node's configuration from the cluster).

import { errorMessage, TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { KubeClient } from '../../kube/base.js';
import type { KubeObject } from '../../kube/types.js';
import type { APIEndpoint } from '../../config/types.js';

const APISERVER_ENDPOINT_ANNOTATION = 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint';
const API_RETRY_INTERVAL_MS = 500;

function parseAPIEndpoint(s: string): APIEndpoint {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s);
  if (!m) throw new TskError(`invalid API endpoint "${s}"`);
  return { advertiseAddress: m[1]!, bindPort: Number(m[2]) };
}

/** The API endpoint node `nodeName`'s kube-apiserver Pod announces; retried for `timeoutMs`. */
export async function apiEndpointFromPodAnnotation(client: KubeClient, host: Host, nodeName: string, timeoutMs: number): Promise<APIEndpoint> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const pods = await client.list<KubeObject>('v1', 'Pod', 'kube-system', {
        fieldSelector: `spec.nodeName=${nodeName}`,
        labelSelector: 'component=kube-apiserver,tier=control-plane',
      });
      if (pods.length !== 1) throw new TskError(`API server pod for node name "${nodeName}" has ${pods.length} entries, only one was expected`);
      const ann = pods[0]!.metadata.annotations?.[APISERVER_ENDPOINT_ANNOTATION];
      if (ann === undefined) {
        throw new TskError(`API server pod for node name "${nodeName}" hasn't got a "${APISERVER_ENDPOINT_ANNOTATION}" annotation, cannot retrieve API endpoint`);
      }
      return parseAPIEndpoint(ann);
    } catch (e) {
      last = e;
    }
    if (Date.now() + API_RETRY_INTERVAL_MS > deadline) {
      throw new TskError(`failed to getAPIEndpoint: could not retrieve API endpoints for node "${nodeName}" using pod annotations: ${errorMessage(last)}`);
    }
    await host.sleep(API_RETRY_INTERVAL_MS);
  }
}
