// `config migrate` (src/config/print.ts) fills the defaulted (empty) bootstrap token with the one unbiased
// generator (src/util/token.ts): random bytes 252..255 are rejected, not folded onto 0..3 by
// `b % 36`. The CSPRNG is replaced by a source that repeats the bytes 252 and 1: without the
// rejection every other character would be ALPHABET[252 % 36] = 'a' ('0' in the old generator's
// alphabet), with it every character is ALPHABET[1] = 'b'.
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const randomBytes = ((n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 252)))) as typeof real.randomBytes;
  return { ...real, default: { ...real, randomBytes }, randomBytes };
});

const { migrateConfig } = await import('../../../src/config/print.js');
const { generateBootstrapToken } = await import('../../../src/util/token.js');

describe('bootstrap tokens for empty token fields', () => {
  it('the generator rejects bytes 252..255 (no modulo bias)', () => {
    expect(generateBootstrapToken()).toBe('bbbbbb.bbbbbbbbbbbbbbbb');
  });

  it('config migrate uses it', () => {
    const text = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.9
nodeRegistration:
  name: node1
`;
    const out = migrateConfig(text, 'cfg.yaml', { hostname: () => 'h', defaultAddress: '10.0.0.9' });
    expect(out.text).toContain('  token: bbbbbb.bbbbbbbbbbbbbbbb\n');
  });
});
