// join phase "kubelet-start": write bootstrap-kubelet.conf (pointed at this node's own API server for
// a control-plane join) and the cluster CA, refuse a name an existing Ready Node already has, stop
// the kubelet, write instance-config.yaml, config.yaml (the cluster's KubeletConfiguration) and
// kubeadm-flags.env, then start the kubelet, which performs the TLS bootstrap.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Phase } from '../workflow.js';
import type { NodeObject } from '../../kube/types.js';
import type { JoinData } from './data.js';
import { BOOTSTRAP_KUBELET_CONF } from './data.js';
import { DISCOVERY_FLAGS } from './flags.js';
import { patchManagerFor } from '../shared/staticpod.js';
import { kubeletComponentConfig } from '../init/componentconfigs.js';
import { renderKubeletFiles, tryStartKubelet, tryStopKubelet, writeKubeletFile } from '../shared/kubelet.js';
import { bootstrapKubeletConf } from './tls-bootstrap.js';

/** whether this host holds the Node's credentials (kubelet.conf of an earlier join, see shared/earlier) */
async function ownNode(d: JoinData, nodeName: string): Promise<boolean> {
  const { earlierJoin } = await import('../shared/earlier/join.js');
  try {
    return (await earlierJoin(d)).ownsNode(nodeName);
  } catch {
    return false;
  }
}

export const kubeletStartPhase: Phase<JoinData> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings, certificates and (re)start the kubelet',
  long: 'Write a file with KubeletConfiguration and an environment file with node specific kubelet settings, and then (re)start kubelet.',
  acceptsArgs: true,
  inheritFlags: ['config', 'cri-socket', 'node-name', ...DISCOVERY_FLAGS, 'patches', 'dry-run'],
  run: async (d) => {
    const join = d.cfg.join;
    const initCfg = await d.initCfg();
    const k = await import('../../manifests/kubelet.js');
    // everything rendered before anything is written
    const { localAPIEndpointURL } = await import('../../kubeconfig/kubeconfig.js');
    // a control-plane node's kubelet talks to its own API server (kubeadm since ControlPlaneKubeletLocalMode)
    const server = join.controlPlane ? localAPIEndpointURL(initCfg) : undefined;
    const boot = await bootstrapKubeletConf(await d.tlsBootstrapConfig(), initCfg.cluster.clusterName, server);
    const { config } = await kubeletComponentConfig(initCfg, d.out);
    const readingLines: string[] = [];
    const patches = await patchManagerFor(d, (l) => readingLines.push(l));
    const files = await renderKubeletFiles({
      host: d.host,
      out: d.out,
      nodeRegistration: join.nodeRegistration,
      config,
      patches,
      kubeletDir: d.kubeletDir,
      registerTaintsUsingFlags: join.controlPlane === undefined,
    });

    // the Node name: refuse one that a Ready Node already has (a second kubelet would take it over)
    const nodeName = k.kubeletNodeName(join.nodeRegistration, d.host.hostname().trim().toLowerCase());
    const client = d.dryRun ? await d.client() : await d.bootstrapClient();
    d.out.v(1, `[kubelet-start] Checking for an existing Node in the cluster with name "${nodeName}" and status "Ready"`);
    let node;
    try {
      node = await client.get<NodeObject>({ apiVersion: 'v1', kind: 'Node', name: nodeName });
    } catch (e) {
      throw new TskError(`cannot get Node "${nodeName}": ${(e as Error).message}`, 1, { cause: e });
    }
    const conditions = (node?.status?.conditions ?? []) as { type?: string; status?: string }[];
    const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    // better than kubeadm: the Node an earlier join of this host registered is this host's own
    const ours = ready && !d.dryRun && (await ownNode(d, nodeName));
    if (ours) d.out.print('kubelet-start', `The Node "${nodeName}" is this host's own, from an earlier join: continuing with it`);
    if (ready && !ours) {
      throw new TskError(
        `a Node with name "${nodeName}" and status "Ready" already exists in the cluster. ` +
          'You must delete the existing Node or change the name of this new joining Node',
      );
    }

    const bootPath = path.posix.join(d.kubeconfigDir, BOOTSTRAP_KUBELET_CONF);
    d.out.v(1, `[kubelet-start] writing bootstrap kubelet config file at ${bootPath}`);
    await d.host.mkdirp(d.kubeconfigDir, 0o755);
    await d.host.writeFileAtomic(bootPath, boot.text, 0o600);
    const caPath = d.dryRun ? path.posix.join(await d.certificateWriteDir(), 'ca.crt') : join.caCertPath;
    if (!(await d.host.exists(caPath))) {
      d.out.v(1, `[kubelet-start] writing CA certificate at ${caPath}`);
      await d.host.mkdirp(path.posix.dirname(caPath), 0o755);
      await d.host.writeFileAtomic(caPath, boot.caPem, 0o644);
    }

    if (d.dryRun) d.out.print('kubelet-start', 'Would stop the kubelet');
    else await tryStopKubelet(d.host, d.out);
    const dir = d.kubeletDir;
    d.out.print('kubelet-start', `Writing kubelet configuration to file "${path.posix.join(dir, k.KUBELET_INSTANCE_CONFIG_FILE)}"`);
    await writeKubeletFile(d.host, dir, k.KUBELET_INSTANCE_CONFIG_FILE, files.instance);
    for (const l of [...readingLines, ...files.log]) d.out.println(l);
    d.out.print('kubelet-start', `Writing kubelet configuration to file "${path.posix.join(dir, k.KUBELET_CONFIG_FILE)}"`);
    await writeKubeletFile(d.host, dir, k.KUBELET_CONFIG_FILE, files.config);
    d.out.print('kubelet-start', `Writing kubelet environment file with flags to file "${path.posix.join(dir, k.KUBELET_ENV_FILE)}"`);
    await writeKubeletFile(d.host, dir, k.KUBELET_ENV_FILE, files.env);
    if (d.dryRun) {
      d.out.print('kubelet-start', 'Would start the kubelet');
      const { printDryRunFiles } = await import('./dryrun.js');
      await printDryRunFiles(d);
      return;
    }
    d.out.print('kubelet-start', 'Starting the kubelet');
    await tryStartKubelet(d.host, d.out);
  },
};
