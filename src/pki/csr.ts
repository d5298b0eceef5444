// PKCS#10 certificate signing requests as Go's x509.CreateCertificateRequest lays them out for
// kubeadm's pkiutil.NewCSR: version 0, the subject (Organization RDN, then CommonName), the public
// key, and, when there are SANs, one extensionRequest attribute holding the subjectAltName
// extension; signed by the request's own key with the algorithm Go picks for it.

import { concat, integer, oid, sequence, tlv } from './der.js';
import { encodeName, signTbs, signatureAlgorithmFor } from './x509.js';
import { derToPem, type PrivateKey } from './keys.js';
import { sanExt } from './certs.js';

const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export interface CsrTemplate {
  commonName: string;
  organization?: readonly string[];
  /** already sorted and unique, as RemoveDuplicateAltNames leaves them */
  dnsNames?: readonly string[];
  ips?: readonly string[];
}

/** DER CertificationRequest. */
export function createCsrDer(t: CsrTemplate, key: PrivateKey): Uint8Array {
  const dns = t.dnsNames ?? [];
  const ips = t.ips ?? [];
  const attributes: Uint8Array[] = [];
  if (dns.length || ips.length) {
    const san = sanExt(dns, ips);
    // buildCSRExtensions: the SAN extension is never marked critical in a request
    const ext = sequence(oid(san.oid), tlv(0x04, san.value));
    attributes.push(sequence(oid(OID_EXTENSION_REQUEST), tlv(0x31, sequence(ext))));
  }
  const info = sequence(integer(0n), encodeName(t.commonName, t.organization ?? []), key.spki, tlv(0xa0, concat(attributes)));
  return signTbs(info, signatureAlgorithmFor(key.key), key.key);
}

/** PEM "CERTIFICATE REQUEST" (EncodeCSRPEM). */
export function createCsrPem(t: CsrTemplate, key: PrivateKey): string {
  return derToPem('CERTIFICATE REQUEST', createCsrDer(t, key));
}
