// join phase "wait-control-plane": for a control-plane join, wait until this node's kube-apiserver,
// kube-controller-manager and kube-scheduler are healthy (the apiserver with the admin credentials,
// at this node's own endpoint), as init waits for its control plane.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
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
    const { parseDuration, formatDuration, formatDurationNs } = await import('../../config/duration.js');
    const { componentEndpoints, pollUntil } = await import('../init/wait-control-plane.js');
    const { parseGoYaml } = await import('../../manifests/yamlload.js');
    const { parseKubeconfig, currentCluster, currentUser } = await import('../../kubeconfig/kubeconfig.js');
    const timeout = parseDuration(d.cfg.join.timeouts.controlPlaneComponentHealthCheck);
    d.out.print('control-plane-check', `Waiting for healthy control plane components. This can take up to ${formatDuration(timeout)}`);
    const manifests: Record<string, { spec?: { containers?: { command?: string[] }[] } }> = {};
    for (const n of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const file = path.posix.join(d.manifestDir, `${n}.yaml`);
      try {
        manifests[n] = parseGoYaml(await d.host.readText(file)) as (typeof manifests)[string];
      } catch (e) {
        throw new TskError(`could not read the static Pod manifest ${file}: ${(e as Error).message}`);
      }
    }
    const admin = path.posix.join(d.kubeconfigDir, 'admin.conf');
    const kc = parseKubeconfig(await d.host.readText(admin), admin);
    const cluster = currentCluster(kc, admin);
    const user = currentUser(kc);
    const creds = {
      ...(cluster.certificateAuthorityData ? { ca: cluster.certificateAuthorityData } : {}),
      ...(user?.clientCertificateData ? { cert: user.clientCertificateData } : {}),
      ...(user?.clientKeyData ? { key: user.clientKeyData } : {}),
    };
    const endpoints = componentEndpoints(manifests, cp.localAPIEndpoint.advertiseAddress);
    for (const ep of endpoints) d.out.print('control-plane-check', `Checking ${ep.name} at ${ep.url}`);
    const results = await Promise.all(
      endpoints.map(async (ep) => {
        const r = await pollUntil(d.host, timeout, async () => {
          const res = await d.host.httpGet(
            ep.url,
            ep.name === 'kube-apiserver' ? { timeoutMs: 5000, insecure: !creds.ca, ...creds } : { timeoutMs: 5000, insecure: true },
          );
          return res.status === 200 ? undefined : `${ep.name} check failed at ${ep.url} with status: ${res.status}`;
        });
        d.out.print('control-plane-check', `${ep.name} is ${r.ok ? '' : 'not '}healthy after ${formatDurationNs(r.elapsedNs)}`);
        return { ep, r };
      }),
    );
    const failed = results.filter((x) => !x.r.ok);
    if (failed.length) {
      throw new TskError(
        `failed while waiting for the control plane to start: ${failed.map((f) => `${f.ep.name} did not become healthy at ${f.ep.url}: ${f.r.lastError}`).join('; ')}`,
      );
    }
  },
};
