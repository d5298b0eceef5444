// Helpers of the API work in this directory: kubeadm's error wrapping and independent request groups.

import { KubeApiError, TskError } from '../../../errors.js';

/** Prefixes an error's message the way kubeadm's errors.Wrap does ("context: inner"), keeping its status. */
export function wrapApiError(context: string, e: unknown): TskError {
  const msg = e instanceof Error ? e.message : String(e);
  const status = e instanceof KubeApiError ? e.status : undefined;
  return new KubeApiError(`${context}: ${msg}`, status, { cause: e });
}

/**
 * Independent groups of API requests, to be awaited in the given order: started all at once, or,
 * when the client's requests must stay in order (dry run), each when it is awaited. Callers print
 * their lines and handle each group's error as they await it, so the output reads as kubeadm's. A
 * group that fails after an earlier one has failed is not reported (that error already is).
 */
export function inOrder(client: { readonly ordered?: boolean }, groups: (() => Promise<void>)[]): (() => Promise<void>)[] {
  if (client.ordered) return groups;
  const started = groups.map((g) => g());
  for (const p of started) p.catch(() => undefined);
  return started.map((p) => () => p);
}
