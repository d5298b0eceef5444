// Three lab hosts behind the load balancer, shared by the lab tests that make a cluster of them with
// tskubeadm: the lab lock held for the file, hosts reset before and after, per-step timings logged.

import { afterAll, beforeAll } from 'vitest';
import { acquireLabLock } from '../../lab/fixture/lablock.js';
import { MIN, hostHasCluster, labUp, onHost } from '../../lab/fixture/labhost.js';
import { onHostResultN, tskubeadm } from './lab.js';

/** `tskubeadm reset --force` on host n (failing loudly) and the pod network's config removed */
export async function tskReset(n: number): Promise<void> {
  const r = await onHostResultN(n, [tskubeadm, 'reset', '--force'], 5 * MIN);
  if (r.code !== 0) throw new Error(`tskubeadm reset on host ${n} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  await onHost(n, ['rm', '-f', '/etc/cni/net.d/10-tsklab.conflist']);
}

export interface Stopwatch {
  took: Record<string, number>;
  /** runs fn, adding its wall time to `took[what]` */
  timed<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

export function stopwatch(): Stopwatch {
  const took: Record<string, number> = {};
  return {
    took,
    async timed(what, fn) {
      const t = Date.now();
      try {
        return await fn();
      } finally {
        took[what] = (took[what] ?? 0) + Date.now() - t;
      }
    },
  };
}

/** Registers the describe block's hooks: lock, hosts 1..3 and the balancer up and clean; reset and report after. */
export function useHaHosts(name: string, watch: Stopwatch): void {
  let release: (() => void) | undefined;
  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(3, { lb: true });
    for (const n of [3, 2, 1]) if (await hostHasCluster(n)) await tskReset(n).catch(() => onHost(n, ['kubeadm', 'reset', '-f']));
  }, 45 * MIN);

  afterAll(async () => {
    try {
      for (const n of [3, 2, 1]) if (await hostHasCluster(n).catch(() => true)) await tskReset(n).catch((e) => console.warn(String(e)));
    } finally {
      release?.();
      console.log(`[${name}] timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(watch.took).map(([k, v]) => [k, Math.round(v / 100) / 10])))}`);
    }
  }, 15 * MIN);
}
