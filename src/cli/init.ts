// `tskubeadm init`: the command, its flags, and the builder of the data its phases share.

import type { Command } from 'commander';
import * as path from 'node:path';
import { NodeHost } from '../host/node-host.js';
import type { Host } from '../host/types.js';
import { UsageError } from '../errors.js';
import type { FlagName } from './flags.js';
import { bindWorkflow, flagOrConfigSkips, type PhaseSkip, type ReadFlags } from './bind.js';
import type { CliContext } from './context.js';
import { hostDefaults, makeDryRunDir, readConfigFile } from './input.js';
import { INIT_DESCRIPTION } from './descriptions.js';
import { initPhases } from '../phases/init/index.js';
import { flatten } from '../phases/workflow.js';
import type { InitData } from '../phases/init/data.js';
import { KUBERNETES_DIR, MANIFESTS_DIR, KUBELET_DIR } from '../config/constants.js';
import type { Output } from '../output.js';
import { generateBootstrapToken } from '../util/token.js';

export const INIT_FLAGS: readonly FlagName[] = [
  'apiserver-advertise-address',
  'apiserver-bind-port',
  'apiserver-cert-extra-sans',
  'cert-dir',
  'certificate-key',
  'config',
  'control-plane-endpoint',
  'cri-socket',
  'dry-run',
  'feature-gates',
  'ignore-preflight-errors',
  'image-repository',
  'kubernetes-version',
  'node-name',
  'patches',
  'pod-network-cidr',
  'service-cidr',
  'service-dns-domain',
  'skip-certificate-key-print',
  'skip-token-print',
  'token',
  'token-ttl',
  'upload-certs',
];

/** Flags only `init phase ...` commands may take (kubeadm's additional flags). */
export const INIT_PHASE_ONLY_FLAGS: readonly FlagName[] = ['kubeconfig', 'kubeconfig-dir'];

export interface BuildInitDataOptions {
  flags: ReadFlags;
  host: Host;
  inputs: Host;
  out: Output;
  env: NodeJS.ProcessEnv;
  now?: Date;
}

export async function buildInitData(o: BuildInitDataOptions): Promise<InitData> {
  const { flags, host, inputs, out } = o;
  const v = flags.values;
  const configPath = v.config as string | undefined;
  const text = await readConfigFile(inputs, configPath);
  // the tokens made up because the configuration names none (a resumed init may use the earlier run's instead)
  const generatedTokens = new Set<string>();
  const generateToken = (): string => {
    const t = generateBootstrapToken();
    generatedTokens.add(t);
    return t;
  };
  const { loadInitConfig } = await import('../config/index.js');
  const cfg = await loadInitConfig({
    ...(text !== undefined ? { text, fileName: configPath! } : {}),
    flags: v as import('../config/index.js').InitFlagValues,
    flagsSet: flags.set,
    // stricter than kubeadm, which only warns: an unknown field in the file is an error
    strict: true,
    dynamic: hostDefaults(host, generateToken),
  });
  for (const w of cfg.warnings) out.warn(w);

  const dryRun = (v['dry-run'] as boolean | undefined) === true || cfg.init.dryRun;
  const dryRunDir = dryRun ? await makeDryRunDir(host, o.env, 'KUBEADM_INIT_DRYRUN_DIR', 'kubeadm-init-dryrun', (m) => out.warn(m)) : undefined;

  const ignore = [
    ...new Set([...((v['ignore-preflight-errors'] as string[] | undefined) ?? []), ...cfg.init.nodeRegistration.ignorePreflightErrors].map((s) => s.toLowerCase())),
  ];
  if (ignore.includes('all') && ignore.length > 1) {
    throw new UsageError(`don't specify individual checks if 'all' is used: ${JSON.stringify(ignore.filter((x) => x !== 'all'))}`);
  }
  cfg.init.nodeRegistration.ignorePreflightErrors = [...ignore].sort();

  const kubeconfigDir = (v['kubeconfig-dir'] as string | undefined) ?? KUBERNETES_DIR;
  const certificatesDir = cfg.cluster.certificatesDir;
  // ca.crt without ca.key: everything that CA signs must already be there and valid (kubeadm's newInitData)
  const { checkExternalCASetup } = await import('../phases/init/externalca.js');
  const externalCA = await checkExternalCASetup({ host, cfg, kubeconfigDir, now: o.now ?? host.now(), out });
  const uploadCerts = (v['upload-certs'] as boolean | undefined) === true;
  if (uploadCerts && externalCA) throw new UsageError("can't use upload-certs with an external CA or an external front-proxy CA");

  return {
    cfg,
    host,
    inputs,
    out,
    dryRun,
    dryRunDir,
    certificatesDir,
    certificateWriteDir: dryRunDir ?? certificatesDir,
    kubeconfigDir,
    kubeconfigWriteDir: dryRunDir ?? kubeconfigDir,
    manifestWriteDir: dryRunDir ?? MANIFESTS_DIR,
    kubeletWriteDir: dryRunDir ?? KUBELET_DIR,
    kubeconfigPath: (v.kubeconfig as string | undefined) ?? path.posix.join(KUBERNETES_DIR, 'admin.conf'),
    patchesDir: (v.patches as string | undefined) ?? cfg.init.patches?.directory,
    uploadCerts,
    skipTokenPrint: (v['skip-token-print'] as boolean | undefined) === true,
    skipCertificateKeyPrint: (v['skip-certificate-key-print'] as boolean | undefined) === true,
    ignorePreflightErrors: ignore,
    startTime: o.now ?? host.now(),
    externalCA,
    printManifest: (v['print-manifest'] as boolean | undefined) === true,
    generatedTokens,
  };
}

export function addInitCommand(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('init')
    .description(INIT_DESCRIPTION)
    .addHelpText('before', 'Set up a Kubernetes control plane on this host, then print how other hosts join it.\n');
  bindWorkflow<InitData>(cmd, {
    phases: initPhases,
    flags: INIT_FLAGS,
    phaseOnlyFlags: INIT_PHASE_ONLY_FLAGS,
    out: ctx.out,
    makeData: async (flags) => {
      const g = ctx.globals();
      const host = new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env });
      const inputs = new NodeHost({ env: ctx.env });
      return buildInitData({ flags, host, inputs, out: ctx.out(), env: ctx.env });
    },
    skips: (d, fromFlag) => {
      const base = flagOrConfigSkips(fromFlag, d.cfg.init.skipPhases, 'skipPhases in the InitConfiguration');
      const extra: PhaseSkip[] = [];
      if (d.cfg.cluster.dns.disabled) extra.push({ phase: 'addon/coredns', reason: 'dns.disabled in the ClusterConfiguration' });
      if (d.cfg.cluster.proxy.disabled) extra.push({ phase: 'addon/kube-proxy', reason: 'proxy.disabled in the ClusterConfiguration' });
      const known = new Set(flatten(initPhases).map((f) => f.path));
      return [...base, ...extra.filter((p) => known.has(p.phase))];
    },
    onStart: (d) => d.out.print('init', `Using Kubernetes version: ${d.cfg.cluster.kubernetesVersion}`),
    onDone: async (d, timings) => {
      const v = ctx.globals().verbosity;
      if (v >= 1) for (const [p, ms] of timings) d.out.v(1, `[init] phase ${p} took ${ms} ms`);
    },
  });
}
