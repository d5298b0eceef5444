// The reset workflow: the ordered table of contents of `tskubeadm reset`.

import type { Phase } from '../workflow.js';
import type { ResetData } from './data.js';
import { preflightPhase } from './preflight.js';
import { removeEtcdMemberPhase } from './remove-etcd-member.js';
import { cleanupNodePhase } from './cleanup-node.js';

export const resetPhases: Phase<ResetData>[] = [preflightPhase, removeEtcdMemberPhase, cleanupNodePhase];
