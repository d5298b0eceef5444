import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCriClient, parseCriEndpoint, type CriClient } from '../../../src/cri/client.js';
import { CriError } from '../../../src/cri/errors.js';
import { CRI_PROTO, protoToJson, type JsonMessage, type JsonNamespace } from '../../../src/cri/proto.js';
import { FakeHost } from '../../helpers/fake-host.js';

const SOCKET = '/run/containerd/containerd.sock';
const ENDPOINT = `unix://${SOCKET}`;

type Handler = (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void;

/** An in-process CRI peer: a grpc-js server on a unix socket inside the fake rootfs. */
class FakeRuntime {
  server = new grpc.Server();
  calls: { method: string; req: any }[] = [];
  images = new Map<string, { id: string; size: string }>();
  sandboxes: { id: string; metadata: { name: string; namespace: string; uid: string; attempt: number } }[] = [];
  conditions = [
    { type: 'RuntimeReady', status: true, reason: '', message: '' },
    { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'cni plugin not initialized' },
  ];
  info: Record<string, string> = {};
  pullFailures = 0;
  stopFailures = new Map<string, number>();
  cgroupDriver: string | undefined = 'CGROUPFS'; // undefined: RuntimeConfig not implemented

  async start(path: string, opts: { omitRuntimeConfig?: boolean } = {}): Promise<void> {
    const def = loader.fromJSON(protoToJson(CRI_PROTO) as any, { keepCase: true, longs: String, enums: String, defaults: true });
    const pkg = grpc.loadPackageDefinition(def) as any;
    const rec =
      (method: string, fn: (req: any) => any): Handler =>
      (call, cb) => {
        this.calls.push({ method, req: call.request });
        try {
          cb(null, fn(call.request));
        } catch (e) {
          cb(e as grpc.ServiceError, null);
        }
      };
    const runtime: Record<string, Handler> = {
      Version: rec('Version', () => ({
        version: '0.1.0',
        runtimeName: 'containerd',
        runtimeVersion: 'v2.1.4',
        runtimeApiVersion: 'v1',
      })),
      Status: rec('Status', (req) => ({
        status: { conditions: this.conditions },
        info: req.verbose ? this.info : {},
      })),
      ListPodSandbox: rec('ListPodSandbox', () => ({
        items: this.sandboxes.map((s) => ({ ...s, state: 'SANDBOX_READY', createdAt: '1767225600000000000' })),
      })),
      StopPodSandbox: rec('StopPodSandbox', (req) => {
        const left = this.stopFailures.get(req.podSandboxId) ?? 0;
        if (left > 0) {
          this.stopFailures.set(req.podSandboxId, left - 1);
          throw { code: grpc.status.INTERNAL, details: 'sandbox busy' };
        }
        return {};
      }),
      RemovePodSandbox: rec('RemovePodSandbox', (req) => {
        this.sandboxes = this.sandboxes.filter((s) => s.id !== req.podSandboxId);
        return {};
      }),
      ListContainers: rec('ListContainers', () => ({
        containers: [
          {
            id: 'c1',
            podSandboxId: 'p1',
            metadata: { name: 'etcd', attempt: 2 },
            image: { image: 'registry.k8s.io/etcd:3.7.0-0' },
            imageRef: 'sha256:abc',
            state: 'CONTAINER_RUNNING',
            createdAt: '1767225600000000001',
            labels: { 'io.kubernetes.pod.namespace': 'kube-system' },
          },
        ],
      })),
    };
    if (!opts.omitRuntimeConfig) {
      runtime.RuntimeConfig = rec('RuntimeConfig', () => ({ linux: { cgroupDriver: this.cgroupDriver } }));
    }
    const image: Record<string, Handler> = {
      ImageFsInfo: rec('ImageFsInfo', () => ({})),
      ImageStatus: rec('ImageStatus', (req) => {
        const img = this.images.get(req.image.image);
        return img ? { image: { id: img.id, size: img.size, repoTags: [req.image.image] } } : {};
      }),
      PullImage: rec('PullImage', (req) => {
        if (this.pullFailures > 0) {
          this.pullFailures--;
          throw { code: grpc.status.UNKNOWN, details: `failed to resolve reference "${req.image.image}": not found` };
        }
        this.images.set(req.image.image, { id: `sha256:${req.image.image.length}`, size: '1234' });
        return { imageRef: `sha256:${req.image.image.length}` };
      }),
      ListImages: rec('ListImages', () => ({
        images: [...this.images].map(([name, i]) => ({ id: i.id, size: i.size, repoTags: [name] })),
      })),
    };
    this.server.addService(pkg.runtime.v1.RuntimeService.service, runtime as any);
    this.server.addService(pkg.runtime.v1.ImageService.service, image as any);
    await new Promise<void>((resolve, reject) =>
      this.server.bindAsync(`unix://${path}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }
}

describe('CRI client against an in-process runtime', () => {
  let host: FakeHost;
  let rt: FakeRuntime;
  let client: CriClient;

  beforeEach(async () => {
    host = await FakeHost.create();
    await host.mkdir('/run/containerd');
    rt = new FakeRuntime();
  });

  afterEach(async () => {
    client?.close();
    await rt.stop();
    await host.cleanup();
  });

  it('reports a missing socket the way kubeadm does, naming the endpoint and the socket path', async () => {
    client = createCriClient(ENDPOINT, { host });
    const err = await client.connect().catch((e) => e);
    expect(err).toBeInstanceOf(CriError);
    expect(err.message).toBe(
      'failed to create new CRI runtime service: validate service connection: validate CRI v1 runtime API for endpoint ' +
        '"unix:///run/containerd/containerd.sock": rpc error: code = Unavailable desc = connection error: desc = ' +
        '"transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory"',
    );
    // the same error comes back from any call
    await expect(client.version()).rejects.toThrow(/connect: no such file or directory/);
  });

  it('dials the socket under the rootfs and validates with Version then ImageFsInfo', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    await client.connect();
    expect(rt.methods()).toEqual(['Version', 'ImageFsInfo']);
    expect(await client.version()).toEqual({
      version: '0.1.0',
      runtimeName: 'containerd',
      runtimeVersion: 'v2.1.4',
      runtimeApiVersion: 'v1',
    });
  });

  it('isRunning ignores NetworkReady and fails on RuntimeReady=false with kubeadm text', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    await expect(client.isRunning()).resolves.toBeUndefined();
    rt.conditions[0] = { type: 'RuntimeReady', status: false, reason: 'Broken', message: 'shim died' };
    await expect(client.isRunning()).rejects.toThrow(
      'container runtime condition "RuntimeReady" is not true. reason: Broken, message: shim died',
    );
    rt.conditions = [rt.conditions[1]!];
    await expect(client.isRunning()).rejects.toThrow(
      'container runtime is not running: RuntimeReady or NetworkReady condition are not set',
    );
  });

  it('returns the cgroup driver from RuntimeConfig, and null when the runtime lacks the method', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    expect(await client.runtimeConfig()).toEqual({ cgroupDriver: 'cgroupfs' });
    rt.cgroupDriver = 'SYSTEMD';
    expect(await client.runtimeConfig()).toEqual({ cgroupDriver: 'systemd' });
  });

  it('treats an Unimplemented RuntimeConfig as "not available"', async () => {
    await rt.start(host.resolve(SOCKET), { omitRuntimeConfig: true });
    client = createCriClient(ENDPOINT, { host });
    expect(await client.runtimeConfig()).toBeNull();
  });

  it('reads the sandbox image from the verbose status info', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    await expect(client.sandboxImage()).rejects.toThrow("no 'config' field in CRI info");
    rt.info = { config: JSON.stringify({ sandboxImage: 'registry.k8s.io/pause:3.10.2' }) };
    expect(await client.sandboxImage()).toBe('registry.k8s.io/pause:3.10.2');
    expect(rt.calls.filter((c) => c.method === 'Status').every((c) => c.req.verbose === true)).toBe(true);
  });

  it('checks, pulls and lists images', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    const img = 'registry.k8s.io/pause:3.10.2';
    expect(await client.imageExists(img)).toBe(false);
    expect(await client.pullImage(img)).toBe(`sha256:${img.length}`);
    expect(await client.imageExists(img)).toBe(true);
    expect(await client.imageStatus(img)).toEqual({ id: `sha256:${img.length}`, repoTags: [img], repoDigests: [], size: '1234', pinned: false });
    expect((await client.listImages()).map((i) => i.repoTags[0])).toEqual([img]);
    const pull = rt.calls.find((c) => c.method === 'PullImage')!;
    expect(pull.req.image.image).toBe(img);
  });

  it('retries a failing pull five times and strips the Unknown code like cri-client', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    rt.pullFailures = 4;
    await expect(client.pullImage('registry.k8s.io/a:1')).resolves.toBe('sha256:19');
    expect(rt.methods().filter((m) => m === 'PullImage')).toHaveLength(5);
    rt.pullFailures = 100;
    await expect(client.pullImage('registry.k8s.io/b:1')).rejects.toThrow(
      'failed to pull image registry.k8s.io/b:1: failed to resolve reference "registry.k8s.io/b:1": not found',
    );
    expect(rt.methods().filter((m) => m === 'PullImage')).toHaveLength(10);
  });

  it('stops and removes every pod sandbox, retrying a failing stop', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    rt.sandboxes = [
      { id: 'p1', metadata: { name: 'etcd-node-1', namespace: 'kube-system', uid: 'u1', attempt: 0 } },
      { id: 'p2', metadata: { name: 'kube-apiserver-node-1', namespace: 'kube-system', uid: 'u2', attempt: 1 } },
    ];
    const pods = await client.listPodSandboxes();
    expect(pods.map((p) => [p.id, p.name, p.namespace, p.attempt, p.state, p.createdAt])).toEqual([
      ['p1', 'etcd-node-1', 'kube-system', 0, 'SANDBOX_READY', '1767225600000000000'],
      ['p2', 'kube-apiserver-node-1', 'kube-system', 1, 'SANDBOX_READY', '1767225600000000000'],
    ]);
    rt.stopFailures.set('p2', 2);
    rt.calls.length = 0;
    expect(await client.stopAndRemoveAllPods()).toEqual(['p1', 'p2']);
    expect(rt.calls.map((c) => `${c.method}:${c.req.podSandboxId ?? ''}`)).toEqual([
      'ListPodSandbox:',
      'StopPodSandbox:p1',
      'RemovePodSandbox:p1',
      'StopPodSandbox:p2',
      'StopPodSandbox:p2',
      'StopPodSandbox:p2',
      'RemovePodSandbox:p2',
    ]);
    expect(rt.sandboxes).toEqual([]);
  });

  it('aggregates pod removal errors after the retries run out', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    rt.sandboxes = [{ id: 'p9', metadata: { name: 'x', namespace: 'y', uid: 'z', attempt: 0 } }];
    rt.stopFailures.set('p9', 99);
    await expect(client.stopAndRemoveAllPods()).rejects.toThrow(
      'failed to stop running pod p9: rpc error: code = Internal desc = sandbox busy',
    );
    expect(rt.methods().filter((m) => m === 'StopPodSandbox')).toHaveLength(5);
  });

  it('lists containers and sends filters on the wire', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host });
    const cs = await client.listContainers({ podSandboxId: 'p1', state: 'CONTAINER_RUNNING' });
    expect(cs).toEqual([
      {
        id: 'c1',
        podSandboxId: 'p1',
        name: 'etcd',
        attempt: 2,
        image: 'registry.k8s.io/etcd:3.7.0-0',
        imageRef: 'sha256:abc',
        state: 'CONTAINER_RUNNING',
        createdAt: '1767225600000000001',
        labels: { 'io.kubernetes.pod.namespace': 'kube-system' },
        annotations: {},
      },
    ]);
    const req = rt.calls.find((c) => c.method === 'ListContainers')!.req;
    expect(req.filter.podSandboxId).toBe('p1');
    expect(req.filter.state).toEqual({ state: 'CONTAINER_RUNNING' });
  });

  it('reports a dead runtime on later calls with Go-style words', async () => {
    await rt.start(host.resolve(SOCKET));
    client = createCriClient(ENDPOINT, { host, timeoutMs: 500 });
    await client.connect();
    await new Promise<void>((r) => rt.server.tryShutdown(() => r()));
    rt.server.forceShutdown();
    const err = await client.status().catch((e) => e);
    expect(err).toBeInstanceOf(CriError);
    expect(err.message).toMatch(/^rpc error: code = (Unavailable|DeadlineExceeded) desc = /);
  });
});

describe('parseCriEndpoint', () => {
  it('takes unix URLs and bare paths, rejects tcp and other schemes like cri-client', () => {
    expect(parseCriEndpoint('unix:///var/run/containerd/containerd.sock')).toBe('/var/run/containerd/containerd.sock');
    expect(parseCriEndpoint('/var/run/crio/crio.sock')).toBe('/var/run/crio/crio.sock');
    expect(() => parseCriEndpoint('tcp://127.0.0.1:1234')).toThrow('only support unix socket endpoint');
    expect(() => parseCriEndpoint('npipe:////./pipe/x')).toThrow('protocol "npipe" not supported');
  });

  it('loads no gRPC code until a call is made', async () => {
    // creating a client must be cheap and must not touch the socket
    const c = createCriClient('unix:///nonexistent/x.sock');
    c.close();
    await expect(c.version()).rejects.toThrow('CRI client is closed');
  });
});

describe('CRI proto subset', () => {
  const v1 = (protoToJson(CRI_PROTO).nested.runtime as JsonNamespace).nested.v1 as JsonNamespace;
  const msg = (n: string) => v1.nested[n] as JsonMessage;

  it('carries the official field numbers (spot checks from cri-api api.proto)', () => {
    expect(msg('ImageSpec').fields.userSpecifiedImage).toEqual({ type: 'string', id: 18 });
    expect(msg('ImageSpec').fields.imageRef).toEqual({ type: 'string', id: 20 });
    expect(msg('StatusResponse').fields.info).toEqual({ keyType: 'string', type: 'string', id: 2 });
    expect(msg('ContainerStatus').fields.logPath).toEqual({ type: 'string', id: 15 });
    expect(msg('ContainerStatus').fields.imageId).toEqual({ type: 'string', id: 17 });
    expect(msg('ListPodSandboxResponse').fields.items).toEqual({ type: 'PodSandbox', id: 1, rule: 'repeated' });
    expect(msg('RuntimeConfigResponse').fields.linux).toEqual({ type: 'LinuxRuntimeConfiguration', id: 1 });
    expect(msg('PullImageRequest').fields.sandboxConfig).toEqual({ type: 'PodSandboxConfig', id: 3 });
  });
});
