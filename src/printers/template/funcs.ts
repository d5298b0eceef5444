// The functions a kubectl go-template can call: Go's builtins (and, or, not, len, index, slice,
// print, printf, println, html, js, urlquery, call, eq, ne, lt, le, gt, ge) and cli-runtime's
// exists and base64decode, with Go's argument types and error messages.

import { sprint, sprintln } from '../gofmt.js';
import { sprintf } from '../goprintf.js';
import { GoInt, Iface, intValue, kindOf, toAny, typeName, unwrap, type Concrete, type GoValue } from '../govalue.js';
import { base64Decode, htmlEscape, jsEscape, urlQueryEscape } from './escape.js';

/** how an argument is passed: reflect.Value (as is), interface{} (its concrete value), string */
export type Param = 'value' | 'any' | 'string';

export interface Fn {
  params: Param[];
  variadic?: Param;
  builtin: boolean;
  call(args: unknown[]): GoValue;
}

/** a function's error result (Go: "error calling <name>: <message>") */
export class FuncError extends Error {}
const fail = (msg: string): never => {
  throw new FuncError(msg);
};

/** isTrue: the truth of a value, and whether it has one */
export function isTrue(v: GoValue): [boolean, boolean] {
  if (v === undefined) return [false, true];
  if (v instanceof Iface) return [v.v !== null, true];
  if (typeof v === 'string' || Array.isArray(v)) return [v.length > 0, true];
  if (v instanceof Map) return [v.size > 0, true];
  if (typeof v === 'boolean') return [v, true];
  if (typeof v === 'number') return [v !== 0, true];
  return [intValue(v) !== 0n, true];
}

const truth = (v: GoValue) => isTrue(unwrap(v))[0];

/** the basic kinds of Go's comparison functions */
type Basic = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';
function basicKind(v: GoValue): Basic {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof GoInt) return v.type === 'uint8' ? 'uint' : 'int';
  return 'invalid';
}
const num = (v: GoValue) => intValue(v as bigint | GoInt);
const ints = (k1: Basic, k2: Basic) => (k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int');

function eq(args: GoValue[]): boolean {
  const a = unwrap(args[0]);
  if (args.length < 2) fail('missing argument for comparison');
  const k1 = basicKind(a);
  for (const raw of args.slice(1)) {
    const b = unwrap(raw);
    const k2 = basicKind(b);
    let t = false;
    if (k1 !== k2) {
      if (ints(k1, k2)) t = num(a) === num(b);
      else if (a !== undefined && b !== undefined) fail(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
    } else if (k1 === 'int' || k1 === 'uint') t = num(a) === num(b);
    else if (k1 !== 'invalid') t = a === b;
    else {
      if (kindOf(a) !== kindOf(b) && a !== undefined && b !== undefined) {
        fail(sprintf('non-comparable types %s: %v, %s: %v', [toAny(a), typeName(a), typeName(b), toAny(b)]));
      }
      if (a === undefined || b === undefined) t = a === b;
      else fail(sprintf('non-comparable type %s: %v', [toAny(b), typeName(b)]));
    }
    if (t) return true;
  }
  return false;
}

function lt(x: GoValue, y: GoValue): boolean {
  const a = unwrap(x);
  const b = unwrap(y);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') fail('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return num(a) < 0n || num(a) < num(b);
    if (k1 === 'uint' && k2 === 'int') return num(b) >= 0n && num(a) < num(b);
    fail(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  }
  if (k1 === 'bool') fail('invalid type for comparison');
  if (k1 === 'int' || k1 === 'uint') return num(a) < num(b);
  if (k1 === 'string') return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  return (a as number) < (b as number);
}

/** indexArg: an int index within [0, cap] */
function indexArg(v: GoValue, cap: number): number {
  const x = unwrap(v);
  if (x === undefined) fail('cannot index slice/array with nil');
  if (typeof x !== 'bigint' && !(x instanceof GoInt)) fail(`cannot index slice/array with type ${typeName(x)}`);
  const n = intValue(x as bigint | GoInt);
  if (n < 0n || n > BigInt(cap)) fail(`index out of range: ${n}`);
  return Number(n);
}

function index(item: GoValue, indexes: GoValue[]): GoValue {
  let cur: GoValue = unwrap(item);
  if (cur === undefined) fail('index of untyped nil');
  for (const raw of indexes) {
    const idx = unwrap(raw);
    if (cur instanceof Iface) {
      if (cur.v === null) fail('index of nil pointer');
      cur = cur.v!;
    }
    if (Array.isArray(cur) || typeof cur === 'string') {
      const bytes = typeof cur === 'string' ? Buffer.from(cur, 'utf8') : undefined;
      const len = bytes ? bytes.length : (cur as unknown[]).length;
      const x = indexArg(idx, len);
      if (x >= len) fail(`reflect: ${bytes ? 'string' : 'slice'} index out of range`);
      cur = bytes ? new GoInt(BigInt(bytes[x]!), 'uint8') : new Iface((cur as (Concrete | null)[])[x]!);
    } else if (cur instanceof Map) {
      if (idx === undefined) fail('value is nil; should be of type string');
      if (typeof idx !== 'string') fail(`value has type ${typeName(idx)}; should be string`);
      cur = new Iface(cur.has(idx as string) ? cur.get(idx as string)! : null);
    } else fail(`can't index item of type ${typeName(cur)}`);
  }
  return cur;
}

function slice(item: GoValue, indexes: GoValue[]): GoValue {
  const cur = unwrap(item);
  if (cur === undefined) fail('slice of untyped nil');
  if (indexes.length > 3) fail(`too many slice indexes: ${indexes.length}`);
  let len: number;
  if (typeof cur === 'string') {
    if (indexes.length === 3) fail('cannot 3-index slice a string');
    len = Buffer.byteLength(cur);
  } else if (Array.isArray(cur)) len = cur.length;
  else return fail(`can't slice item of type ${typeName(cur)}`);
  const idx = [0, len, 0];
  indexes.forEach((v, i) => (idx[i] = indexArg(v, len)));
  if (idx[0]! > idx[1]!) fail(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) fail(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (typeof cur === 'string') return Buffer.from(cur, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return (cur as (Concrete | null)[]).slice(idx[0], idx[1]);
}

function length(item: GoValue): GoValue {
  if (item instanceof Iface && item.v === null) fail('len of nil pointer');
  const v = unwrap(item);
  if (v === undefined) fail('reflect: call of reflect.Value.Type on zero Value');
  if (typeof v === 'string') return new GoInt(BigInt(Buffer.byteLength(v)));
  if (Array.isArray(v)) return new GoInt(BigInt(v.length));
  if (v instanceof Map) return new GoInt(BigInt(v.size));
  return fail(`len of type ${typeName(v)}`);
}

/** cli-runtime's exists: whether item[i][j]... is there and not nil */
function exists(item: Concrete | null, indices: (Concrete | null)[]): boolean {
  let v: GoValue = item === null ? undefined : item;
  for (const i of indices) {
    if (v instanceof Iface) {
      if (v.v === null) return false;
      v = v.v;
    }
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof i !== 'bigint' && !(i instanceof GoInt)) return false;
      const x = intValue(i);
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      if (x < 0n || x >= BigInt(len)) return false;
      v = typeof v === 'string' ? new GoInt(BigInt(Buffer.from(v)[Number(x)]!), 'uint8') : new Iface(v[Number(x)]!);
    } else if (v instanceof Map) {
      if (i !== null && typeof i !== 'string') return false;
      v = new Iface(i !== null && v.has(i) ? v.get(i)! : null);
    } else return false;
  }
  return !(v instanceof Iface && v.v === null);
}

/** html, js and urlquery's argument: one string as is, else fmt.Sprint of the arguments */
function evalArgs(args: (Concrete | null)[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null ? '<no value>' : a)));
}

