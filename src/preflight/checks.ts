// The individual preflight checks of kubeadm 1.37, with kubeadm's names, levels and wording.
import type { ExternalEtcd, PullPolicy } from '../config/types.js';
import type { CriClient } from '../cri/client.js';
import type { Host } from '../host/types.js';
import { getInitSystem } from '../host/initsystem.js';
import { KUBERNETES_VERSION } from '../versions.js';
import { compareSemver, goExecError, goQuote, parseSemantic, semverString, type SemVer } from './goutil.js';
import { formatCIDR, formatIP, indexedIP, isIPv6String, joinHostPort, parseCIDR } from '../util/net.js';
import { proxyForURL } from './netutil.js';
import { result, type Check, type CheckContext, type CheckResult } from './runner.js';
import { verifySystem } from './system.js';
import { earlierRunOf } from './earlier.js';

/** "/etc/kubernetes/manifests/etcd.yaml" -> "-etc-kubernetes-manifests-etcd.yaml" */
const pathLabel = (p: string) => p.replace(/\//g, '-');
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const CONTROL_PLANE_NUM_CPU = 2;
export const CONTROL_PLANE_MEM_MB = 1700;
export const MIN_EXTERNAL_ETCD_VERSION = '3.5.24-0';

// ---------------------------------------------------------------------------------------------

export function isPrivilegedUserCheck(): Check {
  return {
    name: 'IsPrivilegedUser',
    async run({ host }) {
      return host.isRoot() ? result() : result([], ['user is not running as root']);
    },
  };
}

export function numCPUCheck(required = CONTROL_PLANE_NUM_CPU): Check {
  return {
    name: 'NumCPU',
    async run({ host }) {
      const n = host.cpuCount();
      return n < required ? result([], [`the number of available CPUs ${n} is less than the required ${required}`]) : result();
    },
  };
}

export function memCheck(requiredMB = CONTROL_PLANE_MEM_MB): Check {
  return {
    name: 'Mem',
    async run({ host }) {
      const mb = Math.floor(host.totalMemoryBytes() / 1024 / 1024);
      return mb < requiredMB ? result([], [`the system RAM (${mb} MB) is less than the minimum ${requiredMB} MB`]) : result();
    },
  };
}

export function kubernetesVersionCheck(kubernetesVersion: string, kubeadmVersion?: string): Check {
  return {
    name: 'KubernetesVersion',
    async run(ctx) {
      const kv = kubeadmVersion ?? ctx.kubeadmVersion;
      if (kv.startsWith('v0.0.0')) return result();
      let kadm: SemVer;
      let k8s: SemVer;
      try {
        kadm = parseSemantic(kv);
      } catch (e) {
        return result([], [`couldn't parse kubeadm version ${goQuote(kv)}: ${errText(e)}`]);
      }
      try {
        k8s = parseSemantic(kubernetesVersion);
      } catch (e) {
        return result([], [`couldn't parse Kubernetes version ${goQuote(kubernetesVersion)}: ${errText(e)}`]);
      }
      const [maj, min] = kadm.components;
      const firstUnsupported: SemVer = { components: [maj, min + 1, 0], preRelease: '0', buildMetadata: '' };
      if (compareSemver(k8s, firstUnsupported) >= 0) {
        return result([
          `Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: ${semverString(k8s)}. Kubeadm version: ${maj}.${min}.x`,
        ]);
      }
      return result();
    },
  };
}

/** warns when firewalld is active (ports printed like Go's %v of []int) */
export function firewalldCheck(ports: number[]): Check {
  return {
    name: 'Firewalld',
    async run({ host }) {
      let init;
      try {
        init = await getInitSystem(host);
      } catch (e) {
        return result([errText(e)]);
      }
      if (!(await init.serviceExists('firewalld'))) return result();
      if (await init.serviceIsActive('firewalld')) {
        return result([`firewalld is active, please ensure ports [${ports.join(' ')}] are open or your cluster may not function correctly`]);
      }
      return result();
    },
  };
}

export function serviceCheck(service: string, opts: { checkIfActive?: boolean; label?: string } = {}): Check {
  return {
    name: opts.label || `Service-${service}`,
    async run({ host }) {
      let init;
      try {
        init = await getInitSystem(host);
      } catch (e) {
        return result([errText(e)]);
      }
      if (!(await init.serviceExists(service))) return result([`${service} service does not exist`]);
      const warnings: string[] = [];
      const errors: string[] = [];
      if (!(await init.serviceIsEnabled(service))) {
        warnings.push(`${service} service is not enabled, please run '${init.enableCommand(service)}'`);
      }
      if (opts.checkIfActive && !(await init.serviceIsActive(service))) {
        errors.push(`${service} service is not active, please run 'systemctl start ${service}.service'`);
      }
      return result(warnings, errors);
    },
  };
}

export function portOpenCheck(port: number, address = '', label = ''): Check {
  return {
    name: label || `Port-${port}`,
    async run(ctx) {
      const free = await ctx.host.portFree(port, address === '' ? undefined : address);
      if (free || (await (await earlierRunOf(ctx))?.ownsPort(port))) return result();
      return result([], [`Port ${port} is in use`]);
    },
  };
}

export function dirAvailableCheck(path: string, label = ''): Check {
  return {
    name: label || `DirAvailable-${pathLabel(path)}`,
    async run(ctx) {
      const st = await ctx.host.stat(path);
      if (!st) return result();
      if (st.isDirectory && (await earlierRunOf(ctx))?.owns(path)) return result();
      const host = ctx.host;
      if (!st.isDirectory) {
        // Go: opening then reading names of a non-directory fails
        return result([], [`unable to check if ${path} is empty: readdirent ${path}: not a directory`]);
      }
      const entries = await host.readDir(path);
      return entries.length > 0 ? result([], [`${path} is not empty`]) : result();
    },
  };
}

export function fileAvailableCheck(path: string, label = ''): Check {
  return {
    name: label || `FileAvailable-${pathLabel(path)}`,
    async run(ctx) {
      if (!(await ctx.host.exists(path)) || (await earlierRunOf(ctx))?.owns(path)) return result();
      return result([], [`${path} already exists`]);
    },
  };
}

export function fileExistingCheck(path: string, label = ''): Check {
  return {
    name: label || `FileExisting-${pathLabel(path)}`,
    async run({ host }) {
      return (await host.exists(path)) ? result() : result([], [`${path} doesn't exist`]);
    },
  };
}

/** the file must start with exactly `content` (kubeadm reads only that many bytes) */
export function fileContentCheck(path: string, content: string, label = ''): Check {
  return {
    name: label || `FileContent-${pathLabel(path)}`,
    async run({ host }) {
      let data: Buffer;
      try {
        data = await host.readFile(path);
      } catch {
        return result([], [`${path} does not exist`]);
      }
      const want = Buffer.from(content);
      if (!data.subarray(0, want.length).equals(want)) return result([], [`${path} contents are not set to ${content}`]);
      return result();
    },
  };
}

export function inPathCheck(executable: string, opts: { mandatory?: boolean; suggestion?: string; label?: string } = {}): Check {
  const mandatory = opts.mandatory ?? true;
  return {
    name: opts.label || `FileExisting-${pathLabel(executable)}`,
    async run({ host }) {
      if (await host.lookPath(executable)) return result();
      const msg = `${executable} not found in system path`;
      if (mandatory) return result([], [msg]);
      return result([opts.suggestion ? `${msg}\nSuggestion: ${opts.suggestion}` : msg]);
    },
  };
}

// ---- Hostname ----

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** apimachinery's IsQualifiedName (= IsLabelKey) messages */
export function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) errs.push('prefix part must be no more than 253 bytes');
      if (!new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`).test(prefix)) {
        errs.push(
          'prefix part ' +
            regexError(
              "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
              DNS1123_SUBDOMAIN_FMT,
              'example.com',
            ),
        );
      }
    }
  } else {
    return [
      'a valid label key ' +
        regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc') +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (Buffer.byteLength(name) > 63) errs.push('name part must be no more than 63 bytes');
  if (!new RegExp(`^${LABEL_KEY_FMT}$`).test(name)) {
    errs.push('name part ' + regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc'));
  }
  return errs;
}

export function hostnameCheck(nodeName: string): Check {
  return {
    name: 'Hostname',
    async run(ctx) {
      const warnings = qualifiedNameErrors(nodeName).map((m) => `invalid node name format ${goQuote(nodeName)}: ${m}`);
      let addrs: string[] | undefined;
      let err: string | undefined;
      try {
        addrs = await ctx.lookupHost(nodeName);
        if (addrs.length === 0) addrs = undefined;
      } catch (e) {
        err = errText(e);
      }
      if (!addrs) warnings.push(`hostname "${nodeName}" could not be reached`);
      if (err !== undefined) warnings.push(`hostname "${nodeName}": ${err}`);
      return result(warnings);
    },
  };
}

// ---- proxies ----

export function httpProxyCheck(proto: 'https' | 'http', hostAddr: string): Check {
  return {
    name: 'HTTPProxy',
    async run({ host }) {
      // kubeadm builds url.URL{Host: hostAddr} (IPv6 as "[addr]:1234") and http.NewRequest parses its
      // String() again: a host with a colon that is not an IPv6 address (::ffff:a.b.c.d is IPv4 to
      // Go) gets url.Parse's port check, which takes everything from the first colon as the port.
      const v6 = isIPv6String(hostAddr);
      // url.URL.String() escapes '%' in a host (a zone "%eth0" prints as "%25eth0")
      const url = `${proto}://${(v6 ? joinHostPort(hostAddr, '1234') : hostAddr).replaceAll('%', '%25')}`;
      let hostname = hostAddr;
      let port = v6 ? '1234' : '';
      const colon = v6 ? -1 : hostAddr.indexOf(':');
      if (colon >= 0) {
        const colonPort = hostAddr.slice(colon);
        if (!/^:[0-9]*$/.test(colonPort)) {
          return result([], [`parse ${goQuote(url)}: invalid port ${goQuote(colonPort.replaceAll('%', '%25'))} after host`]);
        }
        hostname = hostAddr.slice(0, colon);
        port = colonPort.slice(1);
      }
      if (port === '') port = proto === 'https' ? '443' : '80';
      const proxy = proxyForURL(proto, hostname, port, (n) => host.env(n));
      if (proxy !== undefined) {
        return result([
          `Connection to ${goQuote(url)} uses proxy ${goQuote(proxy)}. If that is not intended, adjust your proxy settings`,
        ]);
      }
      return result();
    },
  };
}

