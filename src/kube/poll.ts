// Polling with an immediate first attempt, a fixed interval and an overall deadline: the shape of
// apimachinery's wait.PollUntilContextTimeout(ctx, interval, timeout, immediate=true, fn) that
// kubeadm wraps around every API call.

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** kubeadm's KubernetesAPICallRetryInterval */
export const API_CALL_RETRY_INTERVAL_MS = 500;
/** kubeadm's default timeouts.kubernetesAPICall */
export const API_CALL_TIMEOUT_MS = 60_000;

export interface PollOptions {
  intervalMs?: number;
  timeoutMs?: number;
  clock?: Clock;
}

export type PollResult<T> = { done: true; value: T } | { done: false; error?: unknown };

export class PollTimeoutError extends Error {
  readonly lastError: unknown;
  constructor(message: string, lastError: unknown) {
    super(message);
    this.name = 'PollTimeoutError';
    this.lastError = lastError;
  }
}

/**
 * Calls `attempt` until it reports done, throws, or the deadline passes. An attempt that throws
 * stops the loop with that error; one that returns `{done:false, error}` is retried and the error
 * is remembered. On timeout a PollTimeoutError carrying the last remembered error is thrown.
 */
export async function poll<T>(attempt: () => Promise<PollResult<T>>, opts: PollOptions = {}): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const interval = opts.intervalMs ?? API_CALL_RETRY_INTERVAL_MS;
  const timeout = opts.timeoutMs ?? API_CALL_TIMEOUT_MS;
  const deadline = clock.now() + timeout;
  let lastError: unknown;
  for (;;) {
    const r = await attempt();
    if (r.done) return r.value;
    if (r.error !== undefined) lastError = r.error;
    if (clock.now() + interval >= deadline) {
      throw new PollTimeoutError(`timed out waiting for the condition after ${timeout}ms`, lastError);
    }
    await clock.sleep(interval);
  }
}
