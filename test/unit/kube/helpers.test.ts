// The retrying helpers of BaseKubeClient (kubeadm util/apiclient/idempotency.go semantics), driven
// through a scripted in-process client: each primitive call is answered by the test, in order, and
// the clock is fake so timeouts are instant.
import { describe, expect, it } from 'vitest';
import { BaseKubeClient, type ListOptions, type PatchType } from '../../../src/kube/base.js';
import { KubeStatusError, isNotFound, isTransient, isConflict, isAlreadyExists } from '../../../src/kube/errors.js';
import { twoWayMergePatch } from '../../../src/kube/patch.js';
import { KubeApiError } from '../../../src/errors.js';
import type { Clock } from '../../../src/kube/poll.js';
import { refOf, type KubeObject, type NodeObject, type ObjectRef } from '../../../src/kube/types.js';

type Call = { verb: string; ref: ObjectRef; body?: unknown };
type Answer = (call: Call) => unknown;

function fakeClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

/** Answers each call with the next scripted function; a thrown value is the API error. */
class ScriptedClient extends BaseKubeClient {
  readonly calls: Call[] = [];
  constructor(private readonly script: Answer[], clock = fakeClock(), timeoutMs = 60_000) {
    super({ clock, apiCallTimeoutMs: timeoutMs });
  }
  private next(call: Call): unknown {
    this.calls.push(call);
    const a = this.script.shift();
    if (!a) throw new Error(`unscripted call ${call.verb} ${call.ref.kind}/${call.ref.name}`);
    return a(call);
  }
  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    return this.next({ verb: 'get', ref }) as T | undefined;
  }
  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, _o?: ListOptions): Promise<T[]> {
    return this.next({ verb: 'list', ref: { apiVersion, kind, name: '', ...(namespace ? { namespace } : {}) } }) as T[];
  }
  async create<T extends KubeObject>(obj: T): Promise<T> {
    return this.next({ verb: 'create', ref: refOf(obj), body: obj }) as T;
  }
  async update<T extends KubeObject>(obj: T): Promise<T> {
    return this.next({ verb: 'update', ref: refOf(obj), body: obj }) as T;
  }
  async patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, _t: PatchType): Promise<T> {
    return this.next({ verb: 'patch', ref, body: patch }) as T;
  }
  async delete(ref: ObjectRef): Promise<boolean> {
    return this.next({ verb: 'delete', ref }) as boolean;
  }
}

const cm = (data: Record<string, string> = { a: '1' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'kube-system' },
  data,
});
const err = (verb: string, status: number | undefined, reason: string) => () => {
  throw new KubeStatusError(verb, { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'x' }, status, reason, 'msg');
};
const ok = (v: unknown = {}) => () => v;
const none = () => undefined;

describe('apply (create or update)', () => {
  it('creates', async () => {
    const c = new ScriptedClient([ok()]);
    await c.apply(cm());
    expect(c.calls.map((x) => x.verb)).toEqual(['create']);
  });

  it('on AlreadyExists replaces the object, carrying the live resourceVersion', async () => {
    const c = new ScriptedClient([err('create', 409, 'AlreadyExists'), ok({ ...cm({ old: 'y' }), metadata: { name: 'x', namespace: 'kube-system', resourceVersion: '42' } }), ok()]);
    await c.apply(cm());
    expect(c.calls.map((x) => x.verb)).toEqual(['create', 'get', 'update']);
    const sent = c.calls[2]!.body as KubeObject;
    expect(sent.metadata.resourceVersion).toBe('42');
    expect(sent['data']).toEqual({ a: '1' });
  });

  it('retries a 409 Conflict on update from a fresh read', async () => {
    const live = ok({ ...cm(), metadata: { name: 'x', namespace: 'kube-system', resourceVersion: '1' } });
    const clock = fakeClock();
    const c = new ScriptedClient([err('create', 409, 'AlreadyExists'), live, err('update', 409, 'Conflict'), err('create', 409, 'AlreadyExists'), live, ok()], clock);
    await c.apply(cm());
    expect(c.calls.map((x) => x.verb)).toEqual(['create', 'get', 'update', 'create', 'get', 'update']);
    expect(clock.slept).toEqual([500]);
  });

  it('retries transient errors every 500 ms and gives up after the API call timeout with the last error', async () => {
    const clock = fakeClock();
    const script: Answer[] = Array.from({ length: 100 }, () => err('create', undefined, 'ECONNREFUSED'));
    const c = new ScriptedClient(script, clock, 2_000);
    await expect(c.apply(cm())).rejects.toThrow('unable to create ConfigMap "kube-system/x": ECONNREFUSED: msg');
    expect(c.calls.length).toBe(4); // t=0, 500, 1000, 1500
    expect(clock.slept.every((ms) => ms === 500)).toBe(true);
  });

  it('stops at once on a permanent error (422 Invalid)', async () => {
    const c = new ScriptedClient([err('create', 422, 'Invalid')]);
    const e = await c.apply(cm()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KubeApiError);
    expect((e as KubeApiError).status).toBe(422);
    expect(c.calls.length).toBe(1);
  });
});

