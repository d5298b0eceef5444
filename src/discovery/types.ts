// What discovery works from: plain values and injected doors, so tests can drive it.

import type { Host } from '../host/types.js';
import type { KubeClient } from '../kube/base.js';
import type { Clock } from '../kube/poll.js';
import type { Output } from '../output.js';

/** kubeadm's DiscoveryRetryInterval (5s). */
export const DISCOVERY_RETRY_INTERVAL_MS = 5_000;
/** the per-request timeout kubeadm's kubeconfigutil.ToClientSet sets (ConfigOverrides.Timeout "10s") */
export const DISCOVERY_REQUEST_TIMEOUT_MS = 10_000;

/** Builds an API client from kubeconfig text (the real one: kube/client.ts createKubeClient). */
export type ClientFactory = (kubeconfig: string, opts: { requestTimeoutMs: number }) => Promise<KubeClient>;

export interface DiscoveryDeps {
  out: Output;
  /** retry pacing and deadlines; default the system clock */
  clock?: Clock;
  /** default: createKubeClient from src/kube/client.ts (loaded lazily) */
  clientFor?: ClientFactory;
  /**
   * join --dry-run: the dry-run client every cluster-info read goes through (upstream passes
   * joinData.Client()); a missing signature then switches to kubeadm's fixed dry-run token, CA hash
   * and endpoint (see DRY_RUN_DISCOVERY).
   */
  dryRunClient?: KubeClient;
  /**
   * the unconfined reader for what the user names (--discovery-file and the files its kubeconfig
   * references, relative to the working directory) and the HTTPS download of a discovery URL
   */
  inputs?: Pick<Host, 'readFile' | 'httpGet' | 'env'>;
  /** interval between cluster-info reads; default DISCOVERY_RETRY_INTERVAL_MS (tests shorten it) */
  retryIntervalMs?: number;
}

/** The fixed values kubeadm's token discovery switches to in a dry run (mutateTokenDiscoveryForDryRun). */
export const DRY_RUN_DISCOVERY = {
  tokenId: 'abcdef',
  tokenSecret: 'abcdef0123456789',
  token: 'abcdef.abcdef0123456789',
  caCertHash: 'sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a',
  apiServerEndpoint: 'https://192.168.0.101:6443',
} as const;
