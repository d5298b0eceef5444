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

describe('waitForKubelet and a kubelet that keeps exiting', () => {
  const healthz = { url: 'http://127.0.0.1:10248/healthz', port: 10248 };
  const setup = async (restartsEverySeconds: number | undefined) => {
    const { FakeHost } = await import('../../helpers/fake-host.js');
    const host = await FakeHost.create();
    const start = host.now().getTime();
    host.command('systemctl', (args) => {
      if (args[0] !== 'show') return { exitCode: 1 };
      const n = restartsEverySeconds ? Math.floor((host.now().getTime() - start) / 1000 / restartsEverySeconds) : 0;
      return { stdout: `ActiveState=activating\nSubState=auto-restart\nNRestarts=${5 + n}\nExecMainStatus=1\n` };
    });
    host.command('journalctl', { stdout: 'E1205 run.go:72] "command failed" err="failed to parse kubelet flag: unknown flag: --bogus"\n' });
    return host;
  };

  it('gives up after CRASH_LOOP_RESTARTS restarts, saying so with the last exit status and the kubelet log', async () => {
    const { waitForKubelet, CRASH_LOOP_RESTARTS } = await import('../../../src/phases/shared/wait.js');
    const { memoryOutput } = await import('../../../src/output.js');
    const host = await setup(2);
    const out = memoryOutput();
    const t0 = host.now().getTime();
    const e = (await waitForKubelet(host, out, { healthz, timeoutMs: 240_000, criSocket: 'unix:///run/containerd/containerd.sock' }).catch((x: unknown) => x)) as Error;
    const waited = host.now().getTime() - t0;
    expect(waited).toBeGreaterThanOrEqual(CRASH_LOOP_RESTARTS * 2000);
    expect(waited).toBeLessThan(CRASH_LOOP_RESTARTS * 2000 + 1500);
    expect(e.message.split('\n')[0]).toBe(
      `failed while waiting for the kubelet to start: kubelet is crash-looping: the service manager restarted it ${CRASH_LOOP_RESTARTS} times while tskubeadm waited, last exit status 1`,
    );
    expect(e.message).toContain('\t\tE1205 run.go:72] "command failed" err="failed to parse kubelet flag: unknown flag: --bogus"');
    expect(e.message).toContain('its last log lines above say why');
    await host.cleanup();
  });

  it('waits the whole timeout for a kubelet that stays up but does not answer, and says nothing of a crash loop', async () => {
    const { waitForKubelet } = await import('../../../src/phases/shared/wait.js');
    const { memoryOutput } = await import('../../../src/output.js');
    const host = await setup(undefined);
    const t0 = host.now().getTime();
    const e = (await waitForKubelet(host, memoryOutput(), { healthz, timeoutMs: 20_000, criSocket: 'unix:///x' }).catch((x: unknown) => x)) as Error;
    expect(host.now().getTime() - t0).toBeGreaterThanOrEqual(20_000);
    expect(e.message).not.toContain('crash-looping');
    expect(e.message).toContain('The kubelet did not answer at http://127.0.0.1:10248/healthz');
    await host.cleanup();
  });
});