describe('createOrMutate / createOrRetain', () => {
  it('mutates the live object when it exists', async () => {
    const live = { ...cm({ ClusterConfiguration: 'old', other: 'keep' }), metadata: { name: 'x', namespace: 'kube-system', resourceVersion: '7' } };
    const c = new ScriptedClient([err('create', 409, 'AlreadyExists'), ok(live), ok()]);
    await c.createOrMutate(cm({ ClusterConfiguration: 'new' }), (o) => {
      (o['data'] as Record<string, string>)['ClusterConfiguration'] = 'new';
    });
    const sent = c.calls[2]!.body as KubeObject;
    expect(sent['data']).toEqual({ ClusterConfiguration: 'new', other: 'keep' });
    expect(sent.metadata.resourceVersion).toBe('7');
  });

  it('retain: an existing object is left alone, a missing one is created', async () => {
    const a = new ScriptedClient([ok(cm())]);
    await a.createOrRetain(cm());
    expect(a.calls.map((x) => x.verb)).toEqual(['get']);
    const b = new ScriptedClient([none, ok()]);
    await b.createOrRetain(cm());
    expect(b.calls.map((x) => x.verb)).toEqual(['get', 'create']);
  });
});

describe('patchNode', () => {
  const node = (labels: Record<string, string> = { 'kubernetes.io/hostname': 'cp1' }): NodeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'cp1', labels, resourceVersion: '5' },
    spec: { podCIDR: '10.244.0.0/24' },
  });

  it('waits for the hostname label, then sends only the difference as a strategic merge patch', async () => {
    const clock = fakeClock();
    const c = new ScriptedClient([none, ok(node({})), ok(node()), ok()], clock);
    await c.patchNode('cp1', (n) => {
      n.metadata.labels!['node-role.kubernetes.io/control-plane'] = '';
      n.spec!.taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
    });
    expect(c.calls.map((x) => x.verb)).toEqual(['get', 'get', 'get', 'patch']);
    expect(c.calls[3]!.body).toEqual({
      metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
    });
  });

  it('reports a Node that never gets its hostname label', async () => {
    const c = new ScriptedClient(Array.from({ length: 10 }, () => ok(node({}))), fakeClock(), 1_000);
    await expect(c.patchNode('cp1', () => {})).rejects.toThrow('timed out waiting for Node "cp1" to carry the "kubernetes.io/hostname" label');
  });

  it('reports the last error when the Node never shows up', async () => {
    const c = new ScriptedClient(Array.from({ length: 10 }, () => none), fakeClock(), 1_000);
    await expect(c.patchNode('cp1', () => {})).rejects.toThrow(/unable to get Node "cp1": 404 NotFound/);
  });
});

describe('waitFor', () => {
  it('returns the object once the predicate holds', async () => {
    const c = new ScriptedClient([none, ok(cm({ a: '0' })), ok(cm({ a: '1' }))]);
    const got = await c.waitFor({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'x' }, (o) => (o?.['data'] as any)?.a === '1');
    expect((got!['data'] as any).a).toBe('1');
  });
  it('times out naming the object', async () => {
    const c = new ScriptedClient(Array.from({ length: 10 }, () => none), fakeClock(), 1_000);
    await expect(c.waitFor({ apiVersion: 'v1', kind: 'Secret', namespace: 'ns', name: 's' }, (o) => !!o)).rejects.toThrow(
      'timed out waiting for Secret "ns/s"',
    );
  });
});

describe('error classification', () => {
  const e = (status: number | undefined, reason: string) => new KubeStatusError('create', undefined, status, reason, '');
  it('matches apierrors semantics', () => {
    expect(isAlreadyExists(e(409, 'AlreadyExists'))).toBe(true);
    expect(isConflict(e(409, 'AlreadyExists'))).toBe(false);
    expect(isConflict(e(409, 'Conflict'))).toBe(true);
    expect(isNotFound(e(404, 'NotFound'))).toBe(true);
    expect(isTransient(e(undefined, 'ECONNREFUSED'))).toBe(true);
    expect(isTransient(e(503, 'ServiceUnavailable'))).toBe(true);
    expect(isTransient(e(422, 'Invalid'))).toBe(false);
  });
  it('messages name the verb, the object and the status', () => {
    const x = new KubeStatusError('update', { apiVersion: 'v1', kind: 'Service', namespace: 'kube-system', name: 'kube-dns' }, 422, 'Invalid', 'spec.clusterIP: Invalid value');
    expect(x.message).toBe('unable to update Service "kube-system/kube-dns": 422 Invalid: spec.clusterIP: Invalid value');
    expect(x.exitCode).toBe(1);
  });
});

describe('twoWayMergePatch', () => {
  it('diffs maps, replaces lists, nulls removed keys', () => {
    expect(twoWayMergePatch({ a: 1, b: { c: 1, d: 2 }, l: [1, 2], gone: 'x' }, { a: 1, b: { c: 1, d: 3 }, l: [1, 2, 3] })).toEqual({
      b: { d: 3 },
      l: [1, 2, 3],
      gone: null,
    });
    expect(twoWayMergePatch({ a: [1] }, { a: [1] })).toEqual({});
  });
});
