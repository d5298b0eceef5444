// kubeadm's `--patches <dir>` / `patches.directory` support (app/util/patches in kubeadm 1.37).
// The caller reads the directory through the Host and hands the files in; this module parses the
// file names, splits and converts the documents, applies them to a target and reports the lines
// kubeadm prints.
//
// File names: <target>[suffix][+<patchtype>].<json|yaml>, e.g. `kube-apiserver0+merge.yaml`.
// Files are taken in directory-walk order (sorted names, sub-directories walked in place), and
// within a file in document order.
// Why home-made: the strategic merge patch is apimachinery's Go algorithm (merge keys from the API
// types, $patch/$setElementOrder/$retainKeys directives) and has no JavaScript implementation; the
// Kubernetes client only sends patches to a server, while kubeadm applies them locally. JSON patch
// (RFC 6902) and JSON merge patch (RFC 7386) do have maintained libraries (fast-json-patch, rfc6902,
// json-merge-patch), but kubeadm's are evanphx/json-patch's, whose failure texts (printed to the user)
// and edge cases (a `test` of a missing key succeeds against null) we follow, and the ~150 lines here do not
// justify a dependency beyond the fixed set.
import { TskError } from '../errors.js';
import { parseGoYaml, splitYamlDocuments } from './yamlload.js';

export const PATCH_TARGETS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubeletconfiguration',
  'corednsdeployment',
  'kubeproxydaemonset',
] as const;
export type PatchTarget = (typeof PATCH_TARGETS)[number];

export type PatchType =
  | 'application/json-patch+json'
  | 'application/merge-patch+json'
  | 'application/strategic-merge-patch+json';

const PATCH_TYPES: Record<string, PatchType> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  '': 'application/strategic-merge-patch+json',
};
const PATCH_TYPE_LIST = ['json', 'merge', 'strategic'];
const KNOWN_EXTENSIONS = ['json', 'yaml'];

/** One file of the patches directory: its path relative to the directory ("/"-separated) and text. */
export interface PatchFile {
  fileName: string;
  content: string;
}

export interface PatchSet {
  target: string;
  type: PatchType;
  /** the file the patches came from (relative path) */
  file: string;
  /** each document of the file, as JSON text */
  patches: string[];
}

/** Thrown when a patch cannot be parsed or applied; names the file and the target. */
export class PatchError extends TskError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(message, 1, opts);
  }
}

function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? p : p.slice(i + 1);
}

/** Directory-walk order: compare path components one by one, byte-wise. */
function walkOrder(a: string, b: string): number {
  const ap = a.split('/');
  const bp = b.split('/');
  for (let i = 0; i < ap.length && i < bp.length; i++) {
    if (ap[i] === bp[i]) continue;
    return Buffer.compare(Buffer.from(ap[i]!), Buffer.from(bp[i]!));
  }
  return ap.length - bp.length;
}

export type ParsedFileName =
  | { kind: 'patch'; target: string; type: PatchType }
  | { kind: 'ignored'; reason: string };

