import { describe, expect, it } from 'vitest';
import { generateAll } from '../../../src/pki/certs.js';
import { KeyPool, generatePrivateKey } from '../../../src/pki/keys.js';
import { primeSchedulerState } from '../../../src/pki/primes.js';
import { makeConfig } from './fixtures.js';

describe('KeyPool', () => {
  it('hands out distinct prefetched keys, then generates on demand', async () => {
    const pool = new KeyPool('ECDSA-P256', { concurrency: 1 });
    pool.prefetch(3);
    expect(pool.pending).toBe(3);
    const keys = await Promise.all([pool.take(), pool.take(), pool.take(), pool.take()]);
    expect(pool.pending).toBe(0);
    const spkis = new Set(keys.map((k) => k.spki.toString('hex')));
    expect(spkis.size).toBe(4);
    expect(keys.every((k) => k.curve === 'P-256')).toBe(true);
  });

  it('feeds generateAll when the algorithm matches, and is ignored otherwise', async () => {
    const pool = new KeyPool('ECDSA-P256');
    pool.prefetch(20);
    await generateAll(makeConfig({ encryptionAlgorithm: 'ECDSA-P256' }), new Date(), undefined, {
      keyPool: pool,
      clientCerts: ['admin.conf', 'scheduler.conf'],
    });
    expect(pool.pending).toBe(20 - 13); // 10 certificates, sa, 2 client certificates
    const other = new KeyPool('ECDSA-P384');
    other.prefetch(2);
    const r = await generateAll(makeConfig({ encryptionAlgorithm: 'ECDSA-P256' }), new Date(), undefined, { keyPool: other, skipSa: true });
    expect(other.pending).toBe(2);
    expect(r.certs[0]!.cert!.native.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
  });

  it('starts every prefetched RSA key at once (the prime scheduler, not the pool, limits threads)', async () => {
    const pool = new KeyPool('RSA-2048', { concurrency: 1 });
    const before = primeSchedulerState();
    pool.prefetch(4);
    // 4 keys = 8 prime searches, running or waiting, right away
    const count = (s: ReturnType<typeof primeSchedulerState>): number => s.waiting + (s.mainBusy ? 1 : 0) + s.inWorkers;
    expect(count(primeSchedulerState()) - count(before)).toBe(8);
    const keys = await Promise.all([pool.take(), pool.take(), pool.take(), pool.take()]);
    expect(new Set(keys.map((k) => k.spki.toString('hex'))).size).toBe(4);
    expect(keys.every((k) => k.kind === 'rsa' && k.bits === 2048)).toBe(true);
    const after = primeSchedulerState();
    expect(after.found.main + after.found.worker - before.found.main - before.found.worker).toBeGreaterThanOrEqual(8);
    expect(after.waiting).toBe(0);
    expect(after.workers).toBe(0);
  }, 60_000);

  it('rejects an unknown algorithm with kubeadm\'s message', async () => {
    await expect(generatePrivateKey('RSA-1024' as never)).rejects.toThrow('cannot obtain key size from unknown RSA algorithm: "RSA-1024"');
  });
});
