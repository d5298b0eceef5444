// The init workflow: the ordered table of contents of `tskubeadm init`.

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { preflightPhase } from './preflight.js';
import { certsPhase } from './certs.js';
import { kubeconfigPhase } from './kubeconfig.js';
import { etcdPhase } from './etcd.js';
import { controlPlanePhase } from './controlplane.js';
import { kubeletStartPhase } from './kubelet-start.js';
import { waitControlPlanePhase } from './wait-control-plane.js';
import { uploadConfigPhase } from './upload-config.js';
import { uploadCertsPhase } from './upload-certs.js';
import { markControlPlanePhase } from './mark-control-plane.js';
import { bootstrapTokenPhase } from './bootstrap-token.js';
import { kubeletFinalizePhase } from './kubelet-finalize.js';
import { addonPhase } from './addon.js';
import { showJoinCommandPhase } from './show-join-command.js';

export const initPhases: Phase<InitData>[] = [
  preflightPhase,
  certsPhase,
  kubeconfigPhase,
  etcdPhase,
  controlPlanePhase,
  kubeletStartPhase,
  waitControlPlanePhase,
  uploadConfigPhase,
  uploadCertsPhase,
  markControlPlanePhase,
  bootstrapTokenPhase,
  kubeletFinalizePhase,
  addonPhase,
  showJoinCommandPhase,
];
