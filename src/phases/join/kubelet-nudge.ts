// Better than kubeadm, for a control-plane join: the kubelet asks this node's own API server for its
// client certificate (bootstrap-kubelet.conf points there), and that server can only answer once this
// node's etcd member serves, at the end of etcd-join. By then the kubelet's certificate requests have
// failed a few times and its back-off has grown (2 s, 4 s, 8 s, ...); its Node registration backs off
// the same way. kubeadm waits them out: often 5-10 s. Here, once the local API server is ready and the
// kubelet still has no kubelet.conf, the kubelet is restarted once: a new kubelet asks at once. Its
// static Pods keep running (a kubelet restart leaves containers alone); the files are not touched.

import type { JoinData } from './data.js';

/** how long a ready API server gives the kubelet to finish on its own before the restart */
export const NUDGE_GRACE_MS = 500;
const READY_POLL_MS = 200;

export interface KubeletNudge {
  /** ends the nudge (the wait is over, whatever its outcome); resolves once nothing runs any more */
  stop(): Promise<void>;
}

/**
 * Start watching the local API server's /readyz (anonymous, verified against the cluster CA); once it
 * answers 200, wait NUDGE_GRACE_MS, and if `bootstrapped()` is still false restart the kubelet.
 */
export function nudgeKubeletWhenApiReady(d: JoinData, bootstrapped: () => Promise<boolean>): KubeletNudge {
  let stopped = false;
  const run = async (): Promise<void> => {
    const { localAPIEndpointURL } = await import('../../kubeconfig/kubeconfig.js');
    const url = `${localAPIEndpointURL(await d.initCfg())}/readyz`;
    const ca = await d.host.readFile(d.cfg.join.caCertPath).catch(() => undefined);
    if (!ca) return;
    while (!stopped) {
      const r = await d.host.httpGet(url, { ca, timeoutMs: 2000 }).catch(() => undefined);
      if (r?.status === 200) break;
      await d.host.sleep(READY_POLL_MS);
    }
    if (stopped) return;
    await d.host.sleep(NUDGE_GRACE_MS);
    if (stopped || (await bootstrapped())) return;
    d.out.v(1, `[kubelet-start] the local API server (${url}) is ready and the kubelet has no client certificate yet: restarting the kubelet, so that it asks now instead of after its back-off`);
    const { detectInitSystem } = await import('../../host/initsystem.js');
    const init = await detectInitSystem(d.host);
    await init?.serviceRestart('kubelet').catch((e: Error) => d.out.v(1, `[kubelet-start] could not restart the kubelet: ${e.message}`));
  };
  const running = run().catch((e: Error) => d.out.v(1, `[kubelet-start] not watching the local API server: ${e.message}`));
  return {
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
