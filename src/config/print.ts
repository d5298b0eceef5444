// `config print *-defaults`, `config migrate` and `config validate`.
import { hostname as osHostname } from 'node:os';
import { TskError, ValidationError, type FieldProblem } from '../errors.js';
import { generateBootstrapToken } from '../util/token.js';
import { KUBERNETES_VERSION } from '../versions.js';
import * as C from './constants.js';
import {
  defaultClusterConfiguration,
  defaultInitConfiguration,
  defaultJoinConfiguration,
  defaultResetConfiguration,
  defaultTimeouts,
} from './defaults.js';
import { DefaultingError, parseSemver, setInitDynamicDefaults, setJoinDynamicDefaults, setResetDynamicDefaults, type HostFacts } from './dynamic.js';
import { normalizeDuration } from './duration.js';
import {
  clusterConfigurationJSON,
  initConfigurationJSON,
  joinConfigurationJSON,
  marshalObject,
  resetConfigurationJSON,
  upgradeConfigurationJSON,
} from './marshal.js';
import { locatorFor, readConfig } from './read.js';
import type { ClusterConfiguration, InitConfiguration } from './types.js';
import { defaultKubeletConfiguration, kubeletConfigurationYaml } from '../manifests/kubelet.js';
import { kubeProxyConfiguration, marshalKubeProxyConfiguration } from '../addons/kubeproxy.js';
import { newContext, validateInitConfiguration, validateJoinConfiguration, validateResetConfiguration } from './validate.js';

export interface PrintOptions {
  /**
   * component config kinds to append after the kubeadm documents, in the order given (repeats print
   * again): KubeletConfiguration, KubeProxyConfiguration. Only init-defaults takes them, as in kubeadm.
   */
  componentConfigs?: string[];
  /** the host name (print join-defaults puts it in nodeRegistration.name, as kubeadm does) */
  hostname?: string;
}

/** The kinds `--component-configs` accepts, sorted as kubeadm lists them in its error. */
export const COMPONENT_CONFIG_KINDS: readonly string[] = [C.KUBEPROXY_KIND, C.KUBELET_KIND];

/** Every kind must be known before anything is printed (kubeadm maps them all first). */
function checkComponentConfigKinds(kinds: readonly string[]): void {
  for (const k of kinds) {
    if (!COMPONENT_CONFIG_KINDS.includes(k)) {
      throw new TskError(
        `--component-configs needs to contain some of [${COMPONENT_CONFIG_KINDS.join(' ')}]; unknown component config kind ${JSON.stringify(k)}`,
        3,
      );
    }
  }
}

/**
 * The defaulted component config of one kind for kubeadm's static init defaults: the zero-valued Go
 * struct plus kubeadm's own defaults, derived from the default ClusterConfiguration and the
 * placeholder API endpoint (what `DefaultedStaticInitConfiguration` holds).
 */
function componentConfigDefaults(kind: string, init: InitConfiguration, cluster: ClusterConfiguration): string {
  if (kind === C.KUBELET_KIND) return kubeletConfigurationYaml(defaultKubeletConfiguration(cluster).config);
  return marshalKubeProxyConfiguration(kubeProxyConfiguration(cluster, init.localAPIEndpoint).config) + '\n';
}

/** "1.37.0": kubeadm's CurrentKubernetesVersion as printed by init-defaults. */
function currentKubernetesVersion(): string {
  const v = parseSemver(KUBERNETES_VERSION)!;
  return `${v.major}.${v.minor}.0`;
}

/** `kubeadm config print init-defaults`: static defaults with placeholder values. */
export function printInitDefaults(opts?: Pick<PrintOptions, 'componentConfigs'>): string {
  const kinds = opts?.componentConfigs ?? [];
  checkComponentConfigKinds(kinds);
  const init = defaultInitConfiguration({
    localAPIEndpoint: { advertiseAddress: C.PLACEHOLDER_ADVERTISE_ADDRESS },
    bootstrapTokens: [{ token: C.PLACEHOLDER_TOKEN }],
    nodeRegistration: { criSocket: C.DEFAULT_CRI_SOCKET, name: C.PLACEHOLDER_NODE_NAME },
  });
  const cluster = defaultClusterConfiguration({ kubernetesVersion: currentKubernetesVersion() });
  const docs = [marshalObject(initConfigurationJSON(init)) + '---\n' + marshalObject(clusterConfigurationJSON(cluster))];
  for (const k of kinds) docs.push(componentConfigDefaults(k, init, cluster));
  return docs.join('---\n');
}

/** `kubeadm config print join-defaults`: placeholder discovery; the node name is this host's name. */
export function printJoinDefaults(opts?: Pick<PrintOptions, 'hostname'>): string {
  const join = defaultJoinConfiguration({
    discovery: {
      bootstrapToken: {
        token: C.PLACEHOLDER_TOKEN,
        apiServerEndpoint: C.PLACEHOLDER_API_SERVER_ENDPOINT,
        unsafeSkipCAVerification: true,
      },
    },
  });
  join.nodeRegistration.name = (opts?.hostname ?? osHostname()).trim().toLowerCase();
  join.nodeRegistration.criSocket = C.DEFAULT_CRI_SOCKET;
  return marshalObject(joinConfigurationJSON(join));
}

/** `kubeadm config print reset-defaults`. */
export function printResetDefaults(): string {
  const reset = defaultResetConfiguration({});
  reset.criSocket = C.DEFAULT_CRI_SOCKET;
  return marshalObject(resetConfigurationJSON(reset));
}

export interface FileCheckResult {
  problems: FieldProblem[];
  warnings: string[];
}

export interface MigrateResult {
  text: string;
  warnings: string[];
}

