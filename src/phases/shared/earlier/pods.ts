// The static Pods an earlier init or control-plane join left (checked by manifests.ts against what
// this configuration writes), and the ports their processes may hold.

import * as path from 'node:path';
import type { InitData } from '../../init/data.js';
import type { Pod } from '../../../manifests/pod.js';
import type { EtcdMember } from '../../../manifests/staticpods.js';
import { MANIFESTS_DIR } from '../../../config/constants.js';
import { memoryOutput } from '../../../output.js';
import type { EarlierRunState } from './state.js';
import { checkEarlierManifest } from './manifests.js';

const PORTS: Record<string, (d: InitData) => number[]> = {
  'kube-apiserver': (d) => [d.cfg.init.localAPIEndpoint.bindPort],
  'kube-controller-manager': () => [10257],
  'kube-scheduler': () => [10259],
  etcd: () => [2379, 2380],
};

/** flag value of a command ("--name=value"), or undefined */
export const flagValue = (command: readonly string[], name: string): string | undefined =>
  command.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/** "a=https://x:2380,b=https://y:2380" as members */
export function parseInitialCluster(value: string | undefined): EtcdMember[] {
  if (!value) return [];
  return value.split(',').map((e) => ({ name: e.slice(0, Math.max(0, e.indexOf('='))), peerURL: e.slice(e.indexOf('=') + 1) }));
}

const commandOf = (pod: Pod): string[] => (pod.spec.containers[0]?.command ?? []) as string[];

/**
 * Checks the manifests present in /etc/kubernetes/manifests. A joined etcd's --initial-cluster is the
 * member list when it joined: with `etcdInitialClusterFromDisk` it is taken from the manifest on disk.
 * Returns the etcd command this configuration writes (undefined without local etcd, or when no
 * manifest is there and `needEtcdCommand` is not set).
 */
export async function checkEarlierPods(
  state: EarlierRunState,
  d: InitData,
  o: { etcdInitialClusterFromDisk?: boolean; needEtcdCommand?: boolean } = {},
): Promise<string[] | undefined> {
  const local = d.cfg.cluster.etcd.local;
  const components = [...(local ? ['etcd'] : []), 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
  const file = (c: string) => path.posix.join(MANIFESTS_DIR, `${c}.yaml`);
  const present: string[] = [];
  for (const c of components) if (await d.host.exists(file(c))) present.push(c);
  if (present.length === 0 && !o.needEtcdCommand) return undefined;
  let initialCluster: EtcdMember[] = [];
  if (o.etcdInitialClusterFromDisk && present.includes('etcd')) {
    const text = await d.host.readText(file('etcd')).catch(() => '');
    initialCluster = parseInitialCluster(/--initial-cluster=(\S+)/.exec(text)?.[1]);
  }
  const pods = await expectedPods(d, initialCluster);
  for (const c of present) {
    const found = await checkEarlierManifest(state, d.host, file(c), c, pods[c]!);
    for (const port of found ? PORTS[c]!(d) : []) for (const m of found!.holders) state.ownPort(port, m);
  }
  return pods.etcd ? commandOf(pods.etcd) : undefined;
}

/** The static Pods this configuration writes, patches applied, without printing anything. */
async function expectedPods(d: InitData, initialCluster: EtcdMember[]): Promise<Record<string, Pod>> {
  const { renderControlPlanePodsWithWarnings, renderEtcdPod } = await import('../../../manifests/staticpods.js');
  const { manifestEnv, patchPod } = await import('../staticpod.js');
  const quiet = { inputs: d.inputs, out: memoryOutput(), patchesDir: d.patchesDir };
  const cp = renderControlPlanePodsWithWarnings(d.cfg, await manifestEnv(d.host, d.externalCA)).value;
  const out: Record<string, Pod> = {};
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const) out[c] = await patchPod(quiet, c, cp[c]);
  if (d.cfg.cluster.etcd.local) out.etcd = await patchPod(quiet, 'etcd', renderEtcdPod(d.cfg, {}, { initialCluster }));
  return out;
}
