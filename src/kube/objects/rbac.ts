// RBAC object builders with the exact shapes kubeadm sends: subjects of kind Group/User carry no
// apiGroup (the API server defaults it), ServiceAccount subjects carry their namespace.

import type { KubeObject, PolicyRule, RoleRef, Subject } from '../types.js';

export const RBAC_API = 'rbac.authorization.k8s.io/v1';
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const KUBE_SYSTEM = 'kube-system';
export const KUBE_PUBLIC = 'kube-public';

/** kubeadm's NodeBootstrapTokenAuthGroup */
export const NODE_BOOTSTRAP_TOKEN_AUTH_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
/** the well-known group of all nodes */
export const NODES_GROUP = 'system:nodes';

export interface RoleObject extends KubeObject {
  rules: PolicyRule[];
}

export interface BindingObject extends KubeObject {
  roleRef: RoleRef;
  subjects: Subject[];
}

export function group(name: string): Subject {
  return { kind: 'Group', name };
}

export function user(name: string): Subject {
  return { kind: 'User', name };
}

export function serviceAccount(name: string, namespace: string): Subject {
  return { kind: 'ServiceAccount', name, namespace };
}

/** A rule granting `get` on named objects of one core resource (kubeadm's usual rule). */
export function getNamedRule(resource: string, ...names: string[]): PolicyRule {
  return { verbs: ['get'], apiGroups: [''], resources: [resource], resourceNames: names };
}

export function role(name: string, namespace: string, rules: PolicyRule[]): RoleObject {
  return { apiVersion: RBAC_API, kind: 'Role', metadata: { name, namespace }, rules };
}

export function clusterRole(name: string, rules: PolicyRule[]): RoleObject {
  return { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: { name }, rules };
}

export function roleBinding(name: string, namespace: string, roleName: string, subjects: Subject[]): BindingObject {
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName },
    subjects,
  };
}

export function clusterRoleBinding(name: string, clusterRoleName: string, subjects: Subject[]): BindingObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: clusterRoleName },
    subjects,
  };
}
