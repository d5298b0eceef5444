// Go's text/template/parse lexer (lex.go), ported as it is: delimiters {{ }}, trim markers
// "{{- " and " -}}", comments, and the tokens inside actions. Positions are string indexes.

import { goQuote as goQuoteLite, goUnicodeName as unicodeName } from '../goquote.js';

export const enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword, // keywords follow
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  typ: T;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

const LEFT = '{{';
const RIGHT = '}}';

export const isSpace = (r: string) => r === ' ' || r === '\t' || r === '\r' || r === '\n';
export const isAlphaNumeric = (r: string) => r !== '' && /^[\p{L}\p{Nd}_]$/u.test(r);
const hasLeftTrimMarker = (s: string) => s.length >= 2 && s[0] === '-' && isSpace(s[1]!);
const hasRightTrimMarker = (s: string) => s.length >= 2 && isSpace(s[0]!) && s[1] === '-';
const countNewlines = (s: string) => s.split('\n').length - 1;
const rightTrimLength = (s: string) => s.length - s.replace(/[ \t\r\n]+$/, '').length;
const leftTrimLength = (s: string) => s.length - s.replace(/^[ \t\r\n]+/, '').length;

type StateFn = ((l: Lexer) => StateFn) | null;

export class Lexer {
  pos = 0;
  private start = 0;
  private atEOF = false;
  private parenDepth = 0;
  private line = 1;
  private startLine = 1;
  private item: Item = { typ: T.EOF, pos: 0, val: 'EOF', line: 1 };
  private insideAction = false;
  breakOK = true;
  continueOK = true;

  constructor(public input: string) {}

