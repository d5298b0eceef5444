// After patching, kubeadm decodes the JSON into a core/v1 Pod and encodes it again. That round
// trip drops empty optional members, adds the members Go always writes (container `resources`,
// Pod `status`), and rewrites resource quantities in canonical form. This module approximates
// that round trip for the Pod fields kubeadm's manifests and typical patches use.
import { applyPatchesToTarget, podMergeSchema, type PatchManager } from './patches.js';
import type { Pod } from './pod.js';

type Obj = Record<string, unknown>;
function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Members that are Go maps: `{}` is dropped like any empty optional member. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'overhead', 'requests', 'limits', 'volumeAttributes', 'data']);

/** Members that are Go pointers to scalars: their zero values survive. */
const POINTER_SCALARS = new Set([
  'priority', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'automountServiceAccountToken',
  'enableServiceLinks', 'shareProcessNamespace', 'hostUsers', 'setHostnameAsFQDN', 'runAsUser', 'runAsGroup',
  'runAsNonRoot', 'fsGroup', 'privileged', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount',
  'defaultMode', 'optional', 'mode', 'readOnly@csi', 'terminationGracePeriodSeconds',
]);

/** Members without `omitempty`, by parent kind: written even when zero. */
const REQUIRED: Record<string, string[]> = {
  container: ['name', 'resources'],
  volume: ['name'],
  volumeMount: ['name', 'mountPath'],
  env: ['name'],
  port: ['containerPort'],
  httpGet: ['port'],
  tcpSocket: ['port'],
  grpc: ['port'],
  hostPath: ['path'],
  seccompProfile: ['type'],
  podSpec: ['containers'],
};

function childKind(parentKind: string, key: string): string {
  switch (parentKind) {
    case 'pod':
      return key === 'spec' ? 'podSpec' : key === 'metadata' ? 'meta' : key;
    case 'podSpec':
      if (key === 'containers' || key === 'initContainers' || key === 'ephemeralContainers') return 'container';
      if (key === 'volumes') return 'volume';
      if (key === 'securityContext') return 'podSecurityContext';
      return key;
    case 'container':
      if (key === 'volumeMounts') return 'volumeMount';
      if (key === 'env') return 'env';
      if (key === 'ports') return 'port';
      if (key === 'resources') return 'resources';
      return key;
    default:
      return key;
  }
}

function zeroOf(kind: string, key: string): unknown {
  if (key === 'resources') return {};
  if (key === 'containerPort') return 0;
  if (key === 'containers') return null;
  return kind === 'httpGet' || kind === 'tcpSocket' || kind === 'grpc' ? 0 : '';
}

function normalizeValue(v: unknown, kind: string, key: string, parentKind = ''): unknown | undefined {
  if (v === null || v === undefined) return undefined;
  // hostPath.type is a pointer: an empty type survives the round trip
  if (parentKind === 'hostPath' && key === 'type') return v;
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    return v.map((e) => (isObj(e) ? normalizeObject(e, kind) : e));
  }
  if (isObj(v)) {
    if (MAP_FIELDS.has(key)) {
      const entries = Object.entries(v).filter(([, x]) => x !== null);
      if (entries.length === 0) return undefined;
      if (key === 'requests' || key === 'limits' || key === 'overhead') {
        return Object.fromEntries(entries.map(([k, x]) => [k, canonicalQuantity(x)]));
      }
      return Object.fromEntries(entries);
    }
    return normalizeObject(v, kind);
  }
  if (POINTER_SCALARS.has(key)) return v;
  if (v === '' || v === 0 || v === false) return undefined;
  return v;
}

function normalizeObject(o: Obj, kind: string): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const n = normalizeValue(v, childKind(kind, k), k, kind);
    if (n !== undefined) out[k] = n;
  }
  for (const req of REQUIRED[kind] ?? []) {
    if (!(req in out)) out[req] = zeroOf(kind, req);
  }
  return out;
}

/** Normalise JSON data decoded from a patched manifest into what kubeadm would write back. */
export function normalizePod(data: unknown): Pod {
  const o = isObj(data) ? data : {};
  const out: Obj = {};
  if (o.apiVersion) out.apiVersion = o.apiVersion;
  if (o.kind) out.kind = o.kind;
  out.metadata = isObj(o.metadata) ? normalizeObject(o.metadata, 'meta') : {};
  out.spec = isObj(o.spec) ? normalizeObject(o.spec, 'podSpec') : normalizeObject({}, 'podSpec');
  out.status = isObj(o.status) ? normalizeObject(o.status, 'status') : {};
  return out as unknown as Pod;
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * Canonical form of a resource quantity (the common decimal cases: "0.5" → "500m", "1000m" → "1",
 * "2000" → "2k"). Binary suffixes and exponents are kept as written.
 */
export function canonicalQuantity(q: unknown): unknown {
  const s = typeof q === 'number' ? String(q) : q;
  if (typeof s !== 'string') return q;
  const m = /^([+-]?)(\d+)(?:\.(\d+))?(n|u|m|k|M|G|T|P|E)?$/.exec(s);
  if (!m) return s;
  const sign = m[1] === '-' ? '-' : '';
  const intPart = m[2]!;
  const frac = m[3] ?? '';
  let exp = DECIMAL_SUFFIX[m[4] ?? '']! - frac.length;
  let digits = (intPart + frac).replace(/^0+(?=\d)/, '');
  if (/^0+$/.test(digits)) return '0';
  // kubeadm-visible quantities never go below nano; round up like Go does
  if (exp < -9) {
    const cut = -9 - exp;
    const keep = digits.slice(0, Math.max(0, digits.length - cut)) || '0';
    const dropped = digits.slice(Math.max(0, digits.length - cut));
    digits = /[1-9]/.test(dropped) ? (BigInt(keep) + 1n).toString() : keep;
    exp = -9;
  }
  // move trailing zeros into the exponent
  while (digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exp++;
  }
  // pick the suffix: the largest multiple-of-3 exponent not above exp, capped at E
  let e3 = Math.floor(exp / 3) * 3;
  if (e3 > 18) e3 = 18;
  if (e3 < -9) e3 = -9;
  const mant = digits + '0'.repeat(exp - e3);
  const suffix = Object.entries(DECIMAL_SUFFIX).find(([, v]) => v === e3)![0];
  return `${sign}${mant}${suffix}`;
}

/**
 * Apply the manager's patches for a static Pod (target = the Pod's name) and return the Pod as
 * kubeadm would write it, plus the `[patches]` lines.
 */
export function patchStaticPod(pod: Pod, manager: PatchManager): { pod: Pod; log: string[] } {
  const target = pod.metadata.name ?? '';
  const { data, log } = applyPatchesToTarget(manager, target, pod, podMergeSchema);
  if (log.length === 0) return { pod, log };
  return { pod: normalizePod(data), log };
}
