// A small etcd v3 client for reset: member list and member remove through etcd's HTTP/JSON gateway
// (POST /v3/cluster/member/list, /v3/cluster/member/remove), over mutual TLS with the certificates
// kubeadm uses (etcd CA + healthcheck-client). kubeadm uses the gRPC client; the gateway carries the
// same messages as JSON (uint64 fields such as member IDs travel as decimal strings).

import * as https from 'node:https';
import { TskError } from '../../errors.js';

/** one attempt's deadline, kubeadm's etcdTimeout */
export const ETCD_REQUEST_TIMEOUT_MS = 2000;
/** kubeadm's EtcdAPICallRetryInterval */
export const ETCD_RETRY_INTERVAL_MS = 500;

export interface EtcdMember {
  /** decimal uint64, as the gateway prints it */
  id: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface EtcdTLS {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface EtcdClientOptions {
  tls: EtcdTLS;
  /** overall deadline of the retried calls (timeouts.etcdAPICall) */
  timeoutMs: number;
  requestTimeoutMs?: number;
  retryIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (level: number, msg: string) => void;
}

interface RawMember {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

function toMember(m: RawMember): EtcdMember {
  return {
    id: String(m.ID ?? '0'),
    name: m.name ?? '',
    peerURLs: m.peerURLs ?? [],
    clientURLs: m.clientURLs ?? [],
    isLearner: m.isLearner === true,
  };
}

/** the member ID as kubeadm logs it (hex) */
export function hexId(id: string): string {
  return BigInt(id).toString(16);
}

export class EtcdClient {
  endpoints: string[];
  private readonly o: Required<Omit<EtcdClientOptions, 'log'>> & Pick<EtcdClientOptions, 'log'>;

  constructor(endpoints: string[], opts: EtcdClientOptions) {
    this.endpoints = [...endpoints];
    this.o = {
      requestTimeoutMs: ETCD_REQUEST_TIMEOUT_MS,
      retryIntervalMs: ETCD_RETRY_INTERVAL_MS,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...opts,
    };
  }

  /** POST one gateway call to one endpoint */
  private post(endpoint: string, path: string, body: unknown): Promise<unknown> {
    const url = new URL(path, endpoint.endsWith('/') ? endpoint : endpoint + '/');
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'POST',
          ca: this.o.tls.ca,
          cert: this.o.tls.cert,
          key: this.o.tls.key,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
          timeout: this.o.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              reject(new TskError(`etcd ${endpoint}${path}: invalid response (HTTP ${res.statusCode}): ${text.slice(0, 200)}`));
              return;
            }
            if ((res.statusCode ?? 500) >= 400) {
              const p = parsed as { message?: string; error?: string; code?: number };
              reject(Object.assign(new TskError(`etcdserver: ${p.message ?? p.error ?? `HTTP ${res.statusCode}`}`), { grpcCode: p.code }));
              return;
            }
            resolve(parsed);
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new TskError('context deadline exceeded')));
      req.on('error', reject);
      req.end(data);
    });
  }

  /** one call against the endpoints in order; the first that answers wins (clientv3 balances over them) */
  private async call(path: string, body: unknown): Promise<unknown> {
    let last: unknown = new TskError('no etcd endpoints');
    for (const ep of this.endpoints) {
      try {
        return await this.post(ep, path, body);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  /** retry `fn` every retry interval until the deadline; rethrows the last error */
  private async retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.o.timeoutMs;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        this.o.log?.(5, `Failed to ${what}: ${e instanceof Error ? e.message : String(e)}`);
        if (Date.now() + this.o.retryIntervalMs > deadline) throw e;
        await this.o.sleep(this.o.retryIntervalMs);
      }
    }
  }

  async listMembersOnce(): Promise<EtcdMember[]> {
    const r = (await this.call('v3/cluster/member/list', {})) as { members?: RawMember[] };
    return (r.members ?? []).map(toMember);
  }

  /** kubeadm's Sync: the endpoints become the client URLs of every member */
  async sync(): Promise<void> {
    const members = await this.retry('sync etcd endpoints', () => this.listMembersOnce());
    const urls = members.flatMap((m) => m.clientURLs);
    if (urls.length) this.endpoints = urls;
  }

  listMembers(): Promise<EtcdMember[]> {
    return this.retry('get etcd member list', () => this.listMembersOnce());
  }

  /** kubeadm's RemoveMember: a member that is already gone counts as removed; returns the members left */
  async removeMember(id: string): Promise<EtcdMember[]> {
    return this.retry('remove etcd member', async () => {
      const members = await this.listMembersOnce();
      if (!members.some((m) => m.id === id)) {
        this.o.log?.(5, `Member ${hexId(id)} was not found; assuming it was already removed`);
        return members;
      }
      try {
        const r = (await this.call('v3/cluster/member/remove', { ID: id })) as { members?: RawMember[] };
        return (r.members ?? []).map(toMember);
      } catch (e) {
        if (e instanceof Error && /member not found/.test(e.message)) return this.listMembersOnce();
        throw e;
      }
    });
  }
}
