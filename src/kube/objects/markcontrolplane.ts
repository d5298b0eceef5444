// mark-control-plane: the labels and taints kubeadm puts on a control-plane Node, as a pure
// mutation of a Node object (the phase sends the difference as a patch).

import type { Taint as ConfigTaint } from '../../config/types.js';
import type { NodeObject, Taint } from '../types.js';
import { jsonEqual } from '../patch.js';

export const LABEL_NODE_ROLE_CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
export const LABEL_EXCLUDE_FROM_EXTERNAL_LB = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** The labels, in the order kubeadm lists them. */
export const CONTROL_PLANE_LABELS = [LABEL_NODE_ROLE_CONTROL_PLANE, LABEL_EXCLUDE_FROM_EXTERNAL_LB] as const;

/** kubeadm's ControlPlaneTaint. */
export const CONTROL_PLANE_TAINT: Taint = { key: LABEL_NODE_ROLE_CONTROL_PLANE, effect: 'NoSchedule' };

/** nodeRegistration.taints as kubeadm resolves it for a control plane: unset → the control-plane taint. */
export function controlPlaneTaints(configured: readonly ConfigTaint[] | null | undefined): Taint[] {
  if (configured === null || configured === undefined) return [{ ...CONTROL_PLANE_TAINT }];
  return configured.map((t) => {
    const out: Taint = { key: t.key, effect: t.effect };
    if (t.value) out.value = t.value;
    if (t.timeAdded) out.timeAdded = t.timeAdded;
    return out;
  });
}

/** v1.Taint.ToString(): "key=value:effect", or "key:effect" without a value. */
export function taintToString(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect && jsonEqual(a.timeAdded, b.timeAdded);
}

/**
 * Mutates `node`: sets both control-plane labels to "" and makes the taint list the wanted taints
 * followed by every existing taint not already among them (kubeadm's markControlPlaneNode).
 * `taints` null/undefined means "not configured" and gives the control-plane NoSchedule taint.
 */
export function markControlPlaneNode(node: NodeObject, taints: readonly ConfigTaint[] | null | undefined): NodeObject {
  const wanted = controlPlaneTaints(taints);
  node.metadata.labels ??= {};
  for (const l of CONTROL_PLANE_LABELS) node.metadata.labels[l] = '';
  const result = [...wanted];
  for (const existing of node.spec?.taints ?? []) {
    if (!wanted.some((w) => sameTaint(w, existing))) result.push(existing);
  }
  if (result.length) {
    node.spec ??= {};
    node.spec.taints = result;
  } else if (node.spec) {
    delete node.spec.taints;
  }
  return node;
}

/** The lines kubeadm prints before patching. */
export function markControlPlaneMessages(nodeName: string, taints: readonly ConfigTaint[] | null | undefined): string[] {
  const lines = [`Marking the node ${nodeName} as control-plane by adding the labels: [${CONTROL_PLANE_LABELS.join(' ')}]`];
  const wanted = controlPlaneTaints(taints);
  if (wanted.length) {
    lines.push(`Marking the node ${nodeName} as control-plane by adding the taints [${wanted.map(taintToString).join(' ')}]`);
  }
  return lines;
}
