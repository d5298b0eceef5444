// init phase "show-join-command": the closing text, with the join commands for workers and (with a
// controlPlaneEndpoint) control-plane nodes, pinned to the cluster CA's public key.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { runCertificateKeys } from './admin.js';
import { joinCommand } from '../../util/joincommand.js';

const WITHHELD = '<value withheld>';

export interface InitDoneInput {
  kubeconfigPath: string;
  controlPlaneEndpoint: string;
  uploadCerts: boolean;
  joinControlPlaneCommand: string;
  joinWorkerCommand: string;
}

export function initDoneText(i: InitDoneInput): string {
  let s = `
Your Kubernetes control-plane has initialized successfully!

To start using your cluster, you need to run the following as a regular user:

  mkdir -p $HOME/.kube
  sudo cp -i ${i.kubeconfigPath} $HOME/.kube/config
  sudo chown $(id -u):$(id -g) $HOME/.kube/config

Alternatively, if you are the root user, you can run:

  export KUBECONFIG=/etc/kubernetes/admin.conf

You should now deploy a pod network to the cluster.
Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:
  https://kubernetes.io/docs/concepts/cluster-administration/addons/

`;
  if (i.controlPlaneEndpoint) {
    if (i.uploadCerts) {
      s += `You can now join any number of control-plane nodes running the following command on each as root:

  ${i.joinControlPlaneCommand}

Please note that the certificate-key gives access to cluster sensitive data, keep it secret!
As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use
"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.

`;
    } else {
      s += `You can now join any number of control-plane nodes by copying certificate authorities
and service account keys on each node and then running the following as root:

  ${i.joinControlPlaneCommand}

`;
    }
  }
  s += `Then you can join any number of worker nodes by running the following on each as root:

${i.joinWorkerCommand}
`;
  return s;
}

export const showJoinCommandPhase: Phase<InitData> = {
  name: 'show-join-command',
  short: 'Show the join command for control-plane and worker node',
  dependencies: ['bootstrap-token', 'upload-certs'],
  // the kubelet restart kubelet-finalize leaves running is over before init says it succeeded
  settlesBackground: true,
  run: async (d) => {
    const { parseKubeconfig } = await import('../../kubeconfig/kubeconfig.js');
    const { caCertPin } = await import('../../pki/pin.js');
    const { pemBlocks } = await import('../../pki/keys.js');
    const { readAdminKubeconfig, adminKubeconfigLocation } = await import('./admin.js');
    const file = adminKubeconfigLocation(d).file;
    const kc = parseKubeconfig(await readAdminKubeconfig(d), file);
    const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
    const cluster = kc.clusters.find((c) => c.name === ctx?.cluster);
    if (!cluster) throw new TskError(`failed to print join command: malformed kubeconfig file: ${file}`);
    let caData = cluster.certificateAuthorityData;
    if (!caData && cluster.certificateAuthority) caData = await d.host.readFile(cluster.certificateAuthority);
    if (!caData) throw new TskError(`failed to print join command: no CA certificates found in kubeconfig ${file}`);
    const pins = pemBlocks(caData.toString('latin1'))
      .filter((b) => b.type === 'CERTIFICATE')
      .map((b) => caCertPin(`-----BEGIN CERTIFICATE-----\n${b.der.toString('base64')}\n-----END CERTIFICATE-----\n`));
    const endpoint = cluster.server.replace(/https:\/\//g, '');
    const key = runCertificateKeys.get(d) ?? d.cfg.init.certificateKey;
    for (const t of d.cfg.init.bootstrapTokens) {
      const token = d.skipTokenPrint ? WITHHELD : t.token;
      const certKey = d.skipCertificateKeyPrint ? WITHHELD : key;
      d.out.stdout.write(
        initDoneText({
          // kubeadm shows the dry-run copy's path under --dry-run
          kubeconfigPath: d.dryRunDir ? path.posix.join(d.dryRunDir, 'admin.conf') : d.kubeconfigPath,
          controlPlaneEndpoint: d.cfg.cluster.controlPlaneEndpoint,
          uploadCerts: d.uploadCerts,
          joinControlPlaneCommand: joinCommand({ endpoint, token, pins, controlPlane: true, ...(certKey ? { certificateKey: certKey } : {}) }),
          joinWorkerCommand: joinCommand({ endpoint, token, pins, controlPlane: false }),
        }),
      );
    }
  },
};
