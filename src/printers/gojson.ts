// Go's encoding/json output: json.Marshal (compact) and json.MarshalIndent(v, "", "    "), with
// Go's string escaping (<, >, &, U+2028 and U+2029 as \u escapes; invalid UTF-16 as U+FFFD) and
// number spelling. Go values (govalue.ts: maps print with sorted keys) or plain JSON-shaped
// JavaScript values (keys in their order, as a Go struct's fields).

import { GoInt, Iface, sortedKeys } from './govalue.js';

/** a JSON string literal as encoding/json writes it */
export function goJsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/\\ud[89a-f][0-9a-f]{2}/g, '\\ufffd');
}

function goJsonNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * json.Marshal / json.MarshalIndent (prefix "", the given indent) of a Go value or a plain
 * JavaScript value. No trailing newline.
 */
export function goJson(v: unknown, indent = ''): string {
  const nl = (depth: number) => (indent ? '\n' + indent.repeat(depth) : '');
  const sep = indent ? ': ' : ':';
  const enc = (x: unknown, depth: number): string => {
    if (x instanceof Iface) return enc(x.v, depth);
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return goJsonString(x);
    if (typeof x === 'boolean') return String(x);
    if (typeof x === 'number') return goJsonNumber(x);
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof GoInt) return x.v.toString();
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return '[' + x.map((e) => nl(depth + 1) + enc(e, depth + 1)).join(',') + nl(depth) + ']';
    }
    const entries: [string, unknown][] =
      x instanceof Map ? sortedKeys(x).map((k) => [k, x.get(k)]) : Object.entries(x as object).filter(([, e]) => e !== undefined);
    if (entries.length === 0) return '{}';
    return '{' + entries.map(([k, e]) => nl(depth + 1) + goJsonString(k) + sep + enc(e, depth + 1)).join(',') + nl(depth) + '}';
  };
  return enc(v, 0);
}
