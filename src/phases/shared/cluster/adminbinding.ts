// The kubeadm:cluster-admins ClusterRoleBinding that authorizes admin.conf, created through
// super-admin.conf when admin.conf is not authorized yet; init's API client is built through it.

import type { KubeClient } from '../../../kube/base.js';
import { KubeApiError } from '../../../errors.js';
import { clusterAdminsClusterRoleBinding } from '../../../kube/objects/bootstraptoken.js';
import { isAlreadyExists, isForbidden } from '../../../kube/errors.js';
import { poll, PollTimeoutError } from '../../../kube/poll.js';
import { wrapApiError } from './util.js';

/**
 * kubeadm's EnsureAdminClusterRoleBinding: try to create kubeadm:cluster-admins with the admin.conf
 * client; Forbidden means admin.conf is not yet authorized, so create it with super-admin.conf.
 * Returns the client to use for the rest of init (always the admin.conf one on success).
 */
export async function ensureAdminClusterRoleBinding(
  admin: KubeClient,
  superAdmin: KubeClient | undefined,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<KubeClient> {
  const crb = clusterAdminsClusterRoleBinding();
  let exists = false;
  try {
    await poll<void>(async () => {
      try {
        await admin.create(crb);
        exists = true;
        return { done: true, value: undefined };
      } catch (e) {
        if (isForbidden(e)) return { done: true, value: undefined };
        if (isAlreadyExists(e)) {
          exists = true;
          return { done: true, value: undefined };
        }
        return { done: false, error: wrapApiError('unable to create ClusterRoleBinding', e) };
      }
    }, opts);
  } catch (e) {
    throw e instanceof PollTimeoutError && e.lastError ? e.lastError : e;
  }
  if (exists) return admin;
  if (!superAdmin) {
    throw new KubeApiError('the ClusterRoleBinding for the kubeadm:cluster-admins Group is missing but there is no super-admin.conf to create it');
  }
  try {
    await poll<void>(async () => {
      try {
        await superAdmin.create(crb);
        return { done: true, value: undefined };
      } catch (e) {
        if (isAlreadyExists(e)) return { done: true, value: undefined };
        return { done: false, error: e };
      }
    }, opts);
  } catch (e) {
    const last = e instanceof PollTimeoutError ? e.lastError : e;
    throw wrapApiError('unable to create the kubeadm:cluster-admins ClusterRoleBinding by using super-admin.conf', last ?? e);
  }
  return admin;
}
