// How phases get an etcd client (through their run data, which builds it with these):
// - createEtcdClient: kubeadm's etcdutil.New, for given endpoints;
// - connectEtcd: New + Sync, the endpoints then being every started voting member's client URLs;
// - etcdClientFromCluster: kubeadm's NewFromCluster: the endpoints from the etcd Pods' annotations
//   (getEtcdEndpoints), then connectEtcd with the certificates of the certificates directory;
// - readEtcdClientTLS: the etcd CA and the healthcheck-client pair kubeadm connects with.

import * as path from 'node:path';
import { TskError } from '../errors.js';
import type { Host } from '../host/types.js';
import type { KubeClient } from '../kube/base.js';
import type { KubeObject } from '../kube/types.js';
import { EtcdClient, type EtcdClientOptions } from './client.js';
import { pollUntilTimeout, systemClock, type Clock } from './poll.js';
import {
  ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION,
  ETCD_CA_CERT_NAME,
  ETCD_HEALTHCHECK_CLIENT_CERT_NAME,
  ETCD_HEALTHCHECK_CLIENT_KEY_NAME,
  formatList,
  KUBERNETES_API_CALL_RETRY_INTERVAL_MS,
  type EtcdLog,
  type EtcdTLS,
} from './types.js';
import { msg } from './wire.js';

/** the TLS material, or where to read it (a failure to read is New's error, after the endpoints are known) */
export type EtcdTLSSource = EtcdTLS | (() => Promise<EtcdTLS>);

export interface CreateEtcdClientOptions extends Omit<EtcdClientOptions, 'tls'> {
  tls?: EtcdTLSSource;
}

/** etcdutil.New */
export async function createEtcdClient(endpoints: string[], o: CreateEtcdClientOptions): Promise<EtcdClient> {
  let tls: EtcdTLS | undefined;
  if (o.tls) {
    try {
      tls = typeof o.tls === 'function' ? await o.tls() : o.tls;
    } catch (e) {
      throw new TskError(`error creating etcd client for ${formatList(endpoints)} endpoints: ${msg(e)}`, 1, { cause: e });
    }
  }
  return new EtcdClient(endpoints, { ...o, ...(tls ? { tls } : {}) } as EtcdClientOptions);
}

/** New + Sync with NewFromCluster's messages: the client talks to every started voting member */
export async function connectEtcd(endpoints: string[], o: CreateEtcdClientOptions): Promise<EtcdClient> {
  const c = await createEtcdClient(endpoints, o);
  try {
    await c.sync();
  } catch (e) {
    throw new TskError(`error syncing endpoints with etcd: ${msg(e)}`, 1, { cause: e });
  }
  c.log(1, `update etcd endpoints: ${c.endpoints.join(',')}`);
  return c;
}

/** the etcd CA and the healthcheck-client certificate and key under `certificatesDir` */
export function readEtcdClientTLS(host: Host, certificatesDir: string): () => Promise<EtcdTLS> {
  const f = (n: string) => host.readFile(path.posix.join(certificatesDir, n));
  return async () => ({ ca: await f(ETCD_CA_CERT_NAME), cert: await f(ETCD_HEALTHCHECK_CLIENT_CERT_NAME), key: await f(ETCD_HEALTHCHECK_CLIENT_KEY_NAME) });
}

export interface EndpointsOptions {
  /** timeouts.kubernetesAPICall */
  timeoutMs: number;
  intervalMs?: number;
  clock?: Clock;
  log?: EtcdLog;
}

interface PodLike extends KubeObject {
  status?: { conditions?: { type?: string; status?: string }[] };
}

/** getEtcdEndpoints: the etcd Pods' advertise-client-urls annotations, retried until every etcd Pod has one */
export async function getEtcdEndpoints(kube: KubeClient, o: EndpointsOptions): Promise<string[]> {
  const log = o.log ?? (() => {});
  let last: unknown;
  let eps: string[] = [];
  const r = await pollUntilTimeout(o.clock ?? systemClock, o.intervalMs ?? KUBERNETES_API_CALL_RETRY_INTERVAL_MS, o.timeoutMs, async () => {
    let pods: PodLike[];
    try {
      log(3, `retrieving etcd endpoints from ${JSON.stringify(ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION)} annotation in etcd Pods`);
      pods = await kube.list<PodLike>('v1', 'Pod', 'kube-system', { labelSelector: 'component=etcd,tier=control-plane' });
      last = undefined;
    } catch (e) {
      last = e;
      return undefined;
    }
    eps = [];
    for (const p of pods) {
      const ready = (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      if (!ready) log(3, `etcd pod ${JSON.stringify(p.metadata.name)} is not ready`);
      const ep = p.metadata.annotations?.[ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION];
      if (ep === undefined) {
        log(3, `etcd Pod ${JSON.stringify(p.metadata.name)} is missing the ${JSON.stringify(ETCD_ADVERTISE_CLIENT_URLS_ANNOTATION)} annotation; cannot infer etcd advertise client URL using the Pod annotation`);
        continue;
      }
      eps.push(ep);
    }
    if (eps.length === 0 || eps.length !== pods.length) {
      log(4, `found a total of ${pods.length} etcd pods and the following endpoints: ${formatList(eps)}; retrying`);
      return undefined;
    }
    return { value: eps };
  });
  if (!r) throw new TskError(`could not retrieve the list of etcd endpoints: ${last !== undefined ? msg(last) : 'context deadline exceeded'}`, 1, { cause: last });
  return r.value;
}

export interface FromClusterOptions extends CreateEtcdClientOptions {
  /** timeouts.kubernetesAPICall, for listing the etcd Pods */
  kubernetesAPICallTimeoutMs: number;
}

/** NewFromCluster: a client for every etcd member, found through the etcd Pods */
export async function etcdClientFromCluster(kube: KubeClient, o: FromClusterOptions): Promise<EtcdClient> {
  const log = o.log ?? (() => {});
  const endpoints = await getEtcdEndpoints(kube, { timeoutMs: o.kubernetesAPICallTimeoutMs, log, ...(o.clock ? { clock: o.clock } : {}) });
  log(1, `etcd endpoints read from pods: ${endpoints.join(',')}`);
  return connectEtcd(endpoints, o);
}
