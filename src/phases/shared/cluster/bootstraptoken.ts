// bootstrap-token: the token Secrets, the RBAC that makes bootstrap tokens usable for joining,
// and the kube-public/cluster-info ConfigMap, in kubeadm's order and with its printed lines.

import type { KubeClient } from '../../../kube/base.js';
import type { Output } from '../../../output.js';
import type { KubeObject } from '../../../kube/types.js';
import { KubeApiError } from '../../../errors.js';
import {
  apiServerKubeletClientClusterRoleBinding,
  bootstrapTokenSecret,
  bootstrapTokenSecretName,
  CLUSTER_INFO,
  clusterInfoConfigMap,
  clusterInfoKubeconfig,
  clusterInfoRole,
  clusterInfoRoleBinding,
  getNodesClusterRole,
  getNodesClusterRoleBinding,
  kubeletBootstrapClusterRoleBinding,
  nodeAutoApproveBootstrapClusterRoleBinding,
  nodeAutoApproveCertificateRotationClusterRoleBinding,
  splitToken,
  type TokenSpec,
} from '../../../kube/objects/bootstraptoken.js';
import { inOrder, wrapApiError } from './util.js';

/**
 * Creates (or, with failIfExists=false, replaces) the Secret of every token (kubeadm's
 * UpdateOrCreateTokens): a GET of the Secret first, then create-or-update.
 */
export async function updateOrCreateTokens(client: KubeClient, failIfExists: boolean, tokens: readonly TokenSpec[], now: Date): Promise<void> {
  for (const token of tokens) {
    const { id } = splitToken(token.token);
    const name = bootstrapTokenSecretName(id);
    const existing = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name }).catch(() => undefined);
    if (existing && failIfExists) throw new KubeApiError(`a token with id "${id}" already exists`);
    try {
      await client.apply(bootstrapTokenSecret(token, now));
    } catch (e) {
      throw wrapApiError(`failed to create or update bootstrap token with name ${name}`, e);
    }
  }
}

export interface BootstrapTokenPhaseInput {
  tokens: readonly TokenSpec[];
  skipTokenPrint: boolean;
  /** admin.conf as written (its current cluster becomes cluster-info's only cluster) */
  adminKubeconfig: string;
  now: Date;
}

export async function runBootstrapToken(client: KubeClient, out: Output, input: BootstrapTokenPhaseInput): Promise<void> {
  if (!input.skipTokenPrint) {
    if (input.tokens.length === 1) out.print('bootstrap-token', `Using token: ${input.tokens[0]!.token}`);
    else if (input.tokens.length > 1) out.print('bootstrap-token', `Using tokens: [${input.tokens.map((t) => t.token).join(' ')}]`);
  }
  out.print('bootstrap-token', 'Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles');
  let kubeconfig: string | undefined;
  let kubeconfigError: unknown;
  try {
    kubeconfig = clusterInfoKubeconfig(input.adminKubeconfig);
  } catch (e) {
    kubeconfigError = e;
  }
  interface Step {
    /** printed before the step's own line (and before the cluster-info error, as kubeadm does) */
    heading?: string;
    line?: string;
    objs: KubeObject[];
    context: string | undefined;
  }
  const clusterInfoHeading = `Creating the "${CLUSTER_INFO}" ConfigMap in the "kube-public" namespace`;
  const steps: Step[] = [
    {
      line: 'Configured RBAC rules to allow Node Bootstrap tokens to get nodes',
      objs: [getNodesClusterRole(), getNodesClusterRoleBinding()],
      context: 'error allowing bootstrap tokens to get Nodes',
    },
    {
      line: 'Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials',
      objs: [kubeletBootstrapClusterRoleBinding()],
      context: 'error allowing bootstrap tokens to post CSRs',
    },
    {
      line: 'Configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token',
      objs: [nodeAutoApproveBootstrapClusterRoleBinding()],
      context: 'error auto-approving node bootstrap tokens',
    },
    {
      line: 'Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster',
      objs: [nodeAutoApproveCertificateRotationClusterRoleBinding()],
      context: undefined,
    },
    {
      line: 'Configured RBAC rules to allow the API server kubelet client certificate to access the kubelet API',
      objs: [apiServerKubeletClientClusterRoleBinding()],
      context: 'error allowing API server to access kubelet API',
    },
    kubeconfig === undefined
      ? { heading: clusterInfoHeading, objs: [], context: undefined }
      : { heading: clusterInfoHeading, objs: [clusterInfoConfigMap(kubeconfig)], context: 'error creating bootstrap ConfigMap' },
    { objs: [clusterInfoRole(), clusterInfoRoleBinding()], context: 'error creating clusterinfo RBAC rules' },
  ];
  // the token Secrets and every RBAC group are independent: they go out together (one after the
  // other in a dry run), and their lines and errors come in kubeadm's order
  const [tokens, ...applied] = inOrder(client, [
    () => updateOrCreateTokens(client, false, input.tokens, input.now),
    ...steps.map((s) => async () => {
      for (const o of s.objs) await client.apply(o);
    }),
  ]);
  try {
    await tokens!();
  } catch (e) {
    throw wrapApiError('error updating or creating token', e);
  }
  for (const [i, s] of steps.entries()) {
    if (s.heading) {
      out.print('bootstrap-token', s.heading);
      if (kubeconfigError !== undefined) throw wrapApiError('error creating bootstrap ConfigMap', kubeconfigError);
    }
    if (s.line) out.print('bootstrap-token', s.line);
    try {
      await applied[i]!();
    } catch (e) {
      throw s.context ? wrapApiError(s.context, e) : e;
    }
  }
}
