// The KubeClient contract and the retrying helpers built on its primitive verbs. Both the real
// client (client.ts) and the dry-run recorder (dryrun.ts) extend BaseKubeClient, so a helper such
// as apply() issues the same sequence of verbs in both, which is what kubeadm's dry-run output shows.

import { KubeApiError } from '../errors.js';
import {
  KubeStatusError,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isNotFound,
  isPermanent,
} from './errors.js';
import { twoWayMergePatch } from './patch.js';
import { poll, PollTimeoutError, type Clock, type PollOptions, systemClock, API_CALL_RETRY_INTERVAL_MS, API_CALL_TIMEOUT_MS } from './poll.js';
import { deepClone, describeRef, refOf, type KubeObject, type NodeObject, type ObjectRef } from './types.js';

export type PatchType = 'strategic' | 'merge' | 'json';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface RetryOptions {
  /** overall deadline; default: the client's API call timeout (kubeadm: timeouts.kubernetesAPICall, 1m) */
  timeoutMs?: number;
  /** pause between attempts; default 500 ms (kubeadm's KubernetesAPICallRetryInterval) */
  intervalMs?: number;
}

/** The node label kubeadm waits for before patching a Node (v1.LabelHostname). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

export interface KubeClient {
  /**
   * True when the order of requests is visible to the user (the dry-run client prints each one):
   * callers must then send them one after the other, in kubeadm's order.
   */
  readonly ordered?: boolean;
  // ---- primitives: exactly one API request each ----
  /** the object, or undefined when the server answers 404 */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, opts?: ListOptions): Promise<T[]>;
  create<T extends KubeObject>(obj: T): Promise<T>;
  /** PUT of the whole object (kubeadm's Update) */
  update<T extends KubeObject>(obj: T): Promise<T>;
  patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, type: PatchType): Promise<T>;
  /** true when deleted, false when it did not exist */
  delete(ref: ObjectRef): Promise<boolean>;

  // ---- kubeadm's idempotent helpers, retried every 500 ms up to the API call timeout ----
  /** create, or when it exists replace it with `obj` (kubeadm CreateOrUpdate) */
  apply<T extends KubeObject>(obj: T, opts?: RetryOptions): Promise<void>;
  /** create, or when it exists fetch it, let `mutate` change it and update it (kubeadm CreateOrMutate) */
  createOrMutate<T extends KubeObject>(obj: T, mutate: (existing: T) => void | Promise<void>, opts?: RetryOptions): Promise<void>;
  /** create only when absent; an existing object is kept as it is (kubeadm CreateOrRetain) */
  createOrRetain<T extends KubeObject>(obj: T, opts?: RetryOptions): Promise<void>;
  /**
   * Fetch the Node (waiting until it carries the kubernetes.io/hostname label), let `mutate` change
   * it, and send the difference as a strategic merge patch (kubeadm PatchNode).
   */
  patchNode(name: string, mutate: (node: NodeObject) => void, opts?: RetryOptions): Promise<void>;
  /** poll `get` until `predicate` holds; returns the last object seen */
  waitFor<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    predicate: (obj: T | undefined) => boolean,
    opts?: RetryOptions,
  ): Promise<T | undefined>;
}

export interface BaseClientOptions {
  /** default deadline for the retrying helpers (ms); kubeadm's timeouts.kubernetesAPICall */
  apiCallTimeoutMs?: number;
  retryIntervalMs?: number;
  clock?: Clock;
}

function pollOpts(self: { timeoutMs: number; intervalMs: number; clock: Clock }, o?: RetryOptions): PollOptions {
  return { timeoutMs: o?.timeoutMs ?? self.timeoutMs, intervalMs: o?.intervalMs ?? self.intervalMs, clock: self.clock };
}

/** Re-throws a poll timeout as the last API error seen (as kubeadm returns lastError), or as a timeout error. */
function unwrapTimeout(e: unknown, what: string): never {
  if (e instanceof PollTimeoutError) {
    const last = e.lastError;
    if (last instanceof KubeApiError) throw last;
    if (last instanceof Error) throw new KubeApiError(`${what}: ${last.message}`, undefined, { cause: last });
    throw new KubeApiError(`${what}: timed out`, undefined, { cause: e });
  }
  throw e;
}

export abstract class BaseKubeClient implements KubeClient {
  protected readonly timeoutMs: number;
  protected readonly intervalMs: number;
  protected readonly clock: Clock;

  constructor(opts: BaseClientOptions = {}) {
    this.timeoutMs = opts.apiCallTimeoutMs ?? API_CALL_TIMEOUT_MS;
    this.intervalMs = opts.retryIntervalMs ?? API_CALL_RETRY_INTERVAL_MS;
    this.clock = opts.clock ?? systemClock;
  }

