// `tskubeadm reset`: the command, its flags, and the builder of the data its phases share.

import type { Command } from 'commander';
import { NodeHost } from '../host/node-host.js';
import type { Host } from '../host/types.js';
import { errorMessage, TskError } from '../errors.js';
import type { FlagName } from './flags.js';
import { bindWorkflow, flagOrConfigSkips, type ReadFlags } from './bind.js';
import type { CliContext } from './context.js';
import { readConfigFile } from './input.js';
import { resetPhases } from '../phases/reset/index.js';
import { ADMIN_KUBECONFIG, type ClusterState, type ResetData } from '../phases/reset/data.js';
import type { Output } from '../output.js';
import type { KubeClient } from '../kube/base.js';

export const RESET_DESCRIPTION = 'Undo, as far as it can, what init or join did to this host';

export const RESET_FLAGS: readonly FlagName[] = [
  'cert-dir',
  'cleanup-tmp-dir',
  'config',
  'cri-socket',
  'dry-run',
  'force',
  'ignore-preflight-errors',
  'kubeconfig',
];

/** What kubeadm 1.34+ prints after a whole reset (dedented, with its blank lines). */
export const MANUAL_CLEANUP_INSTRUCTIONS =
  '\nThe reset process does not perform cleanup of CNI plugin configuration,\n' +
  'network filtering rules and kubeconfig files.\n\n' +
  'For information on how to perform this cleanup manually, please see:\n' +
  '    https://k8s.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/\n\n';

export interface BuildResetDataOptions {
  flags: ReadFlags;
  /** the target host (confined under --rootfs when given) */
  host: Host;
  /** unconfined access to the files named on the command line (--config) */
  inputs: Host;
  out: Output;
  stdin?: NodeJS.ReadableStream;
}

