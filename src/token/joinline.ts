// The endpoint and CA pins of a join command, read from a kubeconfig's current cluster (kubeadm's
// getJoinCommand in cmd/util/join.go).

import * as path from 'node:path';
import { TskError, errorMessage } from '../errors.js';
import type { Host } from '../host/types.js';
import { parseKubeconfig } from '../kubeconfig/kubeconfig.js';
import { parseCertificatesPem } from '../pki/load.js';
import { caCertPin } from '../pki/pin.js';
import { joinCommand, type JoinCommandInput } from '../util/joincommand.js';

export async function joinTarget(host: Host, file: string): Promise<{ endpoint: string; pins: string[] }> {
  let text: string;
  try {
    text = await host.readText(file);
  } catch (e) {
    throw new TskError(`failed to load kubeconfig: ${errorMessage(e)}`, 1, { cause: e });
  }
  const kc = parseKubeconfig(text, file);
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  const cluster = kc.clusters.find((c) => c.name === ctx?.cluster);
  if (!cluster) throw new TskError(`malformed kubeconfig file: ${file}`);
  let ca: Uint8Array | undefined = cluster.certificateAuthorityData;
  let what = 'failed to parse CA certificate from kubeconfig';
  if (!ca?.length && cluster.certificateAuthority) {
    // clientcmd resolves a relative CA path against the kubeconfig's directory
    const caPath = path.posix.resolve(path.posix.dirname(file), cluster.certificateAuthority);
    what = 'failed to load CA certificate referenced by kubeconfig';
    try {
      ca = await host.readFile(caPath);
    } catch (e) {
      throw new TskError(`${what}: ${errorMessage(e)}`, 1, { cause: e });
    }
  }
  if (!ca?.length) throw new TskError('no CA certificates found in kubeconfig');
  let pins: string[];
  try {
    pins = parseCertificatesPem(ca, file).map((c) => caCertPin(c.pem));
  } catch (e) {
    throw new TskError(`${what}: ${errorMessage(e)}`, 1, { cause: e });
  }
  return { endpoint: cluster.server.replaceAll('https://', ''), pins };
}

/** The multi-line join command for a token (and certificate key), as kubeadm's GetJoin*Command. */
export async function joinCommandFromKubeconfig(
  host: Host,
  file: string,
  i: Omit<JoinCommandInput, 'endpoint' | 'pins'>,
  program = 'tskubeadm',
): Promise<string> {
  return joinCommand({ ...(await joinTarget(host, file)), ...i }, program);
}
