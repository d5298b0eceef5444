// The --dry-run client. Like kubeadm's DryRun fake clientset it logs every request it would make
// ("[dryrun] Would perform action CREATE on resource ..."), prints the object attached to it, keeps
// written objects in memory so later reads in the same run see them, and answers reads either
// from a real cluster (when one is given), from canned objects (a Node for mark-control-plane) or
// from that memory.

import type { Output } from '../output.js';
import { toGoYaml } from '../manifests/goyaml.js';
import { BaseKubeClient, LABEL_HOSTNAME, type BaseClientOptions, type KubeClient, type ListOptions, type PatchType } from './base.js';
import { KubeStatusError } from './errors.js';
import { goShape } from './goshape.js';
import {
  deepClone,
  guessPlural,
  knownResource,
  refOf,
  splitApiVersion,
  type KubeObject,
  type NodeObject,
  type ObjectRef,
} from './types.js';

export type DryRunVerb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';

/** One request the recorder received, in order. */
export interface RecordedAction {
  verb: DryRunVerb;
  ref: ObjectRef;
  /** the object sent with create/update */
  object?: KubeObject;
  /** the patch sent with patch */
  patch?: unknown;
  patchType?: PatchType;
  listOptions?: ListOptions;
}

/**
 * A canned answer, tried before the real cluster and the in-memory store (kubeadm's prepended
 * reactors). Return undefined to pass the request on.
 */
export interface DryRunReactor {
  verb: DryRunVerb;
  kind: string;
  /**
   * false (default): consulted before the real cluster (kubeadm's PrependReactor);
   * true: only after the real cluster did not have the object (kubeadm's AppendReactor)
   */
  after?: boolean;
  react(action: RecordedAction): KubeObject | undefined;
}

export interface RecordingClientOptions extends BaseClientOptions {
  /** where the [dryrun] lines go; omit to record silently */
  out?: Output;
  /** a real client used for reads only, as kubeadm's dry-run consults the live cluster */
  reads?: KubeClient;
  /** extra reactors, consulted first */
  reactors?: DryRunReactor[];
  /** install the Node get/patch reactors kubeadm init and join use (default true) */
  nodeReactors?: boolean;
  /** how attached objects are printed; default: Go-shaped YAML as kubeadm prints them */
  marshal?: (obj: KubeObject) => string;
}

/** The fake Node kubeadm's dry-run answers with: just a name and its hostname label. */
export function fakeNode(name: string): NodeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { [LABEL_HOSTNAME]: name } } };
}

export function nodeReactors(): DryRunReactor[] {
  return [
    { verb: 'patch', kind: 'Node', react: (a) => fakeNode(a.ref.name) },
    { verb: 'get', kind: 'Node', react: (a) => fakeNode(a.ref.name) },
  ];
}

/** YAML of an object as kubeadm's dry-run prints it (typed Go object -> JSON -> YAML). */
export function marshalLikeKubeadm(obj: KubeObject): string {
  return toGoYaml(goShape(obj));
}

