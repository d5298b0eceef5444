// The CA public key pin used by "kubeadm join --discovery-token-ca-cert-hash":
// "sha256:" + hex SHA-256 of the certificate's DER SubjectPublicKeyInfo, taken as raw bytes.

import { createHash } from 'node:crypto';
import { pemBlocks } from './keys.js';
import { readTlv } from './der.js';

/** Pin of a DER SubjectPublicKeyInfo. */
export function pinFromSpki(spki: Uint8Array): string {
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** The raw SubjectPublicKeyInfo bytes of a DER certificate. */
export function rawSpkiOfCertDer(der: Uint8Array): Uint8Array {
  const cert = readTlv(der);
  const tbs = readTlv(der, cert.end - cert.value.length);
  const start = tbs.end - tbs.value.length; // content offset of TBSCertificate within `der`
  let off = start;
  // walk TBSCertificate children, keeping absolute offsets
  const fields: { tag: number; from: number; to: number }[] = [];
  while (off < tbs.end) {
    const t = readTlv(der, off);
    fields.push({ tag: t.tag, from: off, to: t.end });
    off = t.end;
  }
  // [0] version is optional; SPKI is the 6th field after it
  const idx = fields[0]!.tag === 0xa0 ? 6 : 5;
  const f = fields[idx];
  if (!f || f.tag !== 0x30) throw new Error('malformed certificate: no SubjectPublicKeyInfo');
  return der.subarray(f.from, f.to);
}

/** Pin of the first certificate in a PEM text (the CA certificate). */
export function caCertPin(certPem: string | Uint8Array): string {
  const text = typeof certPem === 'string' ? certPem : Buffer.from(certPem).toString('latin1');
  const block = pemBlocks(text).find((b) => b.type === 'CERTIFICATE');
  if (!block) throw new Error('data does not contain any valid RSA or ECDSA certificates');
  return pinFromSpki(rawSpkiOfCertDer(block.der));
}
