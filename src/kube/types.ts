// Plain Kubernetes object shapes and the resource table shared by the API client, the dry-run
// recorder and the renderers. Objects are kept as JSON-shaped data (what goes over the wire).

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  resourceVersion?: string;
  uid?: string;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies one object: its type and (for namespaced kinds) namespace, and name. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ResourceInfo {
  /** lower-case plural used in URLs and in kubeadm's dry-run lines, e.g. "configmaps" */
  plural: string;
  namespaced: boolean;
}

/** group/version → kind → resource; the kinds kubeadm touches. Others are discovered or guessed. */
const RESOURCES: Record<string, Record<string, ResourceInfo>> = {
  v1: {
    ConfigMap: { plural: 'configmaps', namespaced: true },
    Secret: { plural: 'secrets', namespaced: true },
    ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
    Service: { plural: 'services', namespaced: true },
    Pod: { plural: 'pods', namespaced: true },
    Endpoints: { plural: 'endpoints', namespaced: true },
    Event: { plural: 'events', namespaced: true },
    Node: { plural: 'nodes', namespaced: false },
    Namespace: { plural: 'namespaces', namespaced: false },
  },
  'apps/v1': {
    Deployment: { plural: 'deployments', namespaced: true },
    DaemonSet: { plural: 'daemonsets', namespaced: true },
    StatefulSet: { plural: 'statefulsets', namespaced: true },
    ReplicaSet: { plural: 'replicasets', namespaced: true },
  },
  'batch/v1': {
    Job: { plural: 'jobs', namespaced: true },
  },
  'rbac.authorization.k8s.io/v1': {
    Role: { plural: 'roles', namespaced: true },
    RoleBinding: { plural: 'rolebindings', namespaced: true },
    ClusterRole: { plural: 'clusterroles', namespaced: false },
    ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  },
  'certificates.k8s.io/v1': {
    CertificateSigningRequest: { plural: 'certificatesigningrequests', namespaced: false },
  },
  'coordination.k8s.io/v1': {
    Lease: { plural: 'leases', namespaced: true },
  },
};

/**
 * The plural a Go fake client would derive from a kind (apimachinery's UnsafeGuessKindToResource):
 * lower-case, then "s"→"ses", "y"→"ies", otherwise add "s".
 */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (k === '') return k;
  if (k.endsWith('s')) return k + 'es';
  if (k.endsWith('y')) return k.slice(0, -1) + 'ies';
  return k + 's';
}

/** The resource for a kind when it is one of the well-known ones; undefined otherwise. */
export function knownResource(apiVersion: string, kind: string): ResourceInfo | undefined {
  return RESOURCES[apiVersion]?.[kind];
}

/** Splits "apps/v1" into group "apps" and version "v1"; "v1" has the empty (core) group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** Human name of an object for messages: `ConfigMap "kube-system/coredns"`, `Node "cp1"`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} "${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}"`;
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

// ---- small typed views used by renderers and phases ----

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface NodeObject extends KubeObject {
  spec?: { taints?: Taint[]; [key: string]: unknown };
  status?: Record<string, unknown>;
}

export interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface SecretObject extends KubeObject {
  type?: string;
  /** base64 values, as on the wire (null: a nil []byte, which kubeadm sends for a missing file) */
  data?: Record<string, string | null>;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: 'Group' | 'User' | 'ServiceAccount';
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}
