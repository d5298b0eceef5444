// Token discovery (kubeadm discovery/token): read kube-public/cluster-info without trusting the
// endpoint, check the bootstrapsigner's detached JWS over its kubeconfig with the token secret, pin
// the CA it names against --discovery-token-ca-cert-hash, then read it again over TLS verified by
// that CA and require the same kubeconfig bytes.

import type { BootstrapTokenDiscovery, Discovery } from '../config/types.js';
import type { KubeClient } from '../kube/base.js';
import type { ConfigMapObject } from '../kube/types.js';
import { poll, PollTimeoutError, systemClock } from '../kube/poll.js';
import { clusterFromConfig, createBasic, loadClientConfig, type ClientConfig } from '../kubeconfig/clientcmd.js';
import { transportKubeconfig } from './file.js';
import { detachedTokenIsValid } from './jws.js';
import { parseCertsPem, PinSet } from './pins.js';
import { DiscoveryError, errMsg, quote } from './errors.js';
import { DISCOVERY_REQUEST_TIMEOUT_MS, DISCOVERY_RETRY_INTERVAL_MS, DRY_RUN_DISCOVERY, type DiscoveryDeps } from './types.js';

/** token.BootstrapUser: the (credential-less) user of the discovery kubeconfigs */
export const BOOTSTRAP_USER = 'token-bootstrap-client';
/** kubeadmapiv1.DefaultClusterName */
export const DEFAULT_CLUSTER_NAME = 'kubernetes';

const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const TOKEN_PATTERN = '\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z';

/** bootstraptokenv1.NewBootstrapTokenString */
export function parseBootstrapToken(token: string): { id: string; secret: string } {
  const m = TOKEN_RE.exec(token);
  if (!m) throw new DiscoveryError(`the bootstrap token ${quote(token)} was not of the form ${quote(TOKEN_PATTERN)}`);
  return { id: m[1]!, secret: m[2]! };
}

/** BuildInsecureBootstrapKubeConfig: https://<endpoint>, cluster "kubernetes", TLS verification off. */
export function buildInsecureBootstrapKubeConfig(endpoint: string): ClientConfig {
  const cfg = createBasic(`https://${endpoint}`, DEFAULT_CLUSTER_NAME, BOOTSTRAP_USER, new Uint8Array());
  cfg.clusters.get(DEFAULT_CLUSTER_NAME)!.insecureSkipTLSVerify = true;
  return cfg;
}

/** buildSecureBootstrapKubeConfig: the same endpoint, verified against the pinned CA. */
export function buildSecureBootstrapKubeConfig(endpoint: string, caCert: Uint8Array, clusterName: string): ClientConfig {
  return createBasic(`https://${endpoint}`, clusterName, BOOTSTRAP_USER, caCert);
}

const CLUSTER_INFO_REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' } as const;

/** mutateTokenDiscoveryForDryRun */
function mutateForDryRun(bt: BootstrapTokenDiscovery, deps: DiscoveryDeps): void {
  const d = DRY_RUN_DISCOVERY;
  deps.out.warn(
    '[dryrun] Mutating the JoinConfiguration.Discovery.BootstrapToken to satisfy the dry-run without a real cluster-info ConfigMap:\n' +
      `  Token: ${d.token}\n  CACertHash: ${d.caCertHash}\n  APIServerEndpoint: ${d.apiServerEndpoint}`,
  );
  bt.token = d.token;
  bt.caCertHashes = [...bt.caCertHashes, d.caCertHash];
  bt.apiServerEndpoint = d.apiServerEndpoint;
}

