// `tskubeadm join`: the command, its flags, and the builder of the data its phases share.

import type { Command } from 'commander';
import * as path from 'node:path';
import { NodeHost } from '../host/node-host.js';
import type { Host } from '../host/types.js';
import { TskError, UsageError } from '../errors.js';
import type { FlagName } from './flags.js';
import { bindWorkflow, flagOrConfigSkips, type ReadFlags } from './bind.js';
import type { CliContext } from './context.js';
import { hostDefaults, makeDryRunDir, readConfigFile } from './input.js';
import type { Output } from '../output.js';
import { JOIN_DESCRIPTION } from './descriptions.js';
import { joinPhases } from '../phases/join/index.js';
import { JOIN_FLAGS } from '../phases/join/flags.js';
import { ADMIN_CONF, KUBELET_DIR, KUBERNETES_DIR, MANIFESTS_DIR, type JoinData } from '../phases/join/data.js';
import { joinDoneText } from '../phases/join/done.js';
import type { InitConfig } from '../config/types.js';
import type { KubeClient } from '../kube/base.js';


export interface BuildJoinDataOptions {
  flags: ReadFlags;
  /** the names of the flags the invoked command takes */
  accepted: readonly FlagName[];
  args: string[];
  host: Host;
  inputs: Host;
  out: Output;
  env: NodeJS.ProcessEnv;
  now?: Date;
}

const memo = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => {
    if (!p) {
      p = f();
      p.catch(() => (p = undefined));
    }
    return p;
  };
};

export async function buildJoinData(o: BuildJoinDataOptions): Promise<JoinData> {
  const { flags, host, inputs, out, args } = o;
  const v = { ...flags.values };
  if (args.length > 1) throw new UsageError(`accepts at most 1 arg(s), received ${args.length}`);
  const configPath = v.config as string | undefined;
  const controlPlaneFlag = v['control-plane'] === true;
  // a control-plane join whose admin.conf already exists (phases run one by one) skips discovery
  const adminExists = await host.exists(ADMIN_CONF);
  if (!o.accepted.includes('discovery-file')) {
    // a phase command without discovery flags works from this node's admin.conf (kubeadm's rule)
    if (!adminExists) {
      throw new TskError(`File ${ADMIN_CONF} does not exists. Please use 'kubeadm join phase control-plane-prepare' subcommands to generate it.`);
    }
    out.v(1, `[preflight] found discovery flags missing for this command. using FileDiscovery: ${ADMIN_CONF}`);
    v['discovery-file'] = ADMIN_CONF;
  }
  const text = await readConfigFile(inputs, configPath);
  const { loadJoinConfig } = await import('../config/index.js');
  const { detectCRISocket } = await import('../cri/detect.js');
  const cfg = await loadJoinConfig({
    ...(text !== undefined ? { text, fileName: configPath! } : {}),
    flags: v,
    flagsSet: flags.set,
    args,
    // stricter than kubeadm, which only warns: an unknown field in the file is an error
    strict: true,
    dynamic: { ...hostDefaults(host, () => ''), detectCRISocket: () => detectCRISocket(host) },
  });
  for (const w of cfg.warnings) out.warn(w);
  const join = cfg.join;

  const dryRun = join.dryRun;
  const dryRunDir = dryRun ? await makeDryRunDir(host, o.env, 'KUBEADM_JOIN_DRYRUN_DIR', 'kubeadm-join-dryrun', (m) => out.warn(m)) : undefined;

  const { parseDuration } = await import('../config/duration.js');
  const apiCallTimeoutMs = parseDuration(join.timeouts.kubernetesAPICall);
  const kubeconfigDir = dryRunDir ?? KUBERNETES_DIR;
  const useAdmin = controlPlaneFlag && adminExists;

  const tlsBootstrapConfig = memo(async (): Promise<string> => {
    if (useAdmin) {
      out.v(1, `[preflight] found ${ADMIN_CONF}. Use it for skipping discovery`);
      return host.readText(ADMIN_CONF);
    }
    out.v(1, '[preflight] Discovering cluster-info');
    const { discoverTLSBootstrapConfig } = await import('../phases/join/discovery.js');
    discovered = await discoverTLSBootstrapConfig({ join, host, inputs, out, dryRun, dryRunClient: dryRun ? dryRunClient : undefined });
    return discovered;
  });

  const bootstrapClient = memo(async (): Promise<KubeClient> => {
    const { createKubeClient } = await import('../kube/client.js');
    return createKubeClient({ kubeconfig: await tlsBootstrapConfig(), apiCallTimeoutMs });
  });

  let discovered: string | undefined;
  /**
   * Under --dry-run kubeadm's recorder, reading from the live cluster as kubeadm's does: through this
   * run's admin.conf once it exists, else the discovered TLS bootstrap kubeconfig, else anonymously
   * from the endpoint given on the command line. Made afresh on every call, as in kubeadm.
   */
  const dryRunClient = async (): Promise<KubeClient> => {
    const { RecordingKubeClient } = await import('../kube/dryrun.js');
    const { joinDryRunReactors } = await import('../kube/dryrun-fakes.js');
    const { createKubeClient, loadKubeClient } = await import('../kube/client.js');
    const admin = path.posix.join(kubeconfigDir, 'admin.conf');
    let reads: KubeClient | undefined;
    if (await host.exists(admin)) reads = await loadKubeClient(host, admin, { apiCallTimeoutMs });
    else if (discovered !== undefined) reads = await createKubeClient({ kubeconfig: discovered, apiCallTimeoutMs });
    else if (join.discovery.bootstrapToken) {
      const { buildInsecureBootstrapKubeConfig } = await import('../discovery/token.js');
      const { transportKubeconfig } = await import('../discovery/file.js');
      reads = await createKubeClient({ kubeconfig: transportKubeconfig(buildInsecureBootstrapKubeConfig(join.discovery.bootstrapToken.apiServerEndpoint)), apiCallTimeoutMs });
    }
    return new RecordingKubeClient({ out, apiCallTimeoutMs, reactors: joinDryRunReactors(), ...(reads ? { reads } : {}) });
  };
  const adminClient = memo(async (): Promise<KubeClient> => {
    const { loadKubeClient } = await import('../kube/client.js');
    return loadKubeClient(host, path.posix.join(kubeconfigDir, 'admin.conf'), { apiCallTimeoutMs });
  });
  const client = (): Promise<KubeClient> => (dryRun ? dryRunClient() : adminClient());

  const initCfg = memo(async (): Promise<InitConfig> => {
    await tlsBootstrapConfig();
    out.v(1, '[preflight] Fetching init configuration');
    out.v(1, '[preflight] Retrieving KubeConfig objects');
    const { fetchInitConfigForJoin } = await import('../phases/join/cluster-config.js');
    return fetchInitConfigForJoin({ client: dryRun ? await client() : await bootstrapClient(), host, out, join, apiCallTimeoutMs });
  });

  return {
    cfg,
    host,
    inputs,
    out,
    dryRun,
    dryRunDir,
    kubeconfigDir,
    kubeletDir: dryRunDir ?? KUBELET_DIR,
    manifestDir: dryRunDir ?? MANIFESTS_DIR,
    patchesDir: (v.patches as string | undefined) ?? join.patches?.directory,
    ignorePreflightErrors: join.nodeRegistration.ignorePreflightErrors,
    startTime: o.now ?? host.now(),
    certificateKey: join.controlPlane?.certificateKey ?? '',
    tlsBootstrapConfig,
    initCfg,
    certificateWriteDir: async () => dryRunDir ?? (await initCfg()).cluster.certificatesDir,
    bootstrapClient,
    client,
  };
}

