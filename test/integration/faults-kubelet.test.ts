// Fault: the kubelet crash-loops, on lab hosts 1 and 2. It is made to from outside the way an admin
// could: a flag the kubelet does not know in KUBELET_EXTRA_ARGS (/etc/default/kubelet, which the
// service's drop-in reads; the lab's service stand-in reads it the same way), so every start exits at
// once and the service manager restarts it. init (wait-control-plane) and a worker join
// (kubelet-wait-bootstrap, while the kubelet should do its TLS bootstrap) stop after three restarts
// instead of waiting out timeouts.kubeletHealthCheck (4 minutes), and say the kubelet is crash-looping,
// with its last exit status and its last log lines, which name the bad flag. Once the flag is gone,
// the same join succeeds.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB, LAB_KUBEADM_CONFIG, MIN, hostHasCluster, labUp, onHost } from '../lab/fixture/labhost.js';
import { onHostResultN, tskubeadm } from './helpers/lab.js';
import { type Followed, resetLabHost, runFollowing } from './helpers/faults.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-faults-kubelet-'));
const BAD_FLAG = '--tsk-fault-no-such-flag';
const INIT = ['init', '--config', LAB_KUBEADM_CONFIG, '--ignore-preflight-errors=SystemVerification'];
/** /etc/default/kubelet of hosts 1 and 2 as lab:up wrote them */
const original = new Map<number, string>();

const defaults = (n: number) => onHost(n, ['cat', '/etc/default/kubelet']);
async function setExtraArgs(n: number, text: string): Promise<void> {
  fs.writeFileSync(path.join(work, `default-${n}`), text);
  await onHost(n, ['cp', path.join(work, `default-${n}`), '/etc/default/kubelet']);
}
/** the same file with a flag the kubelet refuses added to KUBELET_EXTRA_ARGS */
const withBadFlag = (text: string) => text.replace(/^KUBELET_EXTRA_ARGS="(.*)"$/m, `KUBELET_EXTRA_ARGS="$1 ${BAD_FLAG}"`);


const run = (n: number, args: string[], name: string): Promise<Followed> => {
  const events = path.join(work, `${name}.jsonl`);
  return runFollowing(path.join(LAB, 'exec.sh'), ['-h', String(n), tskubeadm, ...args, '--events', events], events, () => undefined, { timeoutMs: 8 * MIN });
};

function expectCrashLoop(r: Followed, phase: string): void {
  console.log(`[faults-kubelet] ${phase} failed after ${Math.round(r.ms / 100) / 10} s:\n${r.stderr.split('\n').slice(0, 12).join('\n')}`);
  expect(r.code, r.stderr).toBe(1);
  const first = r.stderr.split('\n').find((l) => l.startsWith('error: '))!;
  expect(first).toMatch(
    new RegExp(`^error: error execution phase ${phase}: failed while waiting for (the kubelet to start|TLS bootstrap): kubelet is crash-looping: the service manager restarted it \\d+ times while tskubeadm waited, last exit status 1`),
  );
  // its last log lines say why
  expect(r.stderr).toMatch(new RegExp(`\\t\\t.*unknown flag: ${BAD_FLAG}`));
  const err = r.events.find((e) => e.event === 'error')!;
  expect(err.phase).toBe(phase);
  expect(err.message).toContain('kubelet is crash-looping');
  // three restarts of the lab's service (2 s apart), not timeouts.kubeletHealthCheck (4 minutes)
  expect(r.ms).toBeLessThan(90_000);
}

describe('lab: a crash-looping kubelet', () => {
  let release: (() => void) | undefined;
  let join: string[] = [];

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(2);
    for (const n of [2, 1]) if (await hostHasCluster(n)) await resetLabHost(n);
    for (const n of [1, 2]) {
      const text = await defaults(n);
      expect(text).toMatch(/^KUBELET_EXTRA_ARGS="/m);
      expect(text).not.toContain(BAD_FLAG);
      original.set(n, text);
    }
  }, 40 * MIN);

  afterAll(async () => {
    try {
      for (const [n, text] of original) await setExtraArgs(n, text).catch((e) => console.warn(String(e)));
      for (const n of [2, 1]) if (await hostHasCluster(n).catch(() => true)) await resetLabHost(n).catch((e) => console.warn(String(e)));
      await onHost(1, ['kubectl', 'delete', 'node', 'tsklab-h2', '--ignore-not-found']).catch(() => undefined);
    } finally {
      release?.();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 10 * MIN);

  it('init: wait-control-plane says the kubelet is crash-looping, with its log', async () => {
    await setExtraArgs(1, withBadFlag(original.get(1)!));
    try {
      const r = await run(1, INIT, 'init-bad');
      expectCrashLoop(r, 'wait-control-plane');
    } finally {
      await setExtraArgs(1, original.get(1)!);
    }
    await resetLabHost(1);
  }, 10 * MIN);

  it('join: kubelet-wait-bootstrap says the kubelet is crash-looping, and the join succeeds once the flag is gone', async () => {
    const init = await run(1, INIT, 'init');
    expect(init.code, init.stderr).toBe(0);
    const m = /tskubeadm join (\S+) --token (\S+) \\\n\t--discovery-token-ca-cert-hash (\S+)/.exec(init.stdout);
    expect(m).not.toBeNull();
    join = ['join', m![1]!, '--token', m![2]!, '--discovery-token-ca-cert-hash', m![3]!, '--ignore-preflight-errors=SystemVerification'];

    await setExtraArgs(2, withBadFlag(original.get(2)!));
    try {
      const r = await run(2, join, 'join-bad');
      expectCrashLoop(r, 'kubelet-wait-bootstrap');
      // the bootstrap kubeconfig with the token does not stay behind
      expect((await onHostResultN(2, ['ls', '/etc/kubernetes/bootstrap-kubelet.conf'])).code).not.toBe(0);
    } finally {
      await setExtraArgs(2, original.get(2)!);
    }
    await resetLabHost(2);
    const again = await run(2, join, 'join');
    expect(again.code, again.stderr).toBe(0);
    expect(again.events.at(-1)).toMatchObject({ event: 'done', exitCode: 0 });
  }, 15 * MIN);
});
