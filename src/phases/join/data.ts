// The data every join phase works from (kubeadm's JoinData): built once per invocation by
// src/cli/join.ts. What needs the cluster (discovery, the cluster's configuration, API clients) is
// fetched on first use and kept, so `join phase preflight` does no more than it needs.

import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { InitConfig, JoinConfig } from '../../config/types.js';
import type { KubeClient } from '../../kube/base.js';

export { KUBERNETES_DIR, MANIFESTS_DIR, KUBELET_DIR } from '../../config/constants.js';
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
export const BOOTSTRAP_KUBELET_CONF = 'bootstrap-kubelet.conf';

export interface JoinData {
  readonly cfg: JoinConfig;
  /** the target host (confined under --rootfs when given) */
  readonly host: Host;
  /** unconfined access to files the user named on the command line (config, patches, discovery file) */
  readonly inputs: Host;
  readonly out: Output;
  readonly dryRun: boolean;
  /** dry run: the temporary directory that receives every file */
  readonly dryRunDir: string | undefined;
  /** /etc/kubernetes, or the dry-run directory */
  readonly kubeconfigDir: string;
  /** /var/lib/kubelet, or the dry-run directory */
  readonly kubeletDir: string;
  /** /etc/kubernetes/manifests, or the dry-run directory */
  readonly manifestDir: string;
  readonly patchesDir: string | undefined;
  /** lower-cased check names; may contain "all" */
  readonly ignorePreflightErrors: string[];
  /** the moment this run started; certificates are backdated from it */
  readonly startTime: Date;
  /** the control-plane certificate key (empty for a worker or without --certificate-key) */
  readonly certificateKey: string;
  /** the TLS bootstrap kubeconfig (YAML) from discovery, or admin.conf when a control-plane join already has one */
  tlsBootstrapConfig(): Promise<string>;
  /** the cluster's configuration with this node's registration and API endpoint (kubeadm's InitCfg) */
  initCfg(): Promise<InitConfig>;
  /** where certificates are written: the cluster's certificatesDir, or the dry-run directory */
  certificateWriteDir(): Promise<string>;
  /** a client with the bootstrap token identity (the TLS bootstrap kubeconfig) */
  bootstrapClient(): Promise<KubeClient>;
  /** a client with the admin identity (this node's admin.conf; the recorder under --dry-run) */
  client(): Promise<KubeClient>;
}
