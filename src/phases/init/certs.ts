// init phase "certs": the cluster PKI. One subphase per certificate (from the cert table) plus "sa".
// The first subphase that runs computes the whole plan at once (every key generated concurrently,
// every existing file checked) so that bad files on disk are reported before anything is written;
// each subphase then writes only its own files.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import { allPhase, type Phase, type PhaseContext } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { CERT_SPECS, SA_SPEC, certFile, keyFile, type CertSpec } from '../../pki/specs.js';
import type { PkiResult } from '../../pki/certs.js';
import { keyPoolFor, prefetchKeys } from './keypool.js';

const BASE_FLAGS: readonly FlagName[] = ['cert-dir', 'config', 'kubernetes-version', 'dry-run'];
const SAN_FLAGS: readonly FlagName[] = [
  'apiserver-advertise-address',
  'control-plane-endpoint',
  'apiserver-cert-extra-sans',
  'service-dns-domain',
  'service-cidr',
];

const plans = new WeakMap<InitData, Promise<PkiResult>>();

/** Every file of the PKI as it is on disk now, keyed by path relative to the certificates dir. */
export async function readPkiFiles(d: Pick<InitData, 'host' | 'certificatesDir'>, dir = d.certificatesDir): Promise<Map<string, Buffer>> {
  const names = CERT_SPECS.flatMap((s) => [certFile(s.baseName), keyFile(s.baseName)]);
  names.push(SA_SPEC.privateKeyFile, SA_SPEC.publicKeyFile);
  const files = new Map<string, Buffer>();
  await Promise.all(
    names.map(async (n) => {
      const p = path.posix.join(dir, n);
      const st = await d.host.stat(p);
      if (!st) return;
      if (st.isDirectory) throw new TskError(`${p} is a directory, expected a file`);
      files.set(n, await d.host.readFile(p));
    }),
  );
  return files;
}

