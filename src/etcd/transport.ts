// One etcd API request the way kubeadm's clientv3 makes it, carried by etcd's HTTP/JSON gateway
// (POST /v3/...) over mutual TLS. Within the request's deadline (kubeadm's etcdTimeout, 2 s):
// - it goes to whichever endpoint completes a TLS handshake first (clientv3's balancer sends to a
//   ready connection; a stopped or unreachable member does not hold the others up);
// - when no endpoint can be reached it keeps trying until the deadline (clientv3 waits for a ready
//   connection), which then fails as "context deadline exceeded";
// - a server answer of Unavailable is retried on another endpoint for read-only calls, and a
//   learner's "rpc not supported for learner" for any call when there are other endpoints
//   (clientv3's retry interceptor); other server errors come back as they are ("etcdserver: ...").

import { TskError } from '../errors.js';
import { connectAny, request, type Conn } from './gateway-conn.js';
import { deadlineExceeded, EtcdServerError, type EtcdTLS } from './types.js';

/** read-only calls (member list, status) are retried on Unavailable; mutations only when never sent */
export type RetryPolicy = 'repeatable' | 'nonRepeatable';

/** gRPC code Unavailable */
const UNAVAILABLE = 14;
/** clientv3's defaultBackoffWaitBetween */
const RETRY_BACKOFF_MS = 25;
/** gRPC's first reconnect backoff */
const RECONNECT_BACKOFF_MS = 1000;

export { deadlineExceeded, EtcdServerError };

/** How the client reaches etcd; the real one is `gatewayTransport`, unit tests script their own. */
export interface EtcdTransport {
  /** one request to any of `endpoints` (a single endpoint for Status), within `timeoutMs` */
  call(endpoints: string[], path: string, body: unknown, policy: RetryPolicy, timeoutMs: number): Promise<unknown>;
}

function retryable(e: unknown, policy: RetryPolicy, endpoints: number): boolean {
  if (!(e instanceof EtcdServerError)) return policy === 'repeatable' && !(e instanceof TskError);
  if (/rpc not supported for learner/.test(e.message) && endpoints > 1) return true;
  return policy === 'repeatable' && e.code === UNAVAILABLE;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real transport: etcd's gateway over mutual TLS with the given certificates. */
export function gatewayTransport(t: EtcdTLS): EtcdTransport {
  return {
    async call(endpoints, path, body, policy, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const avoid = new Set<string>();
      for (;;) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw deadlineExceeded();
        let conn: Conn;
        try {
          const preferred = endpoints.filter((e) => !avoid.has(e));
          conn = await connectAny(preferred.length ? preferred : endpoints, t, remaining);
        } catch (e) {
          if (e instanceof TskError) throw e;
          await wait(Math.min(RECONNECT_BACKOFF_MS, Math.max(0, deadline - Date.now())));
          continue;
        }
        try {
          return await request(conn, path, body, deadline - Date.now());
        } catch (e) {
          if (!retryable(e, policy, endpoints.length)) throw e;
          avoid.add(conn.endpoint);
          await wait(RETRY_BACKOFF_MS);
        }
      }
    },
  };
}
