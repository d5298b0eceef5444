// The real Kubernetes API client: plain JSON over node:https, so objects reach the server exactly as
// the renderers built them (no model round-trip dropping or retyping fields). Kubeconfigs are read
// with src/kubeconfig and turned into TLS options and credentials by ./transport.ts (client-go's
// rules as kubeadm uses them); no Kubernetes client library is involved.

import * as http from 'node:http';
import * as https from 'node:https';
import type { Host } from '../host/types.js';
import { KubeApiError } from '../errors.js';
import { TSKUBEADM_VERSION } from '../versions.js';
import { BaseKubeClient, PATCH_CONTENT_TYPES, type BaseClientOptions, type KubeClient, type ListOptions, type PatchType } from './base.js';
import { KubeStatusError, reasonForCode } from './errors.js';
import { transportFromKubeconfig, transportFromParts, type KubeTransport, type TransportParts } from './transport.js';
import {
  guessPlural,
  knownResource,
  refOf,
  splitApiVersion,
  type KubeObject,
  type ObjectRef,
  type ResourceInfo,
} from './types.js';

export type { KubeClient, ListOptions, PatchType, RetryOptions } from './base.js';
export type { TransportParts } from './transport.js';

export interface KubeClientOptions extends BaseClientOptions, TransportParts {
  /**
   * kubeconfig file contents (YAML/JSON). Without it, `server` and the other TransportParts say
   * everything: join's discovery uses {server, insecureSkipTLSVerify: true}, then
   * {server, caData}, then {server, caData, token}.
   */
  kubeconfig?: string | Uint8Array;
  /** where the kubeconfig came from (named in messages) */
  kubeconfigPath?: string;
  /** reads the kubeconfig's credential files (confined to --rootfs) and runs its exec plugins;
   *  default: this machine's root */
  host?: Host;
  /** replaces the server URL of the current cluster (kubeadm points admin.conf at the local endpoint) */
  server?: string;
  /** per-request timeout (ms); default 30 s, or apiCallTimeoutMs when that is shorter (a request that
   *  outlives the whole API-call budget would make a hung apiserver hang the command) */
  requestTimeoutMs?: number;
  userAgent?: string;
}

interface RawResponse {
  status: number;
  body: string;
  /** "METHOD URL" of the request answered */
  request?: string;
}

function goArch(): string {
  const a = process.arch;
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}

/**
 * Nothing left to preload: the client is plain node:https and the kubeconfig reader is in the main
 * bundle. Kept so that callers written against the earlier client keep working.
 */
export function preloadKubeClient(): Promise<void> {
  return Promise.resolve();
}

