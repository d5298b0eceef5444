import { KubeApiError, TskError } from '../../../errors.js';

/** Prefixes an error's message the way kubeadm's errors.Wrap does ("context: inner"), keeping its status. */
export function wrapApiError(context: string, e: unknown): TskError {
  const msg = e instanceof Error ? e.message : String(e);
  const status = e instanceof KubeApiError ? e.status : undefined;
  return new KubeApiError(`${context}: ${msg}`, status, { cause: e });
}
