// Resolved configuration -> the v1beta4 JSON shape Go produces (field presence follows the Go struct tags:
// omitempty fields vanish when empty, structs never do, nil pointers vanish, `taints` prints null) ->
// YAML the way sigs.k8s.io/yaml writes it.
import { toGoYaml } from '../manifests/goyaml.js';
import type {
  Arg,
  BootstrapToken,
  ClusterConfiguration,
  ControlPlaneComponent,
  EnvVar,
  HostPathMount,
  InitConfiguration,
  JoinConfiguration,
  NodeRegistrationOptions,
  ResetConfiguration,
  Timeouts,
} from './types.js';
import { V1BETA4 } from './types.js';
import type { RawUpgradeV1beta4 } from './schema.js';

type Obj = Record<string, unknown>;

function put(o: Obj, key: string, v: unknown): void {
  // omitempty: drop "", false, 0, empty lists/maps, undefined
  if (v === undefined || v === '' || v === false || v === 0) return;
  if (Array.isArray(v) && v.length === 0) return;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 && !(v as { __keep?: true }).__keep) return;
  o[key] = v;
}

const args = (a: Arg[]) => a.map((x) => ({ name: x.name, value: x.value }));
const envs = (e: EnvVar[]) =>
  e.map((x) => {
    const o: Obj = { name: x.name };
    put(o, 'value', x.value);
    if (x.valueFrom !== undefined) o.valueFrom = x.valueFrom;
    return o;
  });
const mounts = (m: HostPathMount[]) =>
  m.map((x) => {
    const o: Obj = { name: x.name, hostPath: x.hostPath, mountPath: x.mountPath };
    put(o, 'readOnly', x.readOnly);
    put(o, 'pathType', x.pathType);
    return o;
  });

function component(c: ControlPlaneComponent): Obj {
  const o: Obj = {};
  put(o, 'extraArgs', args(c.extraArgs));
  put(o, 'extraVolumes', mounts(c.extraVolumes));
  put(o, 'extraEnvs', envs(c.extraEnvs));
  return o;
}

export function timeoutsJSON(t: Timeouts): Obj {
  return { ...t };
}

function nodeRegistrationJSON(n: NodeRegistrationOptions): Obj {
  const o: Obj = {};
  put(o, 'name', n.name);
  put(o, 'criSocket', n.criSocket);
  o.taints =
    n.taints === null
      ? null
      : n.taints.map((t) => {
          const x: Obj = { key: t.key };
          put(x, 'value', t.value);
          x.effect = t.effect;
          put(x, 'timeAdded', t.timeAdded);
          return x;
        });
  put(o, 'kubeletExtraArgs', args(n.kubeletExtraArgs));
  put(o, 'ignorePreflightErrors', n.ignorePreflightErrors);
  put(o, 'imagePullPolicy', n.imagePullPolicy);
  o.imagePullSerial = n.imagePullSerial;
  return o;
}

function tokenJSON(t: BootstrapToken): Obj {
  const o: Obj = { token: t.token === '' ? null : t.token };
  put(o, 'description', t.description);
  if (t.ttl !== undefined) o.ttl = t.ttl;
  if (t.expires !== undefined) o.expires = t.expires;
  put(o, 'usages', t.usages);
  put(o, 'groups', t.groups);
  return o;
}

export function initConfigurationJSON(c: InitConfiguration): Obj {
  const o: Obj = { apiVersion: V1BETA4, kind: 'InitConfiguration' };
  put(o, 'bootstrapTokens', c.bootstrapTokens.map(tokenJSON));
  put(o, 'dryRun', c.dryRun);
  o.nodeRegistration = nodeRegistrationJSON(c.nodeRegistration);
  const ep: Obj = {};
  put(ep, 'advertiseAddress', c.localAPIEndpoint.advertiseAddress);
  put(ep, 'bindPort', c.localAPIEndpoint.bindPort);
  o.localAPIEndpoint = ep;
  put(o, 'certificateKey', c.certificateKey);
  put(o, 'skipPhases', c.skipPhases);
  if (c.patches !== undefined) o.patches = c.patches.directory ? { directory: c.patches.directory } : {};
  o.timeouts = timeoutsJSON(c.timeouts);
  return o;
}