/** Build a client from kubeconfig text, or from explicit connection parts. */
export async function createKubeClient(opts: KubeClientOptions): Promise<KubeClient> {
  const { kubeconfig, kubeconfigPath, host, server, caData, insecureSkipTLSVerify, tlsServerName, token, clientCertData, clientKeyData } = opts;
  const parts: TransportParts = {
    ...(server !== undefined ? { server } : {}),
    ...(caData !== undefined ? { caData } : {}),
    ...(insecureSkipTLSVerify !== undefined ? { insecureSkipTLSVerify } : {}),
    ...(tlsServerName !== undefined ? { tlsServerName } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(clientCertData !== undefined ? { clientCertData } : {}),
    ...(clientKeyData !== undefined ? { clientKeyData } : {}),
  };
  const transport =
    kubeconfig === undefined
      ? transportFromParts(parts)
      : await transportFromKubeconfig({ kubeconfig, ...(kubeconfigPath ? { file: kubeconfigPath } : {}), ...(host ? { host } : {}) }, parts);
  return new RealKubeClient(transport, opts);
}

/** Build a client from a kubeconfig file on the host (e.g. /etc/kubernetes/admin.conf). */
export async function loadKubeClient(host: Host, kubeconfigPath: string, opts: Omit<KubeClientOptions, 'kubeconfig'> = {}): Promise<KubeClient> {
  let text: string;
  try {
    text = await host.readText(kubeconfigPath);
  } catch (e) {
    throw new KubeApiError(`failed to load admin kubeconfig: open ${kubeconfigPath}: ${e instanceof Error ? e.message : String(e)}`, undefined, {
      cause: e,
    });
  }
  return createKubeClient({ host, kubeconfigPath, ...opts, kubeconfig: text });
}

class RealKubeClient extends BaseKubeClient {
  private readonly transport: KubeTransport;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(transport: KubeTransport, opts: KubeClientOptions) {
    super(opts);
    this.transport = transport;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? Math.min(30_000, opts.apiCallTimeoutMs ?? 30_000);
    this.userAgent = opts.userAgent ?? `tskubeadm/v${TSKUBEADM_VERSION} (${process.platform}/${goArch()})`;
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const path = await this.objectPath(ref, 'get');
    const res = await this.send('GET', path, 'get', ref);
    if (res.status === 404) return undefined;
    return this.decode<T>(res, 'get', ref);
  }

  async list<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string, opts: ListOptions = {}): Promise<T[]> {
    const ref: ObjectRef = { apiVersion, kind, name: '', ...(namespace ? { namespace } : {}) };
    const info = await this.resource(apiVersion, kind, 'list');
    let path = this.collectionPath(apiVersion, info, namespace);
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    if ([...q.keys()].length) path += `?${q.toString()}`;
    const res = await this.send('GET', path, 'list', ref);
    const body = this.decode<{ items?: T[] } & KubeObject>(res, 'list', ref);
    return (body.items ?? []).map((it) => ({ ...it, apiVersion, kind }) as T);
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const info = await this.resource(obj.apiVersion, obj.kind, 'create', ref);
    const path = this.collectionPath(obj.apiVersion, info, info.namespaced ? (ref.namespace ?? 'default') : undefined);
    const res = await this.send('POST', path, 'create', ref, JSON.stringify(obj), 'application/json');
    return this.decode<T>(res, 'create', ref);
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const path = await this.objectPath(ref, 'update');
    const res = await this.send('PUT', path, 'update', ref, JSON.stringify(obj), 'application/json');
    return this.decode<T>(res, 'update', ref);
  }

  async patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: unknown, type: PatchType): Promise<T> {
    const path = await this.objectPath(ref, 'patch');
    const res = await this.send('PATCH', path, 'patch', ref, JSON.stringify(patch), PATCH_CONTENT_TYPES[type]);
    return this.decode<T>(res, 'patch', ref);
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    const path = await this.objectPath(ref, 'delete');
    const res = await this.send('DELETE', path, 'delete', ref);
    if (res.status === 404) return false;
    this.decode(res, 'delete', ref);
    return true;
  }

  // ---- paths and discovery ----

  private groupVersionPath(apiVersion: string): string {
    const { group, version } = splitApiVersion(apiVersion);
    return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  }

  private collectionPath(apiVersion: string, info: ResourceInfo, namespace: string | undefined): string {
    const gv = this.groupVersionPath(apiVersion);
    return info.namespaced && namespace ? `${gv}/namespaces/${encodeURIComponent(namespace)}/${info.plural}` : `${gv}/${info.plural}`;
  }

  private async objectPath(ref: ObjectRef, verb: string): Promise<string> {
    if (!ref.name) throw new KubeApiError(`unable to ${verb} ${ref.kind}: no name given`);
    const info = await this.resource(ref.apiVersion, ref.kind, verb, ref);
    const ns = info.namespaced ? (ref.namespace ?? 'default') : undefined;
    return `${this.collectionPath(ref.apiVersion, info, ns)}/${encodeURIComponent(ref.name)}`;
  }

  private async resource(apiVersion: string, kind: string, verb: string, ref?: ObjectRef): Promise<ResourceInfo> {
    const known = knownResource(apiVersion, kind);
    if (known) return known;
    let p = this.discovery.get(apiVersion);
    if (!p) {
      p = this.discover(apiVersion, verb, ref);
      this.discovery.set(apiVersion, p);
      p.catch(() => this.discovery.delete(apiVersion));
    }
    const table = await p;
    return table.get(kind) ?? { plural: guessPlural(kind), namespaced: true };
  }

  private async discover(apiVersion: string, verb: string, ref?: ObjectRef): Promise<Map<string, ResourceInfo>> {
    const res = await this.send('GET', this.groupVersionPath(apiVersion), verb, ref);
    const body = this.decode<{ resources?: { name: string; kind: string; namespaced: boolean }[] } & KubeObject>(res, verb, ref);
    const table = new Map<string, ResourceInfo>();
    for (const r of body.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources
      table.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    }
    return table;
  }

  // ---- the wire ----

  private decode<T>(res: RawResponse, verb: string, ref: ObjectRef | undefined): T {
    if (res.status >= 200 && res.status < 300) {
      try {
        return (res.body ? JSON.parse(res.body) : {}) as T;
      } catch (e) {
        throw new KubeStatusError(verb, ref, res.status, 'Unknown', `the server answered with something that is not JSON: ${res.body.slice(0, 200)}`, e, res.request);
      }
    }
    let reason: string = reasonForCode(res.status);
    let message = res.body.trim();
    try {
      const st = JSON.parse(res.body) as { kind?: string; reason?: string; message?: string };
      if (st && st.kind === 'Status') {
        if (st.reason) reason = st.reason;
        if (st.message !== undefined) message = st.message;
      }
    } catch {
      // not a Status document; keep the raw text
    }
    throw new KubeStatusError(verb, ref, res.status, reason, message, undefined, res.request);
  }

  private async send(method: string, path: string, verb: string, ref: ObjectRef | undefined, body?: string, contentType?: string): Promise<RawResponse> {
    const url = new URL(this.transport.server + path);
    const isHttps = url.protocol === 'https:';
    const request = `${method} ${url.href}`;
    const creds = await this.transport.credentials().catch((e: Error) => {
      throw new KubeStatusError(verb, ref, undefined, 'CredentialsError', e.message, e, request);
    });
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    if (isHttps && creds.authorization) headers['Authorization'] = creds.authorization;
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const options: https.RequestOptions = isHttps ? { ...creds.tls, method, headers } : { method, headers };
    return new Promise<RawResponse>((resolve, reject) => {
      const onError = (e: Error & { code?: string }) =>
        reject(new KubeStatusError(verb, ref, undefined, e.code ?? 'ConnectionError', e.message, e, request));
      const req = (isHttps ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), request }));
        res.on('error', onError);
      });
      // a deadline for the whole exchange (connect, TLS handshake, answer), not an idle timer
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error(`no answer within ${this.requestTimeoutMs}ms`), { code: 'Timeout' }));
      }, this.requestTimeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', onError);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
