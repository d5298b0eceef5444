// What a join dry run shows at the end of kubelet-start (kubeadm's PrintFilesIfDryRunning): where the
// files went, and the kubelet's files (plus the control-plane manifests for a control-plane join).

import * as path from 'node:path';
import type { JoinData } from './data.js';

export async function printDryRunFiles(d: JoinData): Promise<void> {
  const dir = d.manifestDir;
  const controlPlane = d.cfg.join.controlPlane !== undefined;
  const files: [string, string][] = [];
  if (controlPlane) {
    d.out.print('dryrun', `Wrote certificates, kubeconfig files and control plane manifests to the "${dir}" directory`);
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      files.push([path.posix.join(dir, `${c}.yaml`), `/etc/kubernetes/manifests/${c}.yaml`]);
    }
  } else {
    d.out.print('dryrun', `Wrote certificates and kubeconfig files to the "${dir}" directory`);
  }
  d.out.print('dryrun', 'The certificates or kubeconfig files would not be printed due to their sensitive nature');
  d.out.print('dryrun', `Please examine the "${dir}" directory for details about what would be written`);
  for (const f of ['config.yaml', 'kubeadm-flags.env']) files.push([path.posix.join(dir, f), `/var/lib/kubelet/${f}`]);
  for (const [real, shown] of files) {
    const text = await d.host.readText(real).catch(() => undefined);
    if (text === undefined) continue;
    d.out.print('dryrun', `Would write file "${shown}" with content:`);
    d.out.stdout.write(text);
  }
}
