// A resumed init keeps the bootstrap token the earlier run stored (when the configuration names
// none): the valid token of the configured shape with the most time left.
import { describe, expect, it } from 'vitest';
import { earlierToken } from '../../../src/phases/init/resume-token.js';
import { bootstrapTokenSecret } from '../../../src/kube/objects/bootstraptoken.js';
import type { KubeClient } from '../../../src/kube/base.js';
import type { SecretObject } from '../../../src/kube/types.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const H = 3_600_000;
const DEFAULT = { token: '', usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] };

function client(secrets: SecretObject[]): KubeClient {
  return { list: async () => secrets } as unknown as KubeClient;
}
const secret = (token: string, o: { ttlH?: number; description?: string; usages?: string[]; groups?: string[] } = {}) =>
  bootstrapTokenSecret({ token, ttl: `${o.ttlH ?? 24}h0m0s`, usages: o.usages ?? DEFAULT.usages, groups: o.groups ?? DEFAULT.groups, ...(o.description ? { description: o.description } : {}) }, new Date(NOW.getTime() - H));

describe('the earlier init bootstrap token', () => {
  it('is the default-shaped token with the most time left', async () => {
    const c = client([secret('aaaaaa.aaaaaaaaaaaaaaaa', { ttlH: 10 }), secret('bbbbbb.bbbbbbbbbbbbbbbb', { ttlH: 24 }), secret('cccccc.cccccccccccccccc', { ttlH: 20 })]);
    expect(await earlierToken(c, DEFAULT, NOW)).toBe('bbbbbb.bbbbbbbbbbbbbbbb');
  });

  it('is none of another shape, nor one about to expire', async () => {
    const c = client([
      secret('aaaaaa.aaaaaaaaaaaaaaaa', { description: 'Proxy for managing TTL for the kubeadm-certs secret' }),
      secret('bbbbbb.bbbbbbbbbbbbbbbb', { usages: ['authentication'] }),
      secret('cccccc.cccccccccccccccc', { groups: ['system:bootstrappers:other'] }),
      secret('dddddd.dddddddddddddddd', { ttlH: 1.5 }),
    ]);
    expect(await earlierToken(c, DEFAULT, NOW)).toBeUndefined();
    expect(await earlierToken(client([]), DEFAULT, NOW)).toBeUndefined();
  });
});
