// A YAML writer that reproduces the bytes Kubernetes tooling produces when it turns an API object
// into YAML: the object is first marshalled to JSON, then re-encoded by go-yaml v2 (via
// sigs.k8s.io/yaml JSONToYAML). That pipeline fixes the output rules this module follows:
//   - mapping keys sorted with go-yaml's "natural" key order (digit runs compare numerically);
//   - block style, two-space indentation, sequences directly under a mapping key not indented;
//   - empty mappings/sequences written in flow style (`{}` / `[]`);
//   - strings plain when go-yaml would read them back as strings, otherwise double-quoted;
//     strings that plain style cannot carry fall back to single quotes, then double quotes;
//     strings with a line break use the literal block style (`|`, `|-`, `|+`);
//   - long scalars folded at spaces once the line passes column 80.
// Input is JSON-shaped data: plain objects, arrays, strings, finite numbers, booleans and null.
// Why home-made: the files kubeadm writes (static Pod manifests, kubelet config, printed objects) must
// be byte-identical to go-yaml v2's output, and no JavaScript YAML library writes that: js-yaml (our
// YAML dependency, used for reading) differs in key order, quoting, indentation of sequences and line
// folding, and its options cannot express go-yaml's rules.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isBreakChar(c: string | undefined): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}
function isSpaceChar(c: string | undefined): boolean {
  return c === ' ';
}
function isBlankChar(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}
/** blank, break or end of input */
function isBlankzChar(c: string | undefined): boolean {
  return c === undefined || c === '\0' || isBlankChar(c) || isBreakChar(c);
}
function isPrintableCode(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function analyzeScalar(chars: string[]): ScalarAnalysis {
  if (chars.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;

  const head = chars.slice(0, 3).join('');
  if (head === '---' || head === '...') {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWhitespace = i + 1 >= chars.length || isBlankChar(chars[i + 1]);
    if (i === 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
        case '!': case '|': case '>': case "'": case '"': case '%': case '@': case '`':
          flowIndicators = true;
          blockIndicators = true;
          break;
        case '?': case ':':
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case '-':
          if (followedByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}':
          flowIndicators = true;
          break;
        case ':':
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
          break;
        case '#':
          if (precededByWhitespace) {
            flowIndicators = true;
            blockIndicators = true;
          }
          break;
      }
    }
    if (!isPrintableCode(c.codePointAt(0)!)) specialCharacters = true;
    if (isSpaceChar(c)) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakChar(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankzChar(c);
  }
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// ---- go-yaml's implicit typing: would this text read back as something other than a string? ----

const RESOLVE_NON_STRING = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Go strconv.ParseFloat acceptance for the forms that matter here (decimal, hex floats, inf/nan, underscores). */
function goParsesFloat(s: string): boolean {
  if (/^[+-]?(inf|infinity|nan)$/i.test(s)) return true;
  const dec = /^[+-]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
  if (dec.test(s)) return true;
  const hex = /^[+-]?0[xX](?:_?[0-9a-fA-F])*(?:\.(?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?[pP][+-]?[0-9](?:_?[0-9])*$/;
  return hex.test(s);
}

/** Go strconv.ParseInt(s, 0, 64) / ParseUint acceptance (base prefixes 0x, 0o, 0b, leading 0 = octal). */
function goParsesInt(s: string): boolean {
  let t = s;
  if (t.startsWith('+') || t.startsWith('-')) t = t.slice(1);
  if (t === '') return false;
  let digits: RegExp;
  let body = t;
  if (/^0[xX]/.test(t)) {
    digits = /^[0-9a-fA-F]$/;
    body = t.slice(2);
  } else if (/^0[bB]/.test(t)) {
    digits = /^[01]$/;
    body = t.slice(2);
  } else if (/^0[oO]/.test(t)) {
    digits = /^[0-7]$/;
    body = t.slice(2);
  } else if (t.length > 1 && t.startsWith('0')) {
    digits = /^[0-7]$/;
    body = t.slice(1);
  } else {
    digits = /^[0-9]$/;
  }
  if (body === '') return false;
  for (const ch of body) if (!digits.test(ch)) return false;
  // range: int64 or uint64; compare as BigInt
  try {
    const neg = s.startsWith('-');
    let big: bigint;
    if (/^0[xX]/.test(t)) big = BigInt('0x' + body);
    else if (/^0[bB]/.test(t)) big = BigInt('0b' + body);
    else if (/^0[oO]/.test(t) || (t.length > 1 && t.startsWith('0'))) big = BigInt('0o' + body);
    else big = BigInt(body);
    if (neg) return big <= 2n ** 63n;
    return big <= 2n ** 64n - 1n;
  } catch {
    return false;
  }
}

function looksLikeTimestamp(s: string): boolean {
  // go-yaml tries time layouts only for strings that start with 4 digits and a dash
  if (!/^[0-9]{4}-/.test(s)) return false;
  const date = '([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})';
  const frac = '(?:\\.[0-9]+)?';
  const time = '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})' + frac;
  const zone = '(?:Z|[+-][0-9]{2}:[0-9]{2})';
  const forms = [
    new RegExp(`^${date}[Tt]${time}${zone}$`),
    new RegExp(`^${date} ${time}$`),
    new RegExp(`^${date}$`),
  ];
  for (const re of forms) {
    const m = re.exec(s);
    if (!m) continue;
    const month = Number(m[2]);
    const day = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    if (m[4] !== undefined) {
      if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) continue;
    }
    return true;
  }
  return false;
}

/** True when go-yaml would emit this string unquoted (it reads back as a string). */
function resolvesToString(s: string): boolean {
  if (s === '') return false;
  const c = s[0]!;
  // go-yaml only tries to type scalars whose first byte is in its resolve table
  if (!'+-0123456789yYnNtTfFoO~.'.includes(c)) return true;
  if (RESOLVE_NON_STRING.has(s)) return false;
  if (c === '.') {
    return !goParsesFloat(s);
  }
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (looksLikeTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    if (goParsesInt(plain)) return false;
    if (YAML_STYLE_FLOAT.test(plain) && goParsesFloat(plain)) return false;
    if (plain.startsWith('0b')) {
      if (/^0b[01]+$/.test(plain)) return false;
    } else if (plain.startsWith('-0b')) {
      if (/^-0b[01]+$/.test(plain)) return false;
    }
  }
  return true;
}

function isBase60Float(s: string): boolean {
  if (s === '') return false;
  const c = s[0]!;
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !s.includes(':')) return false;
  return BASE60_FLOAT.test(s);
}

// ---- go-yaml's mapping key order ----

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}
function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && /\p{Nd}/u.test(ch);
}

/** go-yaml v2 keyList.Less for two string keys. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

export function sortKeysGoYaml(keys: string[]): string[] {
  return [...keys].sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
}

// ---- number formatting (Go strconv.FormatFloat(f, 'g', -1, 64) after a JSON round trip) ----

export function formatGoNumber(n: number): string {
  if (!Number.isFinite(n)) {
    if (Number.isNaN(n)) return '.nan';
    return n > 0 ? '.inf' : '-.inf';
  }
  // JSON integers that fit int64 come back from go-yaml as ints
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    return BigInt(n).toString();
  }
  if (Object.is(n, -0)) return '-0';
  // shortest repr digits and exponent
  const exp = n.toExponential(); // e.g. "1.5e-7"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? '');
  const e = Number(m[4]);
  if (e < -4 || e >= 21) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(e) < 10 ? `0${Math.abs(e)}` : `${Math.abs(e)}`;
    return `${sign}${mant}e${e < 0 ? '-' : '+'}${es}`;
  }
  return String(n);
}

// ---- the emitter ----

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  flowLevel = 0;

  private put(s: string): void {
    this.out += s;
    this.column += 1;
  }
  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  private writeChar(c: string): void {
    this.out += c;
    this.column += 1;
  }
  private writeBreakChar(c: string): void {
    if (c === '\n') {
      this.putBreak();
    } else {
      this.out += c;
      this.column = 0;
    }
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? BEST_INDENT : 0;
    } else if (!indentless) {
      this.indent += BEST_INDENT;
    }
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  writeIndent(): void {
    const indent = this.indent < 0 ? 0 : this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of ind) this.writeChar(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  // --- nodes ---

  emitNode(v: JsonValue, ctx: { mapping: boolean; simpleKey: boolean }): void {
    if (Array.isArray(v)) {
      if (v.length === 0 || this.flowLevel > 0) return this.emitFlowSequence(v);
      return this.emitBlockSequence(v, ctx.mapping);
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 0 || this.flowLevel > 0) return this.emitFlowMapping(v);
      return this.emitBlockMapping(v);
    }
    this.emitScalarValue(v, ctx.simpleKey);
  }

  emitScalarValue(v: string | number | boolean | null, simpleKey: boolean): void {
    let text: string;
    let requested: ScalarStyle;
    if (v === null) {
      text = 'null';
      requested = 'plain';
    } else if (typeof v === 'boolean') {
      text = v ? 'true' : 'false';
      requested = 'plain';
    } else if (typeof v === 'number') {
      text = formatGoNumber(v);
      requested = 'plain';
    } else {
      text = v;
      const canUsePlain = resolvesToString(v) && !isBase60Float(v);
      if (v.includes('\n')) requested = 'literal';
      else if (canUsePlain) requested = 'plain';
      else requested = 'double';
    }
    this.emitScalar(text, requested, simpleKey);
  }

  emitScalar(text: string, requested: ScalarStyle, simpleKey: boolean): void {
    const chars = Array.from(text);
    const a = analyzeScalar(chars);
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlainAllowed) || (this.flowLevel === 0 && !a.blockPlainAllowed)) {
        style = 'single';
      }
      if (chars.length === 0 && (this.flowLevel > 0 || simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal') {
      if (!a.blockAllowed || this.flowLevel > 0 || simpleKey) style = 'double';
    }
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.writePlain(chars, allowBreaks);
        break;
      case 'single':
        this.writeSingle(chars, allowBreaks);
        break;
      case 'double':
        this.writeDouble(chars, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(chars);
        break;
    }
    this.popIndent();
  }

  writePlain(chars: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (isSpaceChar(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpaceChar(chars[i + 1])) {
          this.writeIndent();
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else if (isBreakChar(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  writeSingle(chars: string[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (isSpaceChar(c)) {
        if (
          allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 &&
          !isSpaceChar(chars[i + 1])
        ) {
          this.writeIndent();
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else if (isBreakChar(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeDouble(chars: string[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    const startsWithBom = chars[0] === '\ufeff';
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintableCode(cp) || startsWithBom || isBreakChar(c) || c === '"' || c === '\\') {
        this.put('\\');
        const simple: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r',
          0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        const esc = simple[cp];
        if (esc !== undefined) {
          this.put(esc);
        } else {
          let w: number;
          if (cp <= 0xff) {
            this.put('x');
            w = 2;
          } else if (cp <= 0xffff) {
            this.put('u');
            w = 4;
          } else {
            this.put('U');
            w = 8;
          }
          const hex = cp.toString(16).toUpperCase().padStart(w, '0');
          for (const h of hex) this.put(h);
        }
        spaces = false;
      } else if (isSpaceChar(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (isSpaceChar(chars[i + 1])) this.put('\\');
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else {
        this.writeChar(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  writeLiteral(chars: string[]): void {
    this.writeIndicator('|', true, false, false);
    // block scalar hints
    if (isSpaceChar(chars[0]) || isBreakChar(chars[0])) {
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    }
    let chomp = '';
    if (chars.length === 0) {
      chomp = '-';
    } else {
      const last = chars[chars.length - 1];
      if (!isBreakChar(last)) chomp = '-';
      else if (chars.length === 1) chomp = '+';
      else if (isBreakChar(chars[chars.length - 2])) chomp = '+';
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreakChar(c)) {
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  emitBlockSequence(items: JsonValue[], mappingContext: boolean): void {
    this.increaseIndent(false, mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.emitNode(item, { mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  emitBlockMapping(obj: { [key: string]: JsonValue }): void {
    this.increaseIndent(false, false);
    for (const key of sortKeysGoYaml(Object.keys(obj))) {
      const value = obj[key]!;
      this.writeIndent();
      const simple = !isBreakIn(key) && Buffer.byteLength(key, 'utf8') <= 128;
      if (simple) {
        this.emitScalarValue(key, true);
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.emitScalarValue(key, false);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.emitNode(value, { mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  emitFlowSequence(items: JsonValue[]): void {
    this.writeIndicator('[', true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    let first = true;
    for (const item of items) {
      if (!first) this.writeIndicator(',', false, false, false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.emitNode(item, { mapping: false, simpleKey: false });
      first = false;
    }
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator(']', false, false, false);
  }

  emitFlowMapping(obj: { [key: string]: JsonValue }): void {
    this.writeIndicator('{', true, true, false);
    this.increaseIndent(true, false);
    this.flowLevel++;
    let first = true;
    for (const key of sortKeysGoYaml(Object.keys(obj))) {
      if (!first) this.writeIndicator(',', false, false, false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.emitScalarValue(key, true);
      this.writeIndicator(':', false, false, false);
      this.emitNode(obj[key]!, { mapping: true, simpleKey: false });
      first = false;
    }
    this.flowLevel--;
    this.popIndent();
    this.writeIndicator('}', false, false, false);
  }
}

function isBreakIn(s: string): boolean {
  for (const c of s) if (isBreakChar(c)) return true;
  return false;
}

/**
 * Serialise JSON-shaped data the way `sigs.k8s.io/yaml.Marshal` (JSON, then go-yaml v2) does.
 * `undefined` object members are dropped, as JSON.stringify would.
 */
export function toGoYaml(value: unknown): string {
  const data = normalizeJson(value);
  const e = new Emitter();
  e.emitNode(data, { mapping: false, simpleKey: false });
  // document end: implicit, always finishes the last line
  e.indent = -1;
  e.writeIndent();
  return e.out;
}

/** Turn arbitrary data into plain JSON data (drops undefined, calls toJSON like JSON.stringify). */
export function normalizeJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
