// What an earlier `join` of this host left, against the cluster discovery finds and this
// configuration (see state.ts). Every node: the cluster CA file, bootstrap-kubelet.conf and the
// kubelet's own kubelet.conf (the cluster's CA and server; kubelet.conf holding this Node's client
// certificate, which makes a Ready Node of that name this host's own), and the kubelet on port
// 10250. A control-plane node also: certificates, kubeconfig files and static Pods as init checks
// them, and the etcd data, which must be the data of the cluster's member with this node's peer URL.
// Discovery runs only when something of an earlier join is there.

import * as path from 'node:path';
import type { JoinData } from '../../join/data.js';
import { BOOTSTRAP_KUBELET_CONF, KUBERNETES_DIR, MANIFESTS_DIR } from '../../join/data.js';
import { perRun } from '../per-run.js';
import { EarlierRunState, kubeletWith } from './state.js';
import { checkEarlierKubeconfig, kubeconfigClientCN, type ClusterCA } from './kubeconfigs.js';
import { checkEarlierPki } from './pki.js';
import { checkEarlierPods } from './pods.js';
import { checkJoinedEtcdMemberData, readEtcdData } from './etcd-data.js';

const KUBELET_PORT = 10250;

/** Discovery failed while looking: the join fails with `cause`, as it would without the look (not twice). */
export class DiscoveryFailed extends Error {
  constructor(readonly failure: unknown) {
    super('discovery failed');
  }
}

/** The earlier join of this run's host, looked at once per run. */
export const earlierJoin = perRun((d: JoinData) => assessEarlierJoin(d));

async function firstCert(pem: Buffer): Promise<{ der: Buffer; pin: string } | undefined> {
  const { pemBlocks } = await import('../../../pki/keys.js');
  const { pinFromSpki, rawSpkiOfCertDer } = await import('../../../pki/pin.js');
  const b = pemBlocks(pem.toString('latin1')).find((x) => x.type === 'CERTIFICATE');
  return b && { der: b.der, pin: pinFromSpki(rawSpkiOfCertDer(b.der)) };
}

export async function assessEarlierJoin(d: JoinData): Promise<EarlierRunState> {
  const { host } = d;
  const join = d.cfg.join;
  const state = new EarlierRunState(host, 'join');
  const kubeletConf = path.posix.join(KUBERNETES_DIR, 'kubelet.conf');
  const bootConf = path.posix.join(KUBERNETES_DIR, BOOTSTRAP_KUBELET_CONF);
  const admin = path.posix.join(KUBERNETES_DIR, 'admin.conf');
  const files = [kubeletConf, bootConf, join.caCertPath, admin, ...['etcd', 'kube-apiserver'].map((c) => path.posix.join(MANIFESTS_DIR, `${c}.yaml`))];
  let any = false;
  for (const f of files) if (await host.exists(f)) any = true;
  if (!any) return state;

  const { loadClientConfig, clusterFromConfig } = await import('../../../kubeconfig/clientcmd.js');
  let initCfg;
  let bootstrap;
  try {
    bootstrap = await d.tlsBootstrapConfig();
    initCfg = await d.initCfg();
  } catch (e) {
    throw new DiscoveryFailed(e);
  }
  const discovered = clusterFromConfig(loadClientConfig(bootstrap)).cluster;
  const ca: ClusterCA = { pem: Buffer.from(discovered.certificateAuthorityData ?? Buffer.alloc(0)), source: 'the cluster (discovery)' };
  const cp = join.controlPlane;
  const { localAPIEndpointURL } = await import('../../../kubeconfig/kubeconfig.js');
  const server = cp ? localAPIEndpointURL(initCfg) : discovered.server;
  const nodeName = initCfg.init.nodeRegistration.name;

  const caFile = await host.readFile(join.caCertPath).catch(() => undefined);
  if (caFile !== undefined) {
    const [have, want] = [await firstCert(caFile), await firstCert(ca.pem)];
    if (have && want && have.der.equals(want.der)) state.own(join.caCertPath);
    else state.conflict(`${join.caCertPath}: is the CA ${have?.pin ?? '(none)'}, the cluster's (discovery) is ${want?.pin ?? '(none)'}`);
  }
  await checkEarlierKubeconfig(state, host, { path: bootConf, server, clusterName: initCfg.cluster.clusterName }, ca);
  // written by the kubelet after its TLS bootstrap: the cluster's CA and server, this Node's identity
  await checkEarlierKubeconfig(state, host, { path: kubeletConf, server, clientCN: `system:node:${nodeName}` }, ca);
  // a Ready Node of this name is this host's own only when kubelet.conf holds its certificate already
  if (state.recognised(kubeletConf) && (await kubeconfigClientCN(host, kubeletConf)) === `system:node:${nodeName}`) state.nodes.add(nodeName);
  if (state.recognised(kubeletConf) || state.recognised(bootConf)) state.ownPort(KUBELET_PORT, kubeletWith(kubeletConf));
  if (!cp) return state;

  const { initDataFor } = await import('../../join/as-init.js');
  const id = await initDataFor(d);
  const certsDir = initCfg.cluster.certificatesDir;
  await checkEarlierPki(state, host, initCfg, certsDir, d.startTime);
  const { kubeconfigSpecs } = await import('../../../kubeconfig/kubeconfig.js');
  for (const s of kubeconfigSpecs(initCfg).specs) {
    if (!['admin.conf', 'controller-manager.conf', 'scheduler.conf'].includes(s.file)) continue;
    const want = { path: path.posix.join(KUBERNETES_DIR, s.file), server: s.server, clusterName: initCfg.cluster.clusterName, clientCN: s.clientName };
    await checkEarlierKubeconfig(state, host, want, ca);
  }
  await checkEarlierPods(state, id, { etcdInitialClusterFromDisk: true });
  await checkJoinedEtcdData(state, d, admin);
  return state;
}

/** The etcd data must be that of the cluster's member with this node's peer URL (asked through admin.conf). */
async function checkJoinedEtcdData(state: EarlierRunState, d: JoinData, admin: string): Promise<void> {
  const initCfg = await d.initCfg();
  const local = initCfg.cluster.etcd.local;
  if (!local) return;
  const data = await readEtcdData(d.host, local.dataDir);
  // without this run's admin.conf the cluster's members cannot be asked: not recognised
  if (data.kind !== 'wal' || !state.recognised(admin) || state.conflicts.length > 0) return;
  const { etcdPeerURL } = await import('../../../manifests/staticpods.js');
  const { joinEtcdClient } = await import('../../join/etcd-client.js');
  const peerURL = etcdPeerURL(initCfg.init.localAPIEndpoint);
  let members;
  try {
    members = await (await joinEtcdClient(d)).listMembersOnce();
  } catch {
    return; // etcd does not answer: not recognised, DirAvailable objects as kubeadm's does
  }
  await checkJoinedEtcdMemberData(state, data, local.dataDir, peerURL, members);
}
