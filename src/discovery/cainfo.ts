// The CA certificate summary join prints at --v=1 (discovery.formatCACertInfo, 1.36+): Go's %v of
// the parsed certificate's fields.

import { decodeOid, readChildren, readTlv } from '../pki/der.js';
import { pinFromSpki } from '../pki/pin.js';
import { nameString, readCertificate } from '../pki/x509.js';

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'MD5-RSA',
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.2.840.113549.1.1.10': 'SHA256-RSAPSS', // Go tells the PSS hashes apart by parameters; SHA-256 is what Kubernetes tooling makes
  '1.2.840.10045.4.1': 'ECDSA-SHA1',
  '1.2.840.10045.4.3.2': 'ECDSA-SHA256',
  '1.2.840.10045.4.3.3': 'ECDSA-SHA384',
  '1.2.840.10045.4.3.4': 'ECDSA-SHA512',
  '1.3.101.112': 'Ed25519',
};

const PUBLIC_KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10045.2.1': 'ECDSA',
  '1.3.101.112': 'Ed25519',
};

/** Go's time.Time.String() for a UTC time: "2006-01-02 15:04:05 +0000 UTC". */
export function goTimeString(d: Date): string {
  const iso = d.toISOString(); // certificate times have whole seconds
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

function algorithmOid(seq: Uint8Array): string {
  const [oid] = readChildren(seq);
  return oid && oid.tag === 0x06 ? decodeOid(oid.value) : '';
}

/** formatCACertInfo for a DER certificate. */
export function formatCACertInfo(der: Uint8Array): string {
  const f = readCertificate(der);
  const top = readChildren(readTlv(der).value);
  const sigOid = algorithmOid(top[1]!.value);
  const spkiAlg = algorithmOid(readChildren(readTlv(f.spki).value)[0]!.value);
  const sig = SIGNATURE_ALGORITHMS[sigOid] ?? '0'; // Go prints an unknown algorithm as its number (0)
  const pub = PUBLIC_KEY_ALGORITHMS[spkiAlg] ?? '0';
  return (
    'CA Certificate:\n' +
    `\tSubject: ${nameString(f.subjectRdns)}\n` +
    `\tIssuer: ${nameString(f.issuerRdns)}\n` +
    `\tSerialNumber: ${f.serial.toString(10)}\n` +
    `\tNotBefore: ${goTimeString(f.notBefore)}\n` +
    `\tNotAfter: ${goTimeString(f.notAfter)}\n` +
    `\tSignatureAlgorithm: ${sig}\n` +
    `\tPublicKeyAlgorithm: ${pub}\n` +
    `\tHash: ${pinFromSpki(f.spki)}`
  );
}
