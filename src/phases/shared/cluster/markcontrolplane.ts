// mark-control-plane: label and taint the Node as a control plane.

import type { KubeClient } from '../../../kube/base.js';
import type { Output } from '../../../output.js';
import type { Taint } from '../../../config/types.js';
import { markControlPlaneMessages, markControlPlaneNode } from '../../../kube/objects/markcontrolplane.js';

/** `taints`: nodeRegistration.taints; null means unset (the control-plane NoSchedule taint). */
export async function markControlPlane(client: KubeClient, out: Output, nodeName: string, taints: readonly Taint[] | null): Promise<void> {
  for (const line of markControlPlaneMessages(nodeName, taints)) out.print('mark-control-plane', line);
  await client.patchNode(nodeName, (node) => {
    markControlPlaneNode(node, taints);
  });
}
