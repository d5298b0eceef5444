// File discovery (kubeadm discovery/file and discovery/https): a kubeconfig from a local file or an
// HTTPS URL is trusted as given; kubeadm embeds the files it references, checks that it can talk to
// the API server through it (reading cluster-info), and takes the CA from cluster-info when the file
// has none.

import * as path from 'node:path';
import { formatDuration } from '../config/duration.js';
import { isForbidden } from '../kube/errors.js';
import type { KubeClient } from '../kube/base.js';
import type { ConfigMapObject } from '../kube/types.js';
import { poll, PollTimeoutError, systemClock } from '../kube/poll.js';
import {
  clusterFromConfig,
  currentAuthInfo,
  goOpenError,
  hasAuthenticationCredentials,
  loadClientConfig,
  validateClientConfig,
  writeClientConfig,
  type ClientConfig,
} from '../kubeconfig/clientcmd.js';
import { DiscoveryError, errMsg, quote } from './errors.js';
import { DISCOVERY_REQUEST_TIMEOUT_MS, DISCOVERY_RETRY_INTERVAL_MS, type DiscoveryDeps } from './types.js';

const CLUSTER_INFO_REF = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-public', name: 'cluster-info' } as const;

function inputsOf(deps: DiscoveryDeps): NonNullable<DiscoveryDeps['inputs']> {
  if (!deps.inputs) throw new DiscoveryError('internal error: file discovery needs the input reader');
  return deps.inputs;
}

/** os.ReadFile of a path the user gave (relative to the working directory), with Go's error text. */
async function readUserFile(deps: DiscoveryDeps, p: string): Promise<Buffer> {
  try {
    return await inputsOf(deps).readFile(path.resolve(p));
  } catch (e) {
    throw new Error(goOpenError(p, e), { cause: e });
  }
}

/** file.RetrieveValidatedConfigInfo: a local kubeconfig file. */
export async function retrieveFileConfigInfo(file: string, timeoutMs: number, deps: DiscoveryDeps): Promise<ClientConfig> {
  let data: Buffer;
  try {
    data = await readUserFile(deps, file);
  } catch (e) {
    throw new DiscoveryError(errMsg(e), { cause: e });
  }
  let cfg: ClientConfig;
  try {
    cfg = loadClientConfig(data);
  } catch (e) {
    throw new DiscoveryError(errMsg(e), { cause: e });
  }
  return validateConfigInfo(cfg, timeoutMs, deps);
}

/** Go's system trust store files (crypto/x509 root_linux.go), SSL_CERT_FILE first. */
const SYSTEM_CA_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

