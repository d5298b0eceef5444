// The shared wait's poll loop (src/phases/shared/wait.ts): quick first polls, never more than MAX_POLL_MS between two polls
// (kubeadm waits 500 ms), the deadline honoured, the last error kept.
import { describe, expect, it } from 'vitest';
import { MAX_POLL_MS, pollUntil } from '../../../src/phases/shared/wait.js';
import type { Host } from '../../../src/host/types.js';

/** a host whose clock only moves when the code sleeps */
function fakeClock(): { host: Host; sleeps: number[] } {
  let t = 1_000_000;
  const sleeps: number[] = [];
  const host = {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  } as unknown as Host;
  return { host, sleeps };
}

describe('pollUntil', () => {
  it('polls again within MAX_POLL_MS until the probe succeeds', async () => {
    const { host, sleeps } = fakeClock();
    let calls = 0;
    const r = await pollUntil(host, 60_000, async () => (++calls < 40 ? `not yet ${calls}` : undefined));
    expect(r.ok).toBe(true);
    expect(calls).toBe(40);
    expect(sleeps).toHaveLength(39);
    expect(sleeps[0]).toBe(50);
    expect(Math.max(...sleeps)).toBe(MAX_POLL_MS);
    expect(MAX_POLL_MS).toBeLessThanOrEqual(100);
    // 39 sleeps: 50, 75, then the cap
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(50 + 75 + 37 * MAX_POLL_MS);
  });

  it('stops at the deadline with the last error', async () => {
    const { host, sleeps } = fakeClock();
    let calls = 0;
    const r = await pollUntil(host, 1_000, async () => `refused ${++calls}`);
    expect(r.ok).toBe(false);
    expect(r.lastError).toBe(`refused ${calls}`);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(1_000);
  });

  it('a probe that throws counts as not healthy yet', async () => {
    const { host } = fakeClock();
    let calls = 0;
    const r = await pollUntil(host, 5_000, async () => {
      if (++calls < 3) throw new Error('connect ECONNREFUSED');
      return undefined;
    });
    expect(r).toMatchObject({ ok: true });
    expect(calls).toBe(3);
  });
});
