// Preflight for init, join and reset: which checks run, in kubeadm 1.37.2's order, and the
// phase-level sequences (root check alone first, then the node checks, then image pulls).
import type { ClusterConfiguration, InitConfig, JoinConfig } from '../config/types.js';
import { createCriClient } from '../cri/client.js';
import { KUBELET_DIR, KUBERNETES_DIR, MANIFESTS_DIR } from '../config/constants.js';
import { dirWritableChecks } from './writable.js';
import { TskError } from '../errors.js';
import type { Host } from '../host/types.js';
import {
  DEFAULT_KUBEADM_VERSION,
  containerRuntimeCheck,
  containerRuntimeVersionCheck,
  dirAvailableCheck,
  externalEtcdVersionCheck,
  fileAvailableCheck,
  fileContentCheck,
  fileExistingCheck,
  firewalldCheck,
  hostnameCheck,
  httpProxyCIDRCheck,
  httpProxyCheck,
  imagePullCheck,
  inPathCheck,
  isPrivilegedUserCheck,
  kubeletVersionCheck,
  kubernetesVersionCheck,
  memCheck,
  numCPUCheck,
  portOpenCheck,
  serviceCheck,
  swapCheck,
  systemVerificationCheck,
} from './checks.js';
import { joinHostPort, parseCIDR, parseIP, splitHostPort } from '../util/net.js';
import { compareSemver, parseSemantic } from './goutil.js';
import { pauseImage, requiredImages } from './images.js';
import { earlierRunCheck } from './earlier.js';
import { runChecks, type Check, type CheckContext, type Writer } from './runner.js';

export * from './runner.js';
export * from './checks.js';
export * from './images.js';
export { verifySystem, CGROUP_V1_MESSAGE } from './system.js';
export * from './earlier.js';

const dirname = (p: string) => p.slice(0, Math.max(1, p.lastIndexOf('/')));

const IPV4_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const IPV6_DEFAULT_FORWARDING = '/proc/sys/net/ipv6/conf/default/forwarding';
const KUBELET_PORT = 10250;
const KUBE_SCHEDULER_PORT = 10259;
const KUBE_CONTROLLER_MANAGER_PORT = 10257;
const ETCD_CLIENT_PORT = 2379;
const ETCD_PEER_PORT = 2380;

export interface PreflightContextOptions {
  host: Host;
  stdout?: Writer;
  cri?: CheckContext['cri'];
  lookupHost?: CheckContext['lookupHost'];
  kubeadmVersion?: string;
}

/** A CheckContext with the real CRI client and name resolution unless replaced. */
export function makeCheckContext(o: PreflightContextOptions): CheckContext {
  return {
    host: o.host,
    stdout: o.stdout ?? process.stdout,
    cri: o.cri ?? ((endpoint, opts) => createCriClient(endpoint, opts)),
    lookupHost: o.lookupHost ?? ((name) => defaultLookupHost(o.host, name)),
    kubeadmVersion: o.kubeadmVersion ?? DEFAULT_KUBEADM_VERSION,
  };
}

/** getaddrinfo-based lookup whose failure reads like Go's pure resolver's */
async function defaultLookupHost(host: Host, name: string): Promise<string[]> {
  const dns = await import('node:dns');
  try {
    const res = await dns.promises.lookup(name, { all: true });
    return res.map((r) => r.address);
  } catch (e) {
    let server = '127.0.0.1:53';
    try {
      const conf = await host.readText('/etc/resolv.conf');
      const ns = /^\s*nameserver\s+(\S+)/m.exec(conf);
      if (ns) server = joinHostPort(ns[1]!, 53);
    } catch {
      // Go falls back to the local resolver address too
    }
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOTFOUND' || code === 'ENODATA' ? 'no such host' : code === 'EAI_AGAIN' ? 'server misbehaving' : String((e as Error).message);
    throw new Error(`lookup ${name} on ${server}: ${why}`);
  }
}

function lastArg(args: { name: string; value: string }[], name: string): string {
  for (let i = args.length - 1; i >= 0; i--) if (args[i]!.name === name) return args[i]!.value;
  return '';
}

