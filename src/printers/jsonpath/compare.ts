// The comparisons of client-go's forked template package (third_party/forked/golang/template):
// Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual on basic kinds, with its errors. A JSON
// number is a float64, a number written in the filter an int: comparing them is an error.

import { GoInt, type Concrete } from '../govalue.js';
import { JsonPathExecError } from './errors.js';

type Basic = 'bool' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: Concrete | null): Basic {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof GoInt) return v.type === 'uint8' ? 'uint' : 'int';
  throw new JsonPathExecError('invalid type for comparison', []);
}

const num = (v: Concrete | null): bigint => (typeof v === 'bigint' ? v : (v as GoInt).v);

function equal(a: Concrete | null, b: Concrete | null): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return num(a) === num(b);
    throw new JsonPathExecError('incompatible types for comparison', []);
  }
  if (k1 === 'int' || k1 === 'uint') return num(a) === num(b);
  return a === b;
}

function less(a: Concrete | null, b: Concrete | null): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return num(a) < num(b);
    throw new JsonPathExecError('incompatible types for comparison', []);
  }
  if (k1 === 'bool') throw new JsonPathExecError('invalid type for comparison', []);
  if (k1 === 'int' || k1 === 'uint') return num(a) < num(b);
  if (k1 === 'string') return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  return (a as number) < (b as number);
}

/** a filter's comparison; throws client-go's error for kinds it cannot compare */
export function compare(op: string, a: Concrete | null, b: Concrete | null): boolean {
  switch (op) {
    case '<':
      return less(a, b);
    case '>':
      return !(less(a, b) || equal(a, b));
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case '<=':
      return less(a, b) || equal(a, b);
    case '>=':
      return !less(a, b);
  }
  throw new JsonPathExecError(`unrecognized filter operator ${op}`, []);
}
