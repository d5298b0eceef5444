// The kube-proxy addon as kubeadm v1.37 installs it: ConfigMap kube-proxy (config.conf and
// kubeconfig.conf), DaemonSet kube-proxy, ServiceAccount kube-proxy, ClusterRoleBinding
// kubeadm:node-proxier, and Role/RoleBinding kube-proxy for reading the ConfigMap.
//
// config.conf is the KubeProxyConfiguration as kubeadm marshals it: the user's document decoded
// into the Go v1alpha1 type (so unknown fields vanish and every non-omitempty field appears with
// its zero value), kubeadm's defaults applied, then written as YAML with sorted keys.

import { renderKubeProxyKubeconfig } from '../kubeconfig/kubeconfig.js';
import type { APIEndpoint, ClusterConfiguration, ComponentConfig } from '../config/types.js';
import { KUBEPROXY_CONFIG_API } from '../config/types.js';
import { normalizeDuration } from '../config/duration.js';
import { toGoYaml } from '../manifests/goyaml.js';
import { formatIP, joinHostPort, parseHostPort, parseIP } from '../util/net.js';
import type { ConfigMapObject, KubeObject } from '../kube/types.js';
import {
  clusterRoleBinding,
  getNamedRule,
  group,
  KUBE_SYSTEM,
  NODE_BOOTSTRAP_TOKEN_AUTH_GROUP,
  role,
  roleBinding,
  serviceAccount,
  type BindingObject,
  type RoleObject,
} from '../kube/objects/rbac.js';
import { signConfigMap } from '../kube/objects/uploadconfig.js';

export const KUBE_PROXY = 'kube-proxy';
export const KUBE_PROXY_CONFIG_KEY = 'config.conf';
export const KUBE_PROXY_KUBECONFIG_KEY = 'kubeconfig.conf';
export const KUBE_PROXY_CLUSTER_ROLE_BINDING = 'kubeadm:node-proxier';
export const KUBE_PROXY_CLUSTER_ROLE = 'system:node-proxier';
export const KUBE_PROXY_KUBECONFIG_PATH = '/var/lib/kube-proxy/kubeconfig.conf';
export const KUBE_PROXY_CONFIG_KIND = 'KubeProxyConfiguration';

// ---- the control-plane URL kube-proxy talks to ----

/**
 * kubeadm's GetControlPlaneEndpoint: https://<controlPlaneEndpoint host>:<its port or bindPort>,
 * or https://<advertiseAddress>:<bindPort> when no controlPlaneEndpoint is set.
 */
export function controlPlaneURL(controlPlaneEndpoint: string, local: APIEndpoint): string {
  const port = String(local.bindPort);
  if (!(local.bindPort >= 1 && local.bindPort <= 65535)) {
    throw new Error(`invalid value "${local.bindPort}" given for api.bindPort: port must be a valid number between 1 and 65535, inclusive`);
  }
  const ip = parseIP(local.advertiseAddress);
  if (!ip) throw new Error(`invalid value \`${local.advertiseAddress}\` given for api.advertiseAddress`);
  if (controlPlaneEndpoint) {
    const hp = parseHostPort(controlPlaneEndpoint);
    if ('error' in hp) throw new Error(`invalid value "${controlPlaneEndpoint}" given for controlPlaneEndpoint: ${hp.error}`);
    return `https://${joinHostPort(hp.host, hp.port || port)}`;
  }
  return `https://${joinHostPort(formatIP(ip), port)}`;
}

// ---- KubeProxyConfiguration, Go-shaped ----

type FieldType =
  | 'string'
  | 'bool'
  | 'number'
  | 'duration'
  | 'ptrNumber'
  | 'ptrBool'
  | 'ptrDuration'
  | 'stringList'
  | 'boolMap'
  | 'quantity'
  | 'timeOrDuration'
  | 'vmodule'
  | Schema;

interface Field {
  type: FieldType;
  /** dropped when empty (Go omitempty on a non-struct type) */
  omitEmpty?: boolean;
}

type Schema = { [json: string]: Field };

const f = (type: FieldType, omitEmpty = false): Field => ({ type, omitEmpty });

const OUTPUT_ROUTING: Schema = { splitStream: f('bool', true), infoBufferSize: f('quantity') };

