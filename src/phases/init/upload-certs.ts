// init phase "upload-certs": the shared control-plane certificates, encrypted with the run's
// certificate key, in the kubeadm-certs Secret (the work: src/phases/shared/cluster/uploadcerts.ts).

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { clusterClient, runCertificateKeys } from './admin.js';

export const uploadCertsPhase: Phase<InitData> = {
  name: 'upload-certs',
  short: 'Upload certificates to kubeadm-certs',
  long: 'Upload control plane certificates to the kubeadm-certs Secret',
  inheritFlags: ['config', 'kubeconfig', 'upload-certs', 'certificate-key', 'skip-certificate-key-print', 'dry-run'],
  run: async (d) => {
    if (!d.uploadCerts) {
      d.out.print('upload-certs', 'Skipping phase. Please see --upload-certs');
      return;
    }
    const client = await clusterClient(d);
    const { createCertificateKey } = await import('../../kube/objects/copycerts.js');
    const { generateBootstrapToken } = await import('../../util/token.js');
    const { uploadCerts } = await import('../shared/cluster/uploadcerts.js');
    let key = runCertificateKeys.get(d) ?? d.cfg.init.certificateKey;
    if (!key) {
      key = createCertificateKey();
      runCertificateKeys.set(d, key);
    }
    await uploadCerts(client, d.host, d.out, {
      cluster: { ...d.cfg.cluster, certificatesDir: d.certificatesDir },
      certificateKey: key,
      generateToken: generateBootstrapToken,
      now: d.host.now(),
      skipCertificateKeyPrint: d.skipCertificateKeyPrint,
    });
  },
};
