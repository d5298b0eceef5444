// What an earlier, unfinished `init` or `join` of this host left, as preflight sees it (better than
// kubeadm, which fails on any file, port or etcd data of its own earlier run): the files, directories
// and ports it recognises as that run's are not objected to, so a second run with the same
// configuration continues where the first stopped; what this configuration cannot continue from
// (another CA, another address, another cluster's etcd data, ...) is one preflight error that names
// each difference. The phases build it (src/phases/shared/earlier); the checks only ask it.

import { result, type Check, type CheckContext, type EarlierRun } from './runner.js';

export type { EarlierRun };

export const EARLIER_RUN_CHECK = 'EarlierRun';

/** The earlier run of this check run, when the command looked for one (undefined when it failed to). */
export async function earlierRunOf(ctx: CheckContext): Promise<EarlierRun | undefined> {
  if (!ctx.earlier) return undefined;
  try {
    return await ctx.earlier;
  } catch {
    // could not tell (e.g. the cluster did not answer): the checks behave as kubeadm's
    return undefined;
  }
}

/** Fails when the host holds an earlier run this configuration cannot continue from. */
export function earlierRunCheck(): Check {
  return {
    name: EARLIER_RUN_CHECK,
    async run(ctx) {
      const e = await earlierRunOf(ctx);
      if (!e || e.conflicts.length === 0) return result();
      return result(
        [],
        [
          `this host has files of an earlier ${e.command} that this configuration cannot continue from:\n` +
            e.conflicts.map((c) => `\t\t${c}\n`).join('') +
            `\tIf an earlier ${e.command} left them, run 'tskubeadm reset' and ${e.command} again; otherwise correct them or the configuration`,
        ],
      );
    },
  };
}
