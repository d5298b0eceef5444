// The work of `tskubeadm certs ...`: the configuration (--config, else the cluster's kubeadm-config
// ConfigMap, else the defaults), the PKI files read through the host layer, and the writes (each
// atomic; a renewal writes nothing until every file is rendered, and puts back what it wrote if a
// write fails).

import * as path from 'node:path';
import { NodeHost } from '../host/node-host.js';
import type { Host } from '../host/types.js';
import { errorMessage, TskError } from '../errors.js';
import type { Output } from '../output.js';
import type { ClusterConfiguration, InitConfig } from '../config/types.js';
import type { CliContext } from './context.js';
import { outputPrinter, type OutputOpts } from './output-flags.js';
import type { CommonCertFlags } from './certs-flags.js';
import { hostDefaults, readConfigFile } from './input.js';
import { generateBootstrapToken } from '../util/token.js';
import { KUBERNETES_VERSION } from '../versions.js';
import { CERT_SPECS, certFile, keyFile } from '../pki/specs.js';
import type { FileWrite, PkiSnapshot } from '../pki/renewal.js';

/** kubeadm's fixed kubeconfig directory for renewal and check-expiration (constants.KubernetesDir). */
const KUBERNETES_DIR = '/etc/kubernetes';

function hosts(ctx: CliContext): { host: Host; inputs: Host } {
  const g = ctx.globals();
  return { host: new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env }), inputs: new NodeHost({ env: ctx.env }) };
}

/** LoadOrDefaultInitConfiguration: the --config file, else the defaults with --cert-dir. */
async function loadOrDefault(host: Host, inputs: Host, out: Output, configPath: string | undefined, certDir: string | undefined): Promise<InitConfig> {
  const text = await readConfigFile(inputs, configPath);
  const { loadInitConfig } = await import('../config/index.js');
  const cfg = await loadInitConfig({
    ...(text !== undefined ? { text, fileName: configPath! } : {}),
    // with a file, kubeadm takes nothing from the flags (--cert-dir included)
    // without a file, kubeadm sets the version it was built for (no version label lookup)
    flags: text === undefined ? { 'kubernetes-version': KUBERNETES_VERSION, ...(certDir ? { 'cert-dir': certDir } : {}) } : {},
    flagsSet: text === undefined ? ['kubernetes-version', ...(certDir ? ['cert-dir'] : [])] : [],
    strict: true,
    dynamic: hostDefaults(host, generateBootstrapToken),
  });
  for (const w of cfg.warnings) out.warn(w);
  return cfg;
}

/** `out` without its progress lines when `quiet` (kubeadm's json/yaml printers drop them) */
function quieted(out: Output, quiet: boolean): Output {
  if (!quiet) return out;
  return { ...out, println: () => undefined, print: () => undefined };
}

/**
 * getInternalCfg of kubeadm's certs commands: without --config and with a loadable --kubeconfig, the
 * cluster's configuration (its certificatesDir replaced by --cert-dir); when that fails, a note and
 * the defaults. `quiet` drops the progress lines (kubeadm's json/yaml printers drop them).
 */
async function internalConfig(ctx: CliContext, host: Host, inputs: Host, flags: CommonCertFlags, prefix: string, quiet: boolean): Promise<ClusterConfiguration> {
  const out = ctx.out();
  if (!flags.config) {
    let client: import('../kube/base.js').KubeClient | undefined;
    try {
      const { loadKubeClient } = await import('../kube/client.js');
      client = await loadKubeClient(host, flags.kubeconfig, { requestTimeoutMs: 2_000 });
    } catch (e) {
      out.v(1, `[${prefix}] Could not obtain a client set from the kubeconfig file: ${flags.kubeconfig} (${errorMessage(e)})`);
    }
    if (client) {
      try {
        const { fetchClusterState } = await import('../phases/reset/cluster.js');
        const state = await fetchClusterState({ client, host, out: quieted(out, quiet), apiCallTimeoutMs: 60_000, prefix });
        if (!quiet) out.println();
        out.v(1, `Overriding the cluster certificate directory with the value from command line flag --cert-dir: ${flags.certDir}`);
        state.cluster.certificatesDir = flags.certDir;
        return state.cluster;
      } catch (e) {
        out.v(1, `[${prefix}] ${errorMessage(e)}`);
        if (!quiet) ctx.streams.stdout.write(`[${prefix}] Error reading configuration from the Cluster. Falling back to default configuration\n\n`);
      }
    }
  }
  return (await loadOrDefault(host, inputs, out, flags.config, flags.certDir)).cluster;
}

async function readIfFile(host: Host, p: string): Promise<Buffer | undefined> {
  const st = await host.stat(p);
  if (!st || st.isDirectory) return undefined;
  return host.readFile(p);
}

/** The files the renewal manager looks at. */
async function readSnapshot(host: Host, certDir: string, kubeDir: string): Promise<PkiSnapshot> {
  const { RENEWED_KUBECONFIGS } = await import('../pki/renewal.js');
  const pki = new Map<string, Buffer>();
  const kubeconfigs = new Map<string, Buffer>();
  const rels = CERT_SPECS.flatMap((s) => [certFile(s.baseName), keyFile(s.baseName)]);
  await Promise.all([
    ...rels.map(async (r) => {
      const b = await readIfFile(host, path.posix.join(certDir, r));
      if (b) pki.set(r, b);
    }),
    ...RENEWED_KUBECONFIGS.map(async (k) => {
      const b = await readIfFile(host, path.posix.join(kubeDir, k.fileName));
      if (b) kubeconfigs.set(k.fileName, b);
    }),
  ]);
  return { certDir, kubeDir, pki, kubeconfigs };
}