const KUBE_PROXY_SCHEMA: Schema = {
  featureGates: f('boolMap', true),
  clientConnection: f({
    kubeconfig: f('string'),
    acceptContentTypes: f('string'),
    contentType: f('string'),
    qps: f('number'),
    burst: f('number'),
  }),
  logging: f({
    format: f('string', true),
    flushFrequency: f('timeOrDuration'),
    verbosity: f('number'),
    vmodule: f('vmodule', true),
    options: f({ text: f(OUTPUT_ROUTING), json: f(OUTPUT_ROUTING) }),
  }),
  hostnameOverride: f('string'),
  bindAddress: f('string'),
  healthzBindAddress: f('string'),
  metricsBindAddress: f('string'),
  bindAddressHardFail: f('bool'),
  enableProfiling: f('bool'),
  showHiddenMetricsForVersion: f('string'),
  mode: f('string'),
  iptables: f({
    masqueradeBit: f('ptrNumber'),
    masqueradeAll: f('bool'),
    localhostNodePorts: f('ptrBool'),
    syncPeriod: f('duration'),
    minSyncPeriod: f('duration'),
  }),
  ipvs: f({
    syncPeriod: f('duration'),
    minSyncPeriod: f('duration'),
    scheduler: f('string'),
    excludeCIDRs: f('stringList'),
    strictARP: f('bool'),
    tcpTimeout: f('duration'),
    tcpFinTimeout: f('duration'),
    udpTimeout: f('duration'),
  }),
  nftables: f({
    masqueradeBit: f('ptrNumber'),
    masqueradeAll: f('bool'),
    syncPeriod: f('duration'),
    minSyncPeriod: f('duration'),
  }),
  winkernel: f({
    networkName: f('string'),
    sourceVip: f('string'),
    enableDSR: f('bool'),
    rootHnsEndpointName: f('string'),
    forwardHealthCheckVip: f('bool'),
  }),
  detectLocalMode: f('string'),
  detectLocal: f({ bridgeInterface: f('string'), interfaceNamePrefix: f('string') }),
  clusterCIDR: f('string'),
  nodePortAddresses: f('stringList'),
  oomScoreAdj: f('ptrNumber'),
  conntrack: f({
    maxPerCore: f('ptrNumber'),
    min: f('ptrNumber'),
    tcpEstablishedTimeout: f('ptrDuration'),
    tcpCloseWaitTimeout: f('ptrDuration'),
    tcpBeLiberal: f('bool'),
    udpTimeout: f('duration'),
    udpStreamTimeout: f('duration'),
  }),
  configSyncPeriod: f('duration'),
  portRange: f('string'),
  windowsRunAsService: f('bool', true),
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function durationValue(v: unknown): string {
  if (typeof v === 'string' && v !== '') {
    try {
      return normalizeDuration(v);
    } catch {
      return v;
    }
  }
  return '0s';
}

/** One field as encoding/json writes it after decoding `v` into the Go type; undefined = omitted. */
function shapeField(field: Field, v: unknown): unknown {
  const t = field.type;
  let out: unknown;
  if (typeof t === 'object') {
    out = shapeStruct(t, isObj(v) ? v : {});
  } else {
    switch (t) {
      case 'string':
        out = typeof v === 'string' ? v : '';
        break;
      case 'bool':
        out = typeof v === 'boolean' ? v : false;
        break;
      case 'number':
        out = typeof v === 'number' ? v : 0;
        break;
      case 'duration':
        out = durationValue(v);
        break;
      case 'ptrNumber':
        out = typeof v === 'number' ? v : null;
        break;
      case 'ptrBool':
        out = typeof v === 'boolean' ? v : null;
        break;
      case 'ptrDuration':
        out = typeof v === 'string' ? durationValue(v) : null;
        break;
      case 'stringList':
        out = Array.isArray(v) ? v.map((x) => String(x)) : null;
        break;
      case 'boolMap':
        out = isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, b]) => [k, b === true])) : null;
        break;
      case 'quantity':
        out = typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : '0';
        break;
      case 'timeOrDuration':
        out = typeof v === 'string' && v !== '' ? durationValue(v) : typeof v === 'number' ? v : 0;
        break;
      case 'vmodule':
        out = Array.isArray(v)
          ? v.map((it) => ({
              filePattern: isObj(it) && typeof it['filePattern'] === 'string' ? it['filePattern'] : '',
              verbosity: isObj(it) && typeof it['verbosity'] === 'number' ? it['verbosity'] : 0,
            }))
          : null;
        break;
    }
  }
  if (field.omitEmpty) {
    if (out === '' || out === false || out === 0 || out === null) return undefined;
    if (Array.isArray(out) && out.length === 0) return undefined;
    if (isObj(out) && typeof t !== 'object' && Object.keys(out).length === 0) return undefined;
  }
  return out;
}

function shapeStruct(schema: Schema, v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(schema)) {
    const val = shapeField(field, v[k]);
    if (val !== undefined) out[k] = val;
  }
  return out;
}

export interface KubeProxyConfigResult {
  /** the Go-shaped KubeProxyConfiguration, apiVersion and kind included */
  config: Record<string, unknown>;
  /** kubeadm's klog warnings about values that differ from its recommendations */
  warnings: string[];
}

