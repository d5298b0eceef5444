// kubeadm's rule for mixing --config with other flags (apis/kubeadm/validation ValidateMixedArguments,
// v1.37.2): only config, ignore-preflight-errors, dry-run, kubeconfig, node-name, kubeconfig-dir,
// upload-certs, print-manifest, a few output flags, rootfs, v, and every "skip-*" flag may go with --config.
// Every flag `init` offers is tried with --config: refused (exit 3, naming the flag) or accepted.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, tmpDir } from '../../helpers/cli.js';
import { initConfig } from '../../helpers/configs.js';

const UPSTREAM_ALLOWED = new Set([
  'config', 'ignore-preflight-errors', 'dry-run', 'kubeconfig', 'node-name', 'kubeconfig-dir', 'upload-certs',
  'print-manifest', 'allow-missing-template-keys', 'output', 'show-managed-fields', 'print-join-command', 'rootfs', 'v',
  'log-file', 'yes',
]);
/** tskubeadm's own flags, which say nothing about the configuration (README: deliberate differences) */
const TSKUBEADM_ONLY = new Set(['events']);
const allowedWithConfig = (flag: string) => UPSTREAM_ALLOWED.has(flag) || TSKUBEADM_ONLY.has(flag) || flag.startsWith('skip-');

/** A value each flag accepts on its own, so a refusal can only come from the mix rule. */
const SAMPLE: Record<string, string | null> = {
  'apiserver-advertise-address': '192.0.2.10',
  'apiserver-bind-port': '6443',
  'apiserver-cert-extra-sans': 'api.example.com',
  'cert-dir': '/etc/kubernetes/pki',
  'certificate-key': '0123456789abcdef'.repeat(4),
  'control-plane-endpoint': 'lb.example.com:6443',
  'cri-socket': 'unix:///run/containerd/containerd.sock',
  'dry-run': null,
  events: '-',
  'feature-gates': 'RootlessControlPlane=false',
  'ignore-preflight-errors': 'Swap',
  'image-repository': 'registry.example.com',
  'kubernetes-version': 'v1.37.2',
  'node-name': 'cp-9',
  patches: '/',
  'pod-network-cidr': '10.244.0.0/16',
  'service-cidr': '10.96.0.0/12',
  'service-dns-domain': 'cluster.local',
  'skip-certificate-key-print': null,
  'skip-token-print': null,
  token: 'abcdef.0123456789abcdef',
  'token-ttl': '2h0m0s',
  'upload-certs': null,
};

let initFlags: string[];
let allPhases: string;
let cfg: string;

beforeAll(async () => {
  const help = (await cli(['init', '--help'])).stdout;
  initFlags = [...help.split('\nCommands:')[0]!.matchAll(/^\s+(?:-\w, )?--([a-z0-9-]+)/gm)].map((m) => m[1]!).filter((f) => !['help', 'v', 'rootfs', 'config', 'skip-phases'].includes(f));
  const list = help.slice(help.indexOf('```\n') + 4, help.lastIndexOf('```'));
  allPhases = [...list.matchAll(/^([a-z0-9-]+) /gm)].map((m) => m[1]!).join(',');
  cfg = path.join(tmpDir(), 'kubeadm.yaml');
  fs.writeFileSync(cfg, initConfig({ nodeName: 'cp-1', address: '192.0.2.10', cluster: false }));
});
afterAll(cleanupTmp);

describe('--config mixed with each init flag', () => {
  it('every init flag has a sample value here (a new flag needs a decision)', () => {
    expect(initFlags.length).toBeGreaterThan(15);
    expect(initFlags.filter((f) => !(f in SAMPLE))).toEqual([]);
  });

  it('refuses exactly the flags kubeadm refuses, naming them', async () => {
    const wrong: string[] = [];
    for (const flag of initFlags) {
      const v = SAMPLE[flag];
      const args = ['init', '--config', cfg, '--skip-phases', allPhases, `--${flag}`, ...(v === null || v === undefined ? [] : [v]), '--rootfs', tmpDir()];
      const r = await cli(args);
      const refused = r.stderr.includes(`can not mix '--config' with arguments [${flag}]`);
      if (allowedWithConfig(flag)) {
        if (r.code !== 0 || refused) wrong.push(`--${flag} should be accepted: exit ${r.code}: ${r.stderr.trim()}`);
      } else if (r.code !== 3 || !refused) {
        wrong.push(`--${flag} should be refused: exit ${r.code}: ${r.stderr.trim()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('names every offending flag at once, in order', async () => {
    const r = await cli(['init', '--config', cfg, '--service-cidr', '10.96.0.0/12', '--token', 'abcdef.0123456789abcdef', '--rootfs', tmpDir()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/can not mix '--config' with arguments \[(service-cidr token|token service-cidr)\]/);
  });
});