/** Parse `target[suffix][+type].ext`. Unknown extension or target: ignored; bad type after "+": error. */
export function parsePatchFileName(fileName: string, knownTargets: readonly string[] = PATCH_TARGETS): ParsedFileName {
  if (!new RegExp(`.+\\.(${KNOWN_EXTENSIONS.join('|')})$`).test(fileName)) {
    return { kind: 'ignored', reason: `the file extension must be one of ${goList(KNOWN_EXTENSIONS)}` };
  }
  const re = new RegExp(`^(${knownTargets.map(escapeRe).join('|')})([^.+\\n]*)?(\\+)?(${PATCH_TYPE_LIST.join('|')})?`);
  const m = re.exec(fileName);
  if (!m) return { kind: 'ignored', reason: `unknown target, must be one of ${goList(knownTargets)}` };
  if (m[3] && !m[4]) {
    throw new PatchError(`unknown or missing patch type after '+', must be one of ${goList(PATCH_TYPE_LIST)}`);
  }
  return { kind: 'patch', target: m[1]!, type: PATCH_TYPES[m[4] ?? '']! };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Split a patch file into documents and convert each to JSON text. */
export function createPatchSet(target: string, type: PatchType, file: string, data: string): PatchSet {
  const patches: string[] = [];
  let docs: string[];
  try {
    docs = splitYamlDocuments(data, file);
  } catch (e) {
    throw new PatchError(`could not split patches for data in file "${file}": ${(e as Error).message}`, { cause: e });
  }
  for (const doc of docs) {
    let value: unknown;
    try {
      value = parseGoYaml(doc, file);
    } catch (e) {
      throw new PatchError(`could not convert patch to JSON in file "${file}":\n${doc}\n: ${(e as Error).message}`, { cause: e });
    }
    patches.push(JSON.stringify(value));
  }
  return { target, type, file, patches };
}

export interface PatchManager {
  readonly directory: string;
  readonly patchSets: readonly PatchSet[];
  readonly knownTargets: readonly string[];
}

export interface LoadedPatches {
  manager: PatchManager;
  /** lines kubeadm prints when it first reads the directory */
  log: string[];
}

/**
 * Build the patch manager for a directory from its files (any order; sub-directory files use
 * "sub/name" paths). Prints what kubeadm prints when it reads the directory.
 */
export function loadPatches(directory: string, files: readonly PatchFile[], knownTargets: readonly string[] = PATCH_TARGETS): LoadedPatches {
  const log = [`[patches] Reading patches from path "${directory}"`];
  const patchSets: PatchSet[] = [];
  const patchFiles: string[] = [];
  const ignored: string[] = [];
  const sorted = [...files].sort((a, b) => walkOrder(a.fileName, b.fileName));
  for (const f of sorted) {
    const base = baseName(f.fileName);
    let parsed: ParsedFileName;
    try {
      parsed = parsePatchFileName(base, knownTargets);
    } catch (e) {
      throw new PatchError(`could not list patch files for path "${directory}": ${(e as Error).message}`, { cause: e });
    }
    if (parsed.kind === 'ignored') {
      log.push(`[patches] Ignoring file "${base}": ${parsed.reason}`);
      ignored.push(base);
      continue;
    }
    if (f.content.length === 0) {
      log.push(`[patches] Ignoring empty file: "${base}"`);
      ignored.push(base);
      continue;
    }
    let set: PatchSet;
    try {
      set = createPatchSet(parsed.target, parsed.type, f.fileName, f.content);
    } catch (e) {
      throw new PatchError(`could not list patch files for path "${directory}": ${(e as Error).message}`, { cause: e });
    }
    patchFiles.push(base);
    patchSets.push(set);
  }
  if (patchFiles.length > 0) log.push(`[patches] Found the following patch files: ${goList(patchFiles)}`);
  if (ignored.length > 0) log.push(`[patches] Ignored the following files: ${goList(ignored)}`);
  return { manager: { directory, patchSets, knownTargets }, log };
}

/** Merge keys for a strategic merge patch; `undefined` means lists are replaced. */
export type MergeSchema = (fieldPath: readonly string[]) => { mergeKey?: string; primitiveMerge?: boolean } | undefined;

export interface ApplyResult {
  /** the patched object (JSON data) */
  data: unknown;
  /** one `[patches] Applied patch ...` line per patch applied */
  log: string[];
}

/**
 * Apply every patch for `target` to `data` (JSON-shaped), in manager order.
 * `schema` supplies strategic-merge keys (use `podMergeSchema` for static Pods).
 */
export function applyPatchesToTarget(
  manager: PatchManager,
  target: string,
  data: unknown,
  schema: MergeSchema = () => undefined,
): ApplyResult {
  if (!manager.knownTargets.includes(target)) {
    throw new PatchError(`unknown patch target name "${target}", must be one of ${goList(manager.knownTargets)}`);
  }
  let current: unknown = JSON.parse(JSON.stringify(data));
  const log: string[] = [];
  for (const set of manager.patchSets) {
    if (set.target !== target) continue;
    for (const patch of set.patches) {
      try {
        const p = JSON.parse(patch) as unknown;
        switch (set.type) {
          case 'application/json-patch+json':
            current = applyJsonPatch(current, p);
            break;
          case 'application/merge-patch+json':
            current = mergePatch(current, p);
            break;
          case 'application/strategic-merge-patch+json':
            current = strategicMergePatch(current, p, schema);
            break;
        }
      } catch (e) {
        throw new PatchError(
          `could not apply the following patch of type "${set.type}" to target "${target}" (from file "${set.file}"):\n${patch}\n: ${(e as Error).message}`,
          { cause: e },
        );
      }
      log.push(`[patches] Applied patch of type "${set.type}" to target "${target}"`);
    }
  }
  return { data: current, log };
}

// ---------------------------------------------------------------------------------------------
// RFC 7386 JSON merge patch

type Obj = Record<string, unknown>;
function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

// ---------------------------------------------------------------------------------------------
// RFC 6902 JSON patch

interface Op {
  op: string;
  path?: string;
  from?: string;
  value?: unknown;
}

function decodePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`invalid JSON pointer "${p}"`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, p: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`invalid array index "${token}" in path "${p}"`);
  const i = Number(token);
  if (i > length || (!allowEnd && i >= length)) throw new Error(`array index ${i} out of bounds in path "${p}"`);
  return i;
}

