// Go's fmt (Sprint, Sprintln, Sprintf) for the values of govalue.ts: the verbs v (+v, #v), T, t, d,
// b, o, O, x, X, c, q, U, e, E, f, F, g, G, s, with flags, width, precision, argument indexes and
// fmt's %!verb(type=value) complaints.

import { formatFloat, type FloatFormat } from './gofloat.js';
import { canBackquote, goQuote, goQuoteRune, isPrint, runeCount } from './goquote.js';
import { GoInt, Iface, intValue, sortedKeys, typeName, type Concrete, type GoValue } from './govalue.js';

type Arg = Concrete | null;

export type { Arg as FmtArg };

class State {
  buf = '';
  sharp = false;
  zero = false;
  plus = false;
  minus = false;
  space = false;
  sharpV = false;
  plusV = false;
  wid = 0;
  widPresent = false;
  prec = 0;
  precPresent = false;
  private arg: Arg | undefined = undefined;
  private value: GoValue = undefined;

  /** %v: '#' and '+' mean Go syntax and field names rather than their usual meaning */
  vFlags(): void {
    this.sharpV = this.sharp;
    this.sharp = false;
    this.plusV = this.plus;
    this.plus = false;
  }

  clearflags(): void {
    this.sharp = this.zero = this.plus = this.minus = this.space = this.sharpV = this.plusV = false;
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = false;
  }