/** getClusterInfo: poll the ConfigMap until it carries a signature for the token's id. */
async function getClusterInfo(client: KubeClient, bt: BootstrapTokenDiscovery, intervalMs: number, timeoutMs: number, deps: DiscoveryDeps): Promise<ConfigMapObject> {
  let lastError: string | undefined;
  try {
    return await poll<ConfigMapObject>(
      async () => {
        const m = TOKEN_RE.exec(bt.token);
        if (!m) {
          throw new DiscoveryError(
            `could not construct token string for token: ${bt.token}: the bootstrap token ${quote(bt.token)} was not of the form ${quote(TOKEN_PATTERN)}`,
          );
        }
        const id = m[1]!;
        deps.out.v(1, `[discovery] Waiting for the cluster-info ConfigMap to receive a JWS signature for token ID ${quote(id)}`);
        let cm: ConfigMapObject | undefined;
        try {
          cm = await client.get<ConfigMapObject>(CLUSTER_INFO_REF);
          if (!cm) throw new Error('configmaps "cluster-info" not found');
        } catch (e) {
          lastError = `failed to request the cluster-info ConfigMap: ${errMsg(e)}`;
          deps.out.v(1, `[discovery] Retrying due to error: ${lastError}`);
          return { done: false };
        }
        if (!Object.prototype.hasOwnProperty.call(cm.data ?? {}, `jws-kubeconfig-${id}`)) {
          lastError = `could not find a JWS signature in the cluster-info ConfigMap for token ID ${quote(id)}`;
          if (deps.dryRunClient) {
            mutateForDryRun(bt, deps);
            return { done: false };
          }
          deps.out.v(1, `[discovery] Retrying due to error: ${lastError}`);
          return { done: false };
        }
        return { done: true, value: cm };
      },
      { intervalMs, timeoutMs, clock: deps.clock ?? systemClock },
    );
  } catch (e) {
    if (e instanceof PollTimeoutError) {
      // clearer than kubeadm, which stops at the first sentence: say what a missing signature means
      const unsigned = lastError?.startsWith('could not find a JWS signature')
        ? '. The token is unknown to this cluster or has expired (the controller-manager signs cluster-info for valid tokens only): create a new one with "tskubeadm token create" on a control-plane node'
        : '';
      throw new DiscoveryError((lastError ?? `timed out waiting for the cluster-info ConfigMap after ${timeoutMs}ms`) + unsigned);
    }
    throw e;
  }
}

/** validateClusterInfoToken: the kubeconfig text, once its detached JWS checks out. */
export function validateClusterInfoToken(cm: ConfigMapObject, token: { id: string; secret: string }): string {
  const data = cm.data ?? {};
  const kubeconfig = Object.prototype.hasOwnProperty.call(data, 'kubeconfig') ? data.kubeconfig : undefined;
  if (!kubeconfig) {
    throw new DiscoveryError("there is no kubeconfig key in the cluster-info ConfigMap. This API Server isn't set up for token bootstrapping, can't connect");
  }
  const key = `jws-kubeconfig-${token.id}`;
  const jws = Object.prototype.hasOwnProperty.call(data, key) ? data[key] : undefined;
  if (!jws) {
    throw new DiscoveryError(
      `token id ${quote(token.id)} is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`,
    );
  }
  if (!detachedTokenIsValid(jws, kubeconfig, token.id, token.secret)) {
    throw new DiscoveryError("failed to verify JWS signature of received cluster info object, can't trust this API Server");
  }
  return kubeconfig;
}

/** validateClusterCA: the cluster CA bytes, once one of its keys is pinned. */
export function validateClusterCA(cfg: ClientConfig, pins: PinSet): Buffer {
  // upstream takes the CA data of whichever cluster its map range visits last; cluster-info has one
  let ca: Buffer = Buffer.alloc(0);
  for (const c of cfg.clusters.values()) ca = c.certificateAuthorityData ?? Buffer.alloc(0);
  let ders: Buffer[];
  try {
    ders = parseCertsPem(ca);
  } catch (e) {
    throw new DiscoveryError(`failed to parse cluster CA from the cluster-info ConfigMap: ${errMsg(e)}`);
  }
  const problem = pins.checkAny(ders);
  if (problem) throw new DiscoveryError(`cluster CA found in cluster-info ConfigMap is invalid: ${problem}`);
  return ca;
}