// ---------------------------------------------------------------------------------------------
// check-expiration

export async function runCheckExpiration(ctx: CliContext, opts: CommonCertFlags & OutputOpts): Promise<void> {
  // kubeadm: the printer first, then the configuration
  const printer = await outputPrinter(ctx, opts);
  const { host, inputs } = hosts(ctx);
  const cluster = await internalConfig(ctx, host, inputs, opts, 'check-expiration', printer !== 'text');
  const snap = await readSnapshot(host, cluster.certificatesDir, KUBERNETES_DIR);
  const { expirationInfo } = await import('../pki/renewal.js');
  const info = expirationInfo(snap, cluster.etcd.external !== undefined, host.now());
  for (const w of info.warnings) ctx.out().warn(w);
  const { renderExpiration } = await import('./certs-print.js');
  await renderExpiration(info, printer, ctx.streams.stdout);
}

// ---------------------------------------------------------------------------------------------
// renew

const RESTART_REMINDER =
  '\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.\n';

export async function runRenew(ctx: CliContext, name: string, opts: CommonCertFlags): Promise<void> {
  const { host, inputs } = hosts(ctx);
  const out = ctx.out();
  const cluster = await internalConfig(ctx, host, inputs, opts, 'renew', false);
  const externalEtcd = cluster.etcd.external !== undefined;
  const { renewHandlers, renderRenewal } = await import('../pki/renewal.js');
  const { KeyPool } = await import('../pki/keys.js');
  const all = renewHandlers(externalEtcd);
  const handlers = name === 'all' ? all : all.filter((h) => h.name === name);
  if (handlers.length === 0) {
    // an etcd certificate with external etcd: kubeadm's manager does not know it, and says it is missing
    const { RENEW_TARGETS } = await import('./certs-flags.js');
    out.println(`MISSING! ${RENEW_TARGETS.find(([n]) => n === name)?.[1] ?? name}`);
    return;
  }
  const snap = await readSnapshot(host, cluster.certificatesDir, KUBERNETES_DIR);
  const now = host.now();
  const warnings = new Set<string>();
  const pool = new KeyPool(cluster.encryptionAlgorithm || 'RSA-2048');
  pool.prefetch(handlers.filter((h) => (h.kind === 'kubeconfig' ? snap.kubeconfigs.has(h.fileName) : snap.pki.has(certFile(h.fileName)))).length);
  // 1. render everything; the first error stops the command before anything is written
  const outcomes = [];
  try {
    for (const h of handlers) outcomes.push(await renderRenewal(h, snap, { cluster, now, warnings, newKey: () => pool.take() }));
  } finally {
    for (const w of warnings) out.warn(w);
  }
  // 2. write, each file atomically; on a failed write put back the files already replaced
  const writes: FileWrite[] = outcomes.flatMap((o) => (o.status === 'renewed' ? o.writes : []));
  await writeAllOrRestore(host, writes, snap);
  for (const o of outcomes) {
    if (o.status === 'missing') out.println(`MISSING! ${o.handler.longName}`);
    else if (o.status === 'external') out.println(`Detected external ${o.handler.caBaseName}, ${o.handler.longName} can't be renewed`);
    else out.println(`${o.handler.longName} renewed`);
  }
  if (name === 'all') ctx.streams.stdout.write(RESTART_REMINDER);
}

async function writeAllOrRestore(host: Host, writes: readonly FileWrite[], snap: PkiSnapshot): Promise<void> {
  const done: FileWrite[] = [];
  const previous = (p: string): Buffer | undefined => {
    if (p.startsWith(snap.kubeDir + '/') && snap.kubeconfigs.has(path.posix.basename(p))) return snap.kubeconfigs.get(path.posix.basename(p));
    const rel = path.posix.relative(snap.certDir, p);
    return snap.pki.get(rel);
  };
  try {
    for (const w of writes) {
      await host.writeFileAtomic(w.path, w.data, w.mode);
      done.push(w);
    }
  } catch (e) {
    const notRestored: string[] = [];
    for (const w of done.reverse()) {
      const old = previous(w.path);
      try {
        if (old) await host.writeFileAtomic(w.path, old, w.mode);
      } catch {
        notRestored.push(w.path);
      }
    }
    const tail = notRestored.length ? `; could not put back the previous ${notRestored.join(', ')}` : '; the files already written were put back';
    throw new TskError(`failed to write the renewed files: ${errorMessage(e)}${done.length ? tail : ''}`, 1, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// generate-csr

export async function runGenerateCsr(ctx: CliContext, opts: { config?: string; certDir: string; kubeconfigDir: string }): Promise<void> {
  const { host, inputs } = hosts(ctx);
  const out = ctx.out();
  const cfg = await loadOrDefault(host, inputs, out, opts.config, undefined);
  if (opts.certDir) cfg.cluster.certificatesDir = opts.certDir;
  const { planCsrFiles } = await import('./certs-csr.js');
  const plan = await planCsrFiles(host, cfg, opts.kubeconfigDir);
  for (const w of plan.warnings) out.warn(w);
  let dir = '';
  for (const item of plan.items) {
    if (item.dir !== dir) {
      dir = item.dir;
      out.println(`generating keys and CSRs in ${dir}`);
    }
    for (const w of item.writes) await host.writeFileAtomic(w.path, w.data, w.mode, w.dirMode);
    out.println(`  ${item.name}`);
  }
}
