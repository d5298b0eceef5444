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
    const ctx = makeCheckContext({ host: d.host, stdout: d.out.stdout });
    try {
      await runInitPreflight(d.cfg, ctx, {
        ignore: d.ignorePreflightErrors,
        dryRun: d.dryRun,
        stderr: d.out.stderr,
        warn: (m) => d.out.warn(m),
      });
    } finally {
      releaseMainThread(d);
    }
  },
};