export function httpProxyCIDRCheck(proto: 'https' | 'http', cidr: string): Check {
  return {
    name: 'HTTPProxyCIDR',
    async run({ host }) {
      if (cidr.length === 0) return result();
      const c = parseCIDR(cidr);
      if (!c) return result([], [`error parsing CIDR ${goQuote(cidr)}: invalid CIDR address: ${cidr}`]);
      const testIP = indexedIP(c, 1);
      if ('error' in testIP) {
        return result([], [`unable to get first IP address from the given CIDR (${formatCIDR(c)}): ${testIP.error}`]);
      }
      const proxy = proxyForURL(proto, formatIP(testIP), '1234', (n) => host.env(n));
      if (proxy !== undefined) {
        return result([
          `connection to ${goQuote(cidr)} uses proxy ${goQuote(proxy)}. This may lead to malfunctional cluster setup. Make sure that Pod and Services IP ranges specified correctly as exceptions in proxy configuration`,
        ]);
      }
      return result();
    },
  };
}

// ---- swap ----

export function swapCheck(): Check {
  return {
    name: 'Swap',
    async run({ host }) {
      let text: string;
      try {
        text = await host.readText('/proc/swaps');
      } catch {
        return result();
      }
      const lines = text.split('\n');
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      if (lines.length > 1) {
        return result([
          'swap is supported for cgroup v2 only. The kubelet must be properly configured to use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, or disable swap on the node',
        ]);
      }
      return result();
    },
  };
}

