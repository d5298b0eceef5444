// join phase "kubelet-wait-bootstrap": wait for the kubelet's health endpoint, then for the TLS
// bootstrap to produce /etc/kubernetes/kubelet.conf with a usable client certificate; the bootstrap
// kubeconfig (with the token) is removed whatever happens, as kubeadm does. kubeadm looks for
// kubelet.conf every 1 s; this looks every 100 ms, so the join ends when the kubelet is done. On a
// control-plane node, a kubelet whose certificate requests are in back-off is restarted once the local
// API server is ready (kubelet-nudge.ts).

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Phase } from '../workflow.js';
import type { JoinData } from './data.js';
import { BOOTSTRAP_KUBELET_CONF, KUBELET_CONF } from './data.js';

/** kubeadm's text after a failed kubelet wait */
export const KUBELET_FAIL_MESSAGE = `
Unfortunately, an error has occurred, likely caused by:
	- The kubelet is not running
	- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)

If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:
	- 'systemctl status kubelet'
	- 'journalctl -xeu kubelet'
`;

/** Can a client be built from kubelet.conf (kubeadm's ClientSetFromFile): the file and its credentials load. */
async function kubeletConfUsable(d: JoinData): Promise<string | undefined> {
  const text = await d.host.readText(KUBELET_CONF).catch(() => undefined);
  if (text === undefined) return `${KUBELET_CONF} does not exist yet`;
  const { parseKubeconfig, currentUser } = await import('../../kubeconfig/kubeconfig.js');
  const kc = parseKubeconfig(text, KUBELET_CONF);
  const user = currentUser(kc);
  for (const f of [user?.clientCertificate, user?.clientKey]) {
    if (!f) continue;
    const abs = path.posix.isAbsolute(f) ? f : path.posix.join(path.posix.dirname(KUBELET_CONF), f);
    if (!(await d.host.exists(abs))) return `${abs} does not exist yet`;
  }
  return undefined;
}

export const kubeletWaitBootstrapPhase: Phase<JoinData> = {
  name: 'kubelet-wait-bootstrap',
  short: 'Wait for the kubelet to bootstrap itself',
  inheritFlags: ['config', 'cri-socket', 'dry-run'],
  run: async (d) => {
    if (d.dryRun) {
      d.out.print('kubelet-wait', 'Would wait for the kubelet to be bootstrapped');
      return;
    }
    const join = d.cfg.join;
    const bootPath = path.posix.join(d.kubeconfigDir, BOOTSTRAP_KUBELET_CONF);
    try {
      const { parseDuration, formatDuration } = await import('../../config/duration.js');
      const { kubeletHealthz, pollUntil, waitForKubelet } = await import('../shared/wait.js');
      const { parseGoYaml } = await import('../../manifests/yamlload.js');
      // the kubelet's health endpoint as config.yaml (patches applied) sets it
      const cfgPath = path.posix.join(d.kubeletDir, 'config.yaml');
      const kubeletCfg = (parseGoYaml(await d.host.readText(cfgPath), cfgPath) ?? {}) as Record<string, unknown>;
      try {
        await waitForKubelet(d.host, d.out, {
          healthz: kubeletHealthz(kubeletCfg),
          timeoutMs: parseDuration(join.timeouts.kubeletHealthCheck),
          criSocket: join.nodeRegistration.criSocket,
        });
      } catch (e) {
        d.out.println(KUBELET_FAIL_MESSAGE);
        throw e;
      }
      d.out.print('kubelet-start', 'Waiting for the kubelet to perform the TLS Bootstrap');
      const tlsTimeout = parseDuration(join.timeouts.tlsBootstrap);
      // a kubelet that answered its health check may still exit before it has its certificate
      const { CRASH_LOOP_HINT, kubeletLogLines, watchKubeletRestarts } = await import('../shared/diagnostics.js');
      const watch = watchKubeletRestarts(d.host);
      // a control-plane node's kubelet waits for its own API server: restarted once that is ready (kubelet-nudge.ts)
      const { nudgeKubeletWhenApiReady } = await import('./kubelet-nudge.js');
      const nudge = join.controlPlane ? nudgeKubeletWhenApiReady(d, async () => (await kubeletConfUsable(d)) === undefined) : undefined;
      const r = await pollUntil(d.host, tlsTimeout, () => kubeletConfUsable(d), watch.crashLooping).finally(() => nudge?.stop());
      if (!r.ok) {
        d.out.println(KUBELET_FAIL_MESSAGE);
        const loop = await watch.describe();
        const why = `the kubelet did not write a usable ${KUBELET_CONF}${loop ? '' : ` within ${formatDuration(tlsTimeout)}`} (${r.lastError})`;
        const detail = loop ? ['', `The ${loop}.`, ...(await kubeletLogLines(d.host)), CRASH_LOOP_HINT] : [];
        throw new TskError(`failed while waiting for TLS bootstrap: ${loop ? `${loop}: ` : ''}${why}${detail.map((l) => `\n${l}`).join('')}`);
      }
    } finally {
      await d.host.remove(bootPath).catch(() => undefined);
    }
  },
};
