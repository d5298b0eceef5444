// The Go values kubectl's printers work on: an object marshalled to JSON and decoded again into
// interface{} (map[string]interface{}, []interface{}, string, bool, float64 — or int64 for integral
// numbers when decoded with apimachinery's int-preserving decoder, as the go-template printer is).
//
//   string → string    bool → boolean    float64 → number    int64 → bigint    int (uint8) → GoInt
//   map[string]interface{} → Map          []interface{} → Array
//   a value whose static type is interface{} (a map or slice element) → Iface (nil interface: Iface(null))
//   the invalid reflect.Value (a missing key) → undefined

export class GoInt {
  constructor(
    readonly v: bigint,
    readonly type: 'int' | 'uint8' = 'int',
  ) {}
}

export type GoMap = Map<string, Concrete | null>;
export type GoSlice = (Concrete | null)[];
export type Concrete = string | boolean | number | bigint | GoInt | GoMap | GoSlice;

/** a value held in an interface{} (element of a map or slice); null is the nil interface */
export class Iface {
  constructor(readonly v: Concrete | null) {}
}

export type GoValue = Concrete | Iface | undefined;

export type Kind = 'invalid' | 'interface' | 'string' | 'bool' | 'float' | 'int' | 'map' | 'slice';

export function kindOf(v: GoValue): Kind {
  if (v === undefined) return 'invalid';
  if (v instanceof Iface) return 'interface';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'bigint' || v instanceof GoInt) return 'int';
  if (v instanceof Map) return 'map';
  return 'slice';
}

/** reflect.Type.String() of the value's type */
export function typeName(v: GoValue): string {
  if (v === undefined) return '<nil>';
  if (v instanceof Iface) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (v instanceof GoInt) return v.type;
  if (v instanceof Map) return 'map[string]interface {}';
  return '[]interface {}';
}

export function intValue(v: bigint | GoInt): bigint {
  return typeof v === 'bigint' ? v : v.v;
}

/** the value an interface holds: Iface(x) → x, Iface(nil) → invalid; anything else as is (indirectInterface) */
export function unwrap(v: GoValue): Concrete | undefined {
  if (v instanceof Iface) return v.v ?? undefined;
  return v;
}

/** v.Interface(): what a function parameter of type interface{} receives (null: nil) */
export function toAny(v: GoValue): Concrete | null {
  if (v === undefined) return null;
  if (v instanceof Iface) return v.v;
  return v;
}

/** the value as an interface{} element (what MapIndex / Index return on interface{} containers) */
export function elem(v: Concrete | null | undefined): Iface | undefined {
  return v === undefined ? undefined : new Iface(v);
}

/** Go compares strings byte by byte (UTF-8) */
export function goStringCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sortedKeys(m: GoMap): string[] {
  return [...m.keys()].sort(goStringCompare);
}

const INT64_LIMIT = 2 ** 63;

/**
 * A JSON-shaped JavaScript value (what tskubeadm marshals) as Go decodes it into interface{}.
 * `preserveInts`: apimachinery's decoder, integral numbers written without a fraction or exponent
 * become int64; otherwise every number is a float64 (encoding/json).
 */
export function fromJson(x: unknown, preserveInts: boolean): Concrete | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (typeof x === 'number') {
    if (preserveInts && Number.isInteger(x) && Math.abs(x) < INT64_LIMIT) return BigInt(x);
    return x;
  }
  if (typeof x === 'bigint') return preserveInts ? x : Number(x);
  if (Array.isArray(x)) return x.map((e) => fromJson(e, preserveInts));
  const m: GoMap = new Map();
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    if (v !== undefined) m.set(k, fromJson(v, preserveInts));
  }
  return m;
}