/** The paths in the user's document that the Go type does not know (kubeadm warns about them while decoding). */
export function unknownKubeProxyFields(user: ComponentConfig): string[] {
  const out: string[] = [];
  const walk = (schema: Schema, v: Record<string, unknown>, prefix: string) => {
    for (const [k, val] of Object.entries(v)) {
      if (!prefix && (k === 'apiVersion' || k === 'kind')) continue;
      const field = schema[k];
      if (!field) out.push(prefix + k);
      else if (typeof field.type === 'object' && isObj(val)) walk(field.type, val, `${prefix}${k}.`);
    }
  };
  walk(KUBE_PROXY_SCHEMA, user, '');
  return out;
}

/**
 * The KubeProxyConfiguration kubeadm stores: the user's document (if any) over the Go zero values,
 * then kubeadm's defaults (kubeProxyConfig.Default): bindAddress 0.0.0.0 (:: when the advertise
 * address is not IPv4), clusterCIDR = podSubnet, clientConnection.kubeconfig, mode iptables.
 */
export function kubeProxyConfiguration(
  cluster: Pick<ClusterConfiguration, 'networking'>,
  local: APIEndpoint,
  user?: ComponentConfig,
): KubeProxyConfigResult {
  const warnings: string[] = [];
  const warn = (param: string, recommended: string, given: string) =>
    warnings.push(`The recommended value for "${param}" in "${KUBE_PROXY_CONFIG_KIND}" is: ${recommended}; the provided value is: ${given}`);
  const shaped = shapeStruct(KUBE_PROXY_SCHEMA, user ?? {});

  const defaultBind = (addr: string) => {
    const ip = parseIP(addr);
    return ip?.family === 4 ? '0.0.0.0' : '::';
  };
  const bind = shaped['bindAddress'] as string;
  if (bind === '') {
    shaped['bindAddress'] = defaultBind(local.advertiseAddress);
  } else if (bind === '0.0.0.0' || bind === '::') {
    // explicit wildcard binds are fine
  } else if (!parseIP(bind)) {
    warnings.push(`The bindAddress "${bind}" in "${KUBE_PROXY_CONFIG_KIND}" is not a valid IP address`);
  } else {
    warn('bindAddress', defaultBind(bind), bind);
  }

  const podSubnet = cluster.networking.podSubnet ?? '';
  const cidr = shaped['clusterCIDR'] as string;
  if (cidr === '' && podSubnet !== '') shaped['clusterCIDR'] = podSubnet;
  else if (podSubnet !== '' && cidr !== podSubnet) warn('clusterCIDR', podSubnet, cidr);

  const cc = shaped['clientConnection'] as Record<string, unknown>;
  if (cc['kubeconfig'] === '') cc['kubeconfig'] = KUBE_PROXY_KUBECONFIG_PATH;
  else if (cc['kubeconfig'] !== KUBE_PROXY_KUBECONFIG_PATH) warn('clientConnection.kubeconfig', KUBE_PROXY_KUBECONFIG_PATH, String(cc['kubeconfig']));

  if (shaped['mode'] === 'ipvs') {
    warnings.push(
      `The "${KUBE_PROXY_CONFIG_KIND}" field "mode" is set to "ipvs" which has been deprecated since version v1.35. ` +
        'For newer Linux kernel versions, we recommend using the "nftables" mode, which has been GA since v1.33. ' +
        'For older Linux kernel versions, you can use the "iptables" mode which is still the default one.',
    );
  }
  if (shaped['mode'] === '') shaped['mode'] = 'iptables';

  return { config: { apiVersion: KUBEPROXY_CONFIG_API, kind: KUBE_PROXY_CONFIG_KIND, ...shaped }, warnings };
}

/** config.conf text: the YAML, without its final newline (the template's `|-` block drops it). */
export function marshalKubeProxyConfiguration(config: Record<string, unknown>): string {
  return toGoYaml(config).replace(/\n$/, '');
}

/** kubeconfig.conf of the kube-proxy ConfigMap (kubeadm's template text, no final newline). */
export const kubeProxyKubeconfig = renderKubeProxyKubeconfig;

/**
 * The kube-proxy ConfigMap. Signed with the component-config hash unless the user supplied the
 * KubeProxyConfiguration.
 */
export function kubeProxyConfigMap(configConf: string, server: string, opts: { userSupplied: boolean }): ConfigMapObject {
  const cm: ConfigMapObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: KUBE_PROXY, namespace: KUBE_SYSTEM, labels: { app: KUBE_PROXY } },
    data: { [KUBE_PROXY_KUBECONFIG_KEY]: kubeProxyKubeconfig(server), [KUBE_PROXY_CONFIG_KEY]: configConf },
  };
  return opts.userSupplied ? cm : signConfigMap(cm);
}

