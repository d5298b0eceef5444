// The admin side of init's cluster phases: where this run's admin kubeconfig is, the API client
// built from it once per run, and the certificate key the run settled on. Shared by the cluster
// phases and show-join-command.

import * as path from 'node:path';
import type { InitData } from './data.js';
import { KUBERNETES_DIR } from '../../config/constants.js';
import type { KubeClient } from '../../kube/base.js';
import { parseDuration } from '../../config/duration.js';
import { API_CALL_TIMEOUT_MS } from '../../kube/poll.js';
import { perRun } from '../shared/per-run.js';

const ADMIN_CONF = path.posix.join(KUBERNETES_DIR, 'admin.conf');
const SUPER_ADMIN_CONF = path.posix.join(KUBERNETES_DIR, 'super-admin.conf');

function apiCallTimeoutMs(d: InitData): number {
  try {
    return parseDuration(d.cfg.init.timeouts.kubernetesAPICall) || API_CALL_TIMEOUT_MS;
  } catch {
    return API_CALL_TIMEOUT_MS;
  }
}

/** The admin kubeconfig as this run wrote or found it (the dry-run directory's copy under --dry-run). */
export function adminKubeconfigLocation(d: InitData): { host: 'host' | 'inputs'; file: string } {
  if (d.kubeconfigPath === ADMIN_CONF) {
    return { host: 'host', file: d.dryRunDir ? path.posix.join(d.kubeconfigWriteDir, 'admin.conf') : ADMIN_CONF };
  }
  // kubeadm opens a relative --kubeconfig from the working directory
  return { host: 'inputs', file: path.resolve(d.kubeconfigPath) };
}

/** The admin kubeconfig's text, from wherever this run keeps it (see adminKubeconfigLocation). */
export async function readAdminKubeconfig(d: InitData): Promise<string> {
  const loc = adminKubeconfigLocation(d);
  return (loc.host === 'host' ? d.host : d.inputs).readText(loc.file);
}

/**
 * The API client of this run, built once: the dry-run recorder under --dry-run; with the default
 * admin.conf, the admin client after making sure its kubeadm:cluster-admins binding exists
 * (created through super-admin.conf when needed), both pointed at the local API endpoint; with
 * --kubeconfig, a client for that file.
 */
export const clusterClient = perRun(
  async (d: InitData): Promise<KubeClient> => {
    const timeout = apiCallTimeoutMs(d);
    if (d.dryRun) {
      const { RecordingKubeClient } = await import('../../kube/dryrun.js');
      return new RecordingKubeClient({ out: d.out, apiCallTimeoutMs: timeout });
    }
    const { createKubeClient } = await import('../../kube/client.js');
    if (d.kubeconfigPath !== ADMIN_CONF) {
      return createKubeClient({ kubeconfig: await d.inputs.readText(path.resolve(d.kubeconfigPath)), apiCallTimeoutMs: timeout });
    }
    const { controlPlaneURL } = await import('../../addons/kubeproxy.js');
    const server = controlPlaneURL('', d.cfg.init.localAPIEndpoint);
    const admin = await createKubeClient({ kubeconfig: await d.host.readText(ADMIN_CONF), server, apiCallTimeoutMs: timeout });
    const superAdmin = (await d.host.exists(SUPER_ADMIN_CONF))
      ? await createKubeClient({ kubeconfig: await d.host.readText(SUPER_ADMIN_CONF), server, apiCallTimeoutMs: timeout })
      : undefined;
    const { ensureAdminClusterRoleBinding } = await import('../shared/cluster/adminbinding.js');
    const { wrapApiError } = await import('../shared/cluster/util.js');
    try {
      return await ensureAdminClusterRoleBinding(admin, superAdmin, { timeoutMs: timeout });
    } catch (e) {
      throw wrapApiError('could not bootstrap the admin user in file admin.conf', e);
    }
  },
  { forgetFailure: true },
);

/** The certificate key of this run: the flag or config value, else the one upload-certs generated. */
export const runCertificateKeys = new WeakMap<InitData, string>();
