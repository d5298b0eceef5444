// A scripted etcd transport and a manual clock for the etcd client's unit tests: each request is
// answered by a handler, which may let time pass (a request that hangs until its deadline), and
// every request and sleep is recorded with the clock's time.
import { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdServerError, type EtcdTransport, type RetryPolicy } from '../../../src/etcd/transport.js';
import type { Clock } from '../../../src/etcd/poll.js';

export class ManualClock implements Clock {
  t = 0;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

export interface Req {
  at: number;
  endpoints: string[];
  path: string;
  body: unknown;
  policy: RetryPolicy;
  timeoutMs: number;
}

export type Handler = (r: Req) => unknown;

export class ScriptedTransport implements EtcdTransport {
  reqs: Req[] = [];
  constructor(
    private readonly clock: ManualClock,
    public handler: Handler,
  ) {}
  async call(endpoints: string[], path: string, body: unknown, policy: RetryPolicy, timeoutMs: number): Promise<unknown> {
    const r = { at: this.clock.t, endpoints: [...endpoints], path, body, policy, timeoutMs };
    this.reqs.push(r);
    return this.handler(r);
  }
  paths(): string[] {
    return this.reqs.map((r) => r.path.replace('/v3/', ''));
  }
}

/** a request that hangs until its deadline, as clientv3 reports it */
export function hang(clock: ManualClock, r: Req): never {
  clock.t += r.timeoutMs;
  throw new Error('context deadline exceeded');
}

export const serverError = (message: string, code = 9) => new EtcdServerError(message, code);

export interface M {
  ID: string;
  name?: string;
  peerURLs: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

export const member = (id: string, ip: string, o: { name?: string; learner?: boolean; started?: boolean } = {}): M => {
  const started = o.started ?? true;
  return {
    ID: id,
    ...(started ? { name: o.name ?? `node-${ip}`, clientURLs: [`https://${ip}:2379`] } : {}),
    peerURLs: [`https://${ip}:2380`],
    ...(o.learner ? { isLearner: true } : {}),
  };
};

export function setup(handler: Handler, endpoints = ['https://10.0.0.1:2379'], timeoutMs = 2000) {
  const clock = new ManualClock();
  const transport = new ScriptedTransport(clock, handler);
  const logs: string[] = [];
  const client = new EtcdClient(endpoints, { transport, clock, timeoutMs, log: (l, m) => logs.push(`${l} ${m}`) });
  return { clock, transport, logs, client };
}
