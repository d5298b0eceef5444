// `tskubeadm kubeconfig user` (kubeadm's WriteKubeConfigWithClientCert / WriteKubeConfigWithToken):
// a kubeconfig for an additional user, signed by (or, with a token, naming) the cluster CA found in
// the configuration's certificatesDir, written to standard output. Loads the PKI code.

import * as path from 'node:path';
import type { Host } from '../host/types.js';
import type { InitConfig } from '../config/types.js';
import { TskError, errorMessage } from '../errors.js';
import { createCertificate, loadSigner } from '../pki/certs.js';
import { generatePrivateKey, encodePrivateKeyPem } from '../pki/keys.js';
import { checkPeriod } from '../pki/verify.js';
import { controlPlaneEndpointURL, renderKubeconfig } from './kubeconfig.js';

export interface UserKubeconfigInput {
  host: Host;
  cfg: InitConfig;
  clientName: string;
  organizations: string[];
  /** when set, the kubeconfig authenticates with this token instead of a client certificate */
  token?: string;
  /** certificate validity from `now` in ms */
  validityMs: number;
  now: Date;
}

export interface UserKubeconfigResult {
  text: string;
  warnings: string[];
}

export async function userKubeconfig(i: UserKubeconfigInput): Promise<UserKubeconfigResult> {
  const dir = i.cfg.cluster.certificatesDir;
  const crt = path.posix.join(dir, 'ca.crt');
  const key = path.posix.join(dir, 'ca.key');
  const read = async (p: string, what: string) => {
    try {
      return await i.host.readFile(p);
    } catch (e) {
      const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? `open ${p}: no such file or directory` : errorMessage(e);
      throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: failed to load ${what}: couldn't load the ${what} file ${p}: ${why}`, 1, {
        cause: e,
      });
    }
  };
  const certPem = await read(crt, 'certificate');
  const keyPem = await read(key, 'private key');
  let ca;
  try {
    ca = loadSigner('ca', certPem, keyPem, dir);
  } catch (e) {
    throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${errorMessage(e)}`, 1, { cause: e });
  }
  const warnings: string[] = [];
  const period = checkPeriod(ca.cert, i.now);
  if (period) warnings.push(`WARNING: could not validate bounds for certificate ca: ${period}`);
  const endpoint = controlPlaneEndpointURL(i.cfg);
  warnings.push(...endpoint.warnings);

  const base = { clusterName: i.cfg.cluster.clusterName, server: endpoint.url, caPem: ca.cert.pem, userName: i.clientName };
  if (i.token) return { text: renderKubeconfig({ ...base, token: i.token }), warnings };

  const k = await generatePrivateKey(i.cfg.cluster.encryptionAlgorithm || 'RSA-2048');
  const cert = await createCertificate(
    {
      commonName: i.clientName,
      organization: i.organizations,
      usages: ['clientAuth'],
      isCA: false,
      notBefore: ca.cert.notBefore,
      notAfter: new Date(i.now.getTime() + i.validityMs),
    },
    k,
    ca,
  );
  return { text: renderKubeconfig({ ...base, clientCertPem: cert.pem, clientKeyPem: encodePrivateKeyPem(k) }), warnings };
}
