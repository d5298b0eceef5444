// X.509 v3 certificates without an ASN.1 library: a TBSCertificate encoder that lays out the
// fields the way Go's crypto/x509 CreateCertificate does, signing with node:crypto, and a reader
// for the parts of a certificate that node:crypto's X509Certificate does not expose.
// Why home-made: node:crypto has no certificate builder (X509Certificate only reads), the dependencies
// are fixed (no node-forge or pkijs), and kubeadm's certificates must come out field for field as Go's
// CreateCertificate lays them out (extension order, name encoding, serials, key identifiers), which a
// general-purpose builder would not promise. Only the encoding is ours: keys and signatures are node:crypto's.

import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import {
  concat,
  decodeOid,
  integer,
  oid,
  readChildren,
  readTime,
  readTlv,
  readUnsigned,
  sequence,
  time,
  tlv,
  type Tlv,
} from './der.js';

export const OID_COMMON_NAME = '2.5.4.3';
export const OID_ORGANIZATION = '2.5.4.10';

export interface Extension {
  oid: string;
  critical: boolean;
  /** the DER inside the extnValue OCTET STRING */
  value: Uint8Array;
}

/** A signature algorithm as Go picks it for a signing key (x509.go signingParamsForKey). */
export interface SignatureAlgorithm {
  /** AlgorithmIdentifier DER */
  identifier: Uint8Array;
  /** digest for crypto.sign */
  hash: 'sha256' | 'sha384' | 'sha512';
}

const NULL = Uint8Array.of(0x05, 0x00);

export function signatureAlgorithmFor(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') {
    // sha256WithRSAEncryption, with explicit NULL parameters (RFC 4055)
    return { identifier: sequence(oid('1.2.840.113549.1.1.11'), NULL), hash: 'sha256' };
  }
  if (key.asymmetricKeyType === 'ec') {
    // ecdsa-with-SHA256/384/512 by curve, parameters absent (RFC 5758)
    switch (key.asymmetricKeyDetails?.namedCurve) {
      case 'secp384r1':
        return { identifier: sequence(oid('1.2.840.10045.4.3.3')), hash: 'sha384' };
      case 'secp521r1':
        return { identifier: sequence(oid('1.2.840.10045.4.3.4')), hash: 'sha512' };
      default:
        return { identifier: sequence(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    }
  }
  throw new Error(`unsupported signing key type ${key.asymmetricKeyType ?? '(unknown)'}`);
}

// Go's asn1 isPrintable for marshaling (no '*' and no '&')
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function directoryString(v: string): Uint8Array {
  return PRINTABLE.test(v) ? tlv(0x13, Buffer.from(v, 'latin1')) : tlv(0x0c, Buffer.from(v, 'utf8'));
}

/** A SET OF in DER order: elements sorted as octet strings (Go's setEncoder). */
function setOf(items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => Buffer.compare(a, b));
  return tlv(0x31, concat(sorted));
}

/**
 * A Name as Go's pkix.Name.ToRDNSequence + asn1.Marshal encode it for kubeadm's subjects: one RDN
 * for all Organization values, then one for the CommonName (each omitted when empty); strings are
 * PrintableString when every character allows it, UTF8String otherwise.
 */
export function encodeName(commonName: string, organization: readonly string[] = []): Uint8Array {
  const rdns: Uint8Array[] = [];
  const rdn = (type: string, values: readonly string[]) =>
    setOf(values.map((v) => sequence(oid(type), directoryString(v))));
  if (organization.length) rdns.push(rdn(OID_ORGANIZATION, organization));
  if (commonName) rdns.push(rdn(OID_COMMON_NAME, [commonName]));
  return sequence(...rdns);
}

function encodeExtension(e: Extension): Uint8Array {
  const parts = [oid(e.oid)];
  if (e.critical) parts.push(Uint8Array.of(0x01, 0x01, 0xff));
  parts.push(tlv(0x04, e.value));
  return sequence(...parts);
}

export interface TbsFields {
  serial: bigint;
  signature: SignatureAlgorithm;
  /** DER Name */
  issuer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** DER Name */
  subject: Uint8Array;
  /** DER SubjectPublicKeyInfo */
  spki: Uint8Array;
  extensions: readonly Extension[];
}