function storeKey(ref: ObjectRef): string {
  const { group } = splitApiVersion(ref.apiVersion);
  return `${group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

function resourceOf(ref: ObjectRef): { plural: string; namespaced: boolean } {
  return knownResource(ref.apiVersion, ref.kind) ?? { plural: guessPlural(ref.kind), namespaced: true };
}

function matchesLabels(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector) return true;
  const labels = obj.metadata.labels ?? {};
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((term) => {
      const neq = term.indexOf('!=');
      if (neq !== -1) return labels[term.slice(0, neq)] !== term.slice(neq + 2);
      const eq = term.indexOf('=');
      if (eq === -1) return term in labels;
      const key = term.slice(0, eq);
      const val = term.slice(eq + (term[eq + 1] === '=' ? 2 : 1));
      return labels[key] === val;
    });
}

function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = applyMergePatch(base[k], v);
  }
  return base;
}

export class RecordingKubeClient extends BaseKubeClient {
  /** requests are printed as they are made: they must come in kubeadm's order */
  readonly ordered = true;
  /** every request, in order */
  readonly actions: RecordedAction[] = [];
  private readonly store = new Map<string, KubeObject>();
  private readonly out: Output | undefined;
  private readonly reads: KubeClient | undefined;
  private readonly reactors: DryRunReactor[];
  private readonly marshal: (obj: KubeObject) => string;

  constructor(opts: RecordingClientOptions = {}) {
    super(opts);
    this.out = opts.out;
    this.reads = opts.reads;
    const all = [...(opts.reactors ?? []), ...(opts.nodeReactors === false ? [] : nodeReactors())];
    this.reactors = [...all.filter((r) => !r.after), ...all.filter((r) => r.after)];
    this.marshal = opts.marshal ?? marshalLikeKubeadm;
  }

  /** The objects written so far (created or updated), in the order first written. */
  objects(): KubeObject[] {
    return [...this.store.values()].map((o) => deepClone(o));
  }

  /** Seed the in-memory store without logging (for tests and canned clusters). */
  seed(...objs: KubeObject[]): void {
    for (const o of objs) this.store.set(storeKey(refOf(o)), deepClone(o));
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const action: RecordedAction = { verb: 'get', ref: { ...ref } };
    this.logAction(action);
    const canned = this.react(action, false);
    if (canned) return canned as T;
    if (this.reads) {
      try {
        const real = await this.reads.get<T>(ref);
        if (real) {
          this.logObject(real);
          return real;
        }
      } catch {
        // fall through to the in-memory store, as kubeadm does on any error from the real cluster
      }
    }
    this.println('[dryrun] Real object does not exist. Attempting to GET from followup reactors or from the fake client tracker');
    const late = this.react(action, true);
    if (late) return late as T;
    const stored = this.store.get(storeKey(ref));
    return stored ? (deepClone(stored) as T) : undefined;
  }

  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, opts: ListOptions = {}): Promise<T[]> {
    const ref: ObjectRef = { apiVersion, kind, name: '', ...(namespace ? { namespace } : {}) };
    const action: RecordedAction = { verb: 'list', ref, listOptions: { ...opts } };
    this.logAction(action);
    if (this.reads) {
      try {
        const real = await this.reads.list<T>(apiVersion, kind, namespace, opts);
        this.logObject({ apiVersion, kind: `${kind}List`, metadata: { name: '' }, items: real } as KubeObject);
        return real;
      } catch {
        // fall through
      }
    }
    this.println('[dryrun] Real object does not exist. Attempting to LIST from followup reactors or from the fake client tracker');
    const { group } = splitApiVersion(apiVersion);
    const out: T[] = [];
    for (const o of this.store.values()) {
      if (splitApiVersion(o.apiVersion).group !== group || o.kind !== kind) continue;
      if (namespace && o.metadata.namespace !== namespace) continue;
      if (!matchesLabels(o, opts.labelSelector)) continue;
      out.push(deepClone(o) as T);
    }
    return out;
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const action: RecordedAction = { verb: 'create', ref, object: deepClone(obj) };
    this.logAction(action);
    const canned = this.react(action);
    if (canned) return canned as T;
    const key = storeKey(ref);
    if (this.store.has(key)) {
      throw new KubeStatusError('create', ref, 409, 'AlreadyExists', `${resourceOf(ref).plural} "${ref.name}" already exists`);
    }
    this.store.set(key, deepClone(obj));
    return deepClone(obj);
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const action: RecordedAction = { verb: 'update', ref, object: deepClone(obj) };
    this.logAction(action);
    const canned = this.react(action);
    if (canned) return canned as T;
    const key = storeKey(ref);
    if (!this.store.has(key)) {
      throw new KubeStatusError('update', ref, 404, 'NotFound', `${resourceOf(ref).plural} "${ref.name}" not found`);
    }
    this.store.set(key, deepClone(obj));
    return deepClone(obj);
  }

  async patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, type: PatchType): Promise<T> {
    const action: RecordedAction = { verb: 'patch', ref: { ...ref }, patch: deepClone(patch), patchType: type };
    this.logAction(action);
    const canned = this.react(action);
    if (canned) return canned as T;
    const key = storeKey(ref);
    const cur = this.store.get(key);
    if (!cur) throw new KubeStatusError('patch', ref, 404, 'NotFound', `${resourceOf(ref).plural} "${ref.name}" not found`);
    if (type === 'json') throw new KubeStatusError('patch', ref, 415, 'UnsupportedMediaType', 'JSON patches are not replayed in dry-run');
    const next = applyMergePatch(cur, patch) as KubeObject;
    this.store.set(key, next);
    return deepClone(next) as T;
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const action: RecordedAction = { verb: 'delete', ref: { ...ref } };
    this.logAction(action);
    const canned = this.react(action);
    if (canned) return true;
    return this.store.delete(storeKey(ref));
  }

  // ---- logging, in kubeadm's words ----

  private println(line: string): void {
    this.out?.println(line);
  }

  private logObject(obj: KubeObject): void {
    if (!this.out) return;
    this.out.println('[dryrun] Attached object:');
    this.out.println(this.marshal(obj));
  }

  private logAction(action: RecordedAction): void {
    this.actions.push(action);
    if (!this.out) return;
    const { group, version } = splitApiVersion(action.ref.apiVersion);
    const res = resourceOf(action.ref);
    this.println(
      `[dryrun] Would perform action ${action.verb.toUpperCase()} on resource "${res.plural}" in API group "${group || 'core'}/${version}"`,
    );
    if (action.verb === 'get' || action.verb === 'patch' || action.verb === 'delete') {
      this.println(`[dryrun] Resource name "${action.ref.name}", namespace "${action.ref.namespace ?? ''}"`);
    }
    if (action.object) this.logObject(action.object);
  }

  private react(action: RecordedAction, after?: boolean): KubeObject | undefined {
    for (const r of this.reactors) {
      if (r.verb !== action.verb || r.kind !== action.ref.kind) continue;
      if (after !== undefined && !!r.after !== after) continue;
      const obj = r.react(action);
      if (obj) {
        this.logObject(obj);
        return deepClone(obj);
      }
    }
    return undefined;
  }
}
