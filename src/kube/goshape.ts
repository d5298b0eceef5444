// What a plain object looks like after a round trip through the Go API types, for printing as
// kubeadm's dry-run does (typed object -> JSON -> YAML). encoding/json always writes struct-typed
// fields, even with omitempty, so some empty structs and zero numbers appear that we never send:
// `status: {}` on a Deployment, `resources: {}` on a container, the DaemonSet status counters,
// a Service's `status.loadBalancer`, a Node's status.nodeInfo strings. metadata.creationTimestamp
// is omitzero since Kubernetes 1.35, so it no longer shows up.

import { deepClone, type KubeObject } from './types.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ensureObj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (isObj(v)) return v;
  const o: Obj = {};
  parent[key] = o;
  return o;
}

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

function shapeContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (isObj(c)) setDefault(c, 'resources', {});
  }
}

function shapePodSpec(spec: unknown): void {
  if (!isObj(spec)) return;
  shapeContainers(spec['containers']);
  shapeContainers(spec['initContainers']);
  if (spec['containers'] === undefined) spec['containers'] = null;
}

function shapePodTemplate(spec: Obj): void {
  const tpl = ensureObj(spec, 'template');
  ensureObj(tpl, 'metadata');
  shapePodSpec(ensureObj(tpl, 'spec'));
}

const NODE_INFO_KEYS = [
  'machineID',
  'systemUUID',
  'bootID',
  'kernelVersion',
  'osImage',
  'containerRuntimeVersion',
  'kubeletVersion',
  'kubeProxyVersion',
  'operatingSystem',
  'architecture',
];

/** A copy of `obj` with the fields Go's encoding/json would add for its kind. */
export function goShape<T extends KubeObject>(obj: T): T {
  const o = deepClone(obj) as T & Obj;
  switch (`${o.apiVersion}/${o.kind}`) {
    case 'apps/v1/Deployment':
    case 'apps/v1/ReplicaSet':
    case 'apps/v1/StatefulSet': {
      const spec = ensureObj(o, 'spec');
      shapePodTemplate(spec);
      if (o.kind === 'Deployment') ensureObj(spec, 'strategy');
      setDefault(o, 'status', {});
      break;
    }
    case 'apps/v1/DaemonSet': {
      const spec = ensureObj(o, 'spec');
      shapePodTemplate(spec);
      ensureObj(spec, 'updateStrategy');
      const st = ensureObj(o, 'status');
      for (const k of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady']) setDefault(st, k, 0);
      break;
    }
    case 'v1/Pod': {
      shapePodSpec(ensureObj(o, 'spec'));
      setDefault(o, 'status', {});
      break;
    }
    case 'batch/v1/Job': {
      shapePodTemplate(ensureObj(o, 'spec'));
      setDefault(o, 'status', {});
      break;
    }
    case 'v1/Service': {
      ensureObj(o, 'spec');
      const st = ensureObj(o, 'status');
      ensureObj(st, 'loadBalancer');
      break;
    }
    case 'v1/Node': {
      ensureObj(o, 'spec');
      const st = ensureObj(o, 'status');
      const de = ensureObj(st, 'daemonEndpoints');
      const ke = ensureObj(de, 'kubeletEndpoint');
      setDefault(ke, 'Port', 0);
      const ni = ensureObj(st, 'nodeInfo');
      for (const k of NODE_INFO_KEYS) setDefault(ni, k, '');
      break;
    }
    case 'rbac.authorization.k8s.io/v1/Role':
    case 'rbac.authorization.k8s.io/v1/ClusterRole':
      setDefault(o, 'rules', null);
      break;
    case 'rbac.authorization.k8s.io/v1/RoleBinding':
    case 'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
      const rr = ensureObj(o, 'roleRef');
      for (const k of ['apiGroup', 'kind', 'name']) setDefault(rr, k, '');
      break;
    }
    default:
      break;
  }
  return o;
}
