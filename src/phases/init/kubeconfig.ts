// init phase "kubeconfig": admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf,
// scheduler.conf. Like "certs", the first subphase plans every selected file at once: existing files
// are checked (same CA, same server) and the missing ones get their client keys generated concurrently.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import { allPhase, type Phase, type PhaseContext } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { CLIENT_CERT_SPECS, type ClientCertSpec, type KubeconfigFile } from '../../pki/specs.js';
import { KUBECONFIG_PHASE_SHORT } from '../../kubeconfig/kubeconfig.js';
import { keyPoolFor, prefetchKeys } from './keypool.js';

const FLAGS: readonly FlagName[] = [
  'apiserver-advertise-address',
  'control-plane-endpoint',
  'apiserver-bind-port',
  'cert-dir',
  'config',
  'kubeconfig-dir',
  'kubernetes-version',
  'dry-run',
];
const WITH_NODE_NAME: readonly FlagName[] = [...FLAGS, 'node-name'];

export const KUBECONFIG_FILE_MODE = 0o600;

interface PlannedFile {
  file: KubeconfigFile;
  /** full path read from / referenced */
  readPath: string;
  /** rendered text when it must be written */
  text?: string;
}

const plans = new WeakMap<InitData, Promise<Map<KubeconfigFile, PlannedFile>>>();
/** warnings about the control-plane endpoint; kubeadm prints them once per file that uses it */
const endpointWarnings = new WeakMap<InitData, string[]>();

async function computePlan(d: InitData, selected: ReadonlySet<string>): Promise<Map<KubeconfigFile, PlannedFile>> {
  const { kubeconfigSpecs, renderKubeconfig, checkExistingKubeconfig } = await import('../../kubeconfig/kubeconfig.js');
  const { loadSigner, createClientCert } = await import('../../pki/certs.js');
  const caDir = d.certificateWriteDir;
  const caCrtPath = path.posix.join(caDir, 'ca.crt');
  const caKeyPath = path.posix.join(caDir, 'ca.key');
  const want = CLIENT_CERT_SPECS.filter((s) => selected.has(`kubeconfig/${s.phase}`));
  const out = new Map<KubeconfigFile, PlannedFile>();
  if (!want.length) return out;

  let caPem: Buffer;
  try {
    caPem = await d.host.readFile(caCrtPath);
  } catch (e) {
    // kubeadm's text: Go's os.Open error for the certificate file
    const code = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'not a directory' : undefined;
    const detail = why
      ? `failed to load certificate: couldn't load the certificate file ${caCrtPath}: open ${caCrtPath}: ${why}`
      : (e as Error).message;
    throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${detail}`, 1, {
      cause: e,
      hint: code === 'ENOENT' ? `${caCrtPath} does not exist: run "tskubeadm init phase certs ca" first` : `${caCrtPath} cannot be read`,
    });
  }
  const { specs, warnings } = kubeconfigSpecs(d.cfg);
  endpointWarnings.set(d, warnings);

  // check every existing file first; collect every problem before writing anything
  const problems: string[] = [];
  const missing: ClientCertSpec[] = [];
  for (const s of want) {
    const spec = specs.find((x) => x.file === s.file)!;
    const readPath = path.posix.join(d.kubeconfigWriteDir, s.file);
    out.set(s.file, { file: s.file, readPath });
    const existing = await d.host.stat(readPath);
    if (!existing) {
      missing.push(s);
      continue;
    }
    const text = await d.host.readFile(readPath);
    let check = checkExistingKubeconfig(text, { caPem, server: spec.server }, readPath);
    if (check.needsCAFile) {
      const caFile = await d.host.readFile(check.needsCAFile).catch(() => undefined);
      check = checkExistingKubeconfig(text, { caPem, server: spec.server }, readPath, caFile);
    }
    if (!check.ok) problems.push(check.error ?? `${readPath}: unusable kubeconfig file`);
    // stricter than kubeadm, which only warns: a file pointing at another API server is not reused
    else if (check.warnings.some((w) => w.includes('unexpected API Server URL'))) {
      problems.push(check.warnings.find((w) => w.includes('unexpected API Server URL'))!);
    }
  }
  if (problems.length) {
    throw new TskError(problems.join('\n'), 1, { hint: 'remove the files named above (or fix the configuration) and run the phase again' });
  }
  if (!missing.length) return out;

  let caKeyPem: Buffer;
  try {
    caKeyPem = await d.host.readFile(caKeyPath);
  } catch (e) {
    throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${(e as Error).message}`);
  }
  let signer;
  try {
    signer = loadSigner('ca', caPem, caKeyPem, caDir);
  } catch (e) {
    throw new TskError(`couldn't create a kubeconfig; the CA files couldn't be loaded: ${(e as Error).message}`, 1, { cause: e });
  }
  const made = await Promise.all(
    missing.map(async (s) => {
      const key = await (await keyPoolFor(d)).take();
      return [s, await createClientCert(s, d.cfg, d.startTime, signer, key)] as const;
    }),
  );
  for (const [s, ck] of made) {
    const spec = specs.find((x) => x.file === s.file)!;
    out.get(s.file)!.text = renderKubeconfig({
      clusterName: d.cfg.cluster.clusterName,
      server: spec.server,
      caPem: signer.cert.pem,
      userName: spec.clientName,
      clientCertPem: ck.certPem,
      clientKeyPem: ck.keyPem,
    });
  }
  return out;
}

function planFor(d: InitData, ctx: PhaseContext) {
  let p = plans.get(d);
  if (!p) {
    p = computePlan(d, ctx.selected);
    plans.set(d, p);
  }
  return p;
}

function filePhase(s: ClientCertSpec): Phase<InitData> {
  return {
    name: s.phase,
    short: KUBECONFIG_PHASE_SHORT[s.file],
    long: `Generate the kubeconfig file ${s.file}. An existing file is kept when it embeds the same CA and points at the same API server; otherwise the phase stops with an error.`,
    inheritFlags: s.phase === 'kubelet' ? WITH_NODE_NAME : FLAGS,
    run: async (d, ctx) => {
      if (d.externalCA) {
        d.out.print('kubeconfig', `External CA mode: Using user provided ${s.file}`);
        if (d.dryRunDir) {
          const src = path.posix.join(d.kubeconfigDir, s.file);
          await d.host.writeFileAtomic(path.posix.join(d.kubeconfigWriteDir, s.file), await d.host.readFile(src), KUBECONFIG_FILE_MODE);
        }
        return;
      }
      const plan = (await planFor(d, ctx)).get(s.file)!;
      // kubeadm works the endpoint out again for every file (kubelet.conf uses the local endpoint)
      if (s.file !== 'kubelet.conf') for (const w of endpointWarnings.get(d) ?? []) d.out.warn(w);
      if (plan.text === undefined) {
        d.out.print('kubeconfig', `Using existing kubeconfig file: "${plan.readPath}"`);
        return;
      }
      d.out.print('kubeconfig', `Writing "${s.file}" kubeconfig file`);
      await d.host.writeFileAtomic(plan.readPath, plan.text, KUBECONFIG_FILE_MODE);
    },
  };
}

export const kubeconfigPhase: Phase<InitData> = {
  name: 'kubeconfig',
  short: 'Generate all kubeconfig files necessary to establish the control plane and the admin kubeconfig file',
  phases: [allPhase('Generate all kubeconfig files', WITH_NODE_NAME), ...CLIENT_CERT_SPECS.map(filePhase)],
  prepare: prefetchKeys,
  run: (d) => {
    d.out.print('kubeconfig', `Using kubeconfig folder "${d.kubeconfigWriteDir}"`);
  },
};
