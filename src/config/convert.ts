// kubeadm.k8s.io/v1beta3 -> v1beta4, the way kubeadm's conversion functions did it before v1beta3 was removed:
// extraArgs maps become lists sorted by name (then value), apiServer.timeoutForControlPlane becomes the
// InitConfiguration's timeouts.controlPlaneComponentHealthCheck, and discovery.timeout becomes timeouts.discovery.
import type {
  RawArg,
  RawClusterV1beta3,
  RawClusterV1beta4,
  RawHostPathMount,
  RawInitV1beta3,
  RawInitV1beta4,
  RawJoinV1beta3,
  RawJoinV1beta4,
} from './schema.js';
import { V1BETA4 } from './types.js';

/** A v1beta3 argument map as a v1beta4 argument list, sorted by name and then value. */
export function mapToArgs(m: Record<string, string> | undefined): RawArg[] | undefined {
  if (m === undefined) return undefined;
  const args = Object.entries(m).map(([name, value]) => ({ name, value }));
  args.sort((a, b) => (a.name === b.name ? cmp(a.value, b.value) : cmp(a.name, b.name)));
  return args;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function nodeRegistration(n: RawInitV1beta3['nodeRegistration']): RawInitV1beta4['nodeRegistration'] {
  if (n === undefined) return undefined;
  const { kubeletExtraArgs, ...rest } = n;
  const args = mapToArgs(kubeletExtraArgs);
  return { ...rest, ...(args ? { kubeletExtraArgs: args } : {}) };
}

export function convertInitV1beta3(i: RawInitV1beta3): RawInitV1beta4 {
  const { apiVersion: _a, kind, nodeRegistration: nr, ...rest } = i;
  const nro = nodeRegistration(nr);
  return { apiVersion: V1BETA4, ...(kind ? { kind } : {}), ...rest, ...(nro ? { nodeRegistration: nro } : {}) };
}

export interface ConvertedCluster {
  cluster: RawClusterV1beta4;
  /** apiServer.timeoutForControlPlane, when set to a non-zero value (belongs in InitConfiguration.timeouts) */
  controlPlaneTimeout?: string;
}

export function convertClusterV1beta3(c: RawClusterV1beta3): ConvertedCluster {
  const { apiVersion: _a, etcd, apiServer, controllerManager, scheduler, ...rest } = c;
  const out: RawClusterV1beta4 = { ...rest, apiVersion: V1BETA4 };
  if (etcd !== undefined) {
    out.etcd = {};
    if (etcd.local !== undefined) {
      const { extraArgs, ...l } = etcd.local;
      const args = mapToArgs(extraArgs);
      out.etcd.local = { ...l, ...(args ? { extraArgs: args } : {}) };
    }
    if (etcd.external !== undefined) out.etcd.external = { ...etcd.external };
  }
  const comp = (x: { extraArgs?: Record<string, string>; extraVolumes?: RawHostPathMount[] } | undefined) => {
    if (x === undefined) return undefined;
    const args = mapToArgs(x.extraArgs);
    return { ...(args ? { extraArgs: args } : {}), ...(x.extraVolumes ? { extraVolumes: x.extraVolumes } : {}) };
  };
  let controlPlaneTimeout: string | undefined;
  if (apiServer !== undefined) {
    const { timeoutForControlPlane, certSANs, ...cp } = apiServer;
    out.apiServer = { ...comp(cp), ...(certSANs ? { certSANs } : {}) };
    if (timeoutForControlPlane !== undefined && !/^[-+]?0+(\.0*)?[a-zµμ]*$/.test(timeoutForControlPlane)) {
      controlPlaneTimeout = timeoutForControlPlane;
    }
  }
  const cm = comp(controllerManager);
  if (cm) out.controllerManager = cm;
  const sc = comp(scheduler);
  if (sc) out.scheduler = sc;
  return { cluster: out, ...(controlPlaneTimeout !== undefined ? { controlPlaneTimeout } : {}) };
}

export function convertJoinV1beta3(j: RawJoinV1beta3): RawJoinV1beta4 {
  const { apiVersion: _a, nodeRegistration: nr, discovery, ...rest } = j;
  const out: RawJoinV1beta4 = { ...rest, apiVersion: V1BETA4 };
  const nro = nodeRegistration(nr);
  if (nro) out.nodeRegistration = nro;
  if (discovery !== undefined) {
    const { timeout, ...d } = discovery;
    out.discovery = d;
    if (timeout !== undefined) out.timeouts = { discovery: timeout };
  }
  return out;
}
