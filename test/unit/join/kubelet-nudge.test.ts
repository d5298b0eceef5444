// The control-plane join's kubelet nudge (src/phases/join/kubelet-nudge.ts): the kubelet is restarted
// once, only after the local API server answers /readyz and only if it still has no kubelet.conf.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeHost } from '../../helpers/fake-host.js';
import { NUDGE_GRACE_MS, nudgeKubeletWhenApiReady } from '../../../src/phases/join/kubelet-nudge.js';
import type { JoinData } from '../../../src/phases/join/data.js';

const READYZ = 'https://10.0.0.12:6443/readyz';
let host: FakeHost;
let lines: string[];

function data(): JoinData {
  return {
    host,
    cfg: { join: { caCertPath: '/etc/kubernetes/pki/ca.crt' } },
    initCfg: async () => ({ init: { localAPIEndpoint: { advertiseAddress: '10.0.0.12', bindPort: 6443 } } }),
    out: { v: (_: number, l: string) => lines.push(l) },
  } as unknown as JoinData;
}

const restarts = () => host.execCalls.filter((c) => c.cmd === 'systemctl' && c.args[0] === 'restart').map((c) => c.args.join(' '));

beforeEach(async () => {
  host = await FakeHost.create();
  lines = [];
  host.command('systemctl', {});
  const advance = host.sleep.bind(host);
  host.sleep = async (ms: number) => {
    await advance(ms);
    await new Promise((r) => setImmediate(r));
  };
  await host.write('/etc/kubernetes/pki/ca.crt', 'CA PEM');
});
afterEach(() => host.cleanup());

/** wait (real time) until `cond` holds: the fake clock makes the nudge's sleeps instant */
const until = (cond: () => boolean) => vi.waitFor(() => expect(cond()).toBe(true), { timeout: 10_000, interval: 5 });

describe('kubelet nudge', () => {
  it('restarts the kubelet once the API server is ready and the kubelet still has no certificate', async () => {
    let calls = 0;
    host.onHttp(READYZ, (_, o) => {
      expect(o?.ca?.toString()).toBe('CA PEM');
      return { status: ++calls < 3 ? 500 : 200, body: '' };
    });
    const start = host.now().getTime();
    const n = nudgeKubeletWhenApiReady(data(), async () => false);
    await until(() => restarts().length > 0);
    await n.stop();
    expect(restarts()).toEqual(['restart kubelet']);
    expect(calls).toBe(3);
    expect(host.now().getTime() - start).toBeGreaterThanOrEqual(NUDGE_GRACE_MS);
    expect(lines.join('\n')).toContain('restarting the kubelet');
  });

  it('leaves a kubelet alone that got its certificate during the grace', async () => {
    host.onHttp(READYZ, { status: 200, body: 'ok' });
    let asked = false;
    const n = nudgeKubeletWhenApiReady(data(), async () => (asked = true));
    await until(() => asked);
    await n.stop();
    expect(restarts()).toEqual([]);
  });

  it('never restarts while the API server is not ready, and stops when told', async () => {
    host.onHttp(READYZ, { status: 503, body: '' });
    const n = nudgeKubeletWhenApiReady(data(), async () => false);
    await until(() => host.httpCalls.length > 3);
    await n.stop();
    const asked = host.httpCalls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(host.httpCalls.length).toBe(asked);
    expect(restarts()).toEqual([]);
  });
});