// ---- kubelet version ----

const KUBELET_VERSION_RE = /^\s*Kubernetes v((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-\w.+]*)?)\s*$/;

/** runs `kubelet --version` (once per preflight run: two checks need it); throws kubeadm's error text */
export async function getKubeletVersion(ctx: CheckContext): Promise<SemVer> {
  let run = ctx.shared?.get('kubelet --version') as ReturnType<Host['exec']> | undefined;
  if (!run) {
    run = ctx.host.exec('kubelet', ['--version']);
    ctx.shared?.set('kubelet --version', run);
  }
  const r = await run;
  if (r.exitCode !== 0) throw new Error(`cannot execute 'kubelet --version': ${goExecError('kubelet', r)}`);
  const out = r.stdout.trim();
  const m = KUBELET_VERSION_RE.exec(out);
  if (!m) throw new Error(`Unable to parse output from Kubelet: ${goQuote(out)}`);
  return parseSemantic(m[1]!);
}

function minimumKubeletVersion(kubeadmVersion: string): SemVer {
  const v = parseSemantic(kubeadmVersion);
  return { components: [v.components[0], v.components[1] - 3, 0], preRelease: '', buildMetadata: '' };
}

export function kubeletVersionCheck(kubernetesVersion: string): Check {
  return {
    name: 'KubeletVersion',
    startFirst: true,
    async run(ctx) {
      let kubelet: SemVer;
      try {
        kubelet = await getKubeletVersion(ctx);
      } catch (e) {
        return result([], [`couldn't get kubelet version: ${errText(e)}`]);
      }
      if (compareSemver(kubelet, minimumKubeletVersion(ctx.kubeadmVersion)) < 0) {
        return result([], [`Kubelet version "${semverString(kubelet)}" is lower than kubeadm can support. Please upgrade kubelet`]);
      }
      if (kubernetesVersion !== '') {
        let k8s: SemVer;
        try {
          k8s = parseSemantic(kubernetesVersion);
        } catch (e) {
          return result([], [`couldn't parse Kubernetes version ${goQuote(kubernetesVersion)}: ${errText(e)}`]);
        }
        if (kubelet.components[0] > k8s.components[0] || kubelet.components[1] > k8s.components[1]) {
          return result([], [
            `the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "${semverString(kubelet)}" Control plane version: "${semverString(k8s)}"`,
          ]);
        }
      }
      return result();
    },
  };
}

