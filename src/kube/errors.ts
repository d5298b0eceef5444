// API failures as KubeApiError values carrying the HTTP status and the Status reason, plus the
// predicates the retry loops use (same classification as apimachinery's apierrors.IsXxx helpers).

import { KubeApiError } from '../errors.js';
import type { ObjectRef } from './types.js';
import { describeRef } from './types.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'Unauthorized'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'Gone'
  | 'Timeout'
  | 'ServerTimeout'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Unknown'
  | string;

/** An HTTP-level (or connection-level, status undefined) failure of one API call. */
export class KubeStatusError extends KubeApiError {
  readonly reason: StatusReason;
  /** the verb that failed: get, list, create, update, patch, delete */
  readonly verb: string;
  readonly ref: ObjectRef | undefined;
  /** the server's Status message, or the connection error text */
  readonly detail: string;
  /** the HTTP request, "POST https://host:6443/api/v1/namespaces/kube-system/configmaps", when known */
  readonly request: string | undefined;
  constructor(
    verb: string,
    ref: ObjectRef | undefined,
    status: number | undefined,
    reason: StatusReason,
    detail: string,
    cause?: unknown,
    request?: string,
  ) {
    const what = ref ? describeRef(ref) : 'resource';
    const st = status !== undefined ? `${status} ${reason}` : reason;
    // a request that got no answer is named in full: the server never saw it, or never answered it
    const req = status === undefined && request ? ` (${request})` : '';
    super(`unable to ${verb} ${what}: ${st}${detail ? `: ${detail}` : ''}${req}`, status, cause !== undefined ? { cause } : {});
    this.reason = reason;
    this.verb = verb;
    this.ref = ref;
    this.detail = detail;
    this.request = request;
  }

  /** the object concerned, e.g. 'ConfigMap "kube-system/kubeadm-config"' */
  get object(): string | undefined {
    return this.ref ? describeRef(this.ref) : undefined;
  }
}

/** The Status reason a server would give for a bare HTTP code (apierrors.reasonForCode). */
export function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return 'Unknown';
  }
}

function statusOf(e: unknown): { status: number | undefined; reason: string | undefined } | undefined {
  if (e instanceof KubeStatusError) return { status: e.status, reason: e.reason };
  if (e instanceof KubeApiError) return { status: e.status, reason: undefined };
  return undefined;
}

export function isNotFound(e: unknown): boolean {
  const s = statusOf(e);
  return !!s && (s.reason === 'NotFound' || (s.reason === undefined && s.status === 404));
}

export function isAlreadyExists(e: unknown): boolean {
  return statusOf(e)?.reason === 'AlreadyExists';
}

/** 409 that is not AlreadyExists: an optimistic-concurrency conflict. */
export function isConflict(e: unknown): boolean {
  const s = statusOf(e);
  return !!s && s.status === 409 && s.reason !== 'AlreadyExists';
}

export function isInvalid(e: unknown): boolean {
  const s = statusOf(e);
  return !!s && (s.reason === 'Invalid' || s.status === 422);
}

export function isForbidden(e: unknown): boolean {
  const s = statusOf(e);
  return !!s && (s.reason === 'Forbidden' || s.status === 403);
}

/**
 * Errors that say nothing about the request itself: no connection, timeouts, throttling, 5xx,
 * and the 401/403 a freshly started API server gives before its RBAC is bootstrapped.
 */
export function isTransient(e: unknown): boolean {
  const s = statusOf(e);
  if (!s) return false;
  if (s.status === undefined) return true; // connection refused/reset, DNS, TLS handshake, client timeout
  return s.status >= 500 || s.status === 429 || s.status === 408 || s.status === 401 || s.status === 403;
}

/** Errors that retrying the same request can never fix. */
export function isPermanent(e: unknown): boolean {
  const s = statusOf(e);
  if (!s) return true;
  return s.status === 400 || s.status === 405 || s.status === 406 || s.status === 413 || s.status === 415 || s.status === 422;
}
