// Reading configuration files: split a (multi-document) YAML or JSON text into typed documents,
// remember where every field sits (1-based line), and decode kubeadm documents against the zod schemas.
import {
  EVENT_ID,
  Schema,
  YAMLException,
  boolYaml11Tag,
  floatYaml11Tag,
  getScalarValue,
  intYaml11Tag,
  loadAll,
  mapTag,
  mergeTag,
  nullYaml11Tag,
  parseEvents,
  seqTag,
  strTag,
  type Event,
} from 'js-yaml';
import type * as z from 'zod';
import type { FieldProblem } from '../errors.js';
import { KUBEADM_SCHEMAS } from './schema.js';

/**
 * YAML 1.1 scalar resolution (yes/no are booleans, 0755 is octal), which is what Go's YAML-to-JSON step does.
 * Timestamps are deliberately left as strings.
 */
const GO_YAML_SCHEMA = new Schema([
  nullYaml11Tag,
  boolYaml11Tag,
  intYaml11Tag,
  floatYaml11Tag,
  strTag,
  seqTag,
  mapTag,
  mergeTag,
]);

export interface RawDocument {
  apiVersion: string;
  kind: string;
  /** "kubeadm.k8s.io" */
  group: string;
  /** "v1beta4" */
  version: string;
  body: Record<string, unknown>;
  /** field path ("networking.serviceSubnet", "bootstrapTokens[0].token") -> 1-based line */
  lines: Map<string, number>;
  /** line where the document starts */
  line: number;
  file?: string;
}

export interface SplitResult {
  docs: RawDocument[];
  problems: FieldProblem[];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

type Frame =
  | { kind: 'doc'; path: string }
  | { kind: 'map'; path: string; expectKey: boolean; key: string }
  | { kind: 'seq'; path: string; index: number };

/** Walk the parser events once and record the line of every mapping key and sequence item, per document. */
function positionMaps(text: string, events: Event[]): { lines: Map<string, number>; start: number }[] {
  const starts = lineStarts(text);
  const out: { lines: Map<string, number>; start: number }[] = [];
  const stack: Frame[] = [];
  let current: { lines: Map<string, number>; start: number } | undefined;
  for (const ev of events) {
    if (ev.type === EVENT_ID.DOCUMENT) {
      current = { lines: new Map(), start: -1 };
      out.push(current);
      stack.push({ kind: 'doc', path: '' });
      continue;
    }
    if (ev.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    if (!current) continue;
    const offset =
      ev.type === EVENT_ID.SCALAR ? ev.valueStart : ev.type === EVENT_ID.ALIAS ? ev.anchorStart : ev.start;
    const line = offset >= 0 ? lineOf(starts, offset) : undefined;
    const top = stack[stack.length - 1];
    let path: string | undefined;
    if (!top || top.kind === 'doc') {
      path = '';
      if (current.start < 0 && line !== undefined) current.start = line;
    } else if (top.kind === 'map') {
      if (top.expectKey) {
        if (ev.type === EVENT_ID.SCALAR) {
          top.key = getScalarValue(text, ev);
          const p = joinPath(top.path, top.key);
          if (line !== undefined && !current.lines.has(p)) current.lines.set(p, line);
        } else {
          top.key = '?';
        }
        top.expectKey = false;
        // a complex key still opens a collection; track it under a throwaway path
        if (ev.type === EVENT_ID.MAPPING) stack.push({ kind: 'map', path: '?', expectKey: true, key: '' });
        else if (ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: 'seq', path: '?', index: 0 });
        continue;
      }
      path = joinPath(top.path, top.key);
      top.expectKey = true;
    } else {
      path = joinPath(top.path, top.index);
      top.index++;
      if (line !== undefined && !current.lines.has(path)) current.lines.set(path, line);
    }
    if (ev.type === EVENT_ID.MAPPING) stack.push({ kind: 'map', path, expectKey: true, key: '' });
    else if (ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: 'seq', path, index: 0 });
  }
  return out;
}

/** Go's JSON decoding treats `null` as "not set": drop null-valued keys so the schemas see absent fields. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (val === null || val === undefined) continue;
      out[k] = dropNulls(val);
    }
    return out;
  }
  return v;
}

/**
 * Split a configuration text into documents. Problems found here: YAML syntax errors,
 * documents that are not objects, missing apiVersion/kind, a kind given twice.
 */
