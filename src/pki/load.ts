// Reading certificates back: PEM -> parsed certificate with the fields kubeadm looks at.

import { X509Certificate as NodeX509 } from 'node:crypto';
import { x509 } from './x509.js';
import { derToPem, pemBlocks } from './keys.js';
import { formatIP, ipFromSanBytes, type IPBytes } from './ip.js';
import { readChildren, readTlv } from './der.js';

export interface LoadedCert {
  pem: string;
  der: Buffer;
  /** Node's OpenSSL-backed view (signature checks, key match) */
  native: NodeX509;
  /** ASN.1 view (extensions) */
  parsed: x509.X509Certificate;
  subject: string;
  issuer: string;
  commonName: string;
  organization: string[];
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints CA flag (Go's IsCA) */
  isCA: boolean;
  dnsNames: string[];
  ips: IPBytes[];
  /** textual IPs as Go prints them */
  ipStrings: string[];
  extKeyUsages: string[];
  /** DER SubjectPublicKeyInfo */
  spki: Buffer;
}

export function parseCertificateDer(der: Uint8Array): LoadedCert {
  const buf = Buffer.from(der);
  const parsed = new x509.X509Certificate(buf);
  const native = new NodeX509(buf);
  const san = parsed.getExtension('2.5.29.17');
  const dnsNames: string[] = [];
  const ips: IPBytes[] = [];
  if (san) {
    // read the GeneralNames directly: dNSName [2] and iPAddress [7] keep their raw bytes
    const seq = readTlv(new Uint8Array(san.value));
    for (const gn of readChildren(seq.value)) {
      if (gn.tag === 0x82) dnsNames.push(Buffer.from(gn.value).toString('latin1'));
      else if (gn.tag === 0x87) {
        const ip = ipFromSanBytes(gn.value);
        if (ip) ips.push(ip);
      }
    }
  }
  const bc = parsed.getExtension(x509.BasicConstraintsExtension);
  const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
  return {
    pem: derToPem('CERTIFICATE', buf),
    der: buf,
    native,
    parsed,
    subject: parsed.subject,
    issuer: parsed.issuer,
    commonName: parsed.subjectName.getField('2.5.4.3')[0] ?? '',
    organization: parsed.subjectName.getField('2.5.4.10'),
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    isCA: bc?.ca ?? false,
    dnsNames,
    ips,
    ipStrings: ips.map(formatIP),
    extKeyUsages: (eku?.usages ?? []).map(String),
    spki: Buffer.from(parsed.publicKey.rawData),
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
