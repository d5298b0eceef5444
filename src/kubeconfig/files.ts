// Building kubeadm's kubeconfig files end to end: client certificate signed by the cluster CA,
// embedded with the CA into the rendered text. Loads the PKI code.

import type { InitConfig } from '../config/types.js';
import { createClientCert, type CertAndKey, type Signer } from '../pki/certs.js';
import type { PrivateKey } from '../pki/keys.js';
import { clientCertSpec, type KubeconfigFile } from '../pki/specs.js';
import { kubeconfigSpecs, renderKubeconfig, type KubeconfigSpec } from './kubeconfig.js';

/** File mode kubeadm writes kubeconfig files with. */
export const KUBECONFIG_FILE_MODE = 0o600;

export interface BuiltKubeconfig {
  file: KubeconfigFile;
  spec: KubeconfigSpec;
  text: string;
  clientCert: CertAndKey;
}

/**
 * One kubeconfig file as `kubeadm init phase kubeconfig <name>` writes it. Pass `clientCert` to embed
 * one made earlier (e.g. by generateAll's clientCerts), or `key` to sign a new certificate for it.
 */
export async function buildKubeconfigFile(
  file: KubeconfigFile,
  cfg: InitConfig,
  now: Date,
  ca: Signer,
  opts: { clientCert?: CertAndKey; key?: PrivateKey } = {},
): Promise<BuiltKubeconfig> {
  const spec = kubeconfigSpecs(cfg).specs.find((s) => s.file === file)!;
  const clientCert = opts.clientCert ?? (await createClientCert(clientCertSpec(file), cfg, now, ca, opts.key));
  const text = renderKubeconfig({
    clusterName: cfg.cluster.clusterName,
    server: spec.server,
    caPem: ca.cert.pem,
    userName: spec.clientName,
    clientCertPem: clientCert.certPem,
    clientKeyPem: clientCert.keyPem,
  });
  return { file, spec, text, clientCert };
}
