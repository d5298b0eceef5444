// join phase "control-plane-join": mark this node as a control plane (labels and taints, as init's
// mark-control-plane). The local etcd member joins in its own phase, etcd-join, before the kubelet
// finishes its TLS bootstrap.

import type { FlagName } from '../../cli/flags.js';
import { allPhase, type Phase } from '../workflow.js';
import type { JoinData } from './data.js';

const FLAGS: readonly FlagName[] = ['config', 'control-plane', 'node-name'];

const markControlPlane: Phase<JoinData> = {
  name: 'mark-control-plane',
  short: 'Mark a node as a control-plane',
  inheritFlags: [...FLAGS, 'dry-run'],
  run: async (d) => {
    if (!d.cfg.join.controlPlane) return;
    const client = await d.client();
    const cfg = await d.initCfg();
    const nodeReg = cfg.init.nodeRegistration;
    if (d.dryRun) {
      d.out.print('control-plane-join', `Would mark node ${nodeReg.name} as a control-plane`);
      return;
    }
    const { markControlPlane: mark } = await import('../shared/cluster/markcontrolplane.js');
    try {
      await mark(client, d.out, nodeReg.name, nodeReg.taints);
    } catch (e) {
      const { TskError } = await import('../../errors.js');
      throw new TskError(`error applying control-plane label and taints: ${(e as Error).message}`, 1, { cause: e });
    }
  },
};

export const controlPlaneJoinPhase: Phase<JoinData> = {
  name: 'control-plane-join',
  short: 'Join a machine as a control plane instance',
  example: '  # Joins a machine as a control plane instance\n  tskubeadm join phase control-plane-join all',
  phases: [allPhase<JoinData>('Join a machine as a control plane instance', [...FLAGS, 'patches', 'apiserver-advertise-address', 'dry-run']), markControlPlane],
};
