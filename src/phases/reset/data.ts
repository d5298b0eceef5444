// The data every reset phase works from: built once per invocation (src/cli/reset.ts), read-only for
// the phases except `wholeCommand`, which the CLI sets when the whole workflow (not one phase) runs.

import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { ClusterConfiguration, ResetConfiguration } from '../../config/types.js';
import type { KubeClient } from '../../kube/base.js';
import type { EtcdClient } from '../../etcd/client.js';

/** Where reset looks on a host (target-host paths); the directories are in src/config/constants.ts. */
export const DEFAULT_ETCD_DATA_DIR = '/var/lib/etcd';
export const ETCD_MANIFEST = '/etc/kubernetes/manifests/etcd.yaml';
export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';

/** The kubeconfig files reset deletes, in kubeadm's order. */
export const KUBECONFIG_FILES = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

/** kubeadm's APIEndpoint. */
export interface APIEndpoint {
  advertiseAddress: string;
  bindPort: number;
}

/** What reset learned from the cluster (kubeadm's InitConfiguration fetched from kubeadm-config). */
export interface ClusterState {
  cluster: ClusterConfiguration;
  nodeName: string;
  criSocket: string;
  /** this node's API endpoint (from its kube-apiserver Pod annotation); empty address when not a control plane */
  localAPIEndpoint: APIEndpoint;
}

export interface ResetData {
  readonly host: Host;
  readonly out: Output;
  readonly reset: ResetConfiguration;
  /** undefined when the cluster's configuration could not be fetched (kubeadm carries on without it) */
  readonly clusterState: ClusterState | undefined;
  /** the client built from --kubeconfig (a recording client in dry-run); undefined when none could be built */
  readonly client: KubeClient | undefined;
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly cleanupTmpDir: boolean;
  readonly certificatesDir: string;
  readonly criSocket: string;
  /** lower-cased check names; may contain "all" */
  readonly ignorePreflightErrors: string[];
  /** where the confirmation is read from; undefined reads as end of input */
  readonly stdin: NodeJS.ReadableStream | undefined;
  /** how long an etcd API call may be retried (timeouts.etcdAPICall), in ms */
  readonly etcdAPICallTimeoutMs: number;
  /** how long a Kubernetes API call may be retried (timeouts.kubernetesAPICall), in ms */
  readonly kubernetesAPICallTimeoutMs: number;
  /**
   * A client for the stacked etcd members (kubeadm's NewFromCluster: the etcd Pods' advertise-client-urls
   * annotations, the healthcheck-client certificate of the cluster's certificates directory, then Sync),
   * with the etcd API call timeout above. Built by the CLI when a phase asks for it.
   */
  etcdClient(): Promise<EtcdClient>;
  /** set by the CLI when the whole `reset` runs (the closing note is printed only then) */
  wholeCommand: boolean;
}
