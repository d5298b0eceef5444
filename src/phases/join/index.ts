// The join workflow: the ordered table of contents of `tskubeadm join` (kubeadm 1.37's order).

import type { Phase } from '../workflow.js';
import type { JoinData } from './data.js';
import { preflightPhase } from './preflight.js';
import { controlPlanePreparePhase } from './control-plane-prepare.js';
import { checkEtcdPhase } from './check-etcd.js';
import { kubeletStartPhase } from './kubelet-start.js';
import { etcdJoinPhase } from './etcd-join.js';
import { kubeletWaitBootstrapPhase } from './kubelet-wait-bootstrap.js';
import { controlPlaneJoinPhase } from './control-plane-join.js';
import { waitControlPlanePhase } from './wait-control-plane.js';

export const joinPhases: Phase<JoinData>[] = [
  preflightPhase,
  controlPlanePreparePhase,
  checkEtcdPhase,
  kubeletStartPhase,
  etcdJoinPhase,
  kubeletWaitBootstrapPhase,
  controlPlaneJoinPhase,
  waitControlPlanePhase,
];
