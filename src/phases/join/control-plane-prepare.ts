// join phase "control-plane-prepare": for a control-plane join, the shared certificates from the
// kubeadm-certs Secret (download-certs), this node's own certificates, the admin, controller-manager
// and scheduler kubeconfig files, and the control-plane static Pod manifests. A worker skips them all.

import * as path from 'node:path';
import type { FlagName } from '../../cli/flags.js';
import { allPhase, type Phase } from '../workflow.js';
import type { JoinData } from './data.js';
import { DISCOVERY_FLAGS } from './flags.js';
import { runInitPhases } from './as-init.js';

const BASE: readonly FlagName[] = ['config', 'control-plane'];

const downloadCerts: Phase<JoinData> = {
  name: 'download-certs',
  short: 'Download certificates shared among control-plane nodes from the kubeadm-certs Secret',
  acceptsArgs: true,
  inheritFlags: [...BASE, ...DISCOVERY_FLAGS, 'certificate-key', 'dry-run'],
  run: async (d) => {
    if (!d.cfg.join.controlPlane || d.certificateKey === '') {
      d.out.v(1, '[download-certs] Skipping certs download');
      return;
    }
    const cfg = await d.initCfg();
    const writeDir = await d.certificateWriteDir();
    const client = d.dryRun ? await d.client() : await d.bootstrapClient();
    const { downloadCerts: download } = await import('../shared/cluster/uploadcerts.js');
    const files = await download(client, d.out, { ...cfg.cluster, certificatesDir: writeDir }, d.certificateKey);
    for (const [file, content] of files) {
      // kubeadm writes private keys 0600 and certificates and public keys 0644, over what is there
      const isKey = /-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(content.toString('latin1'));
      await d.host.mkdirp(path.posix.dirname(file), 0o755);
      await d.host.writeFileAtomic(file, content, isKey ? 0o600 : 0o644);
    }
  },
};

const certs: Phase<JoinData> = {
  name: 'certs',
  short: 'Generate the certificates for the new control plane components',
  acceptsArgs: true,
  inheritFlags: ['apiserver-advertise-address', ...BASE, 'node-name', ...DISCOVERY_FLAGS, 'dry-run'],
  run: async (d) => {
    if (!d.cfg.join.controlPlane) return;
    const { certsPhase } = await import('../init/certs.js');
    await runInitPhases(d, [certsPhase], ['certs']);
  },
};

const kubeconfig: Phase<JoinData> = {
  name: 'kubeconfig',
  short: 'Generate the kubeconfig for the new control plane components',
  acceptsArgs: true,
  inheritFlags: [...BASE, ...DISCOVERY_FLAGS, 'certificate-key', 'dry-run'],
  run: async (d) => {
    if (!d.cfg.join.controlPlane) return;
    d.out.print('kubeconfig', 'Generating kubeconfig files');
    d.out.print('kubeconfig', `Using kubeconfig folder "${d.kubeconfigDir}"`);
    const cfg = await d.initCfg();
    if (!(await d.host.exists(path.posix.join(cfg.cluster.certificatesDir, 'ca.key')))) {
      for (const f of ['admin.conf', 'controller-manager.conf', 'scheduler.conf']) d.out.print('kubeconfig', `External CA mode: Using user provided ${f}`);
      return;
    }
    const { kubeconfigPhase } = await import('../init/kubeconfig.js');
    await runInitPhases(d, [kubeconfigPhase], ['kubeconfig/admin', 'kubeconfig/controller-manager', 'kubeconfig/scheduler']);
  },
};

const controlPlane: Phase<JoinData> = {
  name: 'control-plane',
  short: 'Generate the manifests for the new control plane components',
  inheritFlags: ['apiserver-advertise-address', 'apiserver-bind-port', ...BASE, 'patches', 'dry-run'],
  run: async (d) => {
    if (!d.cfg.join.controlPlane) return;
    const { controlPlanePhase } = await import('../init/controlplane.js');
    await runInitPhases(d, [controlPlanePhase], ['control-plane']);
  },
};

export const controlPlanePreparePhase: Phase<JoinData> = {
  name: 'control-plane-prepare',
  short: 'Prepare the machine for serving a control plane',
  example: '  # Prepares the machine for serving a control plane\n  tskubeadm join phase control-plane-prepare all',
  phases: [
    {
      ...allPhase<JoinData>('Prepare the machine for serving a control plane', [
        'apiserver-advertise-address',
        'apiserver-bind-port',
        ...BASE,
        'node-name',
        ...DISCOVERY_FLAGS,
        'certificate-key',
        'patches',
        'dry-run',
      ]),
      acceptsArgs: true,
    },
    downloadCerts,
    certs,
    kubeconfig,
    controlPlane,
  ],
};
