// Objects of the bootstrap-token phase: the token Secrets, the RBAC that lets bootstrap tokens
// join nodes, and the kube-public/cluster-info ConfigMap with its anonymous-read RBAC.

import { load } from 'js-yaml';
import type { BootstrapToken } from '../../config/types.js';
import { parseDuration } from '../../config/duration.js';
import { toGoYaml } from '../../manifests/goyaml.js';
import type { ConfigMapObject, SecretObject } from '../types.js';
import {
  clusterRole,
  clusterRoleBinding,
  getNamedRule,
  group,
  KUBE_PUBLIC,
  KUBE_SYSTEM,
  NODE_BOOTSTRAP_TOKEN_AUTH_GROUP,
  NODES_GROUP,
  role,
  roleBinding,
  user,
  type BindingObject,
  type RoleObject,
} from './rbac.js';

export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';

export const NODE_KUBELET_BOOTSTRAP = 'kubeadm:kubelet-bootstrap';
export const NODE_BOOTSTRAPPER_CLUSTER_ROLE = 'system:node-bootstrapper';
export const GET_NODES_CLUSTER_ROLE = 'kubeadm:get-nodes';
export const NODE_AUTOAPPROVE_BOOTSTRAP = 'kubeadm:node-autoapprove-bootstrap';
export const CSR_AUTOAPPROVAL_CLUSTER_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:nodeclient';
export const NODE_AUTOAPPROVE_CERT_ROTATION = 'kubeadm:node-autoapprove-certificate-rotation';
export const NODE_SELF_CSR_AUTOAPPROVAL_CLUSTER_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';
export const KUBELET_API_ADMIN_BINDING = 'kubeadm:apiserver-kubelet-client';
export const KUBELET_API_ADMIN_CLUSTER_ROLE = 'system:kubelet-api-admin';
export const APISERVER_KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';
export const CLUSTER_ADMINS = 'kubeadm:cluster-admins';
export const CLUSTER_INFO = 'cluster-info';
export const BOOTSTRAP_SIGNER_CLUSTERINFO = 'kubeadm:bootstrap-signer-clusterinfo';

const TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export function splitToken(token: string): { id: string; secret: string } {
  const m = TOKEN_RE.exec(token);
  if (!m) throw new Error(`the bootstrap token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`);
  return { id: m[1]!, secret: m[2]! };
}

export function bootstrapTokenSecretName(tokenId: string): string {
  return BOOTSTRAP_TOKEN_SECRET_PREFIX + tokenId;
}

/** Go's time.Time.UTC().Format(time.RFC3339): whole seconds, "Z". */
export function formatRFC3339(d: Date): string {
  const s = new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
  return s.replace(/\.\d{3}Z$/, 'Z');
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** Minimal token description accepted by the Secret renderer (config tokens and ad-hoc ones). */
export interface TokenSpec {
  token: string;
  description?: string;
  /** Go duration; ignored when `expires` is set; "0"/absent means no expiration */
  ttl?: string;
  /** RFC3339 */
  expires?: string;
  usages?: string[];
  groups?: string[];
}

/**
 * The Secret kubeadm stores a bootstrap token in (BootstrapTokenToSecret). `now` is the moment the
 * expiration is computed from (time.Now() in kubeadm). Data values are base64, as on the wire.
 */
export function bootstrapTokenSecret(token: TokenSpec | BootstrapToken, now: Date): SecretObject {
  const { id, secret } = splitToken(token.token);
  const data: Record<string, string> = {
    'token-id': id,
    'token-secret': secret,
  };
  if (token.description) data['description'] = token.description;
  if (token.expires) {
    data['expiration'] = formatRFC3339(new Date(token.expires));
  } else if (token.ttl) {
    const ms = parseDuration(token.ttl);
    if (ms > 0) data['expiration'] = formatRFC3339(new Date(now.getTime() + ms));
  }
  for (const u of token.usages ?? []) data[`usage-bootstrap-${u}`] = 'true';
  if (token.groups && token.groups.length) data['auth-extra-groups'] = token.groups.join(',');
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(data).sort()) sorted[k] = b64(data[k]!);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: bootstrapTokenSecretName(id), namespace: KUBE_SYSTEM },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    data: sorted,
  };
}

