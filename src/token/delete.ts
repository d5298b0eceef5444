// `tskubeadm token delete <id|token>...` (kubeadm's RunDeleteTokens): one Secret per argument, in
// order, stopping at the first failure.

import type { KubeClient } from '../kube/base.js';
import type { Output } from '../output.js';
import { KubeApiError, UsageError } from '../errors.js';
import { bootstrapTokenSecretName } from '../kube/objects/bootstraptoken.js';

const ID = /^[a-z0-9]{6}$/;
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const PATTERNS = '"\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z" or "\\\\A([a-z0-9]{6})\\\\z"';

export function missingTokenArgument(): UsageError {
  return new UsageError(`missing argument; 'token delete' is missing token of form ${PATTERNS}`);
}

/** The token ID of an argument (an ID or a whole token), or undefined. */
export function tokenIdOf(arg: string): string | undefined {
  if (ID.test(arg)) return arg;
  return TOKEN.exec(arg)?.[1];
}

/** Checks every argument before anything is deleted. */
export function tokenIdsOf(args: string[]): string[] {
  if (args.length === 0) throw missingTokenArgument();
  return args.map((a) => {
    const id = tokenIdOf(a);
    if (!id) throw new UsageError(`given token didn't match pattern ${PATTERNS}`);
    return id;
  });
}

export async function runDeleteTokens(client: KubeClient, out: Output, ids: string[]): Promise<void> {
  for (const id of ids) {
    const name = bootstrapTokenSecretName(id);
    out.v(1, `[token] deleting token "${id}"`);
    let deleted: boolean;
    try {
      deleted = await client.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'kube-system', name });
    } catch (e) {
      throw new KubeApiError(`failed to delete bootstrap token "${id}": ${(e as Error).message}`, undefined, { cause: e });
    }
    if (!deleted) throw new KubeApiError(`failed to delete bootstrap token "${id}": secrets "${name}" not found`, 404);
    out.stdout.write(`bootstrap token "${id}" deleted\n`);
  }
}
