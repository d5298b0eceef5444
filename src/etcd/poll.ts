// apimachinery's wait.PollUntilContextTimeout(ctx, interval, timeout, immediate=true, cond), the loop
// around every etcd API call of kubeadm, as it behaves in time: the condition runs at once, then on a
// ticker of `interval` that started with the loop (not after the attempt: an attempt that outlasts
// a tick is followed at once by the next, as a Go ticker's buffered tick does); no attempt starts at
// or after the deadline, and the loop ends at the deadline, while an attempt in progress is never
// cut short (kubeadm runs each one under its own context). Time comes from an injectable clock.

import { systemClock, type Clock } from '../kube/poll.js';

export type { Clock };
export { systemClock };

/** A condition's answer: `{ value }` ends the loop; `undefined` asks for another attempt; throwing ends it with that error. */
export type PollAnswer<T> = { value: T } | undefined;

/**
 * Runs `cond` until it answers with a value (returned as `{ value }`), throws (rethrown), or the
 * deadline passes (returns undefined: Go's context.DeadlineExceeded, the caller reports its last error).
 */
export async function pollUntilTimeout<T>(
  clock: Clock,
  intervalMs: number,
  timeoutMs: number,
  cond: () => Promise<PollAnswer<T>>,
): Promise<PollAnswer<T>> {
  const start = clock.now();
  const deadline = start + timeoutMs;
  let lastStart = start;
  let r = await cond();
  if (r) return r;
  for (;;) {
    // the first tick after the last attempt started
    const tick = start + (Math.floor((lastStart - start) / intervalMs) + 1) * intervalMs;
    const now = clock.now();
    if (tick >= deadline) {
      if (deadline > now) await clock.sleep(deadline - now);
      return undefined;
    }
    if (tick > now) await clock.sleep(tick - now);
    lastStart = clock.now();
    if (lastStart >= deadline) return undefined;
    r = await cond();
    if (r) return r;
  }
}

/** the error a poll that timed out reports: the condition's last error, else the context's own */
export function timeoutError(last: unknown): Error {
  if (last instanceof Error) return last;
  if (last !== undefined) return new Error(String(last));
  return new Error('context deadline exceeded');
}
