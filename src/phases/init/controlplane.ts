// init phase "control-plane": static Pod manifests for kube-apiserver, kube-controller-manager and
// kube-scheduler, with --patches applied.

import { allPhase, type Phase } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { manifestEnv, patchPod, writeStaticPod } from '../shared/staticpod.js';

type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';

const BASE: readonly FlagName[] = ['config', 'cert-dir', 'kubernetes-version', 'image-repository', 'patches', 'dry-run'];
const API: readonly FlagName[] = ['apiserver-advertise-address', 'control-plane-endpoint', 'apiserver-bind-port', 'feature-gates', 'service-cidr'];
const KCM: readonly FlagName[] = ['pod-network-cidr'];

const SUBPHASES: { component: Component; name: string; short: string; flags: readonly FlagName[] }[] = [
  { component: 'kube-apiserver', name: 'apiserver', short: 'Generates the kube-apiserver static Pod manifest', flags: [...BASE, ...API] },
  { component: 'kube-controller-manager', name: 'controller-manager', short: 'Generates the kube-controller-manager static Pod manifest', flags: [...BASE, ...KCM] },
  { component: 'kube-scheduler', name: 'scheduler', short: 'Generates the kube-scheduler static Pod manifest', flags: BASE },
];

function subphase(s: (typeof SUBPHASES)[number]): Phase<InitData> {
  return {
    name: s.name,
    short: s.short,
    inheritFlags: s.flags,
    run: async (d) => {
      d.out.print('control-plane', `Creating static Pod manifest for "${s.component}"`);
      const { renderControlPlanePodsWithWarnings } = await import('../../manifests/staticpods.js');
      const rendered = renderControlPlanePodsWithWarnings(d.cfg, await manifestEnv(d.host, d.externalCA));
      for (const w of rendered.warnings) d.out.warn(w);
      const pod = await patchPod(d, s.component, rendered.value[s.component]);
      const file = await writeStaticPod(d.host, d.manifestWriteDir, s.component, pod);
      d.out.v(1, `[control-plane] wrote static Pod manifest for component "${s.component}" to "${file}"`);
    },
  };
}

export const controlPlanePhase: Phase<InitData> = {
  name: 'control-plane',
  short: 'Generate all static Pod manifest files necessary to establish the control plane',
  phases: [
    {
      ...allPhase<InitData>('Generate all static Pod manifest files', [...BASE, ...API, ...KCM]),
      example: '  # Writes all static Pod manifest files using the options in a configuration file\n  tskubeadm init phase control-plane all --config config.yaml',
    },
    ...SUBPHASES.map(subphase),
  ],
  run: (d) => {
    d.out.print('control-plane', `Using manifest folder "${d.manifestWriteDir}"`);
  },
};
