// kubeadm's DetectCRISocket: which known container runtime socket this host serves. For every command
// whose configuration leaves nodeRegistration.criSocket empty (reset now; init and join alike).

import { DEFAULT_CRI_SOCKET } from '../config/constants.js';
import { TskError } from '../errors.js';
import type { Host } from '../host/types.js';

const KNOWN_CRI_SOCKETS = [DEFAULT_CRI_SOCKET, 'unix:///var/run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock'];

/**
 * The CRI socket kubeadm would detect on this host: the one known socket that accepts a connection,
 * the default when none does, an error when several do.
 */
export async function detectCRISocket(host: Host): Promise<string> {
  const net = await import('node:net');
  const found: string[] = [];
  for (const sock of KNOWN_CRI_SOCKETS) {
    let real: string;
    try {
      real = host.resolve(sock.replace(/^unix:\/\//, ''));
    } catch {
      continue;
    }
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.createConnection(real);
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => resolve(false));
    });
    if (ok) found.push(sock);
  }
  if (found.length === 0) return DEFAULT_CRI_SOCKET;
  if (found.length === 1) return found[0]!;
  throw new TskError(
    `found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the 'criSocket' field in the kubeadm configuration file: ${found.join(', ')}`,
  );
}