export function clusterConfigurationJSON(c: ClusterConfiguration): Obj {
  const o: Obj = { apiVersion: V1BETA4, kind: 'ClusterConfiguration' };
  const etcd: Obj = {};
  if (c.etcd.local) {
    const l = c.etcd.local;
    const lo: Obj = {};
    put(lo, 'imageRepository', l.imageRepository);
    put(lo, 'imageTag', l.imageTag);
    lo.dataDir = l.dataDir;
    put(lo, 'extraArgs', args(l.extraArgs));
    put(lo, 'extraEnvs', envs(l.extraEnvs));
    put(lo, 'serverCertSANs', l.serverCertSANs);
    put(lo, 'peerCertSANs', l.peerCertSANs);
    etcd.local = lo;
  }
  if (c.etcd.external) {
    const x = c.etcd.external;
    const xo: Obj = { endpoints: x.endpoints.length === 0 ? null : [...x.endpoints] };
    put(xo, 'httpEndpoints', x.httpEndpoints);
    xo.caFile = x.caFile;
    xo.certFile = x.certFile;
    xo.keyFile = x.keyFile;
    etcd.external = xo;
  }
  o.etcd = etcd;
  const net: Obj = {};
  put(net, 'serviceSubnet', c.networking.serviceSubnet);
  put(net, 'podSubnet', c.networking.podSubnet);
  put(net, 'dnsDomain', c.networking.dnsDomain);
  o.networking = net;
  put(o, 'kubernetesVersion', c.kubernetesVersion);
  put(o, 'controlPlaneEndpoint', c.controlPlaneEndpoint);
  const api = component(c.apiServer);
  put(api, 'certSANs', c.apiServer.certSANs);
  o.apiServer = api;
  o.controllerManager = component(c.controllerManager);
  o.scheduler = component(c.scheduler);
  const dns: Obj = {};
  put(dns, 'imageRepository', c.dns.imageRepository);
  put(dns, 'imageTag', c.dns.imageTag);
  put(dns, 'disabled', c.dns.disabled);
  o.dns = dns;
  const proxy: Obj = {};
  put(proxy, 'disabled', c.proxy.disabled);
  o.proxy = proxy;
  put(o, 'certificatesDir', c.certificatesDir);
  put(o, 'imageRepository', c.imageRepository);
  put(o, 'featureGates', c.featureGates);
  put(o, 'clusterName', c.clusterName);
  put(o, 'encryptionAlgorithm', c.encryptionAlgorithm);
  o.certificateValidityPeriod = c.certificateValidityPeriod;
  o.caCertificateValidityPeriod = c.caCertificateValidityPeriod;
  return o;
}

export function joinConfigurationJSON(c: JoinConfiguration): Obj {
  const o: Obj = { apiVersion: V1BETA4, kind: 'JoinConfiguration' };
  put(o, 'dryRun', c.dryRun);
  o.nodeRegistration = nodeRegistrationJSON(c.nodeRegistration);
  put(o, 'caCertPath', c.caCertPath);
  const d: Obj = {};
  if (c.discovery.bootstrapToken) {
    const b = c.discovery.bootstrapToken;
    const bo: Obj = { token: b.token };
    put(bo, 'apiServerEndpoint', b.apiServerEndpoint);
    put(bo, 'caCertHashes', b.caCertHashes);
    put(bo, 'unsafeSkipCAVerification', b.unsafeSkipCAVerification);
    d.bootstrapToken = bo;
  }
  if (c.discovery.file) d.file = { kubeConfigPath: c.discovery.file.kubeConfigPath };
  put(d, 'tlsBootstrapToken', c.discovery.tlsBootstrapToken);
  o.discovery = d;
  if (c.controlPlane) {
    const ep: Obj = {};
    put(ep, 'advertiseAddress', c.controlPlane.localAPIEndpoint.advertiseAddress);
    put(ep, 'bindPort', c.controlPlane.localAPIEndpoint.bindPort);
    const cp: Obj = { localAPIEndpoint: ep };
    put(cp, 'certificateKey', c.controlPlane.certificateKey);
    o.controlPlane = cp;
  }
  put(o, 'skipPhases', c.skipPhases);
  if (c.patches !== undefined) o.patches = c.patches.directory ? { directory: c.patches.directory } : {};
  o.timeouts = timeoutsJSON(c.timeouts);
  return o;
}

