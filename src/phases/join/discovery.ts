// Join's use of discovery (src/discovery): the TLS bootstrap kubeconfig, from token or file
// discovery, serialised as kubeadm writes kubeconfig files.

import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { JoinConfiguration } from '../../config/types.js';
import type { KubeClient } from '../../kube/base.js';

export interface JoinDiscoveryInput {
  join: JoinConfiguration;
  host: Host;
  inputs: Host;
  out: Output;
  dryRun: boolean;
  dryRunClient: (() => Promise<KubeClient>) | undefined;
}

export async function discoverTLSBootstrapConfig(i: JoinDiscoveryInput): Promise<string> {
  const { discover, discoveryTimeoutMs } = await import('../../discovery/index.js');
  const { writeClientConfig } = await import('../../kubeconfig/clientcmd.js');
  const r = await discover(
    { discovery: i.join.discovery, timeoutMs: discoveryTimeoutMs(i.join.timeouts) },
    { out: i.out, inputs: i.inputs, ...(i.dryRunClient ? { dryRunClient: await i.dryRunClient() } : {}) },
  );
  return writeClientConfig(r.config);
}
