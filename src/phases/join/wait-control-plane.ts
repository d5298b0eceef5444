// join phase "wait-control-plane": for a control-plane join, wait until this node's kube-apiserver,
// kube-controller-manager and kube-scheduler are healthy (the apiserver with the admin credentials,
// at this node's own endpoint), as init waits for its control plane; on failure the same diagnosis.

import * as path from 'node:path';
import type { Phase } from '../workflow.js';
import type { JoinData } from './data.js';

export const waitControlPlanePhase: Phase<JoinData> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  run: async (d) => {
    const cp = d.cfg.join.controlPlane;
    if (!cp) return;
    if (d.dryRun) {
      d.out.print('dryrun', 'Would wait for the control plane components to be healthy');
      return;
    }
    const { parseDuration, formatDuration } = await import('../../config/duration.js');
    const { componentEndpointsIn, waitForControlPlaneComponents } = await import('../shared/wait.js');
    const { parseKubeconfig, currentCluster, currentUser } = await import('../../kubeconfig/kubeconfig.js');
    const timeoutMs = parseDuration(d.cfg.join.timeouts.controlPlaneComponentHealthCheck);
    d.out.print('control-plane-check', `Waiting for healthy control plane components. This can take up to ${formatDuration(timeoutMs)}`);
    const endpoints = await componentEndpointsIn(d.host, d.manifestDir, cp.localAPIEndpoint.advertiseAddress);
    const admin = path.posix.join(d.kubeconfigDir, 'admin.conf');
    const kc = parseKubeconfig(await d.host.readText(admin), admin);
    const cluster = currentCluster(kc, admin);
    const user = currentUser(kc);
    const credentials = {
      ...(cluster.certificateAuthorityData ? { ca: cluster.certificateAuthorityData } : {}),
      ...(user?.clientCertificateData ? { cert: user.clientCertificateData } : {}),
      ...(user?.clientKeyData ? { key: user.clientKeyData } : {}),
    };
    for (const ep of endpoints) d.out.print('control-plane-check', `Checking ${ep.name} at ${ep.url}`);
    await waitForControlPlaneComponents(d.host, d.out, { endpoints, credentials, timeoutMs, criSocket: d.cfg.join.nodeRegistration.criSocket });
  },
};
