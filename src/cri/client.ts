// A CRI (runtime.v1) client over the runtime's unix socket, the way kubeadm talks to containerd
// or CRI-O since it stopped shelling out to crictl. The gRPC libraries are imported lazily, on the
// first call, so that commands which never touch the runtime (e.g. `--help`) never load them.
import * as net from 'node:net';
import type { Host } from '../host/types.js';
import { CriError, GrpcCode, errnoText, isUnimplemented, rpcErrorText } from './errors.js';
import { CRI_PROTO, protoToJson } from './proto.js';

/** kubeadm's (and crictl's) default per-call timeout */
export const DEFAULT_CRI_TIMEOUT_MS = 2000;
/** kubeadm's PullImageRetry / RemoveContainerRetry */
export const PULL_IMAGE_RETRIES = 5;
export const REMOVE_POD_RETRIES = 5;

export interface CriClientOptions {
  /** resolves the socket path under --rootfs (only `resolve` is used) */
  host?: Pick<Host, 'resolve'>;
  /** connection and per-call deadline; default 2s like kubeadm */
  timeoutMs?: number;
  /** deadline for one PullImage call; default none (kubeadm sets none) */
  pullTimeoutMs?: number;
  pullRetries?: number;
  removeRetries?: number;
}

export interface CriVersion {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface CriRuntimeCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface CriStatus {
  conditions: CriRuntimeCondition[];
  /** verbose information (e.g. containerd's "config" JSON); empty unless asked for */
  info: Record<string, string>;
}

export interface CriRuntimeConfig {
  cgroupDriver: 'systemd' | 'cgroupfs';
}

export interface CriPodSandbox {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  /** nanoseconds since the epoch, as a decimal string (int64) */
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}

export type CriContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface CriContainer {
  id: string;
  podSandboxId: string;
  name: string;
  attempt: number;
  image: string;
  imageRef: string;
  state: CriContainerState;
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface CriContainerStatus extends CriContainer {
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
  message: string;
  logPath: string;
}

export interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** bytes, as a decimal string (uint64) */
  size: string;
  pinned: boolean;
}

export interface PodSandboxFilter {
  id?: string;
  state?: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  labelSelector?: Record<string, string>;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: CriContainerState;
  labelSelector?: Record<string, string>;
}

export interface CriClient {
  /** the endpoint as given, e.g. unix:///var/run/containerd/containerd.sock */
  readonly endpoint: string;
  /**
   * Open the connection and validate it the way k8s.io/cri-client does (a Version call on the
   * runtime service, an ImageFsInfo call on the image service). Every other method connects
   * on first use; calling this first only gives the connection error its own place.
   */
  connect(): Promise<void>;
  version(): Promise<CriVersion>;
  status(verbose?: boolean): Promise<CriStatus>;
  /** resolves when the RuntimeReady condition is true; otherwise rejects with kubeadm's text */
  isRunning(): Promise<void>;
  /** the runtime's cgroup driver; null when the runtime does not implement RuntimeConfig */
  runtimeConfig(): Promise<CriRuntimeConfig | null>;
  /** the pause image the runtime is configured with (from verbose Status info "config") */
  sandboxImage(): Promise<string>;
  /** null when the image is not present */
  imageStatus(image: string): Promise<CriImage | null>;
  /** kubeadm's ImageExists: any error counts as "not present" */
  imageExists(image: string): Promise<boolean>;
  /** pull with kubeadm's retries; resolves to the image reference */
  pullImage(image: string): Promise<string>;
  listImages(): Promise<CriImage[]>;
  listPodSandboxes(filter?: PodSandboxFilter): Promise<CriPodSandbox[]>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  /** stop then remove each sandbox, retrying like kubeadm; rejects with the aggregated errors */
  removePodSandboxes(ids: string[]): Promise<void>;
  /** kubeadm reset's cleanup: list every pod sandbox, stop and remove them; resolves to their IDs */
  stopAndRemoveAllPods(): Promise<string[]>;
  listContainers(filter?: ContainerFilter): Promise<CriContainer[]>;
  containerStatus(id: string): Promise<CriContainerStatus | null>;
  close(): void;
}

/** Where a CRI endpoint points: the socket path as the node sees it. */
export function parseCriEndpoint(endpoint: string): string {
  let ep = endpoint;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(ep)) ep = `unix://${ep}`; // bare paths fall back to unix
  let u: URL;
  try {
    u = new URL(ep);
  } catch {
    throw new CriError(`parse "${endpoint}": invalid CRI endpoint`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme === 'tcp') throw new CriError('only support unix socket endpoint');
  if (scheme !== 'unix') throw new CriError(`protocol "${scheme}" not supported`);
  return decodeURIComponent(u.pathname);
}

// ---------------------------------------------------------------------------------------------
// lazy gRPC loading

type GrpcModule = typeof import('@grpc/grpc-js');
interface Loaded {
  grpc: GrpcModule;
  RuntimeService: import('@grpc/grpc-js').ServiceClientConstructor;
  ImageService: import('@grpc/grpc-js').ServiceClientConstructor;
}
let loading: Promise<Loaded> | undefined;

function loadGrpc(): Promise<Loaded> {
  loading ??= (async () => {
    const grpc = await import('@grpc/grpc-js');
    const loader = await import('@grpc/proto-loader');
    const def = loader.fromJSON(protoToJson(CRI_PROTO) as unknown as Parameters<typeof loader.fromJSON>[0], {
      keepCase: true, // the JSON form already carries camelCase names
      longs: String,
      enums: String,
      defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      runtime: { v1: { RuntimeService: Loaded['RuntimeService']; ImageService: Loaded['ImageService'] } };
    };
    return { grpc, RuntimeService: pkg.runtime.v1.RuntimeService, ImageService: pkg.runtime.v1.ImageService };
  })();
  return loading;
}

// ---------------------------------------------------------------------------------------------

type Raw = Record<string, any>; // decoded protobuf message (defaults filled in)
type UnaryFn = (req: unknown, meta: unknown, opts: unknown, cb: (err: any, res: Raw) => void) => unknown;

export function createCriClient(endpoint: string, opts: CriClientOptions = {}): CriClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CRI_TIMEOUT_MS;
  const pullRetries = opts.pullRetries ?? PULL_IMAGE_RETRIES;
  const removeRetries = opts.removeRetries ?? REMOVE_POD_RETRIES;

  let socketPath: string | undefined; // as the node sees it (for messages)
  let realPath: string | undefined; // under --rootfs
  let runtimeClient: import('@grpc/grpc-js').Client | undefined;
  let imageClient: import('@grpc/grpc-js').Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let grpcMod: GrpcModule | undefined;

  // Go's grpc reports a failed dial inside an Unavailable status with this wording
  const dialFailure = (errno: string | undefined, fallback: string) =>
    rpcErrorText(
      GrpcCode.Unavailable,
      `connection error: desc = "transport: Error while dialing: dial unix ${socketPath}: connect: ${errnoText(errno, fallback)}"`,
    );

  function toCriError(err: any): CriError {
    if (err instanceof CriError) return err;
    const code: number | undefined = typeof err?.code === 'number' ? err.code : undefined;
    if (code === undefined) return new CriError(String(err?.message ?? err), undefined, err);
    const details: string = typeof err.details === 'string' ? err.details : String(err.message ?? '');
    if (code === GrpcCode.DeadlineExceeded) {
      return new CriError(rpcErrorText(code, 'context deadline exceeded'), code, err);
    }
    if (code === GrpcCode.Unavailable) {
      const m = /connect (E[A-Z]+)/.exec(details);
      if (m) return new CriError(dialFailure(m[1], m[1]!), code, err);
    }
    return new CriError(rpcErrorText(code, details), code, err);
  }

  function call(client: import('@grpc/grpc-js').Client, method: string, req: unknown, deadlineMs: number | undefined): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, UnaryFn>)[method];
      if (typeof fn !== 'function') {
        reject(new CriError(`CRI method ${method} is not known to this client`));
        return;
      }
      const callOpts = deadlineMs === undefined ? {} : { deadline: new Date(Date.now() + deadlineMs) };
      fn.call(client, req, new grpcMod!.Metadata(), callOpts, (err: any, res: Raw) => {
        if (err) reject(toCriError(err));
        else resolve(res);
      });
    });
  }

  function predial(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ path });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new CriError(rpcErrorText(GrpcCode.DeadlineExceeded, 'context deadline exceeded'), GrpcCode.DeadlineExceeded));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        sock.destroy();
        resolve();
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        sock.destroy();
        reject(new CriError(dialFailure(e.code, e.message), GrpcCode.Unavailable, e));
      });
    });
  }

  async function doConnect(): Promise<void> {
    const runtimePrefix = 'failed to create new CRI runtime service';
    try {
      socketPath = parseCriEndpoint(endpoint);
    } catch (e) {
      throw toCriError(e).wrap(runtimePrefix);
    }
    realPath = opts.host ? opts.host.resolve(socketPath) : socketPath;
    const { grpc, RuntimeService, ImageService } = await loadGrpc();
    grpcMod = grpc;
    if (closed) throw new CriError('CRI client is closed');
    const channelOpts = {
      'grpc.default_authority': 'localhost',
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
      'grpc.max_send_message_length': 16 * 1024 * 1024,
    };
    const validated = async (prefix: string, api: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        throw toCriError(e).wrap(`validate CRI v1 ${api} API for endpoint "${endpoint}"`).wrap('validate service connection').wrap(prefix);
      }
    };
    // the dial error is the one users need; report it with Go's words before grpc retries hide it
    await validated(runtimePrefix, 'runtime', () => predial(realPath!));
    runtimeClient = new RuntimeService(`unix://${realPath}`, grpc.credentials.createInsecure(), channelOpts);
    await validated(runtimePrefix, 'runtime', () => call(runtimeClient!, 'Version', {}, timeoutMs));
    imageClient = new ImageService(`unix://${realPath}`, grpc.credentials.createInsecure(), {
      ...channelOpts,
      channelOverride: runtimeClient.getChannel(),
    });
    await validated('failed to create new CRI image service', 'image', () => call(imageClient!, 'ImageFsInfo', {}, timeoutMs));
  }

  function connect(): Promise<void> {
    if (closed) return Promise.reject(new CriError('CRI client is closed'));
    connecting ??= doConnect();
    return connecting;
  }

  async function runtime(method: string, req: unknown, deadline: number | undefined = timeoutMs): Promise<Raw> {
    await connect();
    return call(runtimeClient!, method, req, deadline);
  }
  async function images(method: string, req: unknown, deadline: number | undefined = timeoutMs): Promise<Raw> {
    await connect();
    return call(imageClient!, method, req, deadline);
  }

  async function status(verbose = false): Promise<CriStatus> {
    const res = await runtime('Status', { verbose });
    const conditions: Raw[] = res.status?.conditions ?? [];
    // k8s.io/cri-client rejects a status without both standard conditions
    if (!res.status || conditions.length < 2) {
      throw new CriError('RuntimeReady or NetworkReady condition are not set');
    }
    return {
      conditions: conditions.map((c) => ({ type: c.type, status: !!c.status, reason: c.reason, message: c.message })),
      info: { ...(res.info ?? {}) },
    };
  }

  async function imageStatus(image: string): Promise<CriImage | null> {
    const res = await images('ImageStatus', { image: { image }, verbose: false });
    if (!res.image) return null;
    if (!res.image.id || res.image.size === '0' || !res.image.size) {
      throw new CriError(`Id or size of image "${image}" is not set`);
    }
    return toImage(res.image);
  }

  async function pullOnce(image: string): Promise<string> {
    let res: Raw;
    try {
      res = await images('PullImage', { image: { image } }, opts.pullTimeoutMs);
    } catch (e) {
      const ce = toCriError(e);
      // cri-client strips the code of Unknown statuses: the runtime's message says it all
      if (ce.grpcCode === GrpcCode.Unknown && ce.cause && typeof (ce.cause as any).details === 'string') {
        throw new CriError((ce.cause as any).details, GrpcCode.Unknown, ce.cause);
      }
      throw ce;
    }
    if (!res.imageRef) throw new CriError(`imageRef of image "${image}" is not set`);
    return res.imageRef;
  }

  async function removePodSandboxes(ids: string[]): Promise<void> {
    const errs: string[] = [];
    for (const id of ids) {
      let last: string | undefined;
      for (let i = 0; i < removeRetries; i++) {
        try {
          await runtime('StopPodSandbox', { podSandboxId: id });
        } catch (e) {
          last = `failed to stop running pod ${id}: ${toCriError(e).message}`;
          continue;
        }
        try {
          await runtime('RemovePodSandbox', { podSandboxId: id });
        } catch (e) {
          last = `failed to remove pod ${id}: ${toCriError(e).message}`;
          continue;
        }
        last = undefined;
        break;
      }
      if (last !== undefined) errs.push(last);
    }
    if (errs.length > 0) throw new CriError(aggregate(errs));
  }

  const client: CriClient = {
    endpoint,
    connect,
    async version() {
      const r = await runtime('Version', { version: '' });
      const missing: string[] = [];
      if (!r.version) missing.push('Version');
      if (!r.runtimeName) missing.push('RuntimeName');
      if (!r.runtimeApiVersion) missing.push('RuntimeApiVersion');
      if (!r.runtimeVersion) missing.push('RuntimeVersion');
      if (missing.length > 0) throw new CriError(`not all fields are set in VersionResponse (missing ${missing.join(', ')})`);
      return { version: r.version, runtimeName: r.runtimeName, runtimeVersion: r.runtimeVersion, runtimeApiVersion: r.runtimeApiVersion };
    },
    status,
    async isRunning() {
      let st: CriStatus;
      try {
        st = await status(false);
      } catch (e) {
        throw toCriError(e).wrap('container runtime is not running');
      }
      for (const c of st.conditions) {
        // NetworkReady is deliberately not looked at: there is no CNI before init
        if (c.type === 'RuntimeReady' && !c.status) {
          throw new CriError(`container runtime condition "${c.type}" is not true. reason: ${c.reason}, message: ${c.message}`);
        }
      }
    },
    async runtimeConfig() {
      try {
        const r = await runtime('RuntimeConfig', {});
        return { cgroupDriver: r.linux?.cgroupDriver === 'CGROUPFS' ? 'cgroupfs' : 'systemd' };
      } catch (e) {
        if (isUnimplemented(e)) return null;
        throw e;
      }
    },
    async sandboxImage() {
      let st: CriStatus;
      try {
        st = await status(true);
      } catch (e) {
        throw toCriError(e).wrap('failed to get runtime status');
      }
      const cfg = st.info['config'];
      if (cfg === undefined) throw new CriError(`no 'config' field in CRI info`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(cfg);
      } catch (e) {
        throw new CriError(`failed to unmarshal CRI info config: ${(e as Error).message}`);
      }
      const img = (parsed as { sandboxImage?: unknown } | null)?.sandboxImage;
      if (typeof img !== 'string' || img === '') throw new CriError(`no 'sandboxImage' field in CRI info config`);
      return img;
    },
    imageStatus,
    async imageExists(image) {
      try {
        return (await imageStatus(image)) !== null;
      } catch {
        return false;
      }
    },
    async pullImage(image) {
      let last: CriError | undefined;
      for (let i = 0; i < Math.max(1, pullRetries); i++) {
        try {
          return await pullOnce(image);
        } catch (e) {
          last = toCriError(e);
          if (closed) break;
        }
      }
      throw last!.wrap(`failed to pull image ${image}`);
    },
    async listImages() {
      const r = await images('ListImages', {});
      return (r.images as Raw[]).map(toImage);
    },
    async listPodSandboxes(filter) {
      const r = await runtime('ListPodSandbox', filter ? { filter: podFilter(filter) } : {});
      return (r.items as Raw[]).map(toSandbox);
    },
    async stopPodSandbox(id) {
      await runtime('StopPodSandbox', { podSandboxId: id });
    },
    async removePodSandbox(id) {
      await runtime('RemovePodSandbox', { podSandboxId: id });
    },
    removePodSandboxes,
    async stopAndRemoveAllPods() {
      let pods: CriPodSandbox[];
      try {
        pods = await client.listPodSandboxes();
      } catch (e) {
        throw toCriError(e).wrap('failed to list pod sandboxes');
      }
      const ids = pods.map((p) => p.id);
      await removePodSandboxes(ids);
      return ids;
    },
    async listContainers(filter) {
      const r = await runtime('ListContainers', filter ? { filter: containerFilter(filter) } : {});
      return (r.containers as Raw[]).map(toContainer);
    },
    async containerStatus(id) {
      const r = await runtime('ContainerStatus', { containerId: id, verbose: false });
      if (!r.status) return null;
      const s = r.status as Raw;
      return {
        ...toContainer({ ...s, podSandboxId: '' }),
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        exitCode: s.exitCode,
        reason: s.reason,
        message: s.message,
        logPath: s.logPath,
      };
    },
    close() {
      closed = true;
      imageClient?.close();
      runtimeClient?.close();
    },
  };
  return client;
}