function isVersionBefore(version: string, than: string): boolean {
  try {
    return compareSemver(parseSemantic(version), parseSemantic(than)) < 0;
  } catch {
    return false;
  }
}

/** the checks both init and join run on the node itself */
function commonChecks(kubernetesVersion: string, nodeName: string, criSocket: string): Check[] {
  const checks: Check[] = [containerRuntimeCheck(criSocket), containerRuntimeVersionCheck(criSocket), swapCheck()];
  // conntrack is only required for control planes older than 1.32
  if (kubernetesVersion !== '' && isVersionBefore(kubernetesVersion, '1.32.0')) checks.push(inPathCheck('conntrack'));
  checks.push(inPathCheck('losetup'), inPathCheck('mount'), inPathCheck('cp'));
  checks.push(
    systemVerificationCheck(),
    hostnameCheck(nodeName),
    kubeletVersionCheck(kubernetesVersion),
    serviceCheck('kubelet'),
    portOpenCheck(KUBELET_PORT),
  );
  return checks;
}

const ipv4Checks = (): Check[] => [fileContentCheck(IPV4_FORWARD, '1')];
const ipv6Checks = (): Check[] => [fileContentCheck(IPV6_DEFAULT_FORWARDING, '1')];

export interface InitChecksOptions {
  /** running for `join --control-plane` (the node checks already ran) */
  isSecondaryControlPlane?: boolean;
  /** certificates come from the kubeadm-certs Secret, so external etcd files need not exist yet */
  downloadCerts?: boolean;
}

/** kubeadm's InitNodeChecks: the control-plane node checks, in order. */
export function initChecks(cfg: InitConfig, opts: InitChecksOptions = {}): Check[] {
  const c = cfg.cluster;
  const ep = cfg.init.localAPIEndpoint;
  const nodeReg = cfg.init.nodeRegistration;
  const checks: Check[] = [
    // a join's node checks already looked at its earlier run
    ...(opts.isSecondaryControlPlane ? [] : [earlierRunCheck()]),
    numCPUCheck(),
    memCheck(),
    kubernetesVersionCheck(c.kubernetesVersion),
    firewalldCheck([ep.bindPort, KUBELET_PORT]),
    portOpenCheck(ep.bindPort, lastArg(c.apiServer.extraArgs, 'bind-address')),
    portOpenCheck(KUBE_SCHEDULER_PORT, lastArg(c.scheduler.extraArgs, 'bind-address')),
    portOpenCheck(KUBE_CONTROLLER_MANAGER_PORT, lastArg(c.controllerManager.extraArgs, 'bind-address')),
    fileAvailableCheck(`${MANIFESTS_DIR}/kube-apiserver.yaml`),
    fileAvailableCheck(`${MANIFESTS_DIR}/kube-controller-manager.yaml`),
    fileAvailableCheck(`${MANIFESTS_DIR}/kube-scheduler.yaml`),
    fileAvailableCheck(`${MANIFESTS_DIR}/etcd.yaml`),
    httpProxyCheck('https', ep.advertiseAddress),
  ];

  let v4 = false;
  let v6 = false;
  for (const list of [c.networking.serviceSubnet, c.networking.podSubnet ?? '']) {
    for (const cidr of list.split(',')) {
      checks.push(httpProxyCIDRCheck('https', cidr));
      const parsed = parseCIDR(cidr);
      if (parsed?.ip.family === 4) v4 = true;
      if (parsed?.ip.family === 6) v6 = true;
    }
  }

  if (!opts.isSecondaryControlPlane) {
    checks.push(...commonChecks(c.kubernetesVersion, nodeReg.name, nodeReg.criSocket));
    const adv = parseIP(ep.advertiseAddress);
    if (adv?.family === 4) v4 = true;
    if (adv?.family === 6) v6 = true;
    if (v4) checks.push(...ipv4Checks());
    if (v6) checks.push(...ipv6Checks());
    if (c.etcd.external) checks.push(externalEtcdVersionCheck(c.etcd.external));
  }

  if (c.etcd.local) {
    // etcd listens on the advertise address (or the apiserver's advertise-address override)
    const etcdAddress = lastArg(c.apiServer.extraArgs, 'advertise-address') || ep.advertiseAddress;
    checks.push(
      portOpenCheck(ETCD_CLIENT_PORT, etcdAddress),
      portOpenCheck(ETCD_PEER_PORT, etcdAddress),
      dirAvailableCheck(c.etcd.local.dataDir),
    );
  }

  const ext = c.etcd.external;
  if (ext && !(opts.isSecondaryControlPlane && opts.downloadCerts)) {
    for (const f of [ext.caFile, ext.certFile, ext.keyFile]) {
      if (f) checks.push(fileExistingCheck(f, 'ExternalEtcdClientCertificates'));
    }
  }
  return checks;
}