/** TBSCertificate (RFC 5280 4.1), version 3. */
export function encodeTbs(f: TbsFields): Uint8Array {
  const parts = [
    tlv(0xa0, integer(2n)),
    integer(f.serial),
    f.signature.identifier,
    f.issuer,
    sequence(time(f.notBefore), time(f.notAfter)),
    f.subject,
    f.spki,
  ];
  if (f.extensions.length) parts.push(tlv(0xa3, sequence(...f.extensions.map(encodeExtension))));
  return sequence(...parts);
}

/**
 * The signed certificate: TBSCertificate, algorithm, signature. RSA keys sign with PKCS#1 v1.5
 * (node's default padding for RSA keys); ECDSA signatures are DER Ecdsa-Sig-Value.
 */
export function signTbs(tbs: Uint8Array, alg: SignatureAlgorithm, key: KeyObject): Uint8Array {
  const sig = cryptoSign(alg.hash, tbs, key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'der' } : key);
  return sequence(tbs, alg.identifier, tlv(0x03, concat([Uint8Array.of(0), sig])));
}

// ---------------------------------------------------------------------------------------------
// reading

export interface RdnAttribute {
  oid: string;
  value: string;
}

export interface CertificateFields {
  serial: bigint;
  /** raw DER of the issuer and subject Names */
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  /** the Names' attributes, RDN by RDN */
  issuerRdns: RdnAttribute[][];
  subjectRdns: RdnAttribute[][];
  notBefore: Date;
  notAfter: Date;
  /** raw DER SubjectPublicKeyInfo */
  spki: Uint8Array;
  extensions: Extension[];
}

function readString(t: Tlv): string {
  switch (t.tag) {
    case 0x0c: // UTF8String
      return Buffer.from(t.value).toString('utf8');
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // T61String, read as latin1 as Go does
      return Buffer.from(t.value).toString('latin1');
    case 0x1e: {
      // BMPString: UCS-2 big-endian
      const b = Buffer.from(t.value);
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
      return s;
    }
    default:
      return Buffer.from(t.value).toString('latin1');
  }
}

function readName(t: Tlv): RdnAttribute[][] {
  if (t.tag !== 0x30) throw new Error('x509: malformed name');
  return readChildren(t.value).map((set) => {
    if (set.tag !== 0x31) throw new Error('x509: malformed name');
    return readChildren(set.value).map((atv) => {
      const [type, value] = readChildren(atv.value);
      if (!type || type.tag !== 0x06 || !value) throw new Error('x509: malformed name');
      return { oid: decodeOid(type.value), value: readString(value) };
    });
  });
}

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new Error(`x509: malformed ${what}`);
  return t;
}

