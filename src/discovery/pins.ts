// kubeadm's pubkeypin.Set: the CA public-key pins of --discovery-token-ca-cert-hash
// ("sha256:<hex of SHA-256 over the DER SubjectPublicKeyInfo>"), with upstream's messages.

import { pemBlocks } from '../pki/keys.js';
import { pinFromSpki, rawSpkiOfCertDer } from '../pki/pin.js';

export class PinSet {
  private readonly sha256 = new Set<string>();

  /** Set.Allow: adds pins; throws on the first malformed one. */
  allow(...hashes: string[]): void {
    for (const h of hashes) {
      const parts = h.split(':');
      if (parts.length !== 2) throw new Error('invalid hash, expected "format:hex-value". Known format(s) are: sha256');
      const [format, value] = parts as [string, string];
      if (format.toLowerCase() !== 'sha256') throw new Error(`unknown hash format "${format}". Known format(s) are: sha256`);
      // hex.DecodedLen(len) = len/2 must be 32, then the text must be valid hex
      const decodedLen = Math.floor(value.length / 2);
      if (decodedLen !== 32) throw new Error(`invalid hash "${h}", expected a 32 byte SHA-256 hash, found ${decodedLen} bytes`);
      const bad = value.search(/[^0-9a-fA-F]/);
      if (bad >= 0) {
        throw new Error(`invalid hash "${h}", could not decode SHA-256 from hex: encoding/hex: invalid byte: U+${value.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0')} ${goQuoteRune(value[bad]!)}`);
      }
      if (value.length % 2 === 1) throw new Error(`invalid hash "${h}", could not decode SHA-256 from hex: encoding/hex: odd length hex string`);
      this.sha256.add(value.toLowerCase());
    }
  }

  empty(): boolean {
    return this.sha256.size === 0;
  }

  /** Set.CheckAny over DER certificates: undefined when one is pinned, else upstream's error text. */
  checkAny(certDers: readonly Uint8Array[]): string | undefined {
    const hashes: string[] = [];
    for (const der of certDers) {
      const pin = pinFromSpki(rawSpkiOfCertDer(der));
      if (this.sha256.has(pin.slice('sha256:'.length))) return undefined;
      hashes.push(pin);
    }
    return `none of the public keys "${hashes.join(':')}" are pinned`;
  }
}

function goQuoteRune(c: string): string {
  return c === "'" ? "'\\''" : `'${c}'`;
}

/**
 * certutil.ParseCertsPEM: the DER of every CERTIFICATE block; throws upstream's message when there is
 * none (the blocks' contents are checked as certificates by the callers that need their fields).
 */
export function parseCertsPem(pem: Uint8Array): Buffer[] {
  const blocks = pemBlocks(Buffer.from(pem).toString('latin1')).filter((b) => b.type === 'CERTIFICATE');
  if (blocks.length === 0) throw new Error('data does not contain any valid RSA or ECDSA certificates');
  return blocks.map((b) => Buffer.from(b.der));
}
