// A control-plane join writes the same certificates, kubeconfig files and static Pod manifests as
// init, from the cluster's configuration combined with this node's: these phases run init's own
// file phases over an InitData made from the JoinData (built once per run, so init's per-run plans
// and key pools are shared by the join phases that use them).

import type { InitData } from '../init/data.js';
import type { Phase } from '../workflow.js';
import { runWorkflow } from '../workflow.js';
import { ADMIN_CONF, KUBERNETES_DIR, type JoinData } from './data.js';

const adapters = new WeakMap<JoinData, Promise<InitData>>();

export function initDataFor(d: JoinData): Promise<InitData> {
  let p = adapters.get(d);
  if (!p) {
    p = (async (): Promise<InitData> => {
      const cfg = await d.initCfg();
      const certificateWriteDir = await d.certificateWriteDir();
      return {
        cfg,
        host: d.host,
        inputs: d.inputs,
        out: d.out,
        dryRun: d.dryRun,
        dryRunDir: d.dryRunDir,
        certificatesDir: cfg.cluster.certificatesDir,
        certificateWriteDir,
        kubeconfigDir: KUBERNETES_DIR,
        kubeconfigWriteDir: d.kubeconfigDir,
        manifestWriteDir: d.manifestDir,
        kubeletWriteDir: d.kubeletDir,
        kubeconfigPath: ADMIN_CONF,
        patchesDir: d.patchesDir,
        uploadCerts: false,
        skipTokenPrint: false,
        skipCertificateKeyPrint: false,
        ignorePreflightErrors: d.ignorePreflightErrors,
        startTime: d.startTime,
        externalCA: false,
        printManifest: false,
      };
    })();
    adapters.set(d, p);
    p.catch(() => adapters.delete(d));
  }
  return p;
}

/** Run some of init's phases (by path) for this join. */
export async function runInitPhases(d: JoinData, phases: Phase<InitData>[], only: string[]): Promise<void> {
  const data = await initDataFor(d);
  await runWorkflow(phases, { only, out: d.out, data: async () => data });
}