// ---- system verification ----

export function systemVerificationCheck(opts: { isUpgrade?: boolean } = {}): Check {
  return {
    name: 'SystemVerification',
    startFirst: true,
    async run(ctx) {
      let kubelet: SemVer;
      try {
        kubelet = await getKubeletVersion(ctx);
      } catch (e) {
        return result([], [`couldn't get kubelet version: ${errText(e)}`]);
      }
      if (opts.isUpgrade) kubelet = { ...kubelet, components: [kubelet.components[0], kubelet.components[1] + 1, kubelet.components[2]] };
      const r = await verifySystem(ctx.host, semverString(kubelet));
      if (r.errors.length > 0) {
        ctx.stdout.write('[preflight] The system verification failed. Printing the output from the verification:\n');
        ctx.stdout.write(r.report);
        return result(r.warnings, r.errors);
      }
      return result(r.warnings);
    },
  };
}

// ---- container runtime ----

async function withRuntime(ctx: CheckContext, criSocket: string, fn: (c: CriClient) => Promise<CheckResult>): Promise<CheckResult> {
  const client = ctx.cri(criSocket, { host: ctx.host });
  try {
    try {
      await client.connect();
    } catch (e) {
      return result([], [`could not connect to the container runtime: ${errText(e)}`]);
    }
    return await fn(client);
  } finally {
    client.close();
  }
}

/** kubeadm's ContainerRuntimeCheck; its name is "CRI" */
export function containerRuntimeCheck(criSocket: string): Check {
  return {
    name: 'CRI',
    run: (ctx) =>
      withRuntime(ctx, criSocket, async (c) => {
        try {
          await c.isRunning();
          return result();
        } catch (e) {
          return result([], [errText(e)]);
        }
      }),
  };
}

export const RUNTIME_CONFIG_MISSING_MESSAGE =
  'You must update your container runtime to a version that supports the CRI method RuntimeConfig. ' +
  'Falling back to using cgroupDriver from kubelet config will be removed in 1.38. ' +
  'For more information, see https://git.k8s.io/enhancements/keps/sig-node/4033-group-driver-detection-over-cri';

export function containerRuntimeVersionCheck(criSocket: string): Check {
  return {
    name: 'ContainerRuntimeVersion',
    run: (ctx) =>
      withRuntime(ctx, criSocket, async (c) => {
        try {
          const cfg = await c.runtimeConfig();
          return cfg === null ? result([RUNTIME_CONFIG_MISSING_MESSAGE]) : result();
        } catch (e) {
          return result([], [`could not check if the runtime config is available: failed to call RuntimeConfig gRPC method: ${errText(e)}`]);
        }
      }),
  };
}

export interface ImagePullOptions {
  criSocket: string;
  images: string[];
  sandboxImage: string;
  pullPolicy: PullPolicy | string;
  serial: boolean;
  /** receives kubeadm's klog warning about a differing CRI sandbox image */
  warn?: (msg: string) => void;
}