async function clientFor(deps: DiscoveryDeps, cfg: ClientConfig): Promise<KubeClient> {
  if (deps.dryRunClient) return deps.dryRunClient;
  const text = transportKubeconfig(cfg);
  if (deps.clientFor) return deps.clientFor(text, { requestTimeoutMs: DISCOVERY_REQUEST_TIMEOUT_MS });
  const { createKubeClient } = await import('../kube/client.js');
  return createKubeClient({ kubeconfig: text, requestTimeoutMs: DISCOVERY_REQUEST_TIMEOUT_MS });
}

/**
 * RetrieveValidatedConfigInfo for token discovery. `discovery.bootstrapToken` is changed in place
 * in a dry run (as upstream mutates the JoinConfiguration).
 */
export async function retrieveTokenConfigInfo(discovery: Discovery, timeoutMs: number, deps: DiscoveryDeps): Promise<ClientConfig> {
  const bt = discovery.bootstrapToken!;
  const intervalMs = Math.min(deps.retryIntervalMs ?? DISCOVERY_RETRY_INTERVAL_MS, timeoutMs);
  const endpoint = bt.apiServerEndpoint;
  const insecureBootstrap = buildInsecureBootstrapKubeConfig(endpoint);
  const clusterName = insecureBootstrap.contexts.get(insecureBootstrap.currentContext)!.cluster;

  deps.out.v(1, `[discovery] Created cluster-info discovery client, requesting info from ${quote(endpoint)}`);
  const insecureClient = await clientFor(deps, insecureBootstrap);
  const insecureClusterInfo = await getClusterInfo(insecureClient, bt, intervalMs, timeoutMs, deps);

  const pins = new PinSet();
  try {
    pins.allow(...bt.caCertHashes);
  } catch (e) {
    throw new DiscoveryError(`invalid discovery token CA certificate hash: ${errMsg(e)}`);
  }
  const token = parseBootstrapToken(bt.token);
  const insecureKubeconfig = validateClusterInfoToken(insecureClusterInfo, token);

  let insecureConfig: ClientConfig;
  try {
    insecureConfig = loadClientConfig(insecureKubeconfig);
  } catch (e) {
    throw new DiscoveryError(`couldn't parse the kubeconfig file in the cluster-info ConfigMap: ${errMsg(e)}`);
  }
  try {
    clusterFromConfig(insecureConfig);
  } catch (e) {
    throw new DiscoveryError(`malformed kubeconfig in the cluster-info ConfigMap: ${errMsg(e)}`);
  }

  if (pins.empty()) {
    deps.out.v(1, `[discovery] Cluster info signature and contents are valid and no TLS pinning was specified, will use API Server ${quote(endpoint)}`);
    return insecureConfig;
  }

  const clusterCA = validateClusterCA(insecureConfig, pins);
  const secureBootstrap = buildSecureBootstrapKubeConfig(endpoint, clusterCA, clusterName);
  deps.out.v(1, `[discovery] Requesting info from ${quote(endpoint)} again to validate TLS against the pinned public key`);
  const secureClient = await clientFor(deps, secureBootstrap);
  const secureClusterInfo = await getClusterInfo(secureClient, bt, intervalMs, timeoutMs, deps);

  const secureKubeconfig = secureClusterInfo.data?.kubeconfig ?? '';
  if (Buffer.compare(Buffer.from(secureKubeconfig, 'utf8'), Buffer.from(insecureKubeconfig, 'utf8')) !== 0) {
    throw new DiscoveryError('the second kubeconfig from the cluster-info ConfigMap (using validated TLS) was different from the first');
  }
  let secureConfig: ClientConfig;
  try {
    secureConfig = loadClientConfig(secureKubeconfig);
  } catch (e) {
    throw new DiscoveryError(`couldn't parse the kubeconfig file in the cluster-info ConfigMap: ${errMsg(e)}`);
  }
  deps.out.v(1, `[discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server ${quote(endpoint)}`);
  return secureConfig;
}
