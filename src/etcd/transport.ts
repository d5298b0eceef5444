// One etcd API request the way kubeadm's clientv3 makes it, carried by etcd's HTTP/JSON gateway
// (POST /v3/...) over mutual TLS. Within the request's deadline (kubeadm's etcdTimeout, 2 s):
// - it goes to whichever endpoint completes a TLS handshake first (clientv3's balancer sends to a
//   ready connection; a stopped or unreachable member does not hold the others up);
// - when no endpoint can be reached it keeps trying until the deadline (clientv3 waits for a ready
//   connection), which then fails as "context deadline exceeded";
// - a server answer of Unavailable is retried on another endpoint for read-only calls, and a
//   learner's "rpc not supported for learner" for any call when there are other endpoints
//   (clientv3's retry interceptor); other server errors come back as they are ("etcdserver: ...").

import * as http from 'node:http';
import * as tls from 'node:tls';
import { TskError } from '../errors.js';
import type { EtcdTLS } from './types.js';

/** read-only calls (member list, status) are retried on Unavailable; mutations only when never sent */
export type RetryPolicy = 'repeatable' | 'nonRepeatable';

/** gRPC code Unavailable */
const UNAVAILABLE = 14;
/** clientv3's defaultBackoffWaitBetween */
const RETRY_BACKOFF_MS = 25;
/** gRPC's first reconnect backoff */
const RECONNECT_BACKOFF_MS = 1000;

/** An error etcd answered with; the message is the gRPC status message, as clientv3 reports it. */
export class EtcdServerError extends TskError {
  readonly code: number | undefined;
  constructor(message: string, code: number | undefined) {
    super(message);
    this.code = code;
  }
}

export const deadlineExceeded = (): TskError => new TskError('context deadline exceeded');

/** How the client reaches etcd; the real one is `gatewayTransport`, unit tests script their own. */
export interface EtcdTransport {
  /** one request to any of `endpoints` (a single endpoint for Status), within `timeoutMs` */
  call(endpoints: string[], path: string, body: unknown, policy: RetryPolicy, timeoutMs: number): Promise<unknown>;
}

interface Conn {
  endpoint: string;
  url: URL;
  socket: tls.TLSSocket;
}

function connectAny(endpoints: string[], t: EtcdTLS, timeoutMs: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const pending: tls.TLSSocket[] = [];
    let failed = 0;
    let last: unknown;
    let done = false;
    const finish = (winner?: tls.TLSSocket) => {
      done = true;
      clearTimeout(timer);
      for (const s of pending) if (s !== winner) s.destroy();
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      reject(deadlineExceeded());
    }, timeoutMs);
    for (const endpoint of endpoints) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch (e) {
        last = e;
        failed++;
        continue;
      }
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      const socket = tls.connect({ host, port: Number(url.port || 2379), ca: t.ca, cert: t.cert, key: t.key });
      pending.push(socket);
      socket.once('secureConnect', () => {
        if (done) return;
        finish(socket);
        resolve({ endpoint, url, socket });
      });
      socket.on('error', (e) => {
        socket.destroy();
        if (done) return;
        last = e;
        if (++failed === endpoints.length) {
          finish();
          reject(last);
        }
      });
    }
    if (failed === endpoints.length && !done) {
      finish();
      reject(last ?? new TskError('no etcd endpoints'));
    }
  });
}

function request(c: Conn, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(deadlineExceeded()), timeoutMs);
    const req = http.request(
      {
        host: c.url.hostname,
        port: c.url.port || 2379,
        path,
        method: 'POST',
        createConnection: () => c.socket,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('error', (e) => (clearTimeout(timer), reject(e)));
        res.on('end', () => {
          clearTimeout(timer);
          c.socket.destroy();
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: { message?: string; error?: string; code?: number };
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            reject(new TskError(`etcd ${c.endpoint}${path}: invalid response (HTTP ${res.statusCode}): ${text.slice(0, 200)}`));
            return;
          }
          if ((res.statusCode ?? 500) >= 400) reject(new EtcdServerError(parsed.message || parsed.error || `HTTP ${res.statusCode}`, parsed.code));
          else resolve(parsed);
        });
      },
    );
    req.on('error', (e) => (clearTimeout(timer), c.socket.destroy(), reject(e)));
    req.end(data);
  });
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