function parentOf(doc: unknown, tokens: string[], p: string): { parent: unknown; key: string } {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, p)];
    else if (isObj(cur) && t in cur) cur = cur[t];
    else throw new Error(`doc is missing path: "${p}": missing value`);
  }
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function getAt(doc: unknown, p: string): unknown {
  let cur = doc;
  for (const t of decodePointer(p)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, p)];
    else if (isObj(cur) && t in cur) cur = cur[t];
    else throw new Error(`doc is missing key: "${p}": missing value`);
  }
  return cur;
}

function addAt(doc: unknown, p: string, value: unknown): unknown {
  const tokens = decodePointer(p);
  if (tokens.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, tokens, p);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true, p), 0, clone(value));
  else if (isObj(parent)) parent[key] = clone(value);
  else throw new Error(`add operation does not apply: doc is missing path: "${p}": missing value`);
  return doc;
}

function removeAt(doc: unknown, p: string, what = 'remove'): unknown {
  const tokens = decodePointer(p);
  if (tokens.length === 0) throw new Error(`${what} operation does not apply: cannot remove the document root`);
  const { parent, key } = parentOf(doc, tokens, p);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, false, p), 1);
  else if (isObj(parent) && key in parent) delete parent[key];
  else throw new Error(`${what} operation does not apply: doc is missing key: "${p}": missing value`);
  return doc;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b));
}
function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
  return v;
}