export function resetConfigurationJSON(c: ResetConfiguration): Obj {
  const o: Obj = { apiVersion: V1BETA4, kind: 'ResetConfiguration' };
  put(o, 'cleanupTmpDir', c.cleanupTmpDir);
  put(o, 'certificatesDir', c.certificatesDir);
  put(o, 'criSocket', c.criSocket);
  put(o, 'dryRun', c.dryRun);
  put(o, 'force', c.force);
  put(o, 'ignorePreflightErrors', c.ignorePreflightErrors);
  put(o, 'skipPhases', c.skipPhases);
  put(o, 'unmountFlags', c.unmountFlags);
  o.timeouts = timeoutsJSON(c.timeouts);
  return o;
}

/** UpgradeConfiguration with kubeadm's defaults applied, in its v1beta4 JSON shape. */
export function upgradeConfigurationJSON(raw: RawUpgradeV1beta4, timeouts: Timeouts): Obj {
  const o: Obj = { apiVersion: V1BETA4, kind: 'UpgradeConfiguration' };
  const apply: Obj = { ...(raw.apply ?? {}) };
  apply.etcdUpgrade ??= true;
  apply.certificateRenewal ??= true;
  if (!apply.imagePullPolicy) apply.imagePullPolicy = 'IfNotPresent';
  apply.imagePullSerial ??= true;
  const node: Obj = { ...(raw.node ?? {}) };
  node.etcdUpgrade ??= true;
  node.certificateRenewal ??= true;
  if (!node.imagePullPolicy) node.imagePullPolicy = 'IfNotPresent';
  node.imagePullSerial ??= true;
  const plan: Obj = { ...(raw.plan ?? {}) };
  plan.etcdUpgrade ??= true;
  const clean = (x: Obj) => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(x)) {
      // pointers (*bool) keep false; plain strings/lists/ints are omitempty
      if (typeof v === 'boolean') out[k] = v;
      else put(out, k, v);
    }
    return out;
  };
  o.apply = clean(apply);
  o.diff = clean({ ...(raw.diff ?? {}) });
  o.node = clean(node);
  o.plan = clean(plan);
  o.timeouts = timeoutsJSON(timeouts);
  return o;
}

export function marshalObject(o: Obj): string {
  return toGoYaml(o);
}

/** The ClusterConfiguration document as kubeadm stores it in the kubeadm-config ConfigMap. */
export function marshalClusterConfiguration(cfg: ClusterConfiguration): string {
  return toGoYaml(clusterConfigurationJSON(cfg));
}

/** InitConfiguration, then "---", then ClusterConfiguration (MarshalInitConfigurationToBytes). */
export function marshalInitConfiguration(init: InitConfiguration, cluster: ClusterConfiguration): string {
  return toGoYaml(initConfigurationJSON(init)) + '---\n' + toGoYaml(clusterConfigurationJSON(cluster));
}

export function marshalJoinConfiguration(join: JoinConfiguration): string {
  return toGoYaml(joinConfigurationJSON(join));
}

export function marshalResetConfiguration(reset: ResetConfiguration): string {
  return toGoYaml(resetConfigurationJSON(reset));
}
