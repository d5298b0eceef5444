// Reading kube-system ConfigMaps the way kubeadm's apiclient does when it fetches the cluster's
// configuration (reset and join).

import { TskError } from '../../../errors.js';
import type { Host } from '../../../host/types.js';
import type { KubeClient } from '../../../kube/base.js';
import type { ConfigMapObject } from '../../../kube/types.js';

export const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name });

/** kubeadm's GetConfigMapWithShortRetry: every 50 ms for 350 ms; the last error when none answered */
export async function getConfigMapShort(client: KubeClient, host: Host, name: string): Promise<ConfigMapObject | undefined> {
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