export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new Error('a JSON patch must be a list of operations');
  let cur = clone(doc);
  for (const raw of patch as Op[]) {
    if (!isObj(raw)) throw new Error('a JSON patch operation must be an object');
    const op = raw as Op;
    const p = op.path;
    if (typeof p !== 'string') throw new Error(`operation "${String(op.op)}" is missing the path`);
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw new Error('add operation has no value');
        cur = addAt(cur, p, op.value);
        break;
      case 'remove':
        cur = removeAt(cur, p);
        break;
      case 'replace': {
        if (!('value' in op)) throw new Error('replace operation has no value');
        const tokens = decodePointer(p);
        if (tokens.length === 0) {
          cur = clone(op.value);
          break;
        }
        const { parent, key } = parentOf(cur, tokens, p);
        if (Array.isArray(parent)) parent[arrayIndex(key, parent.length, false, p)] = clone(op.value);
        else if (isObj(parent) && key in parent) parent[key] = clone(op.value);
        else throw new Error(`replace operation does not apply: doc is missing key: ${p}: missing value`);
        break;
      }
      case 'move': {
        if (typeof op.from !== 'string') throw new Error('move operation has no from');
        const v = getAt(cur, op.from);
        cur = removeAt(cur, op.from, 'move');
        cur = addAt(cur, p, v);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw new Error('copy operation has no from');
        cur = addAt(cur, p, getAt(cur, op.from));
        break;
      }
      case 'test': {
        let v: unknown;
        try {
          v = getAt(cur, p);
        } catch {
          v = undefined;
        }
        if (v === undefined ? op.value !== null && op.value !== undefined : !deepEqual(v, op.value)) {
          throw new Error(`testing value ${p} failed: test failed`);
        }
        break;
      }
      default:
        throw new Error(`unexpected kind of operation "${String(op.op)}"`);
    }
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch (the parts that matter for kubeadm's targets)

const DIRECTIVE = '$patch';
const SET_ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';
const RETAIN_KEYS = '$retainKeys';

/** Merge keys of core/v1 Pod lists (struct tags patchStrategy=merge). */
export const podMergeSchema: MergeSchema = (fp) => {
  const p = fp.join('.');
  const containerLists = ['spec.containers', 'spec.initContainers', 'spec.ephemeralContainers'];
  if (containerLists.includes(p)) return { mergeKey: 'name' };
  for (const c of containerLists) {
    if (p === `${c}.env`) return { mergeKey: 'name' };
    if (p === `${c}.ports`) return { mergeKey: 'containerPort' };
    if (p === `${c}.volumeMounts`) return { mergeKey: 'mountPath' };
    if (p === `${c}.volumeDevices`) return { mergeKey: 'devicePath' };
  }
  switch (p) {
    case 'spec.volumes':
    case 'spec.imagePullSecrets':
    case 'spec.resourceClaims':
    case 'spec.schedulingGates':
      return { mergeKey: 'name' };
    case 'spec.hostAliases':
      return { mergeKey: 'ip' };
    case 'spec.topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'metadata.ownerReferences':
      return { mergeKey: 'uid' };
    case 'metadata.finalizers':
      return { primitiveMerge: true };
  }
  return undefined;
};

export function strategicMergePatch(original: unknown, patch: unknown, schema: MergeSchema = () => undefined): unknown {
  if (!isObj(patch)) throw new Error('a strategic merge patch must be a JSON object');
  return mergeMapStrategic(isObj(original) ? original : {}, patch, schema, []);
}

function mergeMapStrategic(original: Obj, patch: Obj, schema: MergeSchema, fp: string[]): Obj {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest[DIRECTIVE];
    return stripDirectives(rest) as Obj;
  }
  if (directive === 'delete') return {};
  const out: Obj = { ...original };
  if (Array.isArray(patch[RETAIN_KEYS])) {
    const keep = new Set(patch[RETAIN_KEYS] as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER_PREFIX)) continue;
    if (k.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      const field = k.slice(DELETE_PRIMITIVE_PREFIX.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) {
        const del = v.map((x) => JSON.stringify(x));
        out[field] = cur.filter((x) => !del.includes(JSON.stringify(x)));
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const path = [...fp, k];
    const cur = out[k];
    if (isObj(v)) {
      out[k] = isObj(cur) ? mergeMapStrategic(cur, v, schema, path) : mergeMapStrategic({}, v, schema, path);
      continue;
    }
    if (Array.isArray(v)) {
      out[k] = mergeListStrategic(Array.isArray(cur) ? cur : [], v, schema, path);
      const order = patch[SET_ORDER_PREFIX + k];
      if (Array.isArray(order)) out[k] = applyElementOrder(out[k] as unknown[], order, schema(path)?.mergeKey);
      continue;
    }
    out[k] = v;
  }
  return out;
}

function mergeListStrategic(original: unknown[], patch: unknown[], schema: MergeSchema, fp: string[]): unknown[] {
  const info = schema(fp);
  if (info?.primitiveMerge) {
    // scalars: union without duplicates, then ordered like apimachinery does
    const merged: unknown[] = [];
    for (const e of [...original, ...patch]) if (!merged.some((o) => deepEqual(o, e))) merged.push(e);
    return orderMerged(merged, patch, original, (e) => JSON.stringify(e));
  }
  const key = info?.mergeKey;
  if (key === undefined) return patch.map(stripDirectives);
  for (const e of patch) {
    if (!isObj(e)) throw new Error(`${fp.join('.')}: list element is not a map and cannot be merged by "${key}"`);
  }
  // special elements: {$patch: delete, <key>: v} removes matches; {$patch: replace} replaces the list
  let orig = [...original];
  let plain: Obj[] = [];
  let replace = false;
  for (const e of patch as Obj[]) {
    const d = e[DIRECTIVE];
    if (d === undefined) {
      plain.push(e);
    } else if (d === 'delete') {
      if (!(key in e)) throw new Error(`map: ${JSON.stringify(e)} does not contain declared merge key: ${key}`);
      orig = orig.filter((o) => !(isObj(o) && deepEqual(o[key], e[key])));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw new Error('merging lists cannot yet be specified in the patch');
    } else {
      throw new Error(`invalid patch type ${JSON.stringify(d)} in ${JSON.stringify(e)}`);
    }
  }
  if (replace) {
    orig = plain.map((e) => stripDirectives(e));
    plain = [];
  }
  const merged = [...orig];
  for (const e of plain) {
    if (!(key in e)) throw new Error(`map: ${JSON.stringify(e)} does not contain declared merge key: ${key}`);
    const idx = merged.findIndex((o) => isObj(o) && deepEqual(o[key], e[key]));
    if (idx >= 0) merged[idx] = mergeMapStrategic(merged[idx] as Obj, e, schema, fp);
    else merged.push(mergeMapStrategic({}, e, schema, fp));
  }
  const keyOf = (e: unknown) => JSON.stringify(isObj(e) ? e[key] : e);
  return orderMerged(merged, plain, orig, keyOf);
}

/**
 * apimachinery's normalizeElementOrder + mergeSortedSlice: items named in the patch keep the
 * patch's order, the others keep the live order, and the two runs are interleaved by live order.
 */
function orderMerged(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], keyOf: (e: unknown) => string): unknown[] {
  const patchKeys = patchOrder.map(keyOf);
  const serverKeys = serverOrder.map(keyOf);
  const patchItems = merged.filter((e) => patchKeys.includes(keyOf(e)));
  const serverOnly = merged.filter((e) => !patchKeys.includes(keyOf(e)));
  const byIndex = (keys: string[]) => (a: unknown, b: unknown) => keys.indexOf(keyOf(a)) - keys.indexOf(keyOf(b));
  patchItems.sort(byIndex(patchKeys));
  serverOnly.sort(byIndex(serverKeys));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const li = serverKeys.indexOf(keyOf(serverOnly[i]));
      const ri = serverKeys.indexOf(keyOf(patchItems[j]));
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

function applyElementOrder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const keyOf = (e: unknown) => JSON.stringify(key !== undefined && isObj(e) ? e[key] : e);
  const orderKeys = order.map((o) => JSON.stringify(key !== undefined && isObj(o) ? o[key] : o));
  const inOrder = list.filter((e) => orderKeys.includes(keyOf(e)));
  inOrder.sort((a, b) => orderKeys.indexOf(keyOf(a)) - orderKeys.indexOf(keyOf(b)));
  const rest = list.filter((e) => !orderKeys.includes(keyOf(e)));
  return [...inOrder, ...rest];
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, val] of Object.entries(v)) {
      if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER_PREFIX) || k.startsWith(DELETE_PRIMITIVE_PREFIX)) continue;
      out[k] = stripDirectives(val);
    }
    return out;
  }
  return v;
}