/** k8s.io/apimachinery's aggregate error text */
export function aggregate(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

function podFilter(f: PodSandboxFilter): Raw {
  const out: Raw = {};
  if (f.id) out.id = f.id;
  if (f.state) out.state = { state: f.state };
  if (f.labelSelector) out.labelSelector = f.labelSelector;
  return out;
}

function containerFilter(f: ContainerFilter): Raw {
  const out: Raw = {};
  if (f.id) out.id = f.id;
  if (f.podSandboxId) out.podSandboxId = f.podSandboxId;
  if (f.state) out.state = { state: f.state };
  if (f.labelSelector) out.labelSelector = f.labelSelector;
  return out;
}

function toImage(i: Raw): CriImage {
  return { id: i.id, repoTags: [...(i.repoTags ?? [])], repoDigests: [...(i.repoDigests ?? [])], size: String(i.size), pinned: !!i.pinned };
}

function toSandbox(p: Raw): CriPodSandbox {
  return {
    id: p.id,
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? '',
    uid: p.metadata?.uid ?? '',
    attempt: p.metadata?.attempt ?? 0,
    state: p.state,
    createdAt: String(p.createdAt),
    labels: { ...(p.labels ?? {}) },
    annotations: { ...(p.annotations ?? {}) },
    runtimeHandler: p.runtimeHandler ?? '',
  };
}

function toContainer(c: Raw): CriContainer {
  return {
    id: c.id,
    podSandboxId: c.podSandboxId ?? '',
    name: c.metadata?.name ?? '',
    attempt: c.metadata?.attempt ?? 0,
    image: c.image?.image ?? '',
    imageRef: c.imageRef ?? '',
    state: c.state,
    createdAt: String(c.createdAt),
    labels: { ...(c.labels ?? {}) },
    annotations: { ...(c.annotations ?? {}) },
  };
}
