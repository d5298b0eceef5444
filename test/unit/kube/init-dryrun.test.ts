// The API half of `kubeadm init --dry-run` (upload-config through addon/kube-proxy), compared
// byte for byte with what upstream kubeadm v1.37.2 printed for the same configuration
// (fixtures/init-dryrun-config.yaml; captured with the lab's kubeadm binary). The random parts of
// that run are fed back as inputs: the upload-certs token, the clock, the cluster CA.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../../src/output.js';
import type { Host } from '../../../src/host/types.js';
import type { ClusterConfiguration } from '../../../src/config/types.js';
import { RecordingKubeClient } from '../../../src/kube/dryrun.js';
import { uploadKubeadmConfig, uploadKubeletConfig } from '../../../src/phases/init/cluster/uploadconfig.js';
import { uploadCerts } from '../../../src/phases/init/cluster/uploadcerts.js';
import { markControlPlane } from '../../../src/phases/init/cluster/markcontrolplane.js';
import { runBootstrapToken } from '../../../src/phases/init/cluster/bootstraptoken.js';
import { ensureCoreDNS, ensureKubeProxy } from '../../../src/phases/init/cluster/addons.js';

const fixture = readFileSync(new URL('./fixtures/init-dryrun-v1.37.2.txt', import.meta.url), 'utf8');
const fixtureLines = fixture.split('\n');

/** The literal block under `  <key>: |` in the first object that has it, de-indented. */
function literalBlock(key: string): string {
  const start = fixtureLines.findIndex((l) => l === `  ${key}: |`);
  expect(start).toBeGreaterThan(-1);
  const out: string[] = [];
  for (let i = start + 1; i < fixtureLines.length && fixtureLines[i]!.startsWith('    '); i++) out.push(fixtureLines[i]!.slice(4));
  return out.join('\n') + '\n';
}

const caData = /certificate-authority-data: (\S+)/.exec(fixture)![1]!;
const adminKubeconfig = `apiVersion: v1
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

const cluster: ClusterConfiguration = {
  etcd: { local: { dataDir: '/var/lib/etcd', extraArgs: [], extraEnvs: [], serverCertSANs: [], peerCertSANs: [] } },
  networking: { serviceSubnet: '10.96.0.0/12', podSubnet: '10.244.0.0/16', dnsDomain: 'cluster.local' },
  kubernetesVersion: 'v1.37.2',
  controlPlaneEndpoint: '',
  apiServer: { extraArgs: [], extraVolumes: [], extraEnvs: [], certSANs: [] },
  controllerManager: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
  scheduler: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
  dns: { disabled: false },
  proxy: { disabled: false },
  certificatesDir: '/etc/kubernetes/pki',
  imageRepository: 'registry.k8s.io',
  featureGates: {},
  clusterName: 'kubernetes',
  encryptionAlgorithm: 'RSA-2048',
  certificateValidityPeriod: '8760h0m0s',
  caCertificateValidityPeriod: '87600h0m0s',
};

// /etc/kubernetes/pki does not exist on the machine the fixture was captured on
const emptyHost = {
  exists: async () => false,
  readFile: async (p: string) => {
    throw new Error(`unexpected read of ${p}`);
  },
} as unknown as Host;

describe('init --dry-run API output', () => {
  it('matches kubeadm v1.37.2 from upload-config to addon/kube-proxy', async () => {
    const out = memoryOutput();
    const client = new RecordingKubeClient({ out });
    const now = new Date('2026-11-22T19:25:23Z');

    await uploadKubeadmConfig(client, out, literalBlock('ClusterConfiguration'));
    await uploadKubeletConfig(client, out, literalBlock('kubelet'), { userSupplied: false });
    await uploadCerts(client, emptyHost, out, {
      cluster,
      certificateKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      generateToken: () => '74ucsm.7bgipjr4qvm3gvcn',
      now,
    });
    await markControlPlane(client, out, 'cp1', null);
    await runBootstrapToken(client, out, {
      tokens: [
        {
          token: 'abcdef.0123456789abcdef',
          ttl: '24h0m0s',
          usages: ['signing', 'authentication'],
          groups: ['system:bootstrappers:kubeadm:default-node-token'],
        },
      ],
      skipTokenPrint: false,
      adminKubeconfig,
      now,
    });
    await ensureCoreDNS(client, out, cluster);
    await ensureKubeProxy(client, out, { cluster, localAPIEndpoint: { advertiseAddress: '10.0.0.5', bindPort: 6443 }, env: {} });

    const got = out.text().split("\n");
    const want = fixture.replace(/\n$/, '').split('\n');
    // compare line by line first for a readable failure, then as a whole
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      if (got[i] !== want[i]) {
        expect({ line: i + 1, got: got[i] }).toEqual({ line: i + 1, got: want[i] });
      }
    }
    expect(got.join('\n')).toBe(want.join('\n'));
  });
});
