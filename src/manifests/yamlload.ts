// Reading YAML the way sigs.k8s.io/yaml.YAMLToJSON does (go-yaml v2, YAML 1.1 plain-scalar typing):
// `yes`/`on`/`y` are booleans, `017` is octal, `1e3` is a float, timestamps stay strings.
// Also kubeadm's multi-document splitter (apimachinery's YAMLReader on "---" lines).
import {
  CHOMPING_MODE,
  EVENT_ID,
  NOT_RESOLVED,
  Schema,
  YAML11_SCHEMA,
  constructFromEvents,
  defineScalarTag,
  parseEvents,
  type ScalarEvent,
} from 'js-yaml';

import { ValidationError } from '../errors.js';


function goInt(source: string): number | typeof NOT_RESOLVED {
  const plain = source.replace(/_/g, '');
  let t = plain;
  let neg = false;
  if (t.startsWith('+') || t.startsWith('-')) {
    neg = t.startsWith('-');
    t = t.slice(1);
  }
  let big: bigint | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) big = BigInt('0x' + t.slice(2));
  else if (/^0[oO][0-7]+$/.test(t)) big = BigInt('0o' + t.slice(2));
  else if (/^0[bB][01]+$/.test(t)) big = BigInt('0b' + t.slice(2));
  else if (/^0[0-7]+$/.test(t)) big = BigInt('0o' + t.slice(1));
  else if (/^[0-9]+$/.test(t)) big = BigInt(t);
  if (big === undefined) return NOT_RESOLVED;
  if (neg) big = -big;
  if (big > 2n ** 64n - 1n || big < -(2n ** 63n)) return NOT_RESOLVED;
  return Number(big);
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function goFloat(source: string): number | typeof NOT_RESOLVED {
  const special: Record<string, number> = {
    '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
    '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
    '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
    '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
  };
  if (source in special) return special[source]!;
  const c = source[0];
  if (c === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(source) ? Number(source) : NOT_RESOLVED;
  }
  if (c === '+' || c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    const plain = source.replace(/_/g, '');
    if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  }
  return NOT_RESOLVED;
}

const intTag = defineScalarTag<number>('tag:yaml.org,2002:int', {
  implicit: true,
  resolve: (s) => goInt(s),
  identify: (d) => typeof d === 'number' && Number.isInteger(d),
});
const floatTag = defineScalarTag<number>('tag:yaml.org,2002:float', {
  implicit: true,
  resolve: (s) => goFloat(s),
  identify: (d) => typeof d === 'number',
});
// go-yaml resolves timestamps but hands them to interface{} targets as the original string
const timestampAsString = defineScalarTag<string>('tag:yaml.org,2002:timestamp', {
  implicit: false,
  resolve: (s) => s,
  identify: () => false,
});

const GO_YAML_SCHEMA = new Schema(
  YAML11_SCHEMA.tags
    .filter((t) => !['tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp'].includes(t.tagName))
    .concat([intTag, floatTag, timestampAsString]),
);

/** Parse one YAML (or JSON) document into JSON-compatible data, with go-yaml v2 scalar typing. */
export function parseGoYaml(text: string, filename?: string): unknown {
  const opts = filename ? { filename } : {};
  const events = parseEvents(text, opts);
  // go-yaml gives a block scalar that ends the input without a final line break no trailing
  // newline (kubeadm trims every patch document, so this is common); js-yaml clips to one.
  if (!text.endsWith('\n')) {
    for (let i = events.length - 1; i >= 0; i--) {
      const ev = events[i]!;
      if (ev.type !== EVENT_ID.SCALAR) continue;
      const sc = ev as ScalarEvent;
      if (sc.chomping !== CHOMPING_MODE.STRIP && sc.valueEnd >= text.trimEnd().length) {
        events[i] = { ...sc, chomping: CHOMPING_MODE.STRIP };
      }
      break;
    }
  }
  const docs = constructFromEvents(events, { source: text, schema: GO_YAML_SCHEMA, ...opts });
  if (docs.length > 1) throw new ValidationError([{ path: '', ...(filename ? { file: filename } : {}), message: 'expected a single YAML document' }]);
  return toJsonCompatible(docs[0] ?? null);
}

function toJsonCompatible(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJsonCompatible);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    if (v instanceof Map) {
      for (const [k, val] of v) out[String(k)] = toJsonCompatible(val);
    } else {
      for (const [k, val] of Object.entries(v)) out[k] = toJsonCompatible(val);
    }
    return out;
  }
  return v;
}

/**
 * Split a stream into documents the way apimachinery's YAMLReader does: a line starting with
 * "---" ends the current document (only spaces or a comment may follow it on that line).
 * Documents are returned with surrounding whitespace trimmed; empty ones are dropped.
 */
export function splitYamlDocuments(data: string, filename = '<input>'): string[] {
  const docs: string[] = [];
  let buf = '';
  const lines = data.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  for (const line of lines) {
    if (line.startsWith('---')) {
      const trimmed = line.slice(3).trim();
      if (trimmed.length > 0 && trimmed[0] !== '#') {
        throw new ValidationError([{ path: '', file: filename, message: `invalid Yaml document separator: ${trimmed}` }]);
      }
      if (buf.length > 0) {
        docs.push(buf);
        buf = '';
      }
      continue;
    }
    buf += line;
  }
  if (buf.length > 0) docs.push(buf);
  return docs.map((d) => d.trim()).filter((d) => d.length > 0);
}