export async function buildResetData(o: BuildResetDataOptions): Promise<ResetData> {
  const { flags, host, inputs, out } = o;
  const v = flags.values;
  const configPath = v.config as string | undefined;
  const text = await readConfigFile(inputs, configPath);
  const { loadResetConfig, parseDuration } = await import('../config/index.js');
  const { fetchClusterState } = await import('../phases/reset/cluster.js');
  const { detectCRISocket } = await import('../cri/detect.js');
  const { reset, warnings } = await loadResetConfig({
    ...(text !== undefined ? { text, fileName: configPath! } : {}),
    flags: v,
    flagsSet: flags.set,
    strict: true,
    dynamic: {
      hostname: () => host.hostname(),
      defaultAddress: async () => undefined,
      generateToken: () => '',
      detectCRISocket: () => detectCRISocket(host),
    },
  });
  for (const w of warnings) out.warn(w);
  const dryRun = reset.dryRun;
  const kubernetesAPICallTimeoutMs = parseDuration(reset.timeouts.kubernetesAPICall);
  const etcdAPICallTimeoutMs = parseDuration(reset.timeouts.etcdAPICall);
  const kubeconfigPath = (v.kubeconfig as string | undefined) ?? ADMIN_KUBECONFIG;

  // the cluster client: a recording one in dry-run (reads still go to the cluster when admin.conf is there)
  const { loadKubeClient } = await import('../kube/client.js');
  let client: KubeClient | undefined;
  let clientError: unknown;
  try {
    if (dryRun) {
      const { RecordingKubeClient } = await import('../kube/dryrun.js');
      const { resetDryRunReactors } = await import('../kube/dryrun-fakes.js');
      let reads: KubeClient | undefined;
      if (await host.exists(kubeconfigPath)) reads = await loadKubeClient(host, kubeconfigPath, { requestTimeoutMs: 10_000 });
      client = new RecordingKubeClient({ out, reactors: resetDryRunReactors(), nodeReactors: false, ...(reads ? { reads } : {}) });
    } else {
      client = await loadKubeClient(host, kubeconfigPath, { requestTimeoutMs: 10_000, apiCallTimeoutMs: kubernetesAPICallTimeoutMs });
    }
  } catch (e) {
    clientError = e;
  }

  let clusterState: ClusterState | undefined;
  if (client) {
    out.v(1, `[reset] Loaded client set from kubeconfig file: ${kubeconfigPath}`);
    try {
      clusterState = await fetchClusterState({ client, host, out, apiCallTimeoutMs: kubernetesAPICallTimeoutMs });
    } catch (e) {
      out.warn(`[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: ${errorMessage(e)}`);
    }
  } else {
    out.v(1, `[reset] Could not obtain a client set from the kubeconfig file: ${kubeconfigPath} (${errorMessage(clientError)})`);
  }

  // kubeadm's order: the flag, then the ResetConfiguration (detected when empty), then the cluster's
  // record of this node, then detection. The ResetConfiguration is always defaulted, so in practice
  // the cluster's socket is never used (the same holds in kubeadm).
  let criSocket = flags.set.includes('cri-socket') ? String(v['cri-socket'] ?? '') : '';
  if (criSocket === '') {
    criSocket = reset.criSocket || clusterState?.criSocket || (await detectCRISocket(host));
    out.v(1, `[reset] Using specified CRI socket: ${criSocket}`);
  }

  // the flag, then the ResetConfiguration, then the cluster's ClusterConfiguration, then the default.
  // As in kubeadm, the ResetConfiguration's certificatesDir is defaulted, so the cluster's is reached
  // only if that default is ever dropped.
  let certificatesDir = '/etc/kubernetes/pki';
  if (flags.set.includes('cert-dir')) certificatesDir = String(v['cert-dir']);
  else if (reset.certificatesDir) certificatesDir = reset.certificatesDir;
  else if (clusterState?.cluster.certificatesDir) certificatesDir = clusterState.cluster.certificatesDir;

  const kubeClient = client;
  return {
    host,
    out,
    reset,
    clusterState,
    client,
    dryRun,
    force: reset.force,
    cleanupTmpDir: reset.cleanupTmpDir,
    certificatesDir,
    criSocket,
    ignorePreflightErrors: reset.ignorePreflightErrors,
    stdin: o.stdin,
    etcdAPICallTimeoutMs,
    kubernetesAPICallTimeoutMs,
    etcdClient: async () => {
      if (!kubeClient) throw new TskError('no client to read the etcd endpoints with');
      const { etcdClientFromCluster, readEtcdClientTLS } = await import('../etcd/factory.js');
      return etcdClientFromCluster(kubeClient, {
        kubernetesAPICallTimeoutMs,
        timeoutMs: etcdAPICallTimeoutMs,
        tls: readEtcdClientTLS(host, clusterState?.cluster.certificatesDir || certificatesDir),
        log: (level, msg) => out.v(level, msg),
      });
    },
    wholeCommand: false,
  };
}

export function addResetCommand(program: Command, ctx: CliContext): void {
  const cmd = program.command('reset').description(RESET_DESCRIPTION);
  bindWorkflow<ResetData>(cmd, {
    phases: resetPhases,
    flags: RESET_FLAGS,
    out: ctx.out,
    makeData: async (flags) => {
      const g = ctx.globals();
      const host = new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env });
      const inputs = new NodeHost({ env: ctx.env });
      return buildResetData({ flags, host, inputs, out: ctx.out(), ...(ctx.stdin ? { stdin: ctx.stdin } : {}) });
    },
    // the flag wins; when it is empty, the ResetConfiguration's skipPhases
    skips: (d, fromFlag) => flagOrConfigSkips(fromFlag, d.reset.skipPhases, 'skipPhases in the ResetConfiguration'),
    onStart: (d) => {
      d.wholeCommand = true;
    },
    onDone: (d) => {
      if (d.wholeCommand) d.out.stdout.write(MANUAL_CLEANUP_INSTRUCTIONS);
    },
  });
}
