// The init workflow: the ordered table of contents of `tskubeadm init`.

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';

export const initPhases: Phase<InitData>[] = [];
