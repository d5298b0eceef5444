// Go's strconv.Quote / QuoteToASCII / QuoteRune and unicode.IsPrint, for the printers.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** unicode.IsPrint (a space is printable, other spacing characters are not) */
export function isPrint(ch: string): boolean {
  return PRINTABLE.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(ch: string, quote: string, ascii: boolean): string {
  const r = ch.codePointAt(0)!;
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (ascii ? r < 0x80 && isPrint(ch) : isPrint(ch)) return ch;
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r >= 0xd800 && r <= 0xdfff) return '\\ufffd';
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

/** strconv.Quote (or QuoteToASCII) */
export function goQuote(s: string, ascii = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"', ascii);
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII) */
export function goQuoteRune(r: number, ascii = false): string {
  const ch = r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) ? '\ufffd' : String.fromCodePoint(r);
  return "'" + escapeRune(ch, "'", ascii) + "'";
}

/** strconv.CanBackquote */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '`' || r === 0xfeff || r === 0x7f || (r < 0x20 && ch !== '\t')) return false;
  }
  return true;
}

/** the first n runes of s */
export function runePrefix(s: string, n: number): string {
  let out = '';
  let i = 0;
  for (const ch of s) {
    if (i++ >= n) break;
    out += ch;
  }
  return out;
}

export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export class GoSyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * strconv.UnquoteChar: the first character of s[i:] (an escape sequence or a literal character)
 * and the index after it. A \x escape above 0x7f stands for that code point (Go: a raw byte).
 */
export function unquoteChar(s: string, i: number, quote: string): [string, number] {
  if (i >= s.length) throw new GoSyntaxError();
  const c = s[i]!;
  if (c === quote && (quote === "'" || quote === '"')) throw new GoSyntaxError();
  if (c !== '\\') {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    return [ch, i + ch.length];
  }
  if (i + 1 >= s.length) throw new GoSyntaxError();
  const e = s[i + 1]!;
  i += 2;
  if (e in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[e]!, i];
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    const digits = s.slice(i, i + n);
    if (digits.length < n || !/^[0-9a-fA-F]+$/.test(digits)) throw new GoSyntaxError();
    const v = parseInt(digits, 16);
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new GoSyntaxError();
    return [String.fromCodePoint(v), i + n];
  }
  if (e >= '0' && e <= '7') {
    const digits = s.slice(i, i + 2);
    if (!/^[0-7]{2}$/.test(digits)) throw new GoSyntaxError();
    const v = parseInt(e + digits, 8);
    if (v > 255) throw new GoSyntaxError();
    return [String.fromCodePoint(v), i + 2];
  }
  if (e === "'" || e === '"') {
    if (e !== quote) throw new GoSyntaxError();
    return [e, i];
  }
  throw new GoSyntaxError();
}

/** strconv.Unquote of a "…", '…' or `…` literal */
export function goUnquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new GoSyntaxError();
  const quote = s[0]!;
  if (quote !== s[n - 1]) throw new GoSyntaxError();
  const body = s.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) throw new GoSyntaxError();
    return body.replaceAll('\r', '');
  }
  if (quote !== '"' && quote !== "'") throw new GoSyntaxError();
  if (body.includes('\n')) throw new GoSyntaxError();
  let out = '';
  let runes = 0;
  for (let i = 0; i < body.length; ) {
    const [ch, next] = unquoteChar(body, i, quote);
    out += ch;
    runes++;
    i = next;
    if (quote === "'" && i < body.length) throw new GoSyntaxError();
  }
  if (quote === "'" && runes !== 1) throw new GoSyntaxError();
  return out;
}

/** Go's %#U: U+0021 '!' (the character only when printable) */
export function goUnicodeName(ch: string): string {
  const r = ch.codePointAt(0)!;
  const hexed = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(ch) ? `${hexed} '${ch}'` : hexed;
}
