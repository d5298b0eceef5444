// init phase "wait-control-plane": wait for the kubelet's health endpoint, then for every
// control-plane component (the waits and their diagnostics: src/phases/shared/wait.ts). Under
// --dry-run, list the files that would have been written instead.

import * as path from 'node:path';
import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { kubeletComponentConfig } from './componentconfigs.js';

/** The CA and client credentials of the run's admin kubeconfig, for the apiserver's /livez. */
async function adminCredentials(d: InitData): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const { parseKubeconfig } = await import('../../kubeconfig/kubeconfig.js');
  const { readAdminKubeconfig, adminKubeconfigLocation } = await import('./admin.js');
  const kc = parseKubeconfig(await readAdminKubeconfig(d), adminKubeconfigLocation(d).file);
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  const cluster = kc.clusters.find((c) => c.name === ctx?.cluster);
  const user = kc.users.find((u) => u.name === ctx?.user);
  return {
    ...(cluster?.certificateAuthorityData ? { ca: cluster.certificateAuthorityData } : {}),
    ...(user?.clientCertificateData ? { cert: user.clientCertificateData } : {}),
    ...(user?.clientKeyData ? { key: user.clientKeyData } : {}),
  };
}

export const waitControlPlanePhase: Phase<InitData> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  run: async (d) => {
    const { parseDuration, formatDuration } = await import('../../config/duration.js');
    const wait = await import('../shared/wait.js');
    const out = d.out;
    const criSocket = d.cfg.init.nodeRegistration.criSocket;
    if (d.dryRun) {
      await printDryRunFiles(d);
    }
    out.print('wait-control-plane', `Waiting for the kubelet to boot up the control plane as static Pods from directory "${d.manifestWriteDir}"`);

    const { config } = await kubeletComponentConfig(d.cfg, out);
    const healthz = wait.kubeletHealthz(config);
    if (d.dryRun) {
      out.print('dryrun', `Would make sure the kubelet returns 'ok' at ${healthz.url}`);
      return;
    }
    await wait.waitForKubelet(d.host, out, { healthz, timeoutMs: parseDuration(d.cfg.init.timeouts.kubeletHealthCheck), criSocket });

    const timeoutMs = parseDuration(d.cfg.init.timeouts.controlPlaneComponentHealthCheck);
    out.print('control-plane-check', `Waiting for healthy control plane components. This can take up to ${formatDuration(timeoutMs)}`);
    const endpoints = await wait.componentEndpointsIn(d.host, d.manifestWriteDir, d.cfg.init.localAPIEndpoint.advertiseAddress);
    const credentials = await adminCredentials(d);
    for (const ep of endpoints) out.print('control-plane-check', `Checking ${ep.name} at ${ep.url}`);
    // the phases after this one talk to the API: load the client while the components start
    void import('../../kube/client.js').then((m) => m.preloadKubeClient(), () => undefined);
    await wait.waitForControlPlaneComponents(d.host, out, { endpoints, credentials, timeoutMs, criSocket });
  },
};

/** kubeadm's dry-run listing: the manifests and kubelet files that would be written. */
async function printDryRunFiles(d: InitData): Promise<void> {
  const dir = d.dryRunDir!;
  d.out.print('dryrun', `Wrote certificates, kubeconfig files and control plane manifests to the "${dir}" directory`);
  d.out.print('dryrun', 'The certificates or kubeconfig files would not be printed due to their sensitive nature');
  d.out.print('dryrun', `Please examine the "${dir}" directory for details about what would be written`);
  const files: [string, string][] = [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
      (c) => [path.posix.join(dir, `${c}.yaml`), `/etc/kubernetes/manifests/${c}.yaml`] as [string, string],
    ),
    [path.posix.join(dir, 'config.yaml'), '/var/lib/kubelet/config.yaml'],
    [path.posix.join(dir, 'kubeadm-flags.env'), '/var/lib/kubelet/kubeadm-flags.env'],
  ];
  for (const [real, shown] of files) {
    const text = await d.host.readText(real).catch(() => undefined);
    if (text === undefined) continue;
    d.out.print('dryrun', `Would write file "${shown}" with content:`);
    d.out.stdout.write(text);
  }
}
