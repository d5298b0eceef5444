// init phase "kubeconfig": admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf,
// scheduler.conf. Like "certs", the first subphase plans every selected file at once (the work:
// src/phases/shared/kubeconfig.ts); each subphase then writes only its own file.

import * as path from 'node:path';
import { allPhase, type Phase, type PhaseContext } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { CLIENT_CERT_SPECS, type ClientCertSpec } from '../../pki/specs.js';
import { KUBECONFIG_PHASE_SHORT } from '../../kubeconfig/kubeconfig.js';
import { keyPoolFor, prefetchKeys } from './keypool.js';
import { perRun } from '../shared/per-run.js';

const FLAGS: readonly FlagName[] = [
  'apiserver-advertise-address',
  'control-plane-endpoint',
  'apiserver-bind-port',
  'cert-dir',
  'config',
  'kubeconfig-dir',
  'kubernetes-version',
  'dry-run',
];
const WITH_NODE_NAME: readonly FlagName[] = [...FLAGS, 'node-name'];

/** The plan of this run, computed by the first kubeconfig subphase that runs for every selected one. */
const planFor = perRun(async (d: InitData, ctx: PhaseContext) => {
  const { planKubeconfigFiles } = await import('../shared/kubeconfig.js');
  const files = CLIENT_CERT_SPECS.filter((s) => ctx.selected.has(`kubeconfig/${s.phase}`)).map((s) => s.file);
  const takeKey = async () => (await keyPoolFor(d)).take();
  return planKubeconfigFiles({ host: d.host, cfg: d.cfg, caDir: d.certificateWriteDir, dir: d.kubeconfigWriteDir, files, now: d.startTime, takeKey });
});

function filePhase(s: ClientCertSpec): Phase<InitData> {
  return {
    name: s.phase,
    short: KUBECONFIG_PHASE_SHORT[s.file],
    long: `Generate the kubeconfig file ${s.file}. An existing file is kept when it embeds the same CA and points at the same API server; otherwise the phase stops with an error.`,
    inheritFlags: s.phase === 'kubelet' ? WITH_NODE_NAME : FLAGS,
    run: async (d, ctx) => {
      if (d.externalCA) {
        d.out.print('kubeconfig', `External CA mode: Using user provided ${s.file}`);
        if (d.dryRunDir) {
          const { KUBECONFIG_FILE_MODE } = await import('../../kubeconfig/files.js');
          const src = path.posix.join(d.kubeconfigDir, s.file);
          await d.host.writeFileAtomic(path.posix.join(d.kubeconfigWriteDir, s.file), await d.host.readFile(src), KUBECONFIG_FILE_MODE);
        }
        return;
      }
      const { files, warnings } = await planFor(d, ctx);
      const plan = files.get(s.file)!;
      // kubeadm works the endpoint out again for every file (kubelet.conf uses the local endpoint)
      if (s.file !== 'kubelet.conf') for (const w of warnings) d.out.warn(w);
      if (plan.text === undefined) {
        d.out.print('kubeconfig', `Using existing kubeconfig file: "${plan.path}"`);
        return;
      }
      d.out.print('kubeconfig', `Writing "${s.file}" kubeconfig file`);
      const { KUBECONFIG_FILE_MODE } = await import('../../kubeconfig/files.js');
      await d.host.writeFileAtomic(plan.path, plan.text, KUBECONFIG_FILE_MODE);
    },
  };
}

export const kubeconfigPhase: Phase<InitData> = {
  name: 'kubeconfig',
  short: 'Generate all kubeconfig files necessary to establish the control plane and the admin kubeconfig file',
  phases: [allPhase('Generate all kubeconfig files', WITH_NODE_NAME), ...CLIENT_CERT_SPECS.map(filePhase)],
  prepare: prefetchKeys,
  run: (d) => {
    d.out.print('kubeconfig', `Using kubeconfig folder "${d.kubeconfigWriteDir}"`);
  },
};
