// Reading certificates back: PEM -> parsed certificate with the fields kubeadm looks at.

import { X509Certificate as NodeX509 } from 'node:crypto';
import { derToPem, pemBlocks } from './keys.js';
import { formatIP, type ParsedIP } from '../util/net.js';
import { ipFromSanBytes } from './ip.js';
import {
  OID_COMMON_NAME,
  OID_ORGANIZATION,
  basicConstraintsCA,
  extKeyUsages,
  nameString,
  nameValues,
  readCertificate,
  subjectAltNames,
  subjectKeyIdOf,
  type Extension,
} from './x509.js';

export interface LoadedCert {
  pem: string;
  der: Buffer;
  /** Node's OpenSSL-backed view (signature checks, key match) */
  native: NodeX509;
  serial: bigint;
  /** raw DER of the subject and issuer Names (chain building compares these) */
  subjectDer: Buffer;
  issuerDer: Buffer;
  /** Names as Go's pkix.Name.String prints them ("CN=kubernetes-admin,O=kubeadm:cluster-admins") */
  subject: string;
  issuer: string;
  commonName: string;
  organization: string[];
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints CA flag (Go's IsCA) */
  isCA: boolean;
  dnsNames: string[];
  ips: ParsedIP[];
  /** textual IPs as Go prints them */
  ipStrings: string[];
  extKeyUsages: string[];
  /** subjectKeyIdentifier, when present */
  subjectKeyId?: Buffer;
  /** every extension, in certificate order (value = the DER inside extnValue) */
  extensions: Extension[];
  /** DER SubjectPublicKeyInfo */
  spki: Buffer;
}

export function parseCertificateDer(der: Uint8Array): LoadedCert {
  const buf = Buffer.from(der);
  const f = readCertificate(buf);
  const native = new NodeX509(buf);
  const san = subjectAltNames(f.extensions);
  const ips: ParsedIP[] = [];
  for (const b of san.ips) {
    const ip = ipFromSanBytes(b);
    if (ip) ips.push(ip);
  }
  const cns = nameValues(f.subjectRdns, OID_COMMON_NAME);
  const ski = subjectKeyIdOf(f.extensions);
  return {
    pem: derToPem('CERTIFICATE', buf),
    der: buf,
    native,
    serial: f.serial,
    subjectDer: Buffer.from(f.subjectDer),
    issuerDer: Buffer.from(f.issuerDer),
    subject: nameString(f.subjectRdns),
    issuer: nameString(f.issuerRdns),
    // Go's FillFromRDNSequence keeps the last CommonName
    commonName: cns[cns.length - 1] ?? '',
    organization: nameValues(f.subjectRdns, OID_ORGANIZATION),
    notBefore: f.notBefore,
    notAfter: f.notAfter,
    isCA: basicConstraintsCA(f.extensions),
    dnsNames: san.dns,
    ips,
    ipStrings: ips.map(formatIP),
    extKeyUsages: extKeyUsages(f.extensions),
    ...(ski ? { subjectKeyId: Buffer.from(ski) } : {}),
    extensions: f.extensions,
    spki: Buffer.from(f.spki),
  };
}

/**
 * Every CERTIFICATE block of a PEM text, in order (leaf first, then intermediates), like
 * client-go's certutil.ParseCertsPEM. `file` names the source in errors.
 */
export function parseCertificatesPem(pem: string | Uint8Array, file = 'certificate'): LoadedCert[] {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  const out: LoadedCert[] = [];
  for (const b of pemBlocks(text)) {
    if (b.type !== 'CERTIFICATE') continue;
    try {
      out.push(parseCertificateDer(b.der));
    } catch (e) {
      throw new Error(`couldn't load the certificate file ${file}: error reading ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (out.length === 0) {
    throw new Error(
      `couldn't load the certificate file ${file}: error reading ${file}: data does not contain any valid RSA or ECDSA certificates`,
    );
  }
  return out;
}

/** The first certificate of a PEM text (the one kubeadm uses). */
export function parseCertificatePem(pem: string | Uint8Array, file = 'certificate'): LoadedCert {
  return parseCertificatesPem(pem, file)[0]!;
}

/** The message kubeadm gives when a certificate file is missing (TryLoadCertFromDisk). */
export function missingCertMessage(path: string): string {
  return `couldn't load the certificate file ${path}: open ${path}: no such file or directory`;
}
