// A template's number constant as Go's parse.newNumber reads it: strconv.ParseUint/ParseInt with
// base 0 (0x, 0o, 0b, a leading 0 for octal, underscores between digits), then ParseFloat;
// character constants; "integer overflow" for an integer too big for 64 bits. Imaginary and
// complex constants are not supported.

import { unquoteChar } from '../goquote.js';
import type { NumberInfo } from './nodes.js';

const lower = (c: string) => c.toLowerCase();

/** strconv's underscoreOK: underscores only between digits (or after a base prefix) */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, 0, 64) */
function parseUint(s: string): bigint | undefined {
  if (s === '') return undefined;
  const s0 = s;
  let base = 10;
  if (s[0] === '0') {
    const p = lower(s[1] ?? '');
    if (s.length >= 3 && p === 'b') [base, s] = [2, s.slice(2)];
    else if (s.length >= 3 && p === 'o') [base, s] = [8, s.slice(2)];
    else if (s.length >= 3 && p === 'x') [base, s] = [16, s.slice(2)];
    else [base, s] = [8, s.slice(1)];
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  return n < 2n ** 64n ? n : undefined;
}

/** strconv.ParseInt(s, 0, 64) */
function parseInt64(s: string): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const u = parseUint(s);
  if (u === undefined) return undefined;
  const v = neg ? -u : u;
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

const DEC_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/;

/** strconv.ParseFloat(s, 64) for the literals the lexer lets through */
function parseFloat64(s: string): number | undefined {
  if (s.includes('_')) {
    if (!underscoreOK(s)) return undefined;
    s = s.replaceAll('_', '');
  }
  if (DEC_FLOAT.test(s)) return Number(s);
  const h = HEX_FLOAT.exec(s);
  if (h && (h[2] || h[3])) {
    const mant = parseInt((h[2] || '0') + (h[3] ?? ''), 16);
    const v = mant * 2 ** (Number(h[4]) - 4 * (h[3] ?? '').length);
    return h[1] === '-' ? -v : v;
  }
  return undefined;
}

export class NumberError extends Error {}

export function parseNumber(text: string, charConstant: boolean): NumberInfo {
  const n: NumberInfo = { isInt: false, isUint: false, isFloat: false, int64: 0n, uint64: 0n, float64: 0, text };
  if (charConstant) {
    let r: string;
    let tail: number;
    try {
      [r, tail] = unquoteChar(text, 1, text[0]!);
    } catch (e) {
      throw new NumberError((e as Error).message);
    }
    if (text.slice(tail) !== "'") throw new NumberError(`malformed character constant: ${text}`);
    const code = BigInt(r.codePointAt(0)!);
    return { ...n, isInt: true, isUint: true, isFloat: true, int64: code, uint64: code, float64: Number(code) };
  }
  if (text.endsWith('i')) throw new NumberError(`complex constants are not supported by tskubeadm: ${text}`);
  const u = parseUint(text);
  if (u !== undefined) [n.isUint, n.uint64] = [true, u];
  const i = parseInt64(text);
  if (i !== undefined) {
    [n.isInt, n.int64] = [true, i];
    if (i === 0n) [n.isUint, n.uint64] = [true, u ?? 0n];
  }
  if (n.isInt) [n.isFloat, n.float64] = [true, Number(n.int64)];
  else if (n.isUint) [n.isFloat, n.float64] = [true, Number(n.uint64)];
  else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new NumberError(`integer overflow: ${JSON.stringify(text)}`);
      [n.isFloat, n.float64] = [true, f];
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) [n.isInt, n.int64] = [true, BigInt(f)];
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) [n.isUint, n.uint64] = [true, BigInt(f)];
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new NumberError(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}
