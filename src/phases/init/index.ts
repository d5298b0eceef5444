// The init workflow: the ordered table of contents of `tskubeadm init`.

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { certsPhase } from './certs.js';
import { kubeconfigPhase } from './kubeconfig.js';
import { etcdPhase } from './etcd.js';
import { controlPlanePhase } from './controlplane.js';

export const initPhases: Phase<InitData>[] = [certsPhase, kubeconfigPhase, etcdPhase, controlPlanePhase];
