// Better than kubeadm: an init that continues an earlier, unfinished init of this host (preflight
// recognised it, see src/phases/shared/earlier) and names no bootstrap token itself keeps the token
// the earlier run stored, instead of adding a second one: the cluster ends as a single init leaves it.

import type { BootstrapToken } from '../../config/types.js';
import type { KubeClient } from '../../kube/base.js';
import type { SecretObject } from '../../kube/types.js';
import type { PhaseContext } from '../workflow.js';
import type { InitData } from './data.js';

/** a token expiring sooner than this is not worth keeping */
const MIN_LEFT_MS = 3_600_000;

const b64 = (v: string | null | undefined): string => (v ? Buffer.from(v, 'base64').toString('utf8') : '');

/** A valid token in the cluster shaped as `want` (description, usages, groups), the one with most time left, as "id.secret". */
export async function earlierToken(client: KubeClient, want: BootstrapToken, now: Date): Promise<string | undefined> {
  const secrets = await client.list<SecretObject>('v1', 'Secret', 'kube-system', { fieldSelector: 'type=bootstrap.kubernetes.io/token' });
  let best: { token: string; expires: number } | undefined;
  const usages = [...want.usages].sort().join(',');
  for (const s of secrets) {
    const d = s.data ?? {};
    if (b64(d['description']) !== (want.description ?? '') || b64(d['auth-extra-groups']) !== want.groups.join(',')) continue;
    const theirs = Object.keys(d).filter((k) => k.startsWith('usage-bootstrap-') && b64(d[k]) === 'true').map((k) => k.slice('usage-bootstrap-'.length));
    if (theirs.sort().join(',') !== usages) continue;
    const exp = b64(d['expiration']);
    const expires = exp ? Date.parse(exp) : Infinity;
    if (!(expires - now.getTime() > MIN_LEFT_MS)) continue;
    const id = b64(d['token-id']);
    const secret = b64(d['token-secret']);
    if (!/^[a-z0-9]{6}$/.test(id) || !/^[a-z0-9]{16}$/.test(secret)) continue;
    if (!best || expires > best.expires) best = { token: `${id}.${secret}`, expires };
  }
  return best?.token;
}

/** For a resumed init with one made-up token: switch to the earlier run's token, if the cluster has one. */
export async function reuseEarlierToken(d: InitData, ctx: PhaseContext, client: KubeClient): Promise<void> {
  const tokens = d.cfg.init.bootstrapTokens;
  if (d.dryRun || tokens.length !== 1 || !d.generatedTokens?.has(tokens[0]!.token) || !ctx.selected.has('preflight')) return;
  const { earlierInit } = await import('../shared/earlier/init.js');
  const earlier = await earlierInit(d).catch(() => undefined);
  if (!earlier?.found || earlier.conflicts.length > 0) return;
  const token = await earlierToken(client, tokens[0]!, d.host.now()).catch(() => undefined);
  if (!token) return;
  d.out.v(1, '[bootstrap-token] Keeping the bootstrap token an earlier init of this host stored');
  tokens[0]!.token = token;
}
