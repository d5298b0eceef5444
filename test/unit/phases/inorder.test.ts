// inOrder (src/phases/shared/cluster/util.ts): independent API request groups start together unless
// the client's requests must stay in order (the dry-run client prints each one); either way the
// caller awaits them in the given order, and a failure after an earlier failure is not unhandled.
import { describe, expect, it } from 'vitest';
import { inOrder } from '../../../src/phases/shared/cluster/util.js';

function recorder() {
  const started: number[] = [];
  const release: Array<() => void> = [];
  const fail: Array<(e: Error) => void> = [];
  const group = (i: number) => () =>
    new Promise<void>((resolve, reject) => {
      started.push(i);
      release[i] = resolve;
      fail[i] = reject;
    });
  return { started, release, fail, group };
}

describe('inOrder', () => {
  it('starts every group at once for a client whose requests may overlap', async () => {
    const r = recorder();
    const steps = inOrder({}, [r.group(0), r.group(1), r.group(2)]);
    expect(r.started).toEqual([0, 1, 2]);
    r.release[2]!();
    r.release[0]!();
    r.release[1]!();
    for (const s of steps) await s();
  });

  it('starts each group only when it is awaited for an ordered (dry-run) client', async () => {
    const r = recorder();
    const steps = inOrder({ ordered: true }, [r.group(0), r.group(1)]);
    expect(r.started).toEqual([]);
    const first = steps[0]!();
    expect(r.started).toEqual([0]);
    r.release[0]!();
    await first;
    const second = steps[1]!();
    expect(r.started).toEqual([0, 1]);
    r.release[1]!();
    await second;
  });

  it('reports the first failure in order; later failures do not become unhandled rejections', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const r = recorder();
      const steps = inOrder({}, [r.group(0), r.group(1), r.group(2)]);
      r.fail[2]!(new Error('third'));
      r.fail[1]!(new Error('second'));
      r.release[0]!();
      await steps[0]!();
      await expect(steps[1]!()).rejects.toThrow('second');
      // the caller stops here, as the phases do after the first error
      await new Promise((res) => setTimeout(res, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
