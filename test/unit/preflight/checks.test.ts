import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CriClient } from '../../../src/cri/client.js';
import { CriError } from '../../../src/cri/errors.js';
import {
  CGROUP_V1_MESSAGE,
  RUNTIME_CONFIG_MISSING_MESSAGE,
  containerRuntimeCheck,
  containerRuntimeVersionCheck,
  dirAvailableCheck,
  hostnameCheck,
  httpProxyCIDRCheck,
  httpProxyCheck,
  imagePullCheck,
  initChecks,
  joinChecks,
  kubeletVersionCheck,
  kubernetesVersionCheck,
  makeCheckContext,
  memCheck,
  numCPUCheck,
  runInitPreflight,
  runJoinPreflight,
  runResetPreflight,
  swapCheck,
  type CheckContext,
} from '../../../src/preflight/index.js';
import { PreflightChecksFailed } from '../../../src/preflight/runner.js';
import { FakeHost } from '../../helpers/fake-host.js';
import { initConfig, joinConfig } from './fixtures.js';

class Buf {
  text = '';
  write(s: string) {
    this.text += s;
  }
}

/** a scripted runtime for the checks (the real client is tested against a gRPC peer in test/unit/cri) */
class StubRuntime {
  connectError: string | undefined;
  running: string | undefined; // error text of isRunning
  runtimeConfigImplemented = true;
  present = new Set<string>();
  failing = new Set<string>();
  pulled: string[] = [];
  /** images whose status query fails (the runtime errs) */
  statusFailing = new Set<string>();
  /** every status query and pull, in the order they were made */
  calls: string[] = [];
  sandbox = 'registry.k8s.io/pause:3.10.2';
  opened: string[] = [];
  closed = 0;

  factory = (endpoint: string): CriClient => {
    this.opened.push(endpoint);
    const self = this;
    const notUsed = () => Promise.reject(new Error('not used by preflight'));
    return {
      endpoint,
      async connect() {
        if (self.connectError) throw new CriError(self.connectError);
      },
      version: notUsed,
      status: notUsed,
      async isRunning() {
        if (self.running) throw new CriError(self.running);
      },
      async runtimeConfig() {
        return self.runtimeConfigImplemented ? { cgroupDriver: 'cgroupfs' } : null;
      },
      async sandboxImage() {
        return self.sandbox;
      },
      imageStatus: notUsed,
      async imageExists(image: string) {
        self.calls.push(`status ${image}`);
        if (self.statusFailing.has(image)) throw new CriError(`rpc error: code = Unavailable desc = status of ${image}`);
        return self.present.has(image);
      },
      async pullImage(image: string) {
        self.calls.push(`pull ${image}`);
        self.pulled.push(image);
        if (self.failing.has(image)) throw new CriError(`failed to pull image ${image}: rpc error: code = NotFound desc = nope`);
        self.present.add(image);
        return 'sha256:1';
      },
      listImages: notUsed,
      listPodSandboxes: notUsed,
      stopPodSandbox: notUsed,
      removePodSandbox: notUsed,
      removePodSandboxes: notUsed,
      stopAndRemoveAllPods: notUsed,
      listContainers: notUsed,
      containerStatus: notUsed,
      close() {
        self.closed++;
      },
    };
  };
}

const KERNEL_CONFIG = [
  'NAMESPACES',
  'NET_NS',
  'PID_NS',
  'IPC_NS',
  'UTS_NS',
  'CPUSETS',
  'MEMCG',
  'INET',
  'EXT4_FS',
  'PROC_FS',
  'NETFILTER_XT_TARGET_REDIRECT',
  'NETFILTER_XT_MATCH_COMMENT',
  'FAIR_GROUP_SCHED',
  'CGROUPS',
  'CGROUP_CPUACCT',
  'CGROUP_DEVICE',
  'CGROUP_FREEZER',
  'CGROUP_PIDS',
  'CGROUP_SCHED',
  'CGROUP_BPF',
  'OVERLAY_FS',
  'CFS_BANDWIDTH',
  'SECCOMP',
  'SECCOMP_FILTER',
]
  .map((n) => `CONFIG_${n}=y`)
  .join('\n');

const CGROUPS_V1 = `#subsys_name\thierarchy\tnum_cgroups\tenabled
cpuset\t2\t1\t1
cpu\t3\t1\t1
cpuacct\t3\t1\t1
blkio\t4\t1\t1
memory\t5\t1\t1
devices\t6\t1\t1
freezer\t7\t1\t1
pids\t8\t1\t1
hugetlb\t9\t1\t1
`;

