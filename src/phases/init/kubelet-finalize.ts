// init phase "kubelet-finalize": once the kubelet holds a rotated client certificate
// (/var/lib/kubelet/pki/kubelet-client-current.pem), point kubelet.conf at it instead of the embedded
// certificate, and restart the kubelet.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import { allPhase, type Phase } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { KUBERNETES_DIR } from '../../config/constants.js';
import { tryRestartKubelet } from './kubelet-start.js';

const FLAGS: readonly FlagName[] = ['config', 'cert-dir', 'dry-run'];
/** how long to give the kubelet to finish its first rotation (kubeadm checks once, without waiting) */
const ROTATION_WAIT_MS = 10_000;

/** kubelet.conf with its user pointing at the rotatable PEM file (both certificate and key). */
export async function pointKubeconfigAtPem(text: string, file: string, pemPath: string): Promise<string> {
  const { load } = await import('js-yaml');
  const { toGoYaml } = await import('../../manifests/goyaml.js');
  const doc = load(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') throw new TskError(`could not load "${file}": not a kubeconfig`);
  const current = doc['current-context'];
  if (typeof current !== 'string' || !current) throw new TskError(`the file "${file}" does not have current context set`);
  const contexts = (doc.contexts as { name: string; context?: { user?: string } }[] | undefined) ?? [];
  const ctx = contexts.find((c) => c.name === current);
  if (!ctx) throw new TskError(`the file "${file}" is not a valid kubeconfig: "${current}" set as current-context, but not found in context list`);
  const userName = ctx.context?.user;
  if (!userName) throw new TskError(`the file "${file}" is not a valid kubeconfig: empty username for current context`);
  const users = (doc.users as { name: string; user?: Record<string, unknown> }[] | undefined) ?? [];
  const u = users.find((x) => x.name === userName);
  if (!u) throw new TskError(`the file "${file}" does not contain authentication for user "${userName}"`);
  const user = { ...(u.user ?? {}) };
  delete user['client-certificate-data'];
  delete user['client-key-data'];
  user['client-certificate'] = pemPath;
  user['client-key'] = pemPath;
  u.user = user;
  return toGoYaml(doc);
}

const enableClientCertRotation: Phase<InitData> = {
  name: 'enable-client-cert-rotation',
  short: 'Enable kubelet client certificate rotation',
  inheritFlags: FLAGS,
  run: async (d, ctx) => {
    let pkiDir = path.posix.join(d.kubeletWriteDir, 'pki');
    for (const a of d.cfg.init.nodeRegistration.kubeletExtraArgs) if (a.name === 'cert-dir') pkiDir = a.value;
    const pemPath = path.posix.join(pkiDir, 'kubelet-client-current.pem');
    let present = await d.host.exists(pemPath);
    if (!present && !d.dryRun) {
      const deadline = Date.now() + ROTATION_WAIT_MS;
      while (!present && Date.now() < deadline) {
        await d.host.sleep(200);
        present = await d.host.exists(pemPath);
      }
    }
    if (!present) {
      d.out.v(1, `[kubelet-finalize] Assuming that kubelet client certificate rotation is disabled: ${pemPath} does not exist`);
      return;
    }
    const kubeconfigPath = path.posix.join(KUBERNETES_DIR, 'kubelet.conf');
    d.out.print('kubelet-finalize', `Updating "${kubeconfigPath}" to point to a rotatable kubelet client certificate and key`);
    if (d.dryRun) return;
    const text = await d.host.readText(kubeconfigPath);
    const updated = await pointKubeconfigAtPem(text, kubeconfigPath, pemPath);
    if (updated !== text) await d.host.writeFileAtomic(kubeconfigPath, updated, 0o600);
    d.out.v(1, '[kubelet-finalize] Restarting the kubelet to enable client certificate rotation');
    // the restart (~0.2 s: the service manager stops and starts the kubelet) goes on while the addon
    // phase talks to the API server; show-join-command, and the end of the run, wait for it. Like
    // kubeadm's, it only warns when it fails; such a warning comes after the addon lines.
    const restart = tryRestartKubelet(d.host, d.out);
    if (ctx.background) ctx.background(restart);
    else await restart;
  },
};

export const kubeletFinalizePhase: Phase<InitData> = {
  name: 'kubelet-finalize',
  short: 'Updates settings relevant to the kubelet after TLS bootstrap',
  example: '  # Updates settings relevant to the kubelet after TLS bootstrap\n  tskubeadm init phase kubelet-finalize all --config',
  phases: [allPhase('Run all kubelet-finalize phases', FLAGS), enableClientCertRotation],
};