export function imagePullCheck(o: ImagePullOptions): Check {
  return {
    name: 'ImagePull',
    run: (ctx) =>
      withRuntime(ctx, o.criSocket, async (c) => {
        if (o.pullPolicy === 'Never') return result();
        if (o.pullPolicy !== 'Always' && o.pullPolicy !== 'IfNotPresent') {
          return result([], [`unsupported pull policy "${o.pullPolicy}"`]);
        }
        try {
          const sandbox = await c.sandboxImage();
          if (sandbox !== o.sandboxImage) {
            o.warn?.(
              `detected that the sandbox image "${sandbox}" of the container runtime is inconsistent with that used by kubeadm. It is recommended to use "${o.sandboxImage}" as the CRI sandbox image.`,
            );
          }
        } catch {
          // not every runtime reports it; kubeadm only logs this at a high verbosity
        }
        const ifNotPresent = o.pullPolicy === 'IfNotPresent';
        const pullMissing = async (image: string): Promise<string | undefined> => {
          try {
            await c.pullImage(image);
            return undefined;
          } catch (e) {
            return `failed to pull image ${image}: ${errText(e)}`;
          }
        };
        const pull = async (image: string): Promise<string | undefined> => {
          if (ifNotPresent && (await c.imageExists(image))) return undefined;
          return pullMissing(image);
        };
        const errors: string[] = [];
        if (o.serial) {
          // pulls one at a time, in order, as kubeadm; the "is it there?" questions (read-only, the
          // usual case being every image present) go to the runtime together up front, and their
          // answers are taken in the same order, so a failing one stops the loop where it did
          const present = ifNotPresent ? o.images.map((image) => c.imageExists(image)) : [];
          for (const p of present) p.catch(() => undefined);
          for (const [i, image] of o.images.entries()) {
            if (ifNotPresent && (await present[i])) continue;
            const e = await pullMissing(image);
            if (e) errors.push(e);
          }
          return result([], errors);
        }
        // parallel pulls report as one aggregated error, in completion order
        const done: string[] = [];
        await Promise.all(
          o.images.map(async (image) => {
            const e = await pull(image);
            if (e) done.push(e);
          }),
        );
        if (done.length > 0) errors.push(done.length === 1 ? done[0]! : `[${done.join(', ')}]`);
        return result([], errors);
      }),
  };
}

// ---- external etcd ----

export function externalEtcdVersionCheck(etcd: ExternalEtcd): Check {
  return {
    name: 'ExternalEtcdVersion',
    async run({ host }) {
      const endpoints = etcd.httpEndpoints ?? [];
      if (endpoints.length === 0) return result();
      const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
      if (etcd.caFile) {
        try {
          tls.ca = await host.readFile(etcd.caFile);
        } catch (e) {
          return result([], [`couldn't load external etcd's server certificate ${etcd.caFile}: ${errText(e)}`]);
        }
      }
      if (etcd.certFile && etcd.keyFile) {
        try {
          tls.cert = await host.readFile(etcd.certFile);
          tls.key = await host.readFile(etcd.keyFile);
        } catch (e) {
          return result([], [`couldn't load external etcd's certificate and key pair ${etcd.certFile}, ${etcd.keyFile}: ${errText(e)}`]);
        }
      }
      const min = parseSemantic(MIN_EXTERNAL_ETCD_VERSION);
      const errors: string[] = [];
      for (const ep of endpoints) {
        let url: URL;
        try {
          url = new URL(`${ep}/version`);
        } catch (e) {
          errors.push(`failed to parse external etcd endpoint ${ep}: ${errText(e)}`);
          continue;
        }
        url.pathname = url.pathname.replace(/\/\//g, '/');
        const versionURL = url.toString();
        let body: string | undefined;
        let lastErr = '';
        // one try plus three retries, 5s apart, on transport errors and 5xx answers
        for (let attempt = 0; attempt < 4; attempt++) {
          if (attempt > 0) await host.sleep(5000);
          try {
            const res = await host.httpGet(versionURL, { timeoutMs: 10_000, ...tls });
            if (res.status >= 500 && res.status <= 599) {
              lastErr = `server responded with non-successful status: ${res.status}`;
              continue;
            }
            body = res.body;
            break;
          } catch (e) {
            lastErr = errText(e);
          }
        }
        if (body === undefined) {
          errors.push(lastErr);
          continue;
        }
        let server = '';
        try {
          server = String((JSON.parse(body) as { etcdserver?: unknown }).etcdserver ?? '');
        } catch (e) {
          errors.push(errText(e));
          continue;
        }
        let v: SemVer;
        try {
          v = parseSemantic(server);
        } catch (e) {
          errors.push(`couldn't parse external etcd version ${goQuote(server)}: ${errText(e)}`);
          continue;
        }
        if (compareSemver(v, min) < 0) {
          errors.push(`this version of kubeadm only supports external etcd version >= ${MIN_EXTERNAL_ETCD_VERSION}. Current version: ${server}`);
        }
      }
      return result([], errors);
    },
  };
}

/** the version this tool claims to be for the KubernetesVersion/KubeletVersion checks */
export const DEFAULT_KUBEADM_VERSION = KUBERNETES_VERSION;

