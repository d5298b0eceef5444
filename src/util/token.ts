// Bootstrap tokens: "[a-z0-9]{6}.[a-z0-9]{16}", from a CSPRNG without modulo bias.

import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      // 252 = 7 * 36: reject the tail so every character is equally likely
      if (b < 252 && out.length < n) out += ALPHABET[b % 36];
    }
  }
  return out;
}

export function generateBootstrapToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

export const BOOTSTRAP_TOKEN_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
