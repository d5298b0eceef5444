// Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'g', 'G', 'x', 'X', 'b'; prec -1 = shortest):
// the shortest digits are JavaScript's (both pick the shortest string that reads back to the same
// float64, the closest one on a tie); fixed precisions round the exact binary value half to even, as
// Go does.

interface Digits {
  /** significant decimal digits, no leading or trailing zeros ('' for zero) */
  d: string;
  /** decimal point position: value = 0.d × 10^dp */
  dp: number;
}

function shortestDigits(v: number): Digits {
  if (v === 0) return { d: '', dp: 0 };
  const [mant, exp] = Math.abs(v).toExponential().split('e') as [string, string];
  const d = mant.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(exp) + 1 };
}

/** |v| = mant × 2^exp, mant with its implicit top bit (53 bits for a normal number) */
function binary(v: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const bits = view.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & ((1n << 52n) - 1n);
  return e === 0 ? { mant, exp: -1074 } : { mant: mant | (1n << 52n), exp: e - 1075 };
}

/** %b: -ddddp±ddd (decimal mantissa, binary exponent) */
function fmtB(neg: boolean, v: number): string {
  const { mant, exp } = binary(v);
  return (neg ? '-' : '') + mant.toString() + 'p' + (exp >= 0 ? '+' : '') + exp;
}

/** %x: -0x1.yyyyp±dd, the mantissa's hex digits (all of them, or rounded to prec) */
function fmtX(neg: boolean, v: number, prec: number, upper: boolean): string {
  let { mant, exp } = binary(v);
  exp += 52;
  if (mant === 0n) exp = 0;
  const one = 1n << 60n;
  mant <<= 8n;
  while (mant !== 0n && (mant & one) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (one - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > one >> 1n) mant++;
    mant <<= 60n - shift;
    if ((mant & (one << 1n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = (d: bigint) => (upper ? d.toString(16).toUpperCase() : d.toString(16));
  let s = (neg ? '-' : '') + '0' + (upper ? 'X' : 'x') + String((mant >> 60n) & 1n);
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) {
      s += hex((mant >> 60n) & 15n);
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      s += hex((mant >> 60n) & 15n);
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  const e = Math.abs(exp);
  return s + (upper ? 'P' : 'p') + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
}

/** every digit of |v|'s exact binary value */
function exactDigits(v: number): Digits {
  if (v === 0) return { d: '', dp: 0 };
  const { mant, exp } = binary(v);
  let s: string;
  let dp: number;
  if (exp >= 0) {
    s = (mant << BigInt(exp)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-exp)).toString();
    dp = s.length + exp;
  }
  return { d: s.replace(/0+$/, ''), dp };
}

/** rounds to nd significant digits, half to even on an exact tie (Go's decimal.Round) */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up = next > 5 || (next === 5 && (nd + 1 < x.d.length || (nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1)));
  let head = x.d.slice(0, nd);
  let dp = x.dp;
  if (up) {
    let i = head.length - 1;
    while (i >= 0 && head[i] === '9') i--;
    if (i < 0) {
      head = '1';
      dp++;
    } else head = head.slice(0, i) + String.fromCharCode(head.charCodeAt(i) + 1);
  }
  return { d: head.replace(/0+$/, ''), dp };
}

function fmtE(neg: boolean, x: Digits, prec: number, e: string): string {
  let s = neg ? '-' : '';
  s += x.d.length ? x.d[0] : '0';
  if (prec > 0) s += '.' + x.d.slice(1, prec + 1).padEnd(prec, '0');
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return s + e + sign + (exp < 10 ? '0' + exp : String(exp));
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let s = neg ? '-' : '';
  if (x.dp > 0) s += x.d.slice(0, x.dp).padEnd(x.dp, '0');
  else s += '0';
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      frac += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
    s += '.' + frac;
  }
  return s;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X' | 'b';

export function formatFloat(v: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  if (fmt === 'b') return fmtB(neg, v);
  if (fmt === 'x' || fmt === 'X') return fmtX(neg, v, prec, fmt === 'X');
  const shortest = prec < 0;
  let x: Digits;
  if (shortest) {
    x = shortestDigits(v);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(x.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(x.d.length - x.dp, 0);
    else prec = x.d.length;
  } else {
    const exact = exactDigits(v);
    if (fmt === 'e' || fmt === 'E') x = roundDigits(exact, prec + 1);
    else if (fmt === 'f') x = exact.d.length === 0 ? exact : roundDigits(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      x = roundDigits(exact, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, x, prec, fmt);
  if (fmt === 'f') return fmtF(neg, x, prec);
  let eprec = prec;
  if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
  if (shortest) eprec = 6;
  const exp = x.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > x.d.length) prec = x.d.length;
    return fmtE(neg, x, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > x.dp) prec = x.d.length;
  return fmtF(neg, x, Math.max(prec - x.dp, 0));
}