  abstract get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  abstract list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, opts?: ListOptions): Promise<T[]>;
  abstract create<T extends KubeObject>(obj: T): Promise<T>;
  abstract update<T extends KubeObject>(obj: T): Promise<T>;
  abstract patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, type: PatchType): Promise<T>;
  abstract delete(ref: ObjectRef): Promise<boolean>;

  async apply<T extends KubeObject>(obj: T, opts?: RetryOptions): Promise<void> {
    // it exists: replace it, carrying the live resourceVersion so the server accepts the PUT
    // for every kind; a concurrent writer gives 409 Conflict and the next attempt re-reads
    await this.createThenUpdate(
      obj,
      (live) => {
        const next = deepClone(obj);
        if (live.metadata.resourceVersion !== undefined) next.metadata.resourceVersion = live.metadata.resourceVersion;
        return next;
      },
      'create or update',
      new KubeStatusError('update', refOf(obj), 404, 'NotFound', 'the object vanished between create and update'),
      opts,
    );
  }

  async createOrMutate<T extends KubeObject>(obj: T, mutate: (existing: T) => void | Promise<void>, opts?: RetryOptions): Promise<void> {
    await this.createThenUpdate(
      obj,
      async (live) => {
        await mutate(live);
        return live;
      },
      'create or mutate',
      new KubeStatusError('get', refOf(obj), 404, 'NotFound', ''),
      opts,
    );
  }

  /** Create; when it already exists, update what `next` makes of the live object. Retried as kubeadm does. */
  private async createThenUpdate<T extends KubeObject>(
    obj: T,
    next: (live: T) => T | Promise<T>,
    what: string,
    vanished: Error,
    opts?: RetryOptions,
  ): Promise<void> {
    const ref = refOf(obj);
    try {
      await poll<void>(async () => {
        try {
          await this.create(obj);
          return { done: true, value: undefined };
        } catch (e) {
          if (!isAlreadyExists(e)) return this.retryOrThrow(e);
        }
        try {
          const live = await this.get<T>(ref);
          if (!live) return { done: false, error: vanished };
          await this.update(await next(live));
          return { done: true, value: undefined };
        } catch (e) {
          if (isConflict(e)) return { done: false, error: e };
          return this.retryOrThrow(e);
        }
      }, pollOpts(this.self(), opts));
    } catch (e) {
      unwrapTimeout(e, `unable to ${what} ${describeRef(ref)}`);
    }
  }

  async createOrRetain<T extends KubeObject>(obj: T, opts?: RetryOptions): Promise<void> {
    const ref = refOf(obj);
    try {
      await poll<void>(async () => {
        try {
          const live = await this.get(ref);
          if (live) return { done: true, value: undefined };
          await this.create(obj);
          return { done: true, value: undefined };
        } catch (e) {
          if (isAlreadyExists(e)) return { done: true, value: undefined };
          return this.retryOrThrow(e);
        }
      }, pollOpts(this.self(), opts));
    } catch (e) {
      unwrapTimeout(e, `unable to create ${describeRef(ref)}`);
    }
  }

  async patchNode(name: string, mutate: (node: NodeObject) => void, opts?: RetryOptions): Promise<void> {
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'Node', name };
    let sawNode = false;
    try {
      await poll<void>(async () => {
        let node: NodeObject | undefined;
        try {
          node = await this.get<NodeObject>(ref);
        } catch (e) {
          return this.retryOrThrow(e);
        }
        if (!node) return { done: false, error: new KubeStatusError('get', ref, 404, 'NotFound', `nodes "${name}" not found`) };
        sawNode = true;
        // a Node may show up before the kubelet has set its labels; wait for the hostname label
        if (!node.metadata.labels || !(LABEL_HOSTNAME in node.metadata.labels)) return { done: false };
        const before = deepClone(node);
        const after = deepClone(node);
        after.metadata.labels ??= {};
        mutate(after);
        const patch = twoWayMergePatch(before, after);
        try {
          await this.patch(ref, patch, 'strategic');
          return { done: true, value: undefined };
        } catch (e) {
          const err = e instanceof KubeStatusError ? e : new KubeApiError(`error patching Node "${name}": ${String(e)}`);
          return { done: false, error: err };
        }
      }, pollOpts(this.self(), opts));
    } catch (e) {
      if (e instanceof PollTimeoutError && e.lastError === undefined && sawNode) {
        throw new KubeApiError(`timed out waiting for Node "${name}" to carry the "${LABEL_HOSTNAME}" label`);
      }
      unwrapTimeout(e, `error patching Node "${name}"`);
    }
  }

  async waitFor<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    predicate: (obj: T | undefined) => boolean,
    opts?: RetryOptions,
  ): Promise<T | undefined> {
    try {
      return await poll<T | undefined>(async () => {
        try {
          const obj = await this.get<T>(ref);
          if (predicate(obj)) return { done: true, value: obj };
          return { done: false };
        } catch (e) {
          return this.retryOrThrow(e);
        }
      }, pollOpts(this.self(), opts));
    } catch (e) {
      if (e instanceof PollTimeoutError) {
        const last = e.lastError instanceof Error ? `: ${e.lastError.message}` : '';
        throw new KubeApiError(`timed out waiting for ${describeRef(ref)}${last}`, undefined, { cause: e });
      }
      throw e;
    }
  }

  /** Permanent errors stop the loop at once; everything else is retried until the deadline. */
  protected retryOrThrow(e: unknown): { done: false; error: unknown } {
    if (isPermanent(e)) throw e;
    return { done: false, error: e };
  }

  private self(): { timeoutMs: number; intervalMs: number; clock: Clock } {
    return { timeoutMs: this.timeoutMs, intervalMs: this.intervalMs, clock: this.clock };
  }
}

export { isNotFound, isAlreadyExists, isConflict, isInvalid };