/** kubeadm's JoinNodeChecks: the checks every joining node runs. */
export function joinChecks(cfg: JoinConfig): Check[] {
  const j = cfg.join;
  const checks: Check[] = [
    earlierRunCheck(),
    fileAvailableCheck(`${KUBERNETES_DIR}/kubelet.conf`),
    fileAvailableCheck(`${KUBERNETES_DIR}/bootstrap-kubelet.conf`),
    ...commonChecks('', j.nodeRegistration.name, j.nodeRegistration.criSocket),
  ];
  if (!j.controlPlane) checks.push(fileAvailableCheck(j.caCertPath));
  const bt = j.discovery.bootstrapToken;
  if (bt) {
    const hp = splitHostPort(bt.apiServerEndpoint);
    if (!('error' in hp)) {
      const { host } = hp;
      checks.push(httpProxyCheck('https', host));
      const ip = parseIP(host);
      if (ip?.family === 4) checks.push(...ipv4Checks());
      if (ip?.family === 6) checks.push(...ipv6Checks());
    }
  }
  return checks;
}

/** reset only checks for root */
export function resetChecks(): Check[] {
  return [isPrivilegedUserCheck()];
}

/** the ImagePull check for a control plane (kubeadm's RunPullImagesCheck) */
export function pullImagesChecks(cfg: InitConfig, warn?: (msg: string) => void): Check[] {
  const nr = cfg.init.nodeRegistration;
  return [
    imagePullCheck({
      criSocket: nr.criSocket,
      images: requiredImages(cfg.cluster),
      sandboxImage: pauseImage(cfg.cluster),
      pullPolicy: nr.imagePullPolicy,
      serial: nr.imagePullSerial,
      ...(warn ? { warn } : {}),
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// phase sequences

export interface PhaseRunOptions {
  /** merged, lower-cased ignore list (see validateIgnorePreflightErrors) */
  ignore: ReadonlySet<string> | readonly string[];
  dryRun?: boolean;
  /** kubeadm writes check warnings and the error block to stderr */
  stderr?: Writer;
  /** klog-style warnings (the sandbox image mismatch) */
  warn?: (msg: string) => void;
  /** called once the node checks passed, before the image pulls (an earlier run's summary goes there) */
  afterNodeChecks?: () => Promise<void> | void;
}

const PULL_LINES = [
  '[preflight] Pulling images required for setting up a Kubernetes cluster',
  '[preflight] This might take a minute or two, depending on the speed of your internet connection',
  "[preflight] You can also perform this action beforehand using 'kubeadm config images pull'",
];
const WOULD_PULL = "[preflight] Would pull the required images (like 'kubeadm config images pull')";

async function pullOrSay(cfg: InitConfig, ctx: CheckContext, o: PhaseRunOptions, err: Writer): Promise<void> {
  if (o.dryRun) {
    ctx.stdout.write(`${WOULD_PULL}\n`);
    return;
  }
  for (const l of PULL_LINES) ctx.stdout.write(`${l}\n`);
  await runChecks(pullImagesChecks(cfg, o.warn), ctx, { ignore: o.ignore, out: err });
}

/** `kubeadm init phase preflight` */
export async function runInitPreflight(cfg: InitConfig, ctx: CheckContext, o: PhaseRunOptions): Promise<void> {
  const err = o.stderr ?? process.stderr;
  ctx.stdout.write('[preflight] Running pre-flight checks\n');
  await runChecks([isPrivilegedUserCheck()], ctx, { ignore: o.ignore, out: err });
  await runChecks([...initChecks(cfg), ...writableDirs(o, [KUBERNETES_DIR, ...controlPlaneDirs(cfg), KUBELET_DIR])], ctx, { ignore: o.ignore, out: err });
  await o.afterNodeChecks?.();
  await pullOrSay(cfg, ctx, o, err);
}

/** tskubeadm's check that the directories a run writes in can be written (none under --dry-run) */
const writableDirs = (o: PhaseRunOptions, dirs: string[]): Check[] => (o.dryRun ? [] : dirWritableChecks(dirs));
const controlPlaneDirs = (cfg: InitConfig): string[] => [cfg.cluster.certificatesDir, MANIFESTS_DIR, ...(cfg.cluster.etcd.local ? [cfg.cluster.etcd.local.dataDir] : [])];

export interface JoinPreflightOptions extends PhaseRunOptions {
  /**
   * for `--control-plane`: the cluster's configuration combined with this node's; a function is called
   * after the node checks (kubeadm discovers the cluster there)
   */
  initCfg?: InitConfig | (() => Promise<InitConfig>);
  hasCertificateKey?: boolean;
  /**
   * for `--control-plane` without a certificate key: throws when the shared certificates are
   * missing or invalid (kubeadm's SharedCertificateExists)
   */
  sharedCertificatesExist?: (cluster: ClusterConfiguration) => Promise<void>;
}

/** kubeadm's text when a node cannot become another control-plane instance */
export function notReadyToJoinControlPlane(error: string): string {
  return (
    '\nOne or more conditions for hosting a new control plane instance is not satisfied.\n\n' +
    `${error}\n\n` +
    'Please ensure that:\n' +
    '* The cluster has a stable controlPlaneEndpoint address.\n' +
    '* The certificates that must be shared among control plane instances are provided.\n\n'
  );
}

/** `kubeadm join phase preflight` */
export async function runJoinPreflight(cfg: JoinConfig, ctx: CheckContext, o: JoinPreflightOptions): Promise<void> {
  const err = o.stderr ?? process.stderr;
  ctx.stdout.write('[preflight] Running pre-flight checks\n');
  await runChecks([isPrivilegedUserCheck()], ctx, { ignore: o.ignore, out: err });
  await runChecks([...joinChecks(cfg), ...writableDirs(o, [KUBERNETES_DIR, dirname(cfg.join.caCertPath), KUBELET_DIR])], ctx, { ignore: o.ignore, out: err });
  const initCfg = typeof o.initCfg === 'function' ? await o.initCfg() : o.initCfg;
  if (!cfg.join.controlPlane) {
    await o.afterNodeChecks?.();
    return;
  }
  if (!initCfg) throw new Error('join preflight for a control-plane node needs the cluster configuration');
  const hasKey = o.hasCertificateKey ?? cfg.join.controlPlane.certificateKey !== '';
  try {
    if (initCfg.cluster.controlPlaneEndpoint === '') {
      throw new Error("unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address");
    }
    if (!hasKey && o.sharedCertificatesExist) await o.sharedCertificatesExist(initCfg.cluster);
  } catch (e) {
    throw new TskError(notReadyToJoinControlPlane(e instanceof Error ? e.message : String(e)));
  }
  ctx.stdout.write('[preflight] Running pre-flight checks before initializing the new control plane instance\n');
  await runChecks([...initChecks(initCfg, { isSecondaryControlPlane: true, downloadCerts: hasKey }), ...writableDirs(o, controlPlaneDirs(initCfg))], ctx, { ignore: o.ignore, out: err });
  await o.afterNodeChecks?.();
  await pullOrSay(initCfg, ctx, o, err);
}

/** `kubeadm reset phase preflight` (after the confirmation prompt, which is the caller's) */
export async function runResetPreflight(ctx: CheckContext, o: PhaseRunOptions): Promise<void> {
  ctx.stdout.write('[preflight] Running pre-flight checks\n');
  await runChecks(resetChecks(), ctx, { ignore: o.ignore, out: o.stderr ?? process.stderr });
}
