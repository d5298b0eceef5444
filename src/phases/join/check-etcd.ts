// join phase "check-etcd" (hidden): before a control-plane node joins, a majority of the stacked etcd
// members must be healthy.

import type { Phase } from '../workflow.js';
import type { JoinData } from './data.js';
import { joinEtcdClient } from './etcd-client.js';

export const checkEtcdPhase: Phase<JoinData> = {
  name: 'check-etcd',
  short: 'Check that the etcd cluster is healthy',
  hidden: true,
  run: async (d) => {
    if (!d.cfg.join.controlPlane) return;
    const cfg = await d.initCfg();
    if (cfg.cluster.etcd.external) {
      d.out.print('check-etcd', 'Skipping etcd check in external mode');
      return;
    }
    if (d.dryRun) {
      d.out.print('dryrun', 'Would check that the etcd cluster is healthy');
      return;
    }
    d.out.print('check-etcd', 'Checking that the etcd cluster is healthy');
    const { checkLocalEtcdClusterStatus } = await import('../../etcd/index.js');
    await checkLocalEtcdClusterStatus(() => joinEtcdClient(d), { println: (l) => d.out.println(l), v: (n, m) => d.out.v(n, m) });
  },
};
