// The wire under transport.ts: a mutual-TLS connection to whichever endpoint completes its handshake
// first (the others are dropped), and one HTTP/1.1 POST of JSON over it to etcd's gateway, both
// bounded by the time left of the request's deadline ("context deadline exceeded" when it passes).

import * as http from 'node:http';
import * as tls from 'node:tls';
import { TskError } from '../errors.js';
import { deadlineExceeded, EtcdServerError, type EtcdTLS } from './types.js';

export interface Conn {
  endpoint: string;
  url: URL;
  socket: tls.TLSSocket;
}

export function connectAny(endpoints: string[], t: EtcdTLS, timeoutMs: number): Promise<Conn> {
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

export function request(c: Conn, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
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
