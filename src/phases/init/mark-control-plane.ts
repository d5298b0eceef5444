// init phase "mark-control-plane": label and taint this Node (the work:
// src/phases/shared/cluster/markcontrolplane.ts).

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { clusterClient } from './admin.js';

export const markControlPlanePhase: Phase<InitData> = {
  name: 'mark-control-plane',
  short: 'Mark a node as a control-plane',
  inheritFlags: ['node-name', 'config', 'dry-run'],
  run: async (d) => {
    const { markControlPlane } = await import('../shared/cluster/markcontrolplane.js');
    const reg = d.cfg.init.nodeRegistration;
    await markControlPlane(await clusterClient(d), d.out, reg.name, reg.taints);
  },
};
