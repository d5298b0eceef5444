// A few DER building blocks, enough to encode certificate extension values byte-for-byte the
// way Go's crypto/x509 does.
// Why home-made: node:crypto signs and parses certificates but cannot build one, and the dependencies
// are fixed (no ASN.1 library such as asn1js/pkijs or node-forge); what is needed is small (TLV,
// INTEGER, OID, times, strings and the reader for them), and the bytes must match Go's encoder exactly.

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
  /** the whole element: header and content */
  raw: Uint8Array;
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
  return { tag, value: buf.subarray(p, p + len), raw: buf.subarray(offset, p + len), end: p + len };
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

/** INTEGER for a non-negative value: minimal big-endian two's complement, as Go's asn1 writes big.Int. */
export function integer(v: bigint): Uint8Array {
  if (v < 0n) throw new Error('DER: negative INTEGER not supported');
  const bytes: number[] = [];
  for (let n = v; n > 0n; n >>= 8n) bytes.unshift(Number(n & 0xffn));
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

/** Read a non-negative INTEGER's content as a bigint. */
export function readUnsigned(content: Uint8Array): bigint {
  let v = 0n;
  for (const b of content) v = (v << 8n) | BigInt(b);
  return v;
}

/** Dotted text of an OBJECT IDENTIFIER's content bytes. */
export function decodeOid(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of content) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = v < 80n ? v / 40n : 2n;
        arcs.push(first, v - first * 40n);
      } else arcs.push(v);
      v = 0n;
    }
  }
  return arcs.join('.');
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A certificate validity time as Go's asn1 writes time.Time: UTCTime (YYMMDDHHMMSSZ) for years
 * 1950-2049, GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise (RFC 5280 4.1.2.5); whole seconds, UTC.
 */
export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new Error('DER: cannot represent time');
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${two(y % 100)}${rest}`, 'latin1'));
  return tlv(0x18, Buffer.from(`${String(y).padStart(4, '0')}${rest}`, 'latin1'));
}

/** Parse a UTCTime (0x17) or GeneralizedTime (0x18) in the forms RFC 5280 allows (Z, whole seconds). */
export function readTime(t: Tlv): Date {
  const s = Buffer.from(t.value).toString('latin1');
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw new Error('DER: malformed time');
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  d.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  return d;
}
