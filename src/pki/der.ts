// A few DER building blocks, enough to encode certificate extension values byte-for-byte the
// way Go's crypto/x509 does.

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const len = content.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  const out = new Uint8Array(header.length + len);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const sequence = (...items: Uint8Array[]) => tlv(0x30, concat(items));
export const octetString = (b: Uint8Array) => tlv(0x04, b);
export const booleanTrue = () => Uint8Array.from([0x01, 0x01, 0xff]);

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((x) => BigInt(x));
  const body: number[] = [];
  const push = (v: bigint) => {
    const tmp: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) tmp.unshift(Number(v & 0x7fn) | 0x80);
    body.push(...tmp);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, Uint8Array.from(body));
}

/** BIT STRING with the fewest bytes and the trailing zero bits counted as unused (Go's asn1BitLength rule). */
export function bitStringMinimal(bytes: Uint8Array): Uint8Array {
  let unused = 0;
  const last = bytes[bytes.length - 1] ?? 0;
  if (bytes.length > 0 && last !== 0) {
    for (let b = last; (b & 1) === 0; b >>= 1) unused++;
  }
  return tlv(0x03, concat([Uint8Array.of(unused), bytes]));
}

export interface Tlv {
  tag: number;
  /** content bytes */
  value: Uint8Array;
  /** offset just past this element */
  end: number;
}

/** Read one DER element at `offset` (definite lengths only). */
export function readTlv(buf: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER: truncated element');
  const tag = buf[offset]!;
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new Error('DER: truncated element');
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

/** The elements inside a constructed value. */
export function readChildren(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < content.length; ) {
    const t = readTlv(content, off);
    out.push(t);
    off = t.end;
  }
  return out;
}
