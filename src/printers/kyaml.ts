// KYAML as cli-runtime's KYAMLPrinter writes it (sigs.k8s.io/yaml/kyaml's Encoder.FromObject):
// the object's JSON read back as YAML and rendered with double-quoted strings (long lines of a
// multi-line string folded), keys unquoted unless ambiguous, trailing commas, lists of objects
// "cuddled" as [{…}, {…}], each document after a "---" line.

import { goJson } from './gojson.js';
import { isPrint } from './goquote.js';

const indentOf = (level: number) => '  '.repeat(Math.max(level, 0));
const FOLD = '\\\n';

const SEXAGESIMAL = /^[+-]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;
const INT = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+)$/i;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(([Tt]| )\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** kyaml's isTypeAmbiguous: a key YAML would read as something other than a string */
function isTypeAmbiguous(s: string): boolean {
  const l = s.toLowerCase();
  if (['null', '~', ''].includes(l)) return true;
  if (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return true;
  if (s.length <= 5 && ['true', 'y', 'yes', 'on', 'false', 'n', 'no', 'off'].includes(l)) return true;
  const bare = s.replaceAll('_', '');
  if (INT.test(bare) || FLOAT.test(bare)) return true;
  if (SEXAGESIMAL.test(s)) return true;
  if (s.length <= 5 && ['.inf', '-.inf', '+.inf', '.nan'].includes(l)) return true;
  return TIMESTAMP.test(s);
}

function needsQuotes(s: string): boolean {
  if (s === '' || isTypeAmbiguous(s)) return true;
  const runes = [...s];
  return runes.some((r, i) => {
    if (/^[\p{L}\p{N}_]$/u.test(r)) return false;
    return !(i > 0 && i < runes.length - 1 && '-./'.includes(r));
  });
}

const NAMED: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\0': '\\0',
  '\x1b': '\\e',
  '\x85': '\\N',
  '\xa0': '\\_',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

function renderString(val: string, indent: number, lazyQuote: boolean, compact: boolean): string {
  const multi = val.includes('\n');
  if (!multi && lazyQuote && !needsQuotes(val)) return val;
  let buf = '"';
  if (multi && !compact) buf += FOLD;
  for (const r of val) {
    if (buf.endsWith('\n')) buf += indentOf(indent) + (/^\s$/u.test(r) && r !== '\n' ? '\\' : ' ');
    if (r === '\n') buf += compact ? '\\n' : '\\n' + FOLD;
    else if (r === '\t') buf += compact ? '\\t' : '\t';
    else if (r === '"' || r === '\\') buf += '\\' + r;
    else if (isPrint(r)) buf += r;
    else if (NAMED[r]) buf += NAMED[r];
    else {
      const c = r.codePointAt(0)!;
      if (c < 0x20 || c === 0x7f) buf += '\\x' + c.toString(16).padStart(2, '0');
      else if (c >= 0xd800 && c <= 0xdfff) buf += '\\ufffd';
      else if (c < 0x10000) buf += '\\u' + c.toString(16).padStart(4, '0');
      else buf += '\\U' + c.toString(16).padStart(8, '0');
    }
  }
  if (multi && !compact) {
    if (!buf.endsWith('\n')) buf += FOLD;
    buf += indentOf(indent);
  }
  return buf + '"';
}

function isContainer(v: unknown): boolean {
  return v !== null && typeof v === 'object';
}

function render(v: unknown, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return renderString(v, indent + 1, false, false);
  if (typeof v !== 'object') return goJson(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isContainer)) return '[' + v.map((c) => render(c, indent)).join(', ') + ']';
    let out = '[\n' + indentOf(indent);
    for (const c of v) out += indentOf(1) + render(c, indent + 1) + ',\n' + indentOf(indent);
    return out + ']';
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, e]) => e !== undefined);
  if (entries.length === 0) return '{}';
  let out = '{\n';
  for (const [k, e] of entries) out += indentOf(indent + 1) + renderString(k, indent + 1, true, true) + ': ' + render(e, indent + 1) + ',\n';
  return out + indentOf(indent) + '}';
}

/** one object as KYAMLPrinter prints it */
export function toKyaml(obj: Record<string, unknown>): string {
  return '---\n' + render(obj, 0) + '\n';
}
