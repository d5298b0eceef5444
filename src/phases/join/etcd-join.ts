// join phase "etcd-join": add this node's etcd member to the stacked cluster as a learner, write its
// static Pod manifest (with --initial-cluster from the member list), then promote it once started and
// wait until the cluster is available. Better than kubeadm: when anything fails after the member was
// added, the member is removed again (see rollbackEtcdMember), so a failed join does not leave the
// cluster with a member that never comes up.

import * as path from 'node:path';
import type { Phase } from '../workflow.js';
import type { JoinData } from './data.js';
import type { EtcdClient } from '../../etcd/index.js';
import { joinEtcdClient } from './etcd-client.js';
import { ETCD_DATA_DIR_MODE } from '../init/etcd.js';
import { MANIFEST_DIR_MODE, patchPod, writeStaticPod } from '../shared/staticpod.js';

interface AddedMember {
  client: EtcdClient;
  peerURL: string;
  manifest: string;
}

const added = new WeakMap<JoinData, AddedMember>();

/**
 * Take back the member this run added: remove it from the cluster and its manifest from the host (so
 * the kubelet stops the half-joined etcd). Called by the join command when a phase fails.
 */
export async function rollbackEtcdMember(d: JoinData): Promise<void> {
  const m = added.get(d);
  if (!m) return;
  added.delete(d);
  const { removeEtcdMemberByPeerURL } = await import('../../etcd/index.js');
  await d.host.remove(m.manifest).catch(() => undefined);
  const out = { println: (l: string) => d.out.println(l), v: (n: number, s: string) => d.out.v(n, s) };
  if (await removeEtcdMemberByPeerURL(m.client, m.peerURL, out)) {
    d.out.print('etcd', `Removed the etcd member ${m.peerURL} this join had added, as the join failed`);
  }
}

export const etcdJoinPhase: Phase<JoinData> = {
  name: 'etcd-join',
  short: 'Join etcd for control plane nodes',
  example: '  # Joins etcd for a control plane instance\n  tskubeadm join phase etcd-join',
  inheritFlags: ['config', 'control-plane', 'node-name', 'patches', 'apiserver-advertise-address', 'dry-run'],
  run: async (d) => {
    if (!d.cfg.join.controlPlane) return;
    const cfg = await d.initCfg();
    const local = cfg.cluster.etcd.local;
    if (!local) {
      d.out.print('control-plane-join', 'Using external etcd - no local stacked instance added');
      return;
    }
    if (d.dryRun) {
      d.out.print('control-plane-join', `Would ensure that "${local.dataDir}" directory is present`);
    } else {
      await d.host.mkdirp(local.dataDir, ETCD_DATA_DIR_MODE);
      await d.host.chmod(local.dataDir, ETCD_DATA_DIR_MODE);
    }
    const { etcdPeerURL, renderEtcdPod } = await import('../../manifests/staticpods.js');
    const peerURL = etcdPeerURL(cfg.init.localAPIEndpoint);
    const nodeName = cfg.init.nodeRegistration.name;
    const out = { println: (l: string) => d.out.println(l), v: (n: number, s: string) => d.out.v(n, s) };
    const manifest = path.posix.join(d.manifestDir, 'etcd.yaml');
    let etcd: EtcdClient | undefined;
    let initialCluster: { name: string; peerURL: string }[] = [];
    if (d.dryRun) {
      d.out.print('etcd', `Would add etcd member: ${peerURL}`);
    } else {
      const { announceStackedEtcdMember } = await import('../../etcd/index.js');
      const r = await announceStackedEtcdMember(() => joinEtcdClient(d), nodeName, peerURL, out);
      etcd = r.client;
      initialCluster = r.initialCluster;
      added.set(d, { client: etcd, peerURL, manifest });
    }
    d.out.print('etcd', 'Creating static Pod manifest for "etcd"');
    await d.host.mkdirp(d.manifestDir, MANIFEST_DIR_MODE);
    const { initDataFor } = await import('./as-init.js');
    const pod = await patchPod(await initDataFor(d), 'etcd', renderEtcdPod(cfg, {}, { initialCluster }));
    await writeStaticPod(d.host, d.manifestDir, 'etcd', pod);
    if (d.dryRun || !etcd) {
      d.out.print('etcd', 'Would wait for the new etcd member to join the cluster');
      return;
    }
    const { promoteStackedEtcdMember, ETCD_HEALTHY_CHECK_INTERVAL_MS, ETCD_HEALTHY_CHECK_RETRIES } = await import('../../etcd/index.js');
    // kubeadm's budget (8 checks 5 s apart, "up to 40s"), checked every 250 ms
    const budget = ETCD_HEALTHY_CHECK_INTERVAL_MS * ETCD_HEALTHY_CHECK_RETRIES;
    await promoteStackedEtcdMember(etcd, peerURL, out, { intervalMs: 250, retries: budget / 250 });
  },
};
