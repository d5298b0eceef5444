// The API half of `kubeadm init --dry-run` (upload-config through addon/kube-proxy), compared
// byte for byte with what upstream kubeadm v1.37.2 printed for the same configuration
// (fixtures/init-dryrun-config.yaml; captured with the lab's kubeadm binary). The random parts of
// that run are fed back as inputs: the upload-certs token, the clock, the cluster CA.

import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../../src/output.js';
import type { Host } from '../../../src/host/types.js';
import { RecordingKubeClient } from '../../../src/kube/dryrun.js';
import { uploadKubeadmConfig, uploadKubeletConfig } from '../../../src/phases/shared/cluster/uploadconfig.js';
import { uploadCerts } from '../../../src/phases/shared/cluster/uploadcerts.js';
import { markControlPlane } from '../../../src/phases/shared/cluster/markcontrolplane.js';
import { runBootstrapToken } from '../../../src/phases/shared/cluster/bootstraptoken.js';
import { ensureCoreDNS, ensureKubeProxy } from '../../../src/phases/shared/cluster/addons.js';
import { adminKubeconfig, fixture, fixtureCluster } from './dryrun-fixture.js';

const fixtureLines = fixture.split('\n');

/** The literal block under `  <key>: |` in the first object that has it, de-indented. */
function literalBlock(key: string): string {
  const start = fixtureLines.findIndex((l) => l === `  ${key}: |`);
  expect(start).toBeGreaterThan(-1);
  const out: string[] = [];
  for (let i = start + 1; i < fixtureLines.length && fixtureLines[i]!.startsWith('    '); i++) out.push(fixtureLines[i]!.slice(4));
  return out.join('\n') + '\n';
}


const cluster = fixtureCluster();

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