  private writePadding(n: number): void {
    if (n > 0) this.buf += (this.zero && !this.minus ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private truncate(s: string): string {
    if (!this.precPresent) return s;
    let n = this.prec;
    let out = '';
    for (const ch of s) {
      if (--n < 0) break;
      out += ch;
    }
    return out;
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) this.pad('`' + s + '`');
    else this.pad(goQuote(s, this.plus));
  }

  private fmtSx(s: string, upper: boolean): void {
    const b = Buffer.from(s, 'utf8');
    let length = b.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    const x = upper ? '0X' : '0x';
    let out = this.sharp ? x : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) out += this.sharp ? ' ' + x : ' ';
      const h = b[i]!.toString(16).padStart(2, '0');
      out += upper ? h.toUpperCase() : h;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(s);
        else this.pad(this.truncate(s));
        return;
      case 's':
        this.pad(this.truncate(s));
        return;
      case 'x':
      case 'X':
        this.fmtSx(s, verb === 'X');
        return;
      case 'q':
        this.fmtQ(s);
        return;
    }
    this.badVerb(verb);
  }

  private fmtInteger(n: bigint, base: number, verb: string, upper: boolean): void {
    const negative = n < 0n;
    const u = negative ? -n : n;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = digits.padStart(prec, '0');
    if (this.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.plus) digits = '+' + digits;
    else if (this.space) digits = ' ' + digits;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(digits);
    this.zero = oldZero;
  }

  private fmtUnicode(n: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = 'U+' + (n < 0n ? BigInt.asUintN(64, n) : n).toString(16).toUpperCase().padStart(prec, '0');
    if (this.sharp && n >= 0n && n <= 0x10ffffn && isPrint(String.fromCodePoint(Number(n)))) s += " '" + String.fromCodePoint(Number(n)) + "'";
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  private integer(n: bigint, verb: string): void {
    const rune = () => (n < 0n || n > 0x10ffffn || (n >= 0xd800n && n <= 0xdfffn) ? 0xfffd : Number(n));
    switch (verb) {
      case 'v':
      case 'd':
        return this.fmtInteger(n, 10, verb, false);
      case 'b':
        return this.fmtInteger(n, 2, verb, false);
      case 'o':
      case 'O':
        return this.fmtInteger(n, 8, verb, false);
      case 'x':
        return this.fmtInteger(n, 16, verb, false);
      case 'X':
        return this.fmtInteger(n, 16, verb, true);
      case 'c':
        return this.pad(String.fromCodePoint(rune()));
      case 'q':
        return this.pad(goQuoteRune(rune(), this.plus));
      case 'U':
        return this.fmtUnicode(n);
    }
    this.badVerb(verb);
  }

  private fmtFloat(v: number, verb: FloatFormat, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp) {
      let digits = 0;
      if (verb === 'g' || verb === 'G' || verb === 'x' || verb === 'X') digits = prec === -1 ? 6 : prec;
      let tail = '';
      const e = num.search(verb === 'x' || verb === 'X' ? /[pP]/ : /[eEpP]/);
      if (e >= 0) {
        tail = num.slice(e);
        num = num.slice(0, e);
      }
      let sawNonzero = false;
      for (let i = 1; i < num.length; i++) {
        if (num[i] === '.') continue;
        if (num[i] !== '0') sawNonzero = true;
        if (sawNonzero) digits--;
      }
      if (!num.includes('.')) {
        if (num.length === 2 && num[1] === '0') digits--;
        num += '.';
      }
      if (digits > 0) num += '0'.repeat(digits);
      num += tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private float(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        return this.fmtFloat(v, 'g', -1);
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'b':
        return this.fmtFloat(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloat(v, verb, 6);
      case 'F':
        return this.fmtFloat(v, 'f', 6);
    }
    this.badVerb(verb);
  }

  private badVerb(verb: string): void {
    this.buf += '%!' + verb + '(';
    if (this.arg !== undefined && this.arg !== null) {
      this.buf += typeName(this.arg) + '=';
      this.printArg(this.arg, 'v');
    } else if (this.value !== undefined) {
      this.buf += typeName(this.value) + '=';
      this.printValue(this.value, 'v', 0);
    } else this.buf += '<nil>';
    this.buf += ')';
  }

  printArg(arg: Arg, verb: string): void {
    this.arg = arg;
    this.value = undefined;
    if (arg === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.pad(this.truncate(typeName(arg)));
      return;
    }
    this.scalarOrValue(arg, verb, 0);
  }

  private scalarOrValue(v: Concrete, verb: string, depth: number): void {
    if (typeof v === 'boolean') {
      if (verb === 't' || verb === 'v') this.pad(String(v));
      else this.badVerb(verb);
    } else if (typeof v === 'number') this.float(v, verb);
    else if (typeof v === 'bigint' || v instanceof GoInt) this.integer(intValue(v), verb);
    else if (typeof v === 'string') this.fmtString(v, verb);
    else this.printValue(v, verb, depth);
  }

  printValue(value: GoValue, verb: string, depth: number): void {
    this.arg = undefined;
    this.value = value;
    if (value === undefined) {
      if (depth === 0) this.buf += '<invalid reflect.Value>';
      else if (verb === 'v') this.buf += '<nil>';
      else this.badVerb(verb);
      return;
    }
    if (value instanceof Iface) {
      if (value.v === null) this.buf += this.sharpV ? 'interface {}(nil)' : '<nil>';
      else this.printValue(value.v, verb, depth + 1);
      return;
    }
    if (value instanceof Map) {
      this.buf += this.sharpV ? typeName(value) + '{' : 'map[';
      sortedKeys(value).forEach((k, i) => {
        if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
        this.printValue(k, verb, depth + 1);
        this.buf += ':';
        this.printValue(new Iface(value.get(k)!), verb, depth + 1);
      });
      this.buf += this.sharpV ? '}' : ']';
      return;
    }
    if (Array.isArray(value)) {
      this.buf += this.sharpV ? typeName(value) + '{' : '[';
      value.forEach((e, i) => {
        if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
        this.printValue(new Iface(e), verb, depth + 1);
      });
      this.buf += this.sharpV ? '}' : ']';
      return;
    }
    this.scalarOrValue(value, verb, depth);
  }
}

/** fmt.Sprint */
export function sprint(args: Arg[]): string {
  const p = new State();
  let prevString = false;
  args.forEach((a, i) => {
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(a, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln */
export function sprintln(args: Arg[]): string {
  const p = new State();
  args.forEach((a, i) => {
    if (i > 0) p.buf += ' ';
    p.printArg(a, 'v');
  });
  return p.buf + '\n';
}

/** a value printed with %v, %+v or %#v */
export function formatValue(v: Arg, flag: '' | '+' | '#' = ''): string {
  const p = new State();
  p.sharpV = flag === '#';
  p.plusV = flag === '+';
  p.printArg(v, 'v');
  return p.buf;
}

export { State as FmtState };