  next(): string {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return '';
    }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.pos += r.length;
    if (r === '\n') this.line++;
    return r;
  }

  peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      let w = 1;
      const c = this.input.charCodeAt(this.pos - 1);
      if (c >= 0xdc00 && c <= 0xdfff && this.pos >= 2) {
        const h = this.input.charCodeAt(this.pos - 2);
        if (h >= 0xd800 && h <= 0xdbff) w = 2;
      }
      this.pos -= w;
      if (this.input[this.pos] === '\n') this.line--;
    }
  }

  private thisItem(t: T): Item {
    const i = { typ: t, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return i;
  }

  emit(t: T): StateFn {
    return this.emitItem(this.thisItem(t));
  }

  private emitItem(i: Item): StateFn {
    this.item = i;
    return null;
  }

  private ignore(): void {
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r !== '' && valid.includes(r)) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === '' || !valid.includes(r)) break;
    }
    this.backup();
  }

  errorf(msg: string): StateFn {
    this.item = { typ: T.Error, pos: this.start, val: msg, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = '';
    return null;
  }

  nextItem(): Item {
    this.item = { typ: T.EOF, pos: this.pos, val: 'EOF', line: this.startLine };
    let state: StateFn = this.insideAction ? lexInsideAction : lexText;
    while (state) state = state(this);
    return this.item;
  }

  rest(from = this.pos): string {
    return this.input.slice(from);
  }

  atRightDelim(): [boolean, boolean] {
    if (hasRightTrimMarker(this.rest()) && this.rest(this.pos + 2).startsWith(RIGHT)) return [true, true];
    if (this.rest().startsWith(RIGHT)) return [true, false];
    return [false, false];
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    if (r === '' || '.,|:)('.includes(r)) return true;
    return this.rest().startsWith(RIGHT);
  }

  // ---- states (methods so they can reach private fields) ----

  lexText(): StateFn {
    const x = this.input.indexOf(LEFT, this.pos);
    if (x >= 0) {
      if (x > this.pos) {
        this.pos = x;
        let trim = 0;
        if (hasLeftTrimMarker(this.rest(this.pos + LEFT.length))) trim = rightTrimLength(this.input.slice(this.start, this.pos));
        this.pos -= trim;
        this.line += countNewlines(this.input.slice(this.start, this.pos));
        const i = this.thisItem(T.Text);
        this.pos += trim;
        this.ignore();
        if (i.val.length > 0) return this.emitItem(i);
      }
      return lexLeftDelim;
    }
    this.pos = this.input.length;
    if (this.pos > this.start) {
      this.line += countNewlines(this.input.slice(this.start, this.pos));
      return this.emit(T.Text);
    }
    return this.emit(T.EOF);
  }

  lexLeftDelim(): StateFn {
    this.pos += LEFT.length;
    const trimSpace = hasLeftTrimMarker(this.rest());
    const after = trimSpace ? 2 : 0;
    if (this.rest(this.pos + after).startsWith('/*')) {
      this.pos += after;
      this.ignore();
      return lexComment;
    }
    const i = this.thisItem(T.LeftDelim);
    this.insideAction = true;
    this.pos += after;
    this.ignore();
    this.parenDepth = 0;
    return this.emitItem(i);
  }

  lexComment(): StateFn {
    this.pos += 2;
    const x = this.input.indexOf('*/', this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.pos = x + 2;
    const [delim, trimSpace] = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    this.line += countNewlines(this.input.slice(this.start, this.pos));
    this.thisItem(T.Comment);
    if (trimSpace) this.pos += 2;
    this.pos += RIGHT.length;
    if (trimSpace) this.pos += leftTrimLength(this.rest());
    this.ignore();
    return lexText;
  }

  lexRightDelim(): StateFn {
    const [, trimSpace] = this.atRightDelim();
    if (trimSpace) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += RIGHT.length;
    const i = this.thisItem(T.RightDelim);
    if (trimSpace) {
      this.pos += leftTrimLength(this.rest());
      this.ignore();
    }
    this.insideAction = false;
    return this.emitItem(i);
  }

  lexInsideAction(): StateFn {
    const [delim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return lexRightDelim;
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === '') return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup();
      return lexSpace;
    }
    switch (r) {
      case '=':
        return this.emit(T.Assign);
      case ':':
        if (this.next() !== '=') return this.errorf('expected :=');
        return this.emit(T.Declare);
      case '|':
        return this.emit(T.Pipe);
      case '"':
        return lexQuote;
      case '`':
        return lexRawQuote;
      case '$':
        return lexVariable;
      case "'":
        return lexChar;
      case '(':
        this.parenDepth++;
        return this.emit(T.LeftParen);
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) return this.errorf('unexpected right paren');
        return this.emit(T.RightParen);
    }
    if (r === '.' && this.pos < this.input.length) {
      const c = this.input[this.pos]!;
      if (c < '0' || c > '9') return lexField;
    }
    if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      this.backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return lexIdentifier;
    }
    const code = r.codePointAt(0)!;
    if (code <= 0x7f && code >= 0x20 && code !== 0x7f) return this.emit(T.Char);
    return this.errorf(`unrecognized character in action: ${unicodeName(r)}`);
  }

  lexSpace(): StateFn {
    let numSpaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      numSpaces++;
    }
    if (hasRightTrimMarker(this.rest(this.pos - 1)) && this.rest(this.pos - 1 + 2).startsWith(RIGHT)) {
      this.backup();
      if (numSpaces === 1) return lexRightDelim;
    }
    return this.emit(T.Space);
  }

  lexIdentifier(): StateFn {
    for (;;) {
      const r = this.next();
      if (isAlphaNumeric(r)) continue;
      this.backup();
      const word = this.input.slice(this.start, this.pos);
      if (!this.atTerminator()) return this.errorf(`bad character ${unicodeName(r)}`);
      const kw = KEYWORDS[word];
      if (kw !== undefined && kw > T.Keyword) {
        if ((kw === T.Break && !this.breakOK) || (kw === T.Continue && !this.continueOK)) return this.emit(T.Identifier);
        return this.emit(kw);
      }
      if (word[0] === '.') return this.emit(T.Field);
      if (word === 'true' || word === 'false') return this.emit(T.Bool);
      return this.emit(T.Identifier);
    }
  }

  lexFieldOrVariable(typ: T): StateFn {
    if (this.atTerminator()) return this.emit(typ === T.Variable ? T.Variable : T.Dot);
    let r: string;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${unicodeName(r)}`);
    return this.emit(typ);
  }

  /** a character constant or an interpreted string, up to its closing quote */
  lexQuoted(quote: string, typ: T, what: string): StateFn {
    for (;;) {
      let r = this.next();
      if (r === '\\') {
        r = this.next();
        if (r !== '' && r !== '\n') continue;
      }
      if (r === '' || r === '\n') return this.errorf(`unterminated ${what}`);
      if (r === quote) break;
    }
    return this.emit(typ);
  }

  lexNumber(): StateFn {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${goQuoteLite(this.input.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === '+' || sign === '-') {
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') {
        return this.errorf(`bad number syntax: ${goQuoteLite(this.input.slice(this.start, this.pos))}`);
      }
      return this.emit(T.Complex);
    }
    return this.emit(T.Number);
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  lexRawQuote(): StateFn {
    for (;;) {
      const r = this.next();
      if (r === '') return this.errorf('unterminated raw quoted string');
      if (r === '`') break;
    }
    return this.emit(T.RawString);
  }
}

const lexText: StateFn = (l) => l.lexText();
const lexLeftDelim: StateFn = (l) => l.lexLeftDelim();
const lexComment: StateFn = (l) => l.lexComment();
const lexRightDelim: StateFn = (l) => l.lexRightDelim();
const lexInsideAction: StateFn = (l) => l.lexInsideAction();
const lexSpace: StateFn = (l) => l.lexSpace();
const lexIdentifier: StateFn = (l) => l.lexIdentifier();
const lexField: StateFn = (l) => l.lexFieldOrVariable(T.Field);
const lexVariable: StateFn = (l) => (l.atTerminator() ? l.emit(T.Variable) : l.lexFieldOrVariable(T.Variable));
const lexChar: StateFn = (l) => l.lexQuoted("'", T.CharConstant, 'character constant');
const lexNumber: StateFn = (l) => l.lexNumber();
const lexQuote: StateFn = (l) => l.lexQuoted('"', T.String, 'quoted string');
const lexRawQuote: StateFn = (l) => l.lexRawQuote();
