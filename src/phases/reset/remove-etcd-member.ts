// reset phase "remove-etcd-member": on a node with local (stacked) etcd, remove this node's member from
// the etcd cluster (skipped when it is the only member) and empty the etcd data directory.

import { errorMessage, TskError } from '../../errors.js';
import type { Phase } from '../workflow.js';
import { DEFAULT_ETCD_DATA_DIR, ETCD_MANIFEST, type ClusterState, type ResetData } from './data.js';
import { etcdClientURL, etcdPeerURL, formatMembers, NoMemberIDForPeerURLError } from '../../etcd/types.js';
import { cleanDir, isDirEmpty } from './cleanup-node.js';

/**
 * The etcd data directory: from the cluster's configuration when it has local etcd, else from the
 * etcd-data volume of the etcd static Pod manifest, else (no manifest) kubeadm's default.
 */
export async function etcdDataDir(d: Pick<ResetData, 'host' | 'out' | 'clusterState'>): Promise<string> {
  const local = d.clusterState?.cluster.etcd.local;
  if (local) return local.dataDir;
  d.out.warn('[reset] No kubeadm config, using etcd pod spec to get data directory');
  if (!(await d.host.exists(ETCD_MANIFEST))) return DEFAULT_ETCD_DATA_DIR;
  const { parseGoYaml } = await import('../../manifests/yamlload.js');
  const pod = parseGoYaml(await d.host.readText(ETCD_MANIFEST), ETCD_MANIFEST) as {
    spec?: { volumes?: { name?: string; hostPath?: { path?: string } }[] };
  } | null;
  const vol = (pod?.spec?.volumes ?? []).find((v) => v.name === 'etcd-data');
  const dir = vol?.hostPath?.path ?? '';
  if (dir === '') throw new TskError('invalid etcd pod manifest');
  return dir;
}

/** kubeadm's RemoveStackedEtcdMemberFromCluster */
export async function removeStackedEtcdMember(d: ResetData, state: ClusterState): Promise<void> {
  d.out.v(1, '[etcd] creating etcd client that connects to etcd pods');
  const etcd = await d.etcdClient();
  const members = await etcd.listMembers();
  // the only remaining member is not removed (it is this node's when its client URL is an endpoint)
  if (members.length === 1 && etcd.endpoints.includes(etcdClientURL(state.localAPIEndpoint))) {
    d.out.v(1, '[etcd] This is the only remaining etcd member in the etcd cluster, skip removing it');
    return;
  }
  const peer = etcdPeerURL(state.localAPIEndpoint);
  d.out.v(2, `[etcd] get the member id from peer: ${peer}`);
  let id: string;
  try {
    id = await etcd.getMemberID(peer);
  } catch (e) {
    if (e instanceof NoMemberIDForPeerURLError) {
      d.out.v(5, `[etcd] member was already removed, because no member id exists for peer ${peer}`);
      return;
    }
    throw e;
  }
  d.out.v(1, `[etcd] removing etcd member: ${peer}, id: ${id}`);
  const left = await etcd.removeMember(id);
  d.out.v(1, `[etcd] Updated etcd member list: ${formatMembers(left)}`);
}

async function cleanEtcdDir(d: ResetData, dir: string): Promise<void> {
  try {
    await cleanDir(d.host, dir);
    d.out.println(`[reset] Deleted contents of the etcd data directory: ${dir}`);
  } catch (e) {
    d.out.warn(`[reset] Failed to delete contents of the etcd directory: ${JSON.stringify(dir)}, error: ${errorMessage(e)}`);
  }
}

export const removeEtcdMemberPhase: Phase<ResetData> = {
  name: 'remove-etcd-member',
  short: 'Remove a local etcd member.',
  long: 'Remove a local etcd member for a control plane node.',
  inheritFlags: ['kubeconfig', 'dry-run'],
  run: async (d) => {
    d.out.v(1, '[reset] Checking for etcd config');
    let dataDir: string;
    try {
      dataDir = await etcdDataDir(d);
    } catch {
      d.out.println('[reset] No etcd config found. Assuming external etcd');
      d.out.println('[reset] Please, manually reset etcd to prevent further issues');
      return;
    }
    const state = d.clusterState;
    if (state) {
      if (!d.dryRun) {
        let removed = true;
        try {
          await removeStackedEtcdMember(d, state);
        } catch (e) {
          removed = false;
          d.out.warn(`[reset] Failed to remove etcd member: ${errorMessage(e)}, please manually remove this etcd member using etcdctl`);
        }
        if (removed) await cleanEtcdDir(d, dataDir);
      } else {
        d.out.println('[dryrun] Would remove the etcd member on this node from the etcd cluster');
        d.out.println(`[dryrun] Would delete contents of the etcd data directory: ${dataDir}`);
      }
    }
    // cleanup-node may have run first: clear stale files so the next init starts clean. As in kubeadm,
    // a directory that cannot be opened (e.g. missing) does not count as empty.
    const empty = await isDirEmpty(d.host, dataDir);
    if (!empty && !d.dryRun) await cleanEtcdDir(d, dataDir);
  },
};