const B = true;
const v = (fn: (a: GoValue[]) => GoValue) => (args: unknown[]) => fn(args as GoValue[]);
const a = (fn: (a: (Concrete | null)[]) => GoValue) => (args: unknown[]) => fn(args as (Concrete | null)[]);
const cmp = (f: (x: GoValue, y: GoValue) => boolean): Fn => ({ params: ['value', 'value'], builtin: B, call: v(([x, y]) => f(x, y)) });

const BUILTINS: Record<string, Fn> = {
  and: { params: ['value'], variadic: 'value', builtin: B, call: () => undefined },
  or: { params: ['value'], variadic: 'value', builtin: B, call: () => undefined },
  // no value a template sees is a function: call always fails, as Go's does for these values
  call: { params: ['value'], variadic: 'value', builtin: B, call: ([name, f]) => fail(unwrap(f as GoValue) === undefined ? 'call of nil' : `non-function ${name} of type ${typeName(unwrap(f as GoValue))}`) },
  html: { params: [], variadic: 'any', builtin: B, call: a((x) => htmlEscape(evalArgs(x))) },
  index: { params: ['value'], variadic: 'value', builtin: B, call: v(([x, ...i]) => index(x, i)) },
  slice: { params: ['value'], variadic: 'value', builtin: B, call: v(([x, ...i]) => slice(x, i)) },
  js: { params: [], variadic: 'any', builtin: B, call: a((x) => jsEscape(evalArgs(x))) },
  len: { params: ['value'], builtin: B, call: v(([x]) => length(x)) },
  not: { params: ['value'], builtin: B, call: v(([x]) => !truth(x)) },
  print: { params: [], variadic: 'any', builtin: B, call: a((x) => sprint(x)) },
  printf: { params: ['string'], variadic: 'any', builtin: B, call: (x) => sprintf(x[0] as string, x.slice(1) as (Concrete | null)[]) },
  println: { params: [], variadic: 'any', builtin: B, call: a((x) => sprintln(x)) },
  urlquery: { params: [], variadic: 'any', builtin: B, call: a((x) => urlQueryEscape(evalArgs(x))) },
  eq: { params: ['value'], variadic: 'value', builtin: B, call: v((x) => eq(x)) },
  ne: cmp((x, y) => !eq([x, y])),
  lt: cmp(lt),
  le: cmp((x, y) => lt(x, y) || eq([x, y])),
  gt: cmp((x, y) => !(lt(x, y) || eq([x, y]))),
  ge: cmp((x, y) => !lt(x, y)),
};

/** cli-runtime's GoTemplatePrinter functions (they come before the builtins) */
const KUBECTL: Record<string, Fn> = {
  exists: { params: ['any'], variadic: 'any', builtin: false, call: a(([x, ...i]) => exists(x ?? null, i)) },
  base64decode: {
    params: ['string'],
    builtin: false,
    call: (x) => {
      try {
        return base64Decode(x[0] as string);
      } catch (e) {
        return fail(`base64 decode failed: ${(e as Error).message}`);
      }
    },
  },
};

export const TEMPLATE_FUNCS = new Map<string, Fn>(Object.entries(KUBECTL));
export const FUNC_NAMES = new Set([...Object.keys(BUILTINS), ...Object.keys(KUBECTL)]);

export function findFunction(name: string, funcs: Map<string, Fn>): Fn | undefined {
  return funcs.get(name) ?? BUILTINS[name];
}
