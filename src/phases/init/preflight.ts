// init phase "preflight": kubeadm's checks (root first and alone, then the node checks), then the
// image pulls through the CRI unless this is a dry run.

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { releaseMainThread } from './keypool.js';

export const preflightPhase: Phase<InitData> = {
  name: 'preflight',
  short: 'Run pre-flight checks',
  long: 'Run pre-flight checks for tskubeadm init.',
  example: '  # Run pre-flight checks for tskubeadm init using a config file.\n  tskubeadm init phase preflight --config kubeadm-config.yaml',
  inheritFlags: ['config', 'image-repository', 'cri-socket', 'ignore-preflight-errors', 'dry-run'],
  run: async (d) => {
    const { makeCheckContext, runInitPreflight } = await import('../../preflight/index.js');
    const { earlierInit } = await import('../shared/earlier/init.js');
    const { reportEarlierRun } = await import('../shared/earlier/report.js');
    const ctx = makeCheckContext({ host: d.host, stdout: d.out.stdout });
    // better than kubeadm: what an earlier, unfinished init of this host left is continued from
    const earlier = earlierInit(d);
    earlier.catch(() => undefined);
    ctx.earlier = earlier;
    try {
      await runInitPreflight(d.cfg, ctx, {
        ignore: d.ignorePreflightErrors,
        dryRun: d.dryRun,
        stderr: d.out.stderr,
        warn: (m) => d.out.warn(m),
        afterNodeChecks: () => earlier.then((s) => reportEarlierRun(s, d.out), () => undefined),
      });
    } finally {
      releaseMainThread(d);
    }
  },
};
