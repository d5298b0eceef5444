// What an earlier `init` of this host left, against this configuration (see state.ts): its
// certificates (each chains to its CA and covers this configuration's names), kubeconfig files (the
// CA in the certificates directory, this configuration's servers, cluster name and identities),
// static Pod manifests (kubeadm's Pods of each component), the etcd data (the member and cluster
// this configuration's etcd manifest makes), and the ports its kubelet and control plane hold (the
// processes run exactly the manifests' commands, the kubelet runs with the recognised kubelet.conf).

import * as path from 'node:path';
import type { InitData } from '../../init/data.js';
import { perRun } from '../per-run.js';
import { EarlierRunState, kubeletWith } from './state.js';
import { checkEarlierPki } from './pki.js';
import { checkEarlierKubeconfig } from './kubeconfigs.js';
import { checkEarlierPods, flagValue } from './pods.js';
import { checkEarlierEtcdData, readEtcdData } from './etcd-data.js';

export const KUBELET_PORT = 10250;

/** The earlier init of this run's host, looked at once per run. */
export const earlierInit = perRun((d: InitData) => assessEarlierInit(d));

export async function assessEarlierInit(d: InitData): Promise<EarlierRunState> {
  const { host, cfg } = d;
  const state = new EarlierRunState(host, 'init');
  await checkEarlierPki(state, host, cfg, d.certificatesDir, d.startTime);

  const caPath = path.posix.join(d.certificatesDir, 'ca.crt');
  const caPem = await host.readFile(caPath).catch(() => undefined);
  const { kubeconfigSpecs } = await import('../../../kubeconfig/kubeconfig.js');
  for (const s of kubeconfigSpecs(cfg).specs) {
    const file = path.posix.join(d.kubeconfigDir, s.file);
    const want = { path: file, server: s.server, clusterName: cfg.cluster.clusterName, clientCN: s.clientName };
    await checkEarlierKubeconfig(state, host, want, caPem ? { pem: caPem, source: caPath } : undefined);
  }
  const kubeletConf = path.posix.join(d.kubeconfigDir, 'kubelet.conf');
  if (state.recognised(kubeletConf)) state.ownPort(KUBELET_PORT, kubeletWith(kubeletConf));

  const local = cfg.cluster.etcd.local;
  const data = local ? await readEtcdData(host, local.dataDir) : undefined;
  const etcdCommand = await checkEarlierPods(state, d, { needEtcdCommand: data?.kind === 'wal' });
  if (local && etcdCommand && data?.kind === 'wal') {
    const { bootstrapIdentity } = await import('../../../etcd/wal.js');
    const name = flagValue(etcdCommand, 'name') ?? '';
    const peers = flagValue(etcdCommand, 'initial-advertise-peer-urls') ?? '';
    const id = bootstrapIdentity(name, flagValue(etcdCommand, 'initial-cluster') ?? '', flagValue(etcdCommand, 'initial-cluster-token') ?? 'etcd-cluster');
    const describe = `the etcd this configuration starts (--name=${name}, --initial-advertise-peer-urls=${peers})`;
    await checkEarlierEtcdData(state, data, local.dataDir, id && { ...id, describe });
  }
  return state;
}