/** Host facts for validate/migrate (which kubeadm also defaults dynamically). */
export interface OfflineHost {
  hostname?: () => string;
  /** the default-route address; without it the advertise address falls back to 0.0.0.0 with a warning */
  defaultAddress?: string;
  generateToken?: () => string;
  criSocket?: string;
}

function offlineFacts(host?: OfflineHost): HostFacts {
  return {
    hostname: host?.hostname ?? (() => osHostname()),
    defaultAddress: host?.defaultAddress,
    generateToken: host?.generateToken ?? generateBootstrapToken,
    ...(host?.criSocket ? { criSocket: host.criSocket } : {}),
  };
}

interface Resolved {
  problems: FieldProblem[];
  warnings: string[];
  docs: string[];
}

/**
 * Read, default, convert and validate every kubeadm document in a file, strictly (unknown fields and
 * unknown document types are problems). Returns the v1beta4 YAML documents when there were no problems.
 */
function resolveFile(text: string, fileName: string | undefined, dyn: HostFacts): Resolved {
  const read = readConfig(text, fileName, { strict: true });
  const out: Resolved = { problems: [...read.problems], warnings: [...read.warnings], docs: [] };
  if (read.undecodable) return out;
  const locate = locatorFor(read, fileName);
  const asProblem = (e: unknown): FieldProblem => {
    if (e instanceof DefaultingError) return { path: `${e.kind}.${e.path}`, message: e.message, ...locate(e.kind, e.path) };
    throw e;
  };
  if (read.init || read.cluster) {
    const init = defaultInitConfiguration(read.init?.raw);
    const cluster = defaultClusterConfiguration(read.cluster?.raw);
    if (read.controlPlaneTimeout !== undefined) init.timeouts.controlPlaneComponentHealthCheck = normalizeDuration(read.controlPlaneTimeout);
    try {
      setInitDynamicDefaults(init, cluster, dyn, out.warnings);
      const ctx = newContext(locate);
      validateInitConfiguration(ctx, init, cluster);
      out.problems.push(...ctx.problems);
      out.warnings.push(...ctx.warnings);
    } catch (e) {
      out.problems.push(asProblem(e));
    }
    out.docs.push(marshalObject(initConfigurationJSON(init)) + '---\n' + marshalObject(clusterConfigurationJSON(cluster)));
  }
  if (read.join) {
    const join = defaultJoinConfiguration(read.join.raw);
    try {
      setJoinDynamicDefaults(join, dyn, out.warnings);
      const ctx = newContext(locate);
      validateJoinConfiguration(ctx, join);
      out.problems.push(...ctx.problems);
    } catch (e) {
      out.problems.push(asProblem(e));
    }
    out.docs.push(marshalObject(joinConfigurationJSON(join)));
  }
  if (read.reset) {
    const reset = defaultResetConfiguration(read.reset.raw);
    setResetDynamicDefaults(reset, dyn, out.warnings);
    const ctx = newContext(locate);
    validateResetConfiguration(ctx, reset);
    out.problems.push(...ctx.problems);
    out.docs.push(marshalObject(resetConfigurationJSON(reset)));
  }
  if (read.upgrade) {
    const ctx = newContext(locate);
    const u = read.upgrade.raw;
    for (const [sect, pol] of [
      ['apply', u.apply?.imagePullPolicy],
      ['node', u.node?.imagePullPolicy],
    ] as const) {
      if (pol && !(C.PULL_POLICIES as readonly string[]).includes(pol)) {
        ctx.problems.push({ path: `${C.UPGRADE_KIND}.${sect}.imagePullPolicy`, message: `invalid pull policy ${JSON.stringify(pol)}: must be one of ${C.PULL_POLICIES.join(', ')}`, ...locate(C.UPGRADE_KIND, `${sect}.imagePullPolicy`) });
      }
    }
    for (const sect of ['apply', 'node'] as const) {
      const dir = u[sect]?.patches?.directory;
      if (u[sect]?.patches !== undefined && !(dir ?? '').startsWith('/')) {
        ctx.problems.push({ path: `${C.UPGRADE_KIND}.${sect}.patches.directory`, message: `${JSON.stringify(dir ?? '')} is not an absolute path`, ...locate(C.UPGRADE_KIND, `${sect}.patches.directory`) });
      }
    }
    out.problems.push(...ctx.problems);
    out.docs.push(marshalObject(upgradeConfigurationJSON(u, defaultTimeouts(u.timeouts))));
  }
  if (!read.init && !read.cluster && !read.join && !read.reset && !read.upgrade && read.docs.length === 0) {
    out.problems.push({ path: '', message: 'no kubeadm configuration documents were found', ...(fileName ? { file: fileName } : {}) });
  }
  return out;
}

/**
 * `kubeadm config validate`: every problem in the file (YAML, unknown or duplicated documents, unknown
 * fields, wrong types, value rules). Pure apart from the optional host facts.
 */
export function validateConfigFile(text: string, fileName?: string, host?: OfflineHost): FileCheckResult {
  const r = resolveFile(text, fileName, offlineFacts(host));
  return { problems: r.problems, warnings: r.warnings };
}

/**
 * `kubeadm config migrate`: the file's documents read, defaulted, converted to v1beta4 and validated,
 * printed as v1beta4 YAML (documents joined by "---"). Throws ValidationError when the file is invalid.
 */
export function migrateConfig(text: string, fileName?: string, host?: OfflineHost): MigrateResult {
  const r = resolveFile(text, fileName, offlineFacts(host));
  if (r.problems.length > 0) throw new ValidationError(r.problems);
  return { text: r.docs.join('---\n'), warnings: r.warnings };
}
