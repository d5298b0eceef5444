// Discovery failures: plain errors (exit 1) carrying upstream's message text.

import { TskError, errorMessage } from '../errors.js';

export class DiscoveryError extends TskError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, 1, opts);
  }
}

export const errMsg = (e: unknown): string => errorMessage(e);

/** Go's %q for the strings discovery quotes (endpoints, token ids, paths). */
export function quote(s: string): string {
  return JSON.stringify(s);
}
