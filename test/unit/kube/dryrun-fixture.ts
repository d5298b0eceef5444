// What upstream kubeadm v1.37.2 printed for `init --dry-run` on fixtures/init-dryrun-config.yaml
// (captured with the lab's kubeadm binary), and the inputs that reproduce that run.
import { readFileSync } from 'node:fs';
import type { ClusterConfiguration } from '../../../src/config/types.js';
import { defaultCluster } from '../manifests/fixtures.js';

export const fixture = readFileSync(new URL('./fixtures/init-dryrun-v1.37.2.txt', import.meta.url), 'utf8');

/** The cluster CA of the captured run, as it appears in its cluster-info kubeconfig. */
export const caData = /certificate-authority-data: (\S+)/.exec(fixture)![1]!;

/** An admin kubeconfig for that cluster (the dry run only reads its server and CA). */
export const adminKubeconfig = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${caData}
    server: https://10.0.0.5:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
users:
- name: kubernetes-admin
  user: {}
`;

/** The captured run's ClusterConfiguration: kubeadm's defaults plus podSubnet 10.244.0.0/16. */
export function fixtureCluster(): ClusterConfiguration {
  const c = defaultCluster();
  return { ...c, networking: { ...c.networking, podSubnet: '10.244.0.0/16' } };
}