/** runs of the whole command (not of one phase) */
const whole = new WeakSet<JoinData>();

export function addJoinCommand(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('join')
    .description(JOIN_DESCRIPTION)
    .argument('[api-server-endpoint...]')
    .addHelpText('before', 'Join this host to an existing cluster: as a worker, or with --control-plane as another control-plane instance.\n');
  bindWorkflow<JoinData>(cmd, {
    phases: joinPhases,
    flags: JOIN_FLAGS,
    out: ctx.out,
    use: 'join [api-server-endpoint]',
    makeData: async (flags, args, accepted) => {
      const g = ctx.globals();
      const host = new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env });
      const inputs = new NodeHost({ env: ctx.env });
      return buildJoinData({ flags, accepted, args, host, inputs, out: ctx.out(), env: ctx.env });
    },
    skips: (d, fromFlag) => flagOrConfigSkips(fromFlag, d.cfg.join.skipPhases, 'skipPhases in the JoinConfiguration'),
    onStart: (d) => {
      whole.add(d);
    },
    // better than kubeadm: a control-plane join that fails after adding its etcd member removes it again
    onError: async (d) => {
      const { rollbackEtcdMember } = await import('../phases/join/etcd-join.js');
      await rollbackEtcdMember(d);
    },
    onDone: async (d, timings) => {
      if (ctx.globals().verbosity >= 1) for (const [p, ms] of timings) d.out.v(1, `[join] phase ${p} took ${ms} ms`);
      // the closing text belongs to the whole command, not to a single `join phase ...`
      if (!whole.has(d)) return;
      const cfg = d.cfg.join.controlPlane ? await d.initCfg() : undefined;
      d.out.stdout.write(joinDoneText({ controlPlane: d.cfg.join.controlPlane !== undefined, externalEtcd: cfg?.cluster.etcd.external !== undefined }));
    },
  });
}
