// The stacked-etcd steps of kubeadm's phases/etcd/local.go that talk to etcd, with the lines kubeadm
// prints (stdout) and logs (klog V levels), for join's check-etcd and control-plane-join etcd phases:
//   CheckLocalEtcdClusterStatus            -> checkLocalEtcdClusterStatus
//   CreateStackedEtcdStaticPodManifestFile -> announceStackedEtcdMember, (the phase writes the
//                                             manifest), promoteStackedEtcdMember
// plus removeEtcdMemberByPeerURL, for taking back a member this node added (not in kubeadm).
// The client comes from the caller (its run data's factory), so these never build one themselves.

import { TskError } from '../errors.js';
import type { EtcdClient } from './client.js';
import { goDuration } from './health.js';
import { ETCD_HEALTHY_CHECK_INTERVAL_MS, ETCD_HEALTHY_CHECK_RETRIES, formatMembers, NoMemberIDForPeerURLError, type Member } from './types.js';
import { msg } from './wire.js';

/** where the lines go: println is kubeadm's fmt.Println, v is klog.V(n).Info */
export interface EtcdPhaseOutput {
  println(line: string): void;
  v(level: number, message: string): void;
}

/** CheckLocalEtcdClusterStatus: a majority of the stacked etcd members must be healthy before this node joins */
export async function checkLocalEtcdClusterStatus(newClient: () => Promise<EtcdClient>, out: EtcdPhaseOutput): Promise<void> {
  out.v(1, '[etcd] Checking etcd cluster health');
  out.v(1, 'creating etcd client that connects to etcd pods');
  const c = await newClient();
  try {
    await c.checkClusterHealth();
  } catch (e) {
    throw new TskError(`etcd cluster is not healthy: ${msg(e)}`, 1, { cause: e });
  }
}

/**
 * The first part of CreateStackedEtcdStaticPodManifestFile: announce this node's member as a learner.
 * Returns the client (for promoteStackedEtcdMember) and the member list, from which the etcd manifest's
 * --initial-cluster is made (each `name=peerURL`, this node's member included, --initial-cluster-state=existing).
 */
export async function announceStackedEtcdMember(
  newClient: () => Promise<EtcdClient>,
  nodeName: string,
  peerURL: string,
  out: EtcdPhaseOutput,
): Promise<{ client: EtcdClient; initialCluster: Member[] }> {
  out.v(1, 'creating etcd client that connects to etcd pods');
  const client = await newClient();
  // a member with this peer URL is there already when an earlier, unfinished join of this node added it
  const earlier = (await client.listMembersOnce().catch(() => [])).find((m) => m.peerURLs[0] === peerURL);
  out.v(1, `[etcd] Adding etcd member: ${peerURL}`);
  const initialCluster = await client.addMemberAsLearner(nodeName, peerURL);
  if (earlier) out.println(`[etcd] Continuing with the etcd member ${peerURL} an earlier join of this node added (${earlier.isLearner ? 'a learner' : 'a voting member'})`);
  else out.println('[etcd] Announced new etcd member joining to the existing etcd cluster');
  out.v(1, `Updated etcd member list: ${formatMembers(initialCluster)}`);
  return { client, initialCluster };
}

export interface PromoteOptions {
  /** etcdHealthyCheckRetries (8) and etcdHealthyCheckInterval (5s) by default */
  retries?: number;
  intervalMs?: number;
}

/**
 * The last part of CreateStackedEtcdStaticPodManifestFile, once the manifest is written: wait for the
 * learner to start, promote it, and wait until a majority of the members (this one included) is healthy.
 */
export async function promoteStackedEtcdMember(client: EtcdClient, peerURL: string, out: EtcdPhaseOutput, o: PromoteOptions = {}): Promise<void> {
  const retries = o.retries ?? ETCD_HEALTHY_CHECK_RETRIES;
  const interval = o.intervalMs ?? ETCD_HEALTHY_CHECK_INTERVAL_MS;
  const id = await client.getMemberID(peerURL);
  await client.memberPromote(id);
  out.println(`[etcd] Waiting for the new etcd member to join the cluster. This can take up to ${goDuration(interval * retries)}`);
  await client.waitForClusterAvailable(retries, interval);
}

/**
 * Remove the member with this peer URL again (join's clean-up when it fails after announcing the
 * member). False when there was no such member. As RemoveMember, a member gone meanwhile counts as
 * removed. Removing a voting member needs a quorum without it: take it back before promotion when possible.
 */
export async function removeEtcdMemberByPeerURL(client: EtcdClient, peerURL: string, out: EtcdPhaseOutput): Promise<boolean> {
  let id: string;
  try {
    id = await client.getMemberID(peerURL);
  } catch (e) {
    if (e instanceof NoMemberIDForPeerURLError) return false;
    throw e;
  }
  out.v(1, `[etcd] removing etcd member: ${peerURL}, id: ${BigInt(id).toString()}`);
  const left = await client.removeMember(id);
  out.v(1, `[etcd] Updated etcd member list: ${formatMembers(left)}`);
  return true;
}
