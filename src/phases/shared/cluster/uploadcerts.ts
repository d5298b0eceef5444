// upload-certs: encrypt the shared control-plane certificates and keys into kube-system/kubeadm-certs,
// owned by a 2-hour bootstrap token so the Secret disappears with it. Also download-certs for join.

import type { Host } from '../../../host/types.js';
import type { KubeClient } from '../../../kube/base.js';
import type { Output } from '../../../output.js';
import type { ClusterConfiguration } from '../../../config/types.js';
import type { SecretObject } from '../../../kube/types.js';
import { KubeApiError } from '../../../errors.js';
import { bootstrapTokenSecretName, splitToken } from '../../../kube/objects/bootstraptoken.js';
import {
  CERT_TOKEN_DESCRIPTION,
  certsToTransfer,
  decodeCertificateKey,
  decryptKubeadmCertsSecret,
  KUBEADM_CERTS_SECRET,
  kubeadmCertsRole,
  kubeadmCertsRoleBinding,
  kubeadmCertsSecret,
  uploadCertsTokenSpec,
} from '../../../kube/objects/copycerts.js';
import { updateOrCreateTokens } from './bootstraptoken.js';
import { wrapApiError } from './util.js';

export interface UploadCertsInput {
  cluster: Pick<ClusterConfiguration, 'certificatesDir' | 'etcd'>;
  /** 64 hex characters */
  certificateKey: string;
  /** a fresh "[a-z0-9]{6}.[a-z0-9]{16}" token for the owner Secret */
  generateToken: () => string;
  now: Date;
  /** --skip-certificate-key-print */
  skipCertificateKeyPrint?: boolean;
}

export async function uploadCerts(client: KubeClient, host: Host, out: Output, input: UploadCertsInput): Promise<void> {
  out.print('upload-certs', `Storing the certificates in Secret "${KUBEADM_CERTS_SECRET}" in the "kube-system" Namespace`);
  let key: Buffer;
  try {
    key = decodeCertificateKey(input.certificateKey);
  } catch (e) {
    throw wrapApiError('error uploading certs', e);
  }
  try {
    // the short-lived token whose Secret owns kubeadm-certs
    const token = input.generateToken();
    try {
      await updateOrCreateTokens(client, true, [uploadCertsTokenSpec(token)], input.now);
    } catch (e) {
      throw wrapApiError('error creating token', e);
    }
    const files = new Map<string, Uint8Array | undefined>();
    for (const [name, path] of certsToTransfer(input.cluster)) {
      files.set(name, (await host.exists(path)) ? await host.readFile(path) : undefined);
    }
    const ownerName = bootstrapTokenSecretName(splitToken(token).id);
    let owner: SecretObject | undefined;
    try {
      owner = await client.get<SecretObject>({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name: ownerName });
    } catch (e) {
      throw wrapApiError('error to get token reference', e);
    }
    if (!owner) throw new KubeApiError(`error to get token reference: secrets "${ownerName}" not found`, 404);
    await client.apply(kubeadmCertsSecret({ files, key, owner }));
    // (not under --dry-run, whose output shows every request kubeadm makes, and only those)
    if (!client.ordered) await dropOtherCertTokens(client, ownerName);
    await client.apply(kubeadmCertsRole());
    await client.apply(kubeadmCertsRoleBinding());
  } catch (e) {
    throw wrapApiError('error uploading certs', e);
  }
  if (!input.skipCertificateKeyPrint) {
    out.print('upload-certs', 'Using certificate key:');
    out.println(input.certificateKey);
  }
}

/**
 * Better than kubeadm, which leaves them to expire: once kubeadm-certs is owned by this upload's
 * token, the tokens of earlier uploads (another `upload-certs`, an earlier unfinished init) own
 * nothing; they are deleted. Failures are ignored: they expire within two hours anyway.
 */
async function dropOtherCertTokens(client: KubeClient, current: string): Promise<void> {
  const tokens = await client.list<SecretObject>('v1', 'Secret', 'kube-system', { fieldSelector: 'type=bootstrap.kubernetes.io/token' }).catch(() => []);
  for (const t of tokens) {
    const description = Buffer.from(t.data?.['description'] ?? '', 'base64').toString();
    if (description !== CERT_TOKEN_DESCRIPTION || t.metadata.name === current) continue;
    await client.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name: t.metadata.name }).catch(() => undefined);
  }
}

/**
 * download-certs: fetch kubeadm-certs and decrypt it with the certificate key. Returns host path →
 * contents for every file the cluster configuration expects; empty entries are left out.
 */
export async function downloadCerts(
  client: KubeClient,
  out: Output,
  cluster: Pick<ClusterConfiguration, 'certificatesDir' | 'etcd'>,
  certificateKey: string,
): Promise<Map<string, Buffer>> {
  out.print('download-certs', `Downloading the certificates in Secret "${KUBEADM_CERTS_SECRET}" in the "kube-system" Namespace`);
  decodeCertificateKey(certificateKey);
  const secret = await client.get<SecretObject>({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name: KUBEADM_CERTS_SECRET });
  if (!secret) {
    throw new KubeApiError(
      `error downloading the secret: Secret "${KUBEADM_CERTS_SECRET}" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run \`kubeadm init phase upload-certs --upload-certs\` on a control plane to generate a new one`,
      404,
    );
  }
  let data: Map<string, Buffer>;
  try {
    data = decryptKubeadmCertsSecret(secret, certificateKey);
  } catch (e) {
    throw wrapApiError('error decoding secret data with provided key', e);
  }
  out.print('download-certs', `Saving the certificates to the folder: "${cluster.certificatesDir}"`);
  const files = new Map<string, Buffer>();
  for (const [name, path] of certsToTransfer(cluster)) {
    const content = data.get(name);
    if (content === undefined) {
      throw new KubeApiError(`the Secret does not include the required certificate or key - name: ${name}, path: ${path}`);
    }
    if (content.length === 0) continue;
    files.set(path, content);
  }
  return files;
}