const MOUNTS_V1 = `proc /proc proc rw 0 0
tmpfs /sys/fs/cgroup tmpfs rw 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0
`;

/** a node shaped like the lab: root, 2 CPUs, cgroup v1, no init system, ip_forward=0 */
async function labHost(): Promise<FakeHost> {
  const host = await FakeHost.create();
  host.command('losetup').command('mount').command('cp');
  host.command('kubelet', (args) => (args[0] === '--version' ? { stdout: 'Kubernetes v1.37.2\n' } : { exitCode: 1 }));
  await host.write('/proc/swaps', 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
  await host.write('/proc/sys/kernel/osrelease', '6.18.0\n');
  await host.write('/proc/sys/kernel/ostype', 'Linux\n');
  await host.write('/proc/config.gz', gzipSync(Buffer.from(KERNEL_CONFIG + '\n')));
  await host.write('/proc/mounts', MOUNTS_V1);
  await host.mkdir('/sys/fs/cgroup/memory');
  await host.write('/proc/cgroups', CGROUPS_V1);
  await host.write('/proc/sys/net/ipv4/ip_forward', '0\n');
  return host;
}

describe('preflight checks', () => {
  let host: FakeHost;
  let rt: StubRuntime;
  let stdout: Buf;
  let ctx: CheckContext;

  beforeEach(async () => {
    host = await labHost();
    rt = new StubRuntime();
    stdout = new Buf();
    ctx = makeCheckContext({ host, stdout, cri: rt.factory, lookupHost: async (n) => (n === 'node-1' || n === 'node-2' ? ['192.168.0.10'] : []) });
  });
  afterEach(() => host.cleanup());

  it("init runs kubeadm 1.37 checks in its order, after tskubeadm's look at an earlier init", () => {
    expect(initChecks(initConfig()).map((c) => c.name)).toEqual([
      'EarlierRun',
      'NumCPU',
      'Mem',
      'KubernetesVersion',
      'Firewalld',
      'Port-6443',
      'Port-10259',
      'Port-10257',
      'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml',
      'FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml',
      'FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml',
      'FileAvailable--etc-kubernetes-manifests-etcd.yaml',
      'HTTPProxy',
      'HTTPProxyCIDR',
      'HTTPProxyCIDR',
      'CRI',
      'ContainerRuntimeVersion',
      'Swap',
      'FileExisting-losetup',
      'FileExisting-mount',
      'FileExisting-cp',
      'SystemVerification',
      'Hostname',
      'KubeletVersion',
      'Service-kubelet',
      'Port-10250',
      'FileContent--proc-sys-net-ipv4-ip_forward',
      'Port-2379',
      'Port-2380',
      'DirAvailable--var-lib-etcd',
    ]);
  });

  it('adds the IPv6 forwarding check for an IPv6 pod subnet, conntrack before 1.32, and external etcd files', () => {
    const cfg = initConfig({
      kubernetesVersion: 'v1.31.0',
      networking: { serviceSubnet: '10.96.0.0/12', podSubnet: '10.244.0.0/16,fd00:10::/56', dnsDomain: 'cluster.local' },
      etcd: { external: { endpoints: ['https://e:2379'], caFile: '/e/ca.crt', certFile: '/e/c.crt', keyFile: '/e/c.key' } },
    });
    const names = initChecks(cfg).map((c) => c.name);
    expect(names.filter((n) => n === 'HTTPProxyCIDR')).toHaveLength(3);
    expect(names).toContain('FileExisting-conntrack');
    expect(names.slice(-6)).toEqual([
      'FileContent--proc-sys-net-ipv4-ip_forward',
      'FileContent--proc-sys-net-ipv6-conf-default-forwarding',
      'ExternalEtcdVersion',
      'ExternalEtcdClientCertificates',
      'ExternalEtcdClientCertificates',
      'ExternalEtcdClientCertificates',
    ]);
    expect(names).not.toContain('Port-2379');
    // a secondary control plane skips the node checks and, with downloaded certs, the etcd files
    const sec = initChecks(cfg, { isSecondaryControlPlane: true, downloadCerts: true }).map((c) => c.name);
    expect(sec).not.toContain('CRI');
    expect(sec).not.toContain('ExternalEtcdClientCertificates');
  });

  it("join runs the node checks, after tskubeadm's look at an earlier join", () => {
    expect(joinChecks(joinConfig()).map((c) => c.name)).toEqual([
      'EarlierRun',
      'FileAvailable--etc-kubernetes-kubelet.conf',
      'FileAvailable--etc-kubernetes-bootstrap-kubelet.conf',
      'CRI',
      'ContainerRuntimeVersion',
      'Swap',
      'FileExisting-losetup',
      'FileExisting-mount',
      'FileExisting-cp',
      'SystemVerification',
      'Hostname',
      'KubeletVersion',
      'Service-kubelet',
      'Port-10250',
      'FileAvailable--etc-kubernetes-pki-ca.crt',
      'HTTPProxy',
      'FileContent--proc-sys-net-ipv4-ip_forward',
    ]);
  });

  it('on a lab-like node, fails on cgroup v1 and ip_forward only, printing what kubeadm prints', async () => {
    const stderr = new Buf();
    const err = await runInitPreflight(initConfig(), ctx, { ignore: [], stderr }).catch((e) => e);
    expect(err).toBeInstanceOf(PreflightChecksFailed);
    expect(stderr.text).toBe(
      '\t[WARNING Firewalld]: no supported init system detected, skipping checking for services\n' +
        '\t[WARNING Service-kubelet]: no supported init system detected, skipping checking for services\n' +
        '[preflight] Some fatal errors occurred:\n' +
        `\t[ERROR SystemVerification]: ${CGROUP_V1_MESSAGE}\n` +
        '\t[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1\n' +
        '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n',
    );
    const g = (s: string) => `\x1b[0;32m${s}\x1b[0m`;
    const w = (s: string) => `\x1b[0;37m${s}\x1b[0m`;
    expect(stdout.text.split('\n').slice(0, 4)).toEqual([
      '[preflight] Running pre-flight checks',
      '[preflight] The system verification failed. Printing the output from the verification:',
      `${w('KERNEL_VERSION')}: ${g('6.18.0')}`,
      `${w('CONFIG_NAMESPACES')}: ${g('enabled')}`,
    ]);
    expect(stdout.text).toContain(`${w('CONFIG_AUFS_FS')}: \x1b[0;33mnot set - Required for aufs.\x1b[0m\n`);
    expect(stdout.text).toContain(`${w('OS')}: ${g('Linux')}\n${w('CGROUPS_CPU')}: ${g('enabled')}\n`);
    expect(stdout.text).not.toContain('Pulling images');
    // KubeletVersion and SystemVerification share one `kubelet --version` (kubeadm runs it twice)
    expect(host.execCalls.map((c) => c.line)).toEqual(['kubelet --version']);
  });

  it('a read-only /etc/kubernetes (and what would be made below it) fails preflight, naming the directories; not under --dry-run', async () => {
    await host.write('/proc/sys/net/ipv4/ip_forward', '1\n');
    await host.mkdirp('/etc/kubernetes', 0o755);
    host.readOnly.add('/etc/kubernetes');
    const stderr = new Buf();
    const err = await runInitPreflight(initConfig(), ctx, { ignore: new Set(['systemverification']), stderr }).catch((e) => e);
    expect(err).toBeInstanceOf(PreflightChecksFailed);
    expect((err as PreflightChecksFailed).failedChecks).toEqual(['DirWritable--etc-kubernetes', 'DirWritable--etc-kubernetes-pki', 'DirWritable--etc-kubernetes-manifests']);
    expect(stderr.text).toContain('\t[ERROR DirWritable--etc-kubernetes]: /etc/kubernetes is on a read-only file system\n');
    expect(stderr.text).toContain('\t[ERROR DirWritable--etc-kubernetes-pki]: /etc/kubernetes/pki cannot be created: /etc/kubernetes is on a read-only file system\n');
    expect(stdout.text).not.toContain('Pulling images');
    // a file where the kubelet's directory belongs is named too
    host.readOnly.clear();
    await host.write('/var/lib/kubelet', 'a file');
    const stderr2 = new Buf();
    await expect(runInitPreflight(initConfig(), ctx, { ignore: new Set(['systemverification']), stderr: stderr2 })).rejects.toThrow(PreflightChecksFailed);
    expect(stderr2.text).toContain('\t[ERROR DirWritable--var-lib-kubelet]: /var/lib/kubelet is not a directory\n');
    // a dry run writes elsewhere: no such check
    host.readOnly.add('/etc/kubernetes');
    await host.remove('/var/lib/kubelet');
    rt.present.add('registry.k8s.io/pause:3.10.2');
    await runInitPreflight(initConfig(), ctx, { ignore: new Set(['systemverification']), stderr: new Buf(), dryRun: true });
  });

  it('passes with SystemVerification ignored and ip_forward set, then pulls missing images serially', async () => {
    await host.write('/proc/sys/net/ipv4/ip_forward', '1\n');
    rt.present.add('registry.k8s.io/pause:3.10.2');
    const stderr = new Buf();
    await runInitPreflight(initConfig(), ctx, { ignore: new Set(['systemverification']), stderr });
    expect(stderr.text).toContain(`\t[WARNING SystemVerification]: ${CGROUP_V1_MESSAGE}\n`);
    expect(stdout.text).toContain(
      '[preflight] Pulling images required for setting up a Kubernetes cluster\n' +
        '[preflight] This might take a minute or two, depending on the speed of your internet connection\n' +
        "[preflight] You can also perform this action beforehand using 'kubeadm config images pull'\n",
    );
    expect(rt.pulled).toEqual([
      'registry.k8s.io/kube-apiserver:v1.37.2',
      'registry.k8s.io/kube-controller-manager:v1.37.2',
      'registry.k8s.io/kube-scheduler:v1.37.2',
      'registry.k8s.io/kube-proxy:v1.37.2',
      'registry.k8s.io/coredns/coredns:v1.14.6',
      'registry.k8s.io/etcd:3.7.0-0',
    ]);
    // every runtime connection is closed again
    expect(rt.closed).toBe(rt.opened.length);
    expect(rt.opened.every((e) => e === 'unix:///var/run/containerd/containerd.sock')).toBe(true);
  });

  it('dry-run says it would pull instead of pulling', async () => {
    await host.write('/proc/sys/net/ipv4/ip_forward', '1\n');
    await runInitPreflight(initConfig(), ctx, { ignore: ['SystemVerification'], dryRun: true, stderr: new Buf() });
    expect(stdout.text.trimEnd().split('\n').at(-1)).toBe("[preflight] Would pull the required images (like 'kubeadm config images pull')");
    expect(rt.pulled).toEqual([]);
  });

  it('checks for root first and alone', async () => {
    host.root = false;
    const stderr = new Buf();
    await expect(runInitPreflight(initConfig(), ctx, { ignore: [], stderr })).rejects.toBeInstanceOf(PreflightChecksFailed);
    expect(stderr.text).toBe(
      '[preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as root\n' +
        '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n',
    );
    expect(host.execCalls).toEqual([]);
    const reset = new Buf();
    await expect(runResetPreflight(ctx, { ignore: [], stderr: reset })).rejects.toBeInstanceOf(PreflightChecksFailed);
    expect(reset.text).toContain('[ERROR IsPrivilegedUser]');
  });

  it('join --control-plane without a controlPlaneEndpoint is refused with kubeadm text', async () => {
    await host.write('/proc/sys/net/ipv4/ip_forward', '1\n');
    const j = joinConfig();
    j.join.controlPlane = { localAPIEndpoint: { advertiseAddress: '192.168.0.11', bindPort: 6443 }, certificateKey: 'k' };
    const err = await runJoinPreflight(j, ctx, { ignore: ['SystemVerification'], initCfg: initConfig(), stderr: new Buf() }).catch((e) => e);
    expect(err.message).toBe(
      '\nOne or more conditions for hosting a new control plane instance is not satisfied.\n\n' +
        "unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address\n\n" +
        'Please ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n' +
        '* The certificates that must be shared among control plane instances are provided.\n\n',
    );
  });

  it('CRI: reports connection failures and a runtime that is not ready', async () => {
    rt.connectError = 'failed to create new CRI runtime service: boom';
    expect(await containerRuntimeCheck('unix:///x.sock').run(ctx)).toEqual({
      warnings: [],
      errors: ['could not connect to the container runtime: failed to create new CRI runtime service: boom'],
    });
    rt.connectError = undefined;
    rt.running = 'container runtime is not running: nope';
    expect((await containerRuntimeCheck('unix:///x.sock').run(ctx)).errors).toEqual(['container runtime is not running: nope']);
  });

  it('ContainerRuntimeVersion warns when RuntimeConfig is missing', async () => {
    rt.runtimeConfigImplemented = false;
    expect(await containerRuntimeVersionCheck('unix:///x.sock').run(ctx)).toEqual({ warnings: [RUNTIME_CONFIG_MISSING_MESSAGE], errors: [] });
  });

  it('ImagePull: Never pulls nothing, Always pulls everything, failures carry both prefixes, parallel aggregates', async () => {
    const imgs = ['a/x:1', 'a/y:1'];
    rt.present.add('a/x:1');
    const base = { criSocket: 'unix:///x.sock', images: imgs, sandboxImage: 'a/pause:1', serial: true };
    expect(await imagePullCheck({ ...base, pullPolicy: 'Never' }).run(ctx)).toEqual({ warnings: [], errors: [] });
    expect(rt.pulled).toEqual([]);
    await imagePullCheck({ ...base, pullPolicy: 'Always' }).run(ctx);
    expect(rt.pulled).toEqual(imgs);
    expect((await imagePullCheck({ ...base, pullPolicy: 'Sometimes' }).run(ctx)).errors).toEqual(['unsupported pull policy "Sometimes"']);
    rt.failing.add('a/z:1');
    rt.failing.add('a/w:1');
    const warned: string[] = [];
    const r = await imagePullCheck({ ...base, images: ['a/z:1', 'a/w:1'], pullPolicy: 'IfNotPresent', serial: false, warn: (m) => warned.push(m) }).run(ctx);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^\[failed to pull image a\/(z|w):1: failed to pull image a\/(z|w):1: rpc error: code = NotFound desc = nope, failed to pull image/);
    expect(warned).toEqual([
      'detected that the sandbox image "registry.k8s.io/pause:3.10.2" of the container runtime is inconsistent with that used by kubeadm. It is recommended to use "a/pause:1" as the CRI sandbox image.',
    ]);
  });

  it('ImagePull, serial IfNotPresent: asks for every image at once, then pulls the missing ones one by one in order', async () => {
    rt.present.add('a/1:1');
    rt.present.add('a/4:1');
    rt.failing.add('a/3:1');
    const images = ['a/1:1', 'a/2:1', 'a/3:1', 'a/4:1'];
    const r = await imagePullCheck({ criSocket: 'unix:///x.sock', images, sandboxImage: 'registry.k8s.io/pause:3.10.2', pullPolicy: 'IfNotPresent', serial: true }).run(ctx);
    expect(rt.calls).toEqual(['status a/1:1', 'status a/2:1', 'status a/3:1', 'status a/4:1', 'pull a/2:1', 'pull a/3:1']);
    expect(r.errors).toEqual(['failed to pull image a/3:1: failed to pull image a/3:1: rpc error: code = NotFound desc = nope']);
  });

  it('ImagePull, serial: a status query that fails stops the pulls where the one-by-one loop stopped', async () => {
    rt.statusFailing.add('a/3:1');
    const images = ['a/1:1', 'a/2:1', 'a/3:1', 'a/4:1'];
    const check = imagePullCheck({ criSocket: 'unix:///x.sock', images, sandboxImage: 'registry.k8s.io/pause:3.10.2', pullPolicy: 'IfNotPresent', serial: true });
    const r = await check.run(ctx).then(
      (x) => x,
      (e: Error) => ({ warnings: [], errors: [e.message] }),
    );
    // the images before it were pulled in order, the one after it was not
    expect(rt.pulled).toEqual(['a/1:1', 'a/2:1']);
    expect(r.errors.join('\n')).toMatch(/status of a\/3:1/);
  });

  it('KubeletVersion: too old, newer than the control plane, unparsable, missing', async () => {
    const run = async (out: string, k8s = 'v1.37.2') => {
      host.command('kubelet', { stdout: out });
      return (await kubeletVersionCheck(k8s).run(ctx)).errors;
    };
    expect(await run('Kubernetes v1.37.2')).toEqual([]);
    expect(await run('Kubernetes v1.34.0')).toEqual([]);
    expect(await run('Kubernetes v1.33.9')).toEqual(['Kubelet version "1.33.9" is lower than kubeadm can support. Please upgrade kubelet']);
    expect(await run('Kubernetes v1.37.0', 'v1.36.4')).toEqual([
      'the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "1.37.0" Control plane version: "1.36.4"',
    ]);
    expect(await run('Kubernetes v1.37.0', '')).toEqual([]);
    expect(await run('kubelet 1.37\n')).toEqual(['couldn\'t get kubelet version: Unable to parse output from Kubelet: "kubelet 1.37"']);
    host.removeCommand('kubelet');
    expect((await kubeletVersionCheck('v1.37.2').run(ctx)).errors).toEqual([
      `couldn't get kubelet version: cannot execute 'kubelet --version': exec: "kubelet": executable file not found in $PATH`,
    ]);
  });

  it('KubernetesVersion warns only from the next minor on', async () => {
    expect(await kubernetesVersionCheck('v1.37.9').run(ctx)).toEqual({ warnings: [], errors: [] });
    expect((await kubernetesVersionCheck('v1.38.0-alpha.1').run(ctx)).warnings).toEqual([
      'Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: 1.38.0-alpha.1. Kubeadm version: 1.37.x',
    ]);
  });

  it('NumCPU and Mem', async () => {
    host.cpus = 1;
    host.memoryBytes = 1024 * 1024 * 1024;
    expect((await numCPUCheck().run(ctx)).errors).toEqual(['the number of available CPUs 1 is less than the required 2']);
    expect((await memCheck().run(ctx)).errors).toEqual(['the system RAM (1024 MB) is less than the minimum 1700 MB']);
  });

  it('Swap warns when /proc/swaps lists a device', async () => {
    expect((await swapCheck().run(ctx)).warnings).toEqual([]);
    await host.write('/proc/swaps', 'Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1024 0 -2\n');
    expect((await swapCheck().run(ctx)).warnings[0]).toMatch(/^swap is supported for cgroup v2 only\. /);
  });

  it('DirAvailable fails on a non-empty directory', async () => {
    expect((await dirAvailableCheck('/var/lib/etcd').run(ctx)).errors).toEqual([]);
    await host.mkdir('/var/lib/etcd');
    expect((await dirAvailableCheck('/var/lib/etcd').run(ctx)).errors).toEqual([]);
    await host.write('/var/lib/etcd/member', 'x');
    expect((await dirAvailableCheck('/var/lib/etcd').run(ctx)).errors).toEqual(['/var/lib/etcd is not empty']);
  });

  it('Hostname warns about bad formats and unresolvable names', async () => {
    const r = await hostnameCheck('bad_name-').run(ctx);
    expect(r.warnings).toEqual([
      `invalid node name format "bad_name-": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      'hostname "bad_name-" could not be reached',
    ]);
    const failing = makeCheckContext({ host, stdout, cri: rt.factory, lookupHost: async () => Promise.reject(new Error('lookup x on 10.0.0.2:53: no such host')) });
    expect((await hostnameCheck('x').run(failing)).warnings).toEqual(['hostname "x" could not be reached', 'hostname "x": lookup x on 10.0.0.2:53: no such host']);
  });

  it('HTTPProxy and HTTPProxyCIDR follow HTTPS_PROXY / NO_PROXY like Go', async () => {
    expect((await httpProxyCheck('https', '192.168.0.10').run(ctx)).warnings).toEqual([]);
    host.envVars.https_proxy = 'proxy.corp:3128';
    expect((await httpProxyCheck('https', '192.168.0.10').run(ctx)).warnings).toEqual([
      'Connection to "https://192.168.0.10" uses proxy "http://proxy.corp:3128". If that is not intended, adjust your proxy settings',
    ]);
    expect((await httpProxyCheck('https', 'fd00::1').run(ctx)).warnings[0]).toContain('Connection to "https://[fd00::1]:1234" uses proxy');
    expect((await httpProxyCheck('https', '127.0.0.1').run(ctx)).warnings).toEqual([]);
    host.envVars.NO_PROXY = 'example.com, 192.168.0.10';
    expect((await httpProxyCheck('https', '192.168.0.10').run(ctx)).warnings).toEqual([]);
    expect((await httpProxyCIDRCheck('https', '10.96.0.0/12').run(ctx)).warnings).toEqual([
      'connection to "10.96.0.0/12" uses proxy "http://proxy.corp:3128". This may lead to malfunctional cluster setup. Make sure that Pod and Services IP ranges specified correctly as exceptions in proxy configuration',
    ]);
    host.envVars.NO_PROXY = 'example.com,10.96.0.0/12';
    expect((await httpProxyCIDRCheck('https', '10.96.0.0/12').run(ctx)).warnings).toEqual([]);
    expect((await httpProxyCIDRCheck('https', '').run(ctx)).warnings).toEqual([]);
    expect((await httpProxyCIDRCheck('https', '10.1.0.0/33').run(ctx)).errors).toEqual([
      'error parsing CIDR "10.1.0.0/33": invalid CIDR address: 10.1.0.0/33',
    ]);
  });
});