async function computePlan(d: InitData, selected: ReadonlySet<string>): Promise<PkiResult> {
  const { generateAll } = await import('../../pki/certs.js');
  const { checkExistingCert } = await import('../../pki/verify.js');
  const existing = await readPkiFiles(d);
  let plan: PkiResult;
  try {
    // only what this run's phases write: a single `certs <leaf>` neither generates keys for the
    // others nor a CA (kubeadm loads the CA from disk there and fails when it is missing)
    const only = [...CERT_SPECS.map((s) => s.name).filter((n) => selected.has(`certs/${n}`)), ...(selected.has('certs/sa') ? (['sa'] as const) : [])];
    plan = await generateAll(d.cfg, d.startTime, existing, { externalCA: d.externalCA, only, keyPool: await keyPoolFor(d) });
  } catch (e) {
    const msg = (e as Error).message;
    const ca = CERT_SPECS.find((s) => msg.startsWith(`couldn't load CA certificate ${s.name}:`));
    const missing = ca && !existing.has(certFile(ca.baseName)) ? path.posix.join(d.certificatesDir, certFile(ca.baseName)) : undefined;
    // kubeadm's "[certs] certificate X not signed by CA certificate Y: ..." names certificates, not files
    const unsigned = /^\[certs\] certificate (\S+) not signed by CA certificate (\S+):/.exec(msg);
    const leaf = unsigned && CERT_SPECS.find((s) => s.name === unsigned[1]);
    const leafCa = unsigned && CERT_SPECS.find((s) => s.name === unsigned[2]);
    let hint: string | undefined;
    if (missing) hint = `${missing} does not exist: run "tskubeadm init phase certs ${ca!.name}" first, or "tskubeadm init phase certs all"`;
    else if (leaf && leafCa) {
      const file = (b: string) => path.posix.join(d.certificatesDir, b);
      hint =
        `${file(certFile(leaf.baseName))} cannot be used with ${file(certFile(leafCa.baseName))}: remove it and ` +
        `${file(keyFile(leaf.baseName))} to have them generated again, or replace them with a valid pair signed by that CA`;
    }
    throw new TskError(msg, 1, { cause: e, ...(hint ? { hint } : {}) });
  }
  for (const w of plan.warnings) d.out.warn(w);
  // Stricter than kubeadm: an existing certificate that will be kept must still match its key and
  // cover every SAN the configuration now needs. Checked for the phases that run, before any write.
  const problems: string[] = [];
  for (const r of plan.certs) {
    if (r.status === 'existing-keyless' && selected.has(`certs/${r.spec.name}`)) {
      // kubeadm calls a CA whose key does not load "keyless" and carries on; a key file that is
      // there but unreadable is a broken CA, not an external one
      const keyData = existing.get(keyFile(r.spec.baseName));
      if (keyData !== undefined) {
        const { parsePrivateKeyPem } = await import('../../pki/keys.js');
        try {
          parsePrivateKeyPem(keyData, path.posix.join(d.certificatesDir, keyFile(r.spec.baseName)));
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
      continue;
    }
    if (r.status !== 'existing' || !selected.has(`certs/${r.spec.name}`)) continue;
    const ca = r.spec.caName ? plan.certs.find((c) => c.spec.name === r.spec.caName)?.cert : undefined;
    const alt = r.spec.usages.includes('serverAuth') ? r.spec.altNames(d.cfg) : undefined;
    const check = checkExistingCert(r.spec, existing.get(certFile(r.spec.baseName)), existing.get(keyFile(r.spec.baseName)), {
      dir: d.certificatesDir,
      now: d.startTime,
      ...(ca ? { ca } : {}),
      ...(alt ? { altNames: alt } : {}),
    });
    problems.push(...check.errors);
  }
  if (problems.length) {
    throw new TskError(problems.join('\n'), 1, {
      hint: 'remove or replace the files named above and run the phase again; tskubeadm will not overwrite existing certificates',
    });
  }
  return plan;
}

function planFor(d: InitData, ctx: PhaseContext): Promise<PkiResult> {
  let p = plans.get(d);
  if (!p) {
    p = computePlan(d, ctx.selected);
    plans.set(d, p);
  }
  return p;
}

async function writeFiles(d: InitData, files: { path: string; data: string; mode: number }[]): Promise<void> {
  for (const f of files) {
    await d.host.writeFileAtomic(path.posix.join(d.certificateWriteDir, f.path), f.data, f.mode);
  }
}

async function runCert(spec: CertSpec, d: InitData, ctx: PhaseContext): Promise<void> {
  const plan = await planFor(d, ctx);
  const r = plan.certs.find((c) => c.spec.name === spec.name);
  if (!r) throw new TskError(`internal: no plan for certificate ${spec.name}`);
  if (r.status === 'generated') await writeFiles(d, r.files);
  if (spec.isCA && r.status !== 'skipped') {
    if (r.status !== 'generated' && d.dryRunDir) {
      // like kubeadm, copy an existing CA into the dry-run directory so later phases find it there
      const files = await readPkiFiles(d);
      for (const n of [certFile(spec.baseName), keyFile(spec.baseName)]) {
        const data = files.get(n);
        if (data) await d.host.writeFileAtomic(path.posix.join(d.certificateWriteDir, n), data, n.endsWith('.key') ? 0o600 : 0o644, 0o700);
      }
    }
  }
  for (const m of r.messages) d.out.println(m);
}

function certPhase(spec: CertSpec): Phase<InitData> {
  return {
    name: spec.name,
    short: `Generate the ${spec.longName}`,
    long:
      `Generate the ${spec.longName}, and save them into ${spec.baseName}.crt and ${spec.baseName}.key files.\n\n` +
      'If both files already exist, they are checked (they must match, chain to their CA and, for serving ' +
      'certificates, cover the names the configuration needs) and reused.',
    inheritFlags: spec.name === 'apiserver' ? [...BASE_FLAGS, ...SAN_FLAGS] : BASE_FLAGS,
    run: (d, ctx) => runCert(spec, d, ctx),
  };
}

const saPhase: Phase<InitData> = {
  name: 'sa',
  short: SA_SPEC.short,
  long:
    'Generate the private key for signing service account tokens along with its public key, and save them into ' +
    'sa.key and sa.pub files.\n\nIf both files already exist, they are reused.',
  inheritFlags: BASE_FLAGS,
  run: async (d, ctx) => {
    const plan = await planFor(d, ctx);
    await writeFiles(d, plan.sa.files);
    for (const m of plan.sa.messages) d.out.println(m);
  },
};

export const certsPhase: Phase<InitData> = {
  name: 'certs',
  short: 'Certificate generation',
  phases: [allPhase('Generate all certificates', [...BASE_FLAGS, ...SAN_FLAGS]), ...CERT_SPECS.map(certPhase), saPhase],
  prepare: prefetchKeys,
  run: (d) => {
    d.out.print('certs', `Using certificateDir folder "${d.certificateWriteDir}"`);
  },
};
