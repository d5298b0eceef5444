// `tskubeadm token create [token]` (kubeadm's RunCreateToken): the token from the flags (or the
// --config file's bootstrapTokens), stored as its Secret, then the token or a one-line join command.

import type { Host } from '../host/types.js';
import type { Output } from '../output.js';
import { TskError, UsageError } from '../errors.js';
import { generateBootstrapToken } from '../util/token.js';
import { KUBERNETES_VERSION } from '../versions.js';
import { oneLineJoinCommand } from '../util/joincommand.js';
import { kubeconfigPath, tokenClient } from './client.js';
import { joinTarget } from './joinline.js';

export interface CreateTokenOptions {
  host: Host;
  /** where files named on the command line (--config) are read */
  inputs: Host;
  out: Output;
  env: NodeJS.ProcessEnv;
  /** the positional [token] */
  token?: string;
  configPath?: string;
  configText?: string;
  /** flag values (ttl already a Go duration) and which flags the user set */
  ttl: string;
  usages: string[];
  groups: string[];
  description: string;
  printJoinCommand: boolean;
  certificateKey: string;
  kubeconfig?: string;
  dryRun: boolean;
  flagsSet: string[];
  now?: () => Date;
  program?: string;
}

/** The InitConfiguration document kubeadm builds from the token flags when there is no --config. */
function tokenDocument(o: CreateTokenOptions): string {
  const t: Record<string, unknown> = { ttl: o.ttl, usages: o.usages, groups: o.groups };
  if (o.token) t.token = o.token;
  if (o.description) t.description = o.description;
  return JSON.stringify({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'InitConfiguration', bootstrapTokens: [t] }) + '\n---\n' + PINNED_CLUSTER;
}

/**
 * kubeadm hands LoadOrDefaultInitConfiguration a ClusterConfiguration pinned to its own version (so no
 * version label is looked up); it applies whenever the file has no ClusterConfiguration of its own.
 */
const PINNED_CLUSTER = JSON.stringify({ apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', kubernetesVersion: KUBERNETES_VERSION });

function withPinnedCluster(text: string): string {
  if (/^kind:\s*["']?ClusterConfiguration["']?\s*$/m.test(text)) return text;
  return text.replace(/\n*$/, '\n') + '---\n' + PINNED_CLUSTER + '\n';
}

export async function runCreateToken(o: CreateTokenOptions): Promise<void> {
  const { checkMixedArguments, loadInitConfig } = await import('../config/index.js');
  const { BOOTSTRAP_TOKEN_PATTERN } = await import('../config/constants.js');
  checkMixedArguments(o.flagsSet, o.configText !== undefined);
  if (o.token !== undefined && o.token !== '' && !BOOTSTRAP_TOKEN_PATTERN.test(o.token)) {
    throw new UsageError(`the bootstrap token "${o.token}" was not of the form "\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z"`);
  }
  // kubeadm only finds this out after the token is created; refusing first leaves nothing behind
  if (!o.printJoinCommand && o.certificateKey !== '') throw new UsageError('cannot use --certificate-key without --print-join-command');

  o.out.v(1, '[token] loading configurations');
  const fromFlags = o.configText === undefined;
  const cfg = await loadInitConfig({
    text: fromFlags ? tokenDocument(o) : withPinnedCluster(o.configText!),
    ...(fromFlags ? {} : { fileName: o.configPath! }),
    flags: {},
    flagsSet: [],
    strict: true,
    dynamic: {
      hostname: () => o.host.hostname(),
      defaultAddress: () => o.host.defaultRouteAddress(4),
      generateToken: generateBootstrapToken,
    },
  });
  for (const w of cfg.warnings) o.out.warn(w);

  // kubeadm reads the kubeconfig before the configuration; checking the configuration first refuses
  // bad flags without a cluster
  const file = await kubeconfigPath(o.host, o.kubeconfig, o.env);
  o.out.v(1, `[token] getting Clientsets from kubeconfig file`);
  const client = await tokenClient({ host: o.host, file, dryRun: o.dryRun, out: o.out });

  o.out.v(1, '[token] creating token');
  const { updateOrCreateTokens } = await import('../phases/shared/cluster/bootstraptoken.js');
  await updateOrCreateTokens(client, true, cfg.init.bootstrapTokens, (o.now ?? (() => new Date()))());

  const token = cfg.init.bootstrapTokens[0]!.token;
  if (!o.printJoinCommand) {
    o.out.stdout.write(token + '\n');
    return;
  }
  const { endpoint, pins } = await joinTarget(o.host, file).catch((e: unknown) => {
    throw new TskError(`failed to get join command: ${(e as Error).message}`, 1, { cause: e });
  });
  const controlPlane = o.certificateKey !== '';
  const line = oneLineJoinCommand(
    { endpoint, token, pins, controlPlane, ...(controlPlane ? { certificateKey: o.certificateKey } : {}) },
    o.program ?? 'tskubeadm',
  );
  o.out.stdout.write(line + '\n');
}