/** <control-plane repository>/kube-proxy:<version, "+" → "_">. */
export function kubeProxyImage(cluster: Pick<ClusterConfiguration, 'imageRepository' | 'kubernetesVersion'>): string {
  return `${cluster.imageRepository}/kube-proxy:${cluster.kubernetesVersion.replace(/\+/g, '_')}`;
}

/**
 * The *_proxy variables of kubeadm's own environment (name ending in "_proxy", any case, non-empty
 * value), sorted by name: kubeadm passes them on to the kube-proxy container.
 */
export function proxyEnvVars(env: Record<string, string | undefined>): { name: string; value: string }[] {
  return Object.entries(env)
    .filter(([k, v]) => k.toLowerCase().endsWith('_proxy') && v !== undefined && v !== '')
    .map(([name, value]) => ({ name, value: value! }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function kubeProxyDaemonSet(image: string, extraEnv: { name: string; value: string }[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { labels: { 'k8s-app': KUBE_PROXY }, name: KUBE_PROXY, namespace: KUBE_SYSTEM },
    spec: {
      selector: { matchLabels: { 'k8s-app': KUBE_PROXY } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { 'k8s-app': KUBE_PROXY } },
        spec: {
          priorityClassName: 'system-node-critical',
          containers: [
            {
              name: KUBE_PROXY,
              image,
              imagePullPolicy: 'IfNotPresent',
              command: ['/usr/local/bin/kube-proxy', `--config=/var/lib/kube-proxy/${KUBE_PROXY_CONFIG_KEY}`, '--hostname-override=$(NODE_NAME)'],
              securityContext: { privileged: true },
              volumeMounts: [
                { mountPath: '/var/lib/kube-proxy', name: KUBE_PROXY },
                // the template's `readOnly: false` is Go's zero value and is not sent
                { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
              ],
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, ...extraEnv],
            },
          ],
          hostNetwork: true,
          serviceAccountName: KUBE_PROXY,
          volumes: [
            { name: KUBE_PROXY, configMap: { name: KUBE_PROXY } },
            { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
            { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
          ],
          tolerations: [{ operator: 'Exists' }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
        },
      },
    },
  };
}

export function kubeProxyServiceAccount(): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: KUBE_PROXY, namespace: KUBE_SYSTEM } };
}

export function kubeProxyClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(KUBE_PROXY_CLUSTER_ROLE_BINDING, KUBE_PROXY_CLUSTER_ROLE, [serviceAccount(KUBE_PROXY, KUBE_SYSTEM)]);
}

export function kubeProxyRole(): RoleObject {
  return role(KUBE_PROXY, KUBE_SYSTEM, [getNamedRule('configmaps', KUBE_PROXY)]);
}

export function kubeProxyRoleBinding(): BindingObject {
  return roleBinding(KUBE_PROXY, KUBE_SYSTEM, KUBE_PROXY, [group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP)]);
}

export interface KubeProxyObjects {
  configMap: ConfigMapObject;
  daemonSet: KubeObject;
  serviceAccount: KubeObject;
  clusterRoleBinding: BindingObject;
  role: RoleObject;
  roleBinding: BindingObject;
}

export interface KubeProxyInput {
  cluster: Pick<ClusterConfiguration, 'networking' | 'controlPlaneEndpoint' | 'imageRepository' | 'kubernetesVersion'>;
  localAPIEndpoint: APIEndpoint;
  /** the user's KubeProxyConfiguration document, if one was given */
  userConfig?: ComponentConfig;
  /** kubeadm's process environment, for the *_proxy variables passed to the DaemonSet */
  env?: Record<string, string | undefined>;
}

export function renderKubeProxy(input: KubeProxyInput): KubeProxyObjects & { warnings: string[] } {
  const server = controlPlaneURL(input.cluster.controlPlaneEndpoint, input.localAPIEndpoint);
  const { config, warnings } = kubeProxyConfiguration(input.cluster, input.localAPIEndpoint, input.userConfig);
  return {
    configMap: kubeProxyConfigMap(marshalKubeProxyConfiguration(config), server, { userSupplied: input.userConfig !== undefined }),
    daemonSet: kubeProxyDaemonSet(kubeProxyImage(input.cluster), proxyEnvVars(input.env ?? {})),
    serviceAccount: kubeProxyServiceAccount(),
    clusterRoleBinding: kubeProxyClusterRoleBinding(),
    role: kubeProxyRole(),
    roleBinding: kubeProxyRoleBinding(),
    warnings,
  };
}

/** kubeadm's creation order (EnsureProxyAddon): ConfigMap, DaemonSet, then the account and its RBAC. */
export const KUBE_PROXY_ORDER: readonly (keyof KubeProxyObjects)[] = [
  'configMap',
  'daemonSet',
  'serviceAccount',
  'clusterRoleBinding',
  'role',
  'roleBinding',
];
