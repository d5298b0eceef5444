// The data every init phase works from: built once per invocation, read-only for the phases.

import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { InitConfig } from '../../config/types.js';

export interface InitData {
  readonly cfg: InitConfig;
  /** the target host (confined under --rootfs when given) */
  readonly host: Host;
  /** unconfined access to files the user named on the command line (patches) */
  readonly inputs: Host;
  readonly out: Output;
  readonly dryRun: boolean;
  /** dry run: the temporary directory that receives every file */
  readonly dryRunDir: string | undefined;
  /** where certificates are read from and referenced (certificatesDir) */
  readonly certificatesDir: string;
  /** where certificates are written: certificatesDir, or the dry-run directory */
  readonly certificateWriteDir: string;
  /** where kubeconfig files are read from and referenced */
  readonly kubeconfigDir: string;
  /** where kubeconfig files are written */
  readonly kubeconfigWriteDir: string;
  /** where static Pod manifests are written */
  readonly manifestWriteDir: string;
  /** where the kubelet's files are written */
  readonly kubeletWriteDir: string;
  /** the admin kubeconfig used to talk to the cluster */
  readonly kubeconfigPath: string;
  readonly patchesDir: string | undefined;
  readonly uploadCerts: boolean;
  readonly skipTokenPrint: boolean;
  readonly skipCertificateKeyPrint: boolean;
  /** lower-cased check names; may contain "all" */
  readonly ignorePreflightErrors: string[];
  /** the moment this run started; certificates are backdated from it */
  readonly startTime: Date;
  /** whether ca.crt exists without ca.key (decided when the data is built) */
  readonly externalCA: boolean;
  /** `init phase addon coredns|kube-proxy --print-manifest`: print the add-on manifests, install nothing */
  readonly printManifest: boolean;
  /** bootstrap tokens this run made up because the configuration names none */
  readonly generatedTokens?: ReadonlySet<string>;
}
