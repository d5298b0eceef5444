// Preflight's lines about an earlier run it continues from: what it recognised and let pass (only
// when a check would otherwise have failed, so a fresh host prints what kubeadm prints), and what
// the run will write again.

import type { Output } from '../../../output.js';
import type { EarlierRunState } from './state.js';

export function reportEarlierRun(state: EarlierRunState | undefined, out: Output): void {
  if (!state || state.conflicts.length > 0 || state.used.length === 0) return;
  const ports = state.used.filter((u) => u.startsWith('port ')).map((u) => Number(u.slice(5))).sort((a, b) => a - b);
  const paths = state.used.filter((u) => !u.startsWith('port ')).sort();
  const parts = [...(paths.length ? [paths.join(', ')] : []), ...(ports.length ? [`the ${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')} held by its kubelet or control plane`] : [])];
  out.print('preflight', `Continuing the earlier ${state.command} of this host: ${parts.join('; ')}`);
  for (const n of state.notes) out.print('preflight', n);
}