async function systemCABundle(deps: DiscoveryDeps): Promise<Buffer | undefined> {
  const inputs = inputsOf(deps);
  const env = inputs.env('SSL_CERT_FILE');
  for (const f of env ? [env] : SYSTEM_CA_FILES) {
    try {
      return await inputs.readFile(f);
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** https.RetrieveValidatedConfigInfo: download over TLS verified by the host's trust store. */
export async function retrieveHttpsConfigInfo(url: string, timeoutMs: number, deps: DiscoveryDeps): Promise<ClientConfig> {
  const ca = await systemCABundle(deps);
  let res: { status: number; body: string };
  try {
    res = await inputsOf(deps).httpGet(url, { timeoutMs, ...(ca ? { ca } : {}) });
  } catch (e) {
    throw new DiscoveryError(`Get ${quote(url)}: ${errMsg(e)}`, { cause: e });
  }
  if (res.status !== 200) {
    throw new DiscoveryError(`error trying to fetch discovery kubeconfig over HTTPS from ${url}, received status ${res.status}`);
  }
  let cfg: ClientConfig;
  try {
    cfg = loadClientConfig(res.body);
  } catch (e) {
    throw new DiscoveryError(errMsg(e), { cause: e });
  }
  return validateConfigInfo(cfg, timeoutMs, deps);
}

/**
 * The kubeconfig text an API client (createKubeClient) gets for a discovery kubeconfig: its current
 * cluster and user under fixed names. client-go reads a cluster named "" without any context;
 * client-node needs a context, and applies a cluster's TLS settings (insecure-skip-tls-verify,
 * certificate-authority-data) only when the context has a user entry, so there always is one
 * (empty when the kubeconfig has no credentials, which sends none, as client-go does).
 */
export function transportKubeconfig(cfg: ClientConfig): string {
  const { cluster } = clusterFromConfig(cfg);
  const user = currentAuthInfo(cfg) ?? {};
  const t: ClientConfig = {
    preferences: {},
    clusters: new Map([['discovery', cluster]]),
    users: new Map([['discovery', user]]),
    contexts: new Map([['discovery', { cluster: 'discovery', user: 'discovery' }]]),
    currentContext: 'discovery',
  };
  return writeClientConfig(t);
}

async function embedFiles(cfg: ClientConfig, deps: DiscoveryDeps): Promise<void> {
  const { cluster } = clusterFromConfig(cfg);
  // EnsureCertificateAuthorityIsEmbedded
  if (!cluster.certificateAuthorityData?.length && cluster.certificateAuthority) {
    try {
      cluster.certificateAuthorityData = await readUserFile(deps, cluster.certificateAuthority);
    } catch (e) {
      throw new DiscoveryError(`error while reading certificate authority file defined in kubeconfig: ${errMsg(e)}`, { cause: e });
    }
    delete cluster.certificateAuthority;
  }
  if (!hasAuthenticationCredentials(cfg)) {
    deps.out.v(1, '[discovery] Discovery file does not contains authentication credentials, using unauthenticated request for validating TLS connection');
    return;
  }
  deps.out.v(1, '[discovery] Using authentication credentials from the discovery file for validating TLS connection');
  // EnsureAuthenticationInfoAreEmbedded
  const a = currentAuthInfo(cfg)!;
  if (!a.clientCertificateData?.length && a.clientCertificate) {
    try {
      a.clientCertificateData = await readUserFile(deps, a.clientCertificate);
    } catch (e) {
      throw new DiscoveryError(`error while reading client cert file defined in kubeconfig: ${errMsg(e)}`, { cause: e });
    }
    delete a.clientCertificate;
  }
  if (!a.clientKeyData?.length && a.clientKey) {
    try {
      a.clientKeyData = await readUserFile(deps, a.clientKey);
    } catch (e) {
      throw new DiscoveryError(`error while reading client key file defined in kubeconfig: ${errMsg(e)}`, { cause: e });
    }
    delete a.clientKey;
  }
  if (!a.token && a.tokenFile) {
    try {
      a.token = (await readUserFile(deps, a.tokenFile)).toString('utf8');
    } catch (e) {
      throw new DiscoveryError(`error while reading token file defined in kubeconfig: ${errMsg(e)}`, { cause: e });
    }
    delete a.tokenFile;
  }
}

/** file.ValidateConfigInfo. `cfg` is changed in place and returned. */
export async function validateConfigInfo(cfg: ClientConfig, timeoutMs: number, deps: DiscoveryDeps): Promise<ClientConfig> {
  if (cfg.clusters.size < 1) throw new DiscoveryError('the provided kubeconfig file must have at least one Cluster defined');
  let current: ReturnType<typeof clusterFromConfig>;
  try {
    current = clusterFromConfig(cfg);
  } catch (e) {
    throw new DiscoveryError(`the provided kubeconfig file is malformed: ${errMsg(e)}`);
  }
  const invalid = await validateClientConfig(cfg, (p) => inputsOf(deps).readFile(path.resolve(p)));
  if (invalid) throw new DiscoveryError(invalid);
  await embedFiles(cfg, deps);

  let client: KubeClient;
  const text = transportKubeconfig(cfg);
  try {
    if (deps.clientFor) client = await deps.clientFor(text, { requestTimeoutMs: DISCOVERY_REQUEST_TIMEOUT_MS });
    else {
      const { createKubeClient } = await import('../kube/client.js');
      client = await createKubeClient({ kubeconfig: text, requestTimeoutMs: DISCOVERY_REQUEST_TIMEOUT_MS });
    }
  } catch (e) {
    throw new DiscoveryError(`failed to create API client configuration from kubeconfig: ${errMsg(e)}`, { cause: e });
  }
  deps.out.v(1, `[discovery] Created cluster-info discovery client, requesting info from ${quote(current.cluster.server)}`);

  let lastError: string | undefined;
  let clusterInfo: ConfigMapObject | undefined;
  try {
    clusterInfo = await poll<ConfigMapObject | undefined>(
      async () => {
        try {
          const cm = await client.get<ConfigMapObject>(CLUSTER_INFO_REF);
          if (!cm) throw new Error('configmaps "cluster-info" not found');
          return { done: true, value: cm };
        } catch (e) {
          if (isForbidden(e)) {
            deps.out.warn('[discovery] Could not access the cluster-info ConfigMap for refreshing the cluster-info information, but the TLS cert is valid so proceeding...');
            return { done: true, value: undefined };
          }
          lastError = errMsg(e);
          deps.out.v(1, `[discovery] Error reading the cluster-info ConfigMap, will try again: ${lastError}`);
          return { done: false };
        }
      },
      {
        intervalMs: Math.min(deps.retryIntervalMs ?? DISCOVERY_RETRY_INTERVAL_MS, timeoutMs),
        timeoutMs,
        clock: deps.clock ?? systemClock,
      },
    );
  } catch (e) {
    if (e instanceof PollTimeoutError) {
      throw new DiscoveryError(`Abort reading the cluster-info ConfigMap after timeout of ${formatDuration(timeoutMs)}: ${lastError ?? 'timed out'}`);
    }
    throw e;
  }
  if (!clusterInfo) return cfg;

  // tryParseClusterInfoFromConfigMap: a cluster-info that is not usable leaves the file as it is
  const kc = clusterInfo.data?.kubeconfig;
  let refreshed: ClientConfig;
  try {
    if (!kc) throw new Error('no kubeconfig key in ConfigMap');
    try {
      refreshed = loadClientConfig(kc);
    } catch (e) {
      throw new Error(`couldn't parse the kubeconfig file in the cluster-info ConfigMap: ${errMsg(e)}`);
    }
  } catch (e) {
    deps.out.v(1, `[discovery] The cluster-info ConfigMap isn't set up properly (${errMsg(e)}), but the TLS cert is valid so proceeding...`);
    return cfg;
  }
  let refreshedCluster;
  try {
    refreshedCluster = clusterFromConfig(refreshed).cluster;
  } catch (e) {
    throw new DiscoveryError(`malformed kubeconfig in the cluster-info ConfigMap: ${errMsg(e)}`);
  }
  if (current.cluster.server !== refreshedCluster.server) {
    deps.out.warn(
      `[discovery] the API Server endpoint ${quote(current.cluster.server)} in use is different from the endpoint ${quote(refreshedCluster.server)} which defined in the cluster-info ConfigMap`,
    );
  }
  if (!current.cluster.certificateAuthorityData?.length && refreshedCluster.certificateAuthorityData?.length) {
    cfg.clusters.get(current.name)!.certificateAuthorityData = refreshedCluster.certificateAuthorityData;
    deps.out.v(1, '[discovery] Synced CertificateAuthorityData from the cluster-info ConfigMap');
  }
  return cfg;
}
