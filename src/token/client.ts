// The cluster client of the `token` commands: --kubeconfig (or the standard locations), and under
// --dry-run a recording client that reads from the cluster and only prints its writes.

import * as path from 'node:path';
import type { Host } from '../host/types.js';
import type { Output } from '../output.js';
import type { KubeClient } from '../kube/base.js';

export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';

/**
 * kubeadm's GetKubeConfigPath: the flag when given; else the first existing file of $KUBECONFIG's list
 * (or ~/.kube/config when it is unset) followed by /etc/kubernetes/admin.conf; when none exists, the
 * first of them.
 */
export async function kubeconfigPath(host: Host, flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag) return flag;
  const fromEnv = env.KUBECONFIG;
  const precedence: string[] = [];
  if (fromEnv) {
    for (const p of fromEnv.split(path.delimiter)) if (p !== '' && !precedence.includes(p)) precedence.push(p);
  } else {
    precedence.push(path.posix.join(env.HOME || '/root', '.kube', 'config'));
  }
  precedence.push(ADMIN_KUBECONFIG);
  for (const p of precedence) if (await host.exists(p)) return p;
  return precedence[0]!;
}

export interface TokenClientOptions {
  host: Host;
  file: string;
  dryRun: boolean;
  out: Output;
}

/** kubeadm's getClientForTokenCommands. */
export async function tokenClient(o: TokenClientOptions): Promise<KubeClient> {
  const { loadKubeClient } = await import('../kube/client.js');
  if (!o.dryRun) return loadKubeClient(o.host, o.file);
  const reads = await loadKubeClient(o.host, o.file);
  const { RecordingKubeClient } = await import('../kube/dryrun.js');
  const { deleteBootstrapTokenReactor } = await import('../kube/dryrun-fakes.js');
  return new RecordingKubeClient({ out: o.out, reads, reactors: [deleteBootstrapTokenReactor()], nodeReactors: false });
}