export function splitDocuments(text: string, file?: string): SplitResult {
  const problems: FieldProblem[] = [];
  const at = (line?: number) => ({ ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) });
  let values: unknown[];
  let events: Event[];
  try {
    events = parseEvents(text, file !== undefined ? { filename: file } : {});
    values = loadAll(text, { schema: GO_YAML_SCHEMA, ...(file !== undefined ? { filename: file } : {}) });
  } catch (e) {
    if (e instanceof YAMLException) {
      const reason = (e as YAMLException & { reason?: string }).reason ?? e.message.split('\n')[0] ?? e.message;
      const mark = (e as YAMLException & { mark?: { line: number } }).mark;
      problems.push({ path: '', message: `invalid YAML: ${reason}`, ...at(mark ? mark.line + 1 : undefined) });
      return { docs: [], problems };
    }
    throw e;
  }
  const positions = positionMaps(text, events);
  const docs: RawDocument[] = [];
  const seenKinds = new Map<string, number>();
  values.forEach((value, i) => {
    const pos = positions[i] ?? { lines: new Map<string, number>(), start: -1 };
    const docLine = pos.start > 0 ? pos.start : undefined;
    if (value === null || value === undefined) return; // empty document (e.g. a trailing '---')
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        path: '',
        message: `document ${i + 1} is not an object: kind and apiVersion are mandatory`,
        ...at(docLine),
      });
      return;
    }
    const body = dropNulls(value) as Record<string, unknown>;
    const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
    const kind = typeof body.kind === 'string' ? body.kind : '';
    const slash = apiVersion.indexOf('/');
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    if (group === '' || version === '' || kind === '') {
      const missing = [kind === '' ? 'kind' : '', group === '' || version === '' ? 'apiVersion' : '']
        .filter(Boolean)
        .join(' and ');
      problems.push({
        path: kind !== '' ? kind : '',
        message: `invalid configuration for document ${i + 1} (apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)}): ${missing} ${missing.includes(' and ') ? 'are' : 'is'} mandatory; kind and apiVersion (group/version) must be specified`,
        ...at(docLine),
      });
      return;
    }
    if (seenKinds.has(kind)) {
      problems.push({
        path: kind,
        message: `invalid configuration: kind "${kind}" is specified twice in YAML file (first at line ${seenKinds.get(kind)})`,
        ...at(pos.lines.get('kind') ?? docLine),
      });
      return;
    }
    seenKinds.set(kind, pos.lines.get('kind') ?? docLine ?? 0);
    docs.push({
      apiVersion,
      kind,
      group,
      version,
      body,
      lines: pos.lines,
      line: docLine ?? 1,
      ...(file !== undefined ? { file } : {}),
    });
  });
  return { docs, problems };
}

export interface DecodeResult<T> {
  value?: T;
  /** type errors and (when strict) unknown fields */
  problems: FieldProblem[];
  /** unknown fields when not strict (upstream only warns about them while loading for init/join/reset) */
  warnings: string[];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function getAt(body: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = body;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function deleteAt(body: unknown, path: PropertyKey[], key: string): void {
  const parent = getAt(body, path);
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[key];
}

function pathString(segments: PropertyKey[]): string {
  let out = '';
  for (const s of segments) out = joinPath(out, typeof s === 'number' ? s : String(s));
  return out;
}

/** The line for a path, falling back to the nearest enclosing field that has one. */
export function lineFor(doc: RawDocument, path: string): number | undefined {
  let p = path;
  for (;;) {
    const l = doc.lines.get(p);
    if (l !== undefined) return l;
    if (p === '') return doc.line;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
}

export function problemAt(doc: RawDocument, path: string, message: string): FieldProblem {
  const line = lineFor(doc, path);
  return {
    path: path === '' ? doc.kind : `${doc.kind}.${path}`,
    message,
    ...(doc.file !== undefined ? { file: doc.file } : {}),
    ...(line !== undefined ? { line } : {}),
  };
}

/** Decode a kubeadm document with its schema. Unknown fields are problems when `strict`, warnings otherwise. */
export function decodeDocument<T>(doc: RawDocument, strict: boolean): DecodeResult<T> {
  const schema = KUBEADM_SCHEMAS[`${doc.apiVersion}/${doc.kind}`] as z.ZodType<T> | undefined;
  if (!schema) {
    return { problems: [problemAt(doc, '', `unknown configuration apiVersion ${doc.apiVersion}, kind ${doc.kind}`)], warnings: [] };
  }
  const body = structuredClone(doc.body);
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  let result = schema.safeParse(body);
  if (!result.success) {
    let removedUnknown = false;
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const p = joinPath(pathString(issue.path), key);
          const msg = `unknown field "${p}"`;
          if (strict) problems.push(problemAt(doc, p, msg));
          else {
            warnings.push(
              `${doc.file ? doc.file + ': ' : ''}error unmarshaling configuration ${doc.apiVersion}, Kind=${doc.kind}: strict decoding error: ${msg}`,
            );
          }
          // either way the rest of the document is still read, so that later problems are found too
          deleteAt(body, issue.path, key);
          removedUnknown = true;
        }
        continue;
      }
      const p = pathString(issue.path);
      const got = getAt(doc.body, issue.path);
      let message: string;
      if (issue.code === 'invalid_type') {
        message = `expected ${issue.expected === 'number' ? 'an integer' : issue.expected === 'array' ? 'a list' : issue.expected === 'object' || issue.expected === 'record' ? 'an object' : `a ${issue.expected}`}, got ${describe(got)}`;
      } else if (issue.code === 'invalid_format' || issue.code === 'custom') {
        message = `${JSON.stringify(got)}: ${issue.message}`;
      } else if (issue.code === 'too_big' || issue.code === 'too_small') {
        message = `${String(got)} is out of range for a 32-bit integer`;
      } else {
        message = issue.message;
      }
      problems.push(problemAt(doc, p, message));
    }
    const typeErrors = result.error.issues.some((i) => i.code !== 'unrecognized_keys');
    if (typeErrors) return { problems, warnings };
    if (removedUnknown) result = schema.safeParse(body);
  }
  if (!result.success) return { problems, warnings };
  return { value: result.data, problems, warnings };
}
