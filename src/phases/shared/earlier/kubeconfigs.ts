// The kubeconfig files an earlier run left (kubeadm's, or the kubelet's own after its TLS bootstrap),
// against what this configuration writes: the same cluster CA, the same API server, the same cluster
// name and the same identity. Any difference is a conflict naming the file, the field and both values.

import type { Host } from '../../../host/types.js';
import type { EarlierRunState } from './state.js';

export interface ExpectedKubeconfig {
  /** full path */
  path: string;
  server: string;
  /** the cluster entry's name (kubeadm's files: clusterName); undefined: not checked */
  clusterName?: string;
  /** the client certificate's subject CN; undefined: not checked */
  clientCN?: string;
}

export interface ClusterCA {
  pem: Buffer;
  /** where it comes from, for messages: a file, or "the cluster (discovery)" */
  source: string;
}

const text = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The certificates of a PEM bundle: DER (compared) and public-key pin (shown). */
async function certsOf(pem: Buffer): Promise<{ der: Buffer; pin: string }[]> {
  const { pemBlocks } = await import('../../../pki/keys.js');
  const { pinFromSpki, rawSpkiOfCertDer } = await import('../../../pki/pin.js');
  return pemBlocks(pem.toString('latin1'))
    .filter((b) => b.type === 'CERTIFICATE')
    .map((b) => ({ der: b.der, pin: pinFromSpki(rawSpkiOfCertDer(b.der)) }));
}

/**
 * The subject CN of the current user's client certificate (embedded, or the file it names); undefined
 * when it has none; null when it names a file that does not exist yet (the kubelet writes kubelet.conf
 * before its TLS bootstrap got the certificate).
 */
async function clientCN(host: Host, user: { clientCertificate?: string; clientCertificateData?: Buffer } | undefined): Promise<string | undefined | null> {
  let pem = user?.clientCertificateData;
  if (!pem?.length && user?.clientCertificate) {
    if (!(await host.exists(user.clientCertificate))) return null;
    pem = await host.readFile(user.clientCertificate);
  }
  if (!pem?.length) return undefined;
  const { parseCertificatesPem } = await import('../../../pki/load.js');
  return parseCertificatesPem(pem)[0]?.commonName;
}

/**
 * Checks one kubeconfig file, if it exists: owned when everything matches, else a conflict per difference.
 * Returns whether it exists.
 */
export async function checkEarlierKubeconfig(state: EarlierRunState, host: Host, want: ExpectedKubeconfig, ca: ClusterCA | undefined): Promise<boolean> {
  const raw = await host.readFile(want.path).catch(() => undefined);
  if (raw === undefined) return false;
  const { parseKubeconfig, currentCluster, currentUser } = await import('../../../kubeconfig/kubeconfig.js');
  const before = state.conflicts.length;
  try {
    const kc = parseKubeconfig(raw, want.path);
    const cluster = currentCluster(kc, want.path);
    let caData = cluster.certificateAuthorityData;
    if (!caData?.length && cluster.certificateAuthority) caData = await host.readFile(cluster.certificateAuthority).catch(() => undefined);
    const have = (caData ? await certsOf(caData) : [])[0];
    if (!ca) {
      state.conflict(`${want.path}: trusts the CA ${have?.pin ?? '(none)'}, but there is no cluster CA to continue with, so this run would make another`);
    } else {
      const wanted = await certsOf(ca.pem);
      if (!have || !wanted.some((w) => w.der.equals(have.der))) {
        state.conflict(`${want.path}: certificate-authority-data is the CA ${have?.pin ?? '(none)'}, ${ca.source} is the CA ${wanted[0]?.pin ?? '(none)'}`);
      }
    }
    if (cluster.server !== want.server) state.conflict(`${want.path}: server is ${cluster.server}, this configuration's is ${want.server}`);
    if (want.clusterName !== undefined && cluster.name !== want.clusterName) {
      state.conflict(`${want.path}: the cluster is named "${cluster.name}", this configuration's clusterName is "${want.clusterName}"`);
    }
    if (want.clientCN !== undefined) {
      const cn = await clientCN(host, currentUser(kc));
      if (cn !== null && cn !== want.clientCN) state.conflict(`${want.path}: its client certificate is for "${cn ?? '(none)'}", this configuration's is "${want.clientCN}"`);
    }
  } catch (e) {
    state.conflict(`${want.path}: not a usable kubeconfig file: ${text(e)}`);
  }
  if (state.conflicts.length === before) state.own(want.path);
  return true;
}

/** The subject CN of a kubeconfig's client certificate, when it has one (for recognising this host's Node). */
export async function kubeconfigClientCN(host: Host, path: string): Promise<string | undefined> {
  try {
    const { parseKubeconfig, currentUser } = await import('../../../kubeconfig/kubeconfig.js');
    return (await clientCN(host, currentUser(parseKubeconfig(await host.readFile(path), path)))) ?? undefined;
  } catch {
    return undefined;
  }
}