// ---- RBAC, in the order kubeadm's bootstrap-token phase creates it ----

/** kubeadm:get-nodes ClusterRole: bootstrap tokens may get Nodes. */
export function getNodesClusterRole(): RoleObject {
  return clusterRole(GET_NODES_CLUSTER_ROLE, [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }]);
}

export function getNodesClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(GET_NODES_CLUSTER_ROLE, GET_NODES_CLUSTER_ROLE, [group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP)]);
}

/** kubeadm:kubelet-bootstrap: bootstrap tokens may post CSRs. */
export function kubeletBootstrapClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(NODE_KUBELET_BOOTSTRAP, NODE_BOOTSTRAPPER_CLUSTER_ROLE, [group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP)]);
}

/** kubeadm:node-autoapprove-bootstrap: the csrapprover approves bootstrap-token CSRs. */
export function nodeAutoApproveBootstrapClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(NODE_AUTOAPPROVE_BOOTSTRAP, CSR_AUTOAPPROVAL_CLUSTER_ROLE, [group(NODE_BOOTSTRAP_TOKEN_AUTH_GROUP)]);
}

/** kubeadm:node-autoapprove-certificate-rotation: nodes' renewal CSRs are approved. */
export function nodeAutoApproveCertificateRotationClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(NODE_AUTOAPPROVE_CERT_ROTATION, NODE_SELF_CSR_AUTOAPPROVAL_CLUSTER_ROLE, [group(NODES_GROUP)]);
}

/** kubeadm:apiserver-kubelet-client (new in 1.37): the API server's kubelet client may use the kubelet API. */
export function apiServerKubeletClientClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(KUBELET_API_ADMIN_BINDING, KUBELET_API_ADMIN_CLUSTER_ROLE, [user(APISERVER_KUBELET_CLIENT_CN)]);
}

/** kubeadm:cluster-admins: the group admin.conf's client certificate is in gets cluster-admin. */
export function clusterAdminsClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(CLUSTER_ADMINS, 'cluster-admin', [group(CLUSTER_ADMINS)]);
}

// ---- cluster-info ----

interface KubeconfigDoc {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  contexts?: { name: string; context: { cluster: string } }[];
  'current-context'?: string;
}

/**
 * The cluster-info kubeconfig: the admin kubeconfig's current cluster (server, CA data, other
 * cluster fields) under the empty name, with no contexts and no users, written as clientcmd.Write does.
 */
export function clusterInfoKubeconfig(adminKubeconfig: string): string {
  const doc = load(adminKubeconfig) as KubeconfigDoc | null;
  const ctxName = doc?.['current-context'] ?? '';
  const ctx = doc?.contexts?.find((c) => c.name === ctxName);
  if (!doc || !ctx) throw new Error('invalid kubeconfig');
  const cluster = doc.clusters?.find((c) => c.name === ctx.context.cluster);
  if (!cluster) throw new Error('invalid kubeconfig');
  const c = { ...cluster.cluster };
  if (c['certificate-authority'] !== undefined && c['certificate-authority-data'] === undefined) {
    throw new Error(`the kubeconfig's cluster refers to the CA file ${String(c['certificate-authority'])}; embedded CA data is required`);
  }
  delete c['certificate-authority'];
  return toGoYaml({
    apiVersion: 'v1',
    clusters: [{ cluster: c, name: '' }],
    contexts: null,
    'current-context': '',
    kind: 'Config',
    users: null,
  });
}

export function clusterInfoConfigMap(kubeconfigText: string): ConfigMapObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CLUSTER_INFO, namespace: KUBE_PUBLIC },
    data: { kubeconfig: kubeconfigText },
  };
}

export function clusterInfoRole(): RoleObject {
  return role(BOOTSTRAP_SIGNER_CLUSTERINFO, KUBE_PUBLIC, [getNamedRule('configmaps', CLUSTER_INFO)]);
}

export function clusterInfoRoleBinding(): BindingObject {
  return roleBinding(BOOTSTRAP_SIGNER_CLUSTERINFO, KUBE_PUBLIC, BOOTSTRAP_SIGNER_CLUSTERINFO, [user('system:anonymous')]);
}
