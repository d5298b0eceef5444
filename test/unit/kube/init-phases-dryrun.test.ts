// The init API phases wired to InitData, run under --dry-run: the same output as upstream
// kubeadm v1.37.2 (fixtures/init-dryrun-v1.37.2.txt), now with the ClusterConfiguration and
// KubeletConfiguration marshalled by tskubeadm itself instead of being copied from the fixture.
import { describe, expect, it } from 'vitest';
import { memoryOutput } from '../../../src/output.js';
import type { Host } from '../../../src/host/types.js';
import type { InitConfig } from '../../../src/config/types.js';
import type { InitData } from '../../../src/phases/init/data.js';
import { runWorkflow } from '../../../src/phases/workflow.js';
import { addonPhase } from '../../../src/phases/init/addon.js';
import { bootstrapTokenPhase } from '../../../src/phases/init/bootstrap-token.js';
import { markControlPlanePhase } from '../../../src/phases/init/mark-control-plane.js';
import { uploadCertsPhase } from '../../../src/phases/init/upload-certs.js';
import { uploadConfigPhase } from '../../../src/phases/init/upload-config.js';
import { runCertificateKeys } from '../../../src/phases/init/admin.js';
import { adminKubeconfig, fixture, fixtureCluster } from './dryrun-fixture.js';

const DRY = '/etc/kubernetes/tmp/kubeadm-init-dryrun1';

function host(): Host {
  const files = new Map([[`${DRY}/admin.conf`, adminKubeconfig]]);
  return {
    exists: async (p: string) => files.has(p),
    readText: async (p: string) => {
      const f = files.get(p);
      if (f === undefined) throw new Error(`ENOENT: ${p}`);
      return f;
    },
    readFile: async (p: string) => Buffer.from(files.get(p) ?? ''),
    now: () => new Date('2026-11-22T19:25:23Z'),
    env: () => undefined,
  } as unknown as Host;
}

function config(): InitConfig {
  return {
    init: {
      bootstrapTokens: [
        { token: 'abcdef.0123456789abcdef', ttl: '24h0m0s', usages: ['signing', 'authentication'], groups: ['system:bootstrappers:kubeadm:default-node-token'] },
      ],
      dryRun: true,
      nodeRegistration: {
        name: 'cp1',
        criSocket: 'unix:///var/run/containerd/containerd.sock',
        taints: null,
        kubeletExtraArgs: [],
        ignorePreflightErrors: [],
        imagePullPolicy: 'IfNotPresent',
        imagePullSerial: true,
      },
      localAPIEndpoint: { advertiseAddress: '10.0.0.5', bindPort: 6443 },
      certificateKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      skipPhases: [],
      timeouts: {
        controlPlaneComponentHealthCheck: '4m0s',
        kubeletHealthCheck: '4m0s',
        kubernetesAPICall: '1m0s',
        etcdAPICall: '2m0s',
        tlsBootstrap: '5m0s',
        discovery: '5m0s',
        upgradeManifests: '5m0s',
      },
    },
    cluster: fixtureCluster(),
    warnings: [],
  };
}

describe('init API phases under --dry-run', () => {
  it('print what kubeadm v1.37.2 prints', async () => {
    const out = memoryOutput();
    const h = host();
    const data = {
      cfg: config(),
      host: h,
      inputs: h,
      out,
      dryRun: true,
      dryRunDir: DRY,
      certificatesDir: '/etc/kubernetes/pki',
      kubeconfigWriteDir: DRY,
      kubeconfigPath: '/etc/kubernetes/admin.conf',
      uploadCerts: true,
      skipTokenPrint: false,
      skipCertificateKeyPrint: false,
    } as unknown as InitData;
    await runWorkflow([uploadConfigPhase, uploadCertsPhase, markControlPlanePhase, bootstrapTokenPhase, addonPhase], {
      out,
      data: async () => data,
    });
    expect(runCertificateKeys.get(data)).toBeUndefined(); // the configured key was used
    // the owner token is random here: mask it (and what depends on it) on both sides
    const mask = (s: string) =>
      s
        .replace(/bootstrap-token-[a-z0-9]{6}/g, 'bootstrap-token-XXXXXX')
        .replace(/^(  token-(id|secret): ).*$/gm, (m, p1: string) => (m.includes('YWJjZGVm') || m.includes('MDEyMzQ1Njc4OWFiY2RlZg==') ? m : `${p1}MASKED`));
    const got = mask(out.text()).split('\n');
    const want = mask(fixture.replace(/\n$/, '')).split('\n');
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      if (got[i] !== want[i]) expect({ line: i + 1, text: got[i] }).toEqual({ line: i + 1, text: want[i] });
    }
    expect(got.length).toBe(want.length);
  });
});