/** The TBSCertificate fields of a DER certificate (structure only; signatures are node's business). */
export function readCertificate(der: Uint8Array): CertificateFields {
  const top = expect(readTlv(der), 0x30, 'certificate');
  if (top.end !== der.length) throw new Error('x509: trailing data');
  const [tbsT] = readChildren(top.value);
  const tbs = readChildren(expect(tbsT, 0x30, 'tbs certificate').value);
  let i = 0;
  if (tbs[0]?.tag === 0xa0) i++; // version
  const serial = readUnsigned(expect(tbs[i++], 0x02, 'serial number').value);
  expect(tbs[i++], 0x30, 'signature algorithm');
  const issuer = expect(tbs[i++], 0x30, 'issuer');
  const validity = readChildren(expect(tbs[i++], 0x30, 'validity').value);
  const subject = expect(tbs[i++], 0x30, 'subject');
  const spki = expect(tbs[i++], 0x30, 'public key');
  if (validity.length !== 2) throw new Error('x509: malformed validity');
  const extensions: Extension[] = [];
  for (; i < tbs.length; i++) {
    if (tbs[i]!.tag !== 0xa3) continue; // issuer/subject unique IDs
    const seq = expect(readTlv(tbs[i]!.value), 0x30, 'extensions');
    for (const e of readChildren(seq.value)) {
      const parts = readChildren(expect(e, 0x30, 'extension').value);
      const id = expect(parts[0], 0x06, 'extension');
      let critical = false;
      let k = 1;
      if (parts[k]?.tag === 0x01) critical = parts[k++]!.value[0] !== 0;
      const value = expect(parts[k], 0x04, 'extension').value;
      extensions.push({ oid: decodeOid(id.value), critical, value });
    }
  }
  return {
    serial,
    issuerDer: issuer.raw,
    subjectDer: subject.raw,
    issuerRdns: readName(issuer),
    subjectRdns: readName(subject),
    notBefore: readTime(validity[0]!),
    notAfter: readTime(validity[1]!),
    spki: spki.raw,
    extensions,
  };
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

/** A Name as Go's pkix.Name.String prints it (RFC 2253: last RDN first), e.g. "CN=kube-apiserver". */
export function nameString(rdns: readonly RdnAttribute[][]): string {
  const esc = (v: string) =>
    v
      .replace(/[,+"\\<>;]/g, (c) => `\\${c}`)
      .replace(/^[ #]/, (c) => `\\${c}`)
      .replace(/ $/, '\\ ');
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${esc(a.value)}`).join('+'))
    .join(',');
}

/** Values of one attribute type across a Name, in order. */
export function nameValues(rdns: readonly RdnAttribute[][], type: string): string[] {
  return rdns.flatMap((rdn) => rdn.filter((a) => a.oid === type).map((a) => a.value));
}

/** basicConstraints cA (false when the extension is absent). */
export function basicConstraintsCA(exts: readonly Extension[]): boolean {
  const e = exts.find((x) => x.oid === '2.5.29.19');
  if (!e) return false;
  const first = readChildren(expect(readTlv(e.value), 0x30, 'basic constraints').value)[0];
  return first?.tag === 0x01 && first.value[0] !== 0;
}

/** extKeyUsage purposes as dotted OIDs. */
export function extKeyUsages(exts: readonly Extension[]): string[] {
  const e = exts.find((x) => x.oid === '2.5.29.37');
  if (!e) return [];
  return readChildren(expect(readTlv(e.value), 0x30, 'extended key usage').value).map((t) => decodeOid(expect(t, 0x06, 'extended key usage').value));
}

/** keyUsage as Go numbers the bits (bit 0 = digitalSignature = 1); 0 when absent. */
export function keyUsage(exts: readonly Extension[]): number {
  const e = exts.find((x) => x.oid === '2.5.29.15');
  if (!e) return 0;
  const bits = expect(readTlv(e.value), 0x03, 'key usage').value.subarray(1);
  let ku = 0;
  for (let i = 0; i < bits.length * 8 && i < 31; i++) if (bits[i >> 3]! & (0x80 >> (i & 7))) ku |= 1 << i;
  return ku;
}

/** subjectKeyIdentifier bytes, if present. */
export function subjectKeyIdOf(exts: readonly Extension[]): Uint8Array | undefined {
  const e = exts.find((x) => x.oid === '2.5.29.14');
  return e ? expect(readTlv(e.value), 0x04, 'subject key identifier').value : undefined;
}

/** authorityKeyIdentifier keyIdentifier [0], if present. */
export function authorityKeyIdOf(exts: readonly Extension[]): Uint8Array | undefined {
  const e = exts.find((x) => x.oid === '2.5.29.35');
  if (!e) return undefined;
  return readChildren(expect(readTlv(e.value), 0x30, 'authority key identifier').value).find((t) => t.tag === 0x80)?.value;
}

/** subjectAltName dNSName [2] and iPAddress [7] entries, raw. */
export function subjectAltNames(exts: readonly Extension[]): { dns: string[]; ips: Uint8Array[] } {
  const dns: string[] = [];
  const ips: Uint8Array[] = [];
  const e = exts.find((x) => x.oid === '2.5.29.17');
  if (e) {
    for (const gn of readChildren(expect(readTlv(e.value), 0x30, 'subject alternative name').value)) {
      if (gn.tag === 0x82) dns.push(Buffer.from(gn.value).toString('latin1'));
      else if (gn.tag === 0x87) ips.push(gn.value);
    }
  }
  return { dns, ips };
}
