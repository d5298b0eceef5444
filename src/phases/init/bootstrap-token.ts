// init phase "bootstrap-token": the bootstrap tokens, their RBAC and cluster-info (the work:
// src/phases/shared/cluster/bootstraptoken.ts).

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { clusterClient, readAdminKubeconfig } from './admin.js';

export const bootstrapTokenPhase: Phase<InitData> = {
  name: 'bootstrap-token',
  aliases: ['bootstraptoken'],
  short: 'Generates bootstrap tokens used to join a node to a cluster',
  inheritFlags: ['config', 'kubeconfig', 'skip-token-print', 'dry-run'],
  run: async (d, ctx) => {
    const { runBootstrapToken } = await import('../shared/cluster/bootstraptoken.js');
    const client = await clusterClient(d);
    const { reuseEarlierToken } = await import('./resume-token.js');
    await reuseEarlierToken(d, ctx, client);
    await runBootstrapToken(client, d.out, {
      tokens: d.cfg.init.bootstrapTokens,
      skipTokenPrint: d.skipTokenPrint,
      adminKubeconfig: await readAdminKubeconfig(d),
      now: d.host.now(),
    });
  },
};
