// One key pool per run, shared by the certs and kubeconfig phases: keys for every file that will be
// generated start right away (during preflight). RSA prime searches run on the main thread between
// other work and, when more than 2 keys are pending, in a worker thread (src/pki/primes.ts); ECDSA keys
// two at a time on the libuv thread pool.

import * as path from 'node:path';
import type { PhaseContext } from '../workflow.js';
import type { InitData } from './data.js';
import type { KeyPool } from '../../pki/keys.js';
import { CERT_SPECS, CLIENT_CERT_SPECS, SA_SPEC, certFile } from '../../pki/specs.js';
import { perRun } from '../shared/per-run.js';

export const keyPoolFor = perRun(async (d: InitData): Promise<KeyPool> => {
  const { KeyPool } = await import('../../pki/keys.js');
  return new KeyPool(d.cfg.cluster.encryptionAlgorithm, { concurrency: 2 });
});

const prefetched = new WeakSet<InitData>();

/** Count the keys this run will generate and start generating them. */
export async function prefetchKeys(d: InitData, ctx: PhaseContext): Promise<void> {
  if (prefetched.has(d)) return;
  prefetched.add(d);
  if (d.externalCA) return dropEarlyPrimes();
  let n = 0;
  const external = d.cfg.cluster.etcd.external !== undefined;
  for (const s of CERT_SPECS) {
    if (!ctx.selected.has(`certs/${s.name}`)) continue;
    if (external && (s.name === 'etcd-ca' || s.caName === 'etcd-ca')) continue;
    if (!(await d.host.exists(path.posix.join(d.certificatesDir, certFile(s.baseName))))) n++;
  }
  if (ctx.selected.has('certs/sa') && !(await d.host.exists(path.posix.join(d.certificatesDir, SA_SPEC.privateKeyFile)))) n++;
  for (const s of CLIENT_CERT_SPECS) {
    if (!ctx.selected.has(`kubeconfig/${s.phase}`)) continue;
    if (!(await d.host.exists(path.posix.join(d.kubeconfigWriteDir, s.file)))) n++;
  }
  if (n === 0 || !d.cfg.cluster.encryptionAlgorithm.startsWith('RSA')) await dropEarlyPrimes();
  if (n === 0) return;
  const pool = await keyPoolFor(d);
  // RSA primes are searched on the main thread too; while preflight runs it needs that thread
  if (ctx.selected.has('preflight') && d.cfg.cluster.encryptionAlgorithm.startsWith('RSA')) {
    const { holdMainThread } = await import('../../pki/primes.js');
    mainThreadHolds.set(d, holdMainThread());
  }
  pool.prefetch(n);
}

const mainThreadHolds = new WeakMap<InitData, () => void>();

/** Preflight is done: key generation may use the main thread again. */
export function releaseMainThread(d: InitData): void {
  mainThreadHolds.get(d)?.();
  mainThreadHolds.delete(d);
}

/**
 * The primes bin/early-primes.cjs started searching will not be wanted: stop that worker. Looks for
 * it first (the same global primes.ts reads) so that an ECDSA run does not load primes.ts and
 * worker_threads (~1.6 ms) just to learn there is nothing to stop.
 */
async function dropEarlyPrimes(): Promise<void> {
  if (!(globalThis as Record<symbol, unknown>)[Symbol.for('tskubeadm.earlyPrimes')]) return;
  const { stopEarlyPrimes } = await import('../../pki/primes.js');
  stopEarlyPrimes();
}
