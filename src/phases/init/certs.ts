// init phase "certs": the cluster PKI. One subphase per certificate (from the cert table) plus "sa".
// The first subphase that runs plans every selected file at once (the work: src/phases/shared/pki.ts)
// so that bad files on disk are reported before anything is written; each subphase then writes only
// its own files.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import { allPhase, type Phase, type PhaseContext } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { CERT_SPECS, SA_SPEC, certFile, keyFile, type CertSpec } from '../../pki/specs.js';
import type { PkiResult } from '../../pki/certs.js';
import { keyPoolFor, prefetchKeys } from './keypool.js';
import { perRun } from '../shared/per-run.js';

const BASE_FLAGS: readonly FlagName[] = ['cert-dir', 'config', 'kubernetes-version', 'dry-run'];
const SAN_FLAGS: readonly FlagName[] = [
  'apiserver-advertise-address',
  'control-plane-endpoint',
  'apiserver-cert-extra-sans',
  'service-dns-domain',
  'service-cidr',
];

/** The plan of this run, computed by the first certs subphase that runs for every selected one. */
const planFor = perRun(async (d: InitData, ctx: PhaseContext): Promise<PkiResult> => {
  const { planPki } = await import('../shared/pki.js');
  const only = [...CERT_SPECS.map((s) => s.name).filter((n) => ctx.selected.has(`certs/${n}`)), ...(ctx.selected.has('certs/sa') ? (['sa'] as const) : [])];
  const { host, out, cfg, certificatesDir, startTime: now, externalCA } = d;
  return planPki({ host, out, cfg, certificatesDir, now, externalCA, keyPool: await keyPoolFor(d), only });
});

async function runCert(spec: CertSpec, d: InitData, ctx: PhaseContext): Promise<void> {
  const plan = await planFor(d, ctx);
  const r = plan.certs.find((c) => c.spec.name === spec.name);
  if (!r) throw new TskError(`internal: no plan for certificate ${spec.name}`);
  const { readPkiFiles, writePkiFiles } = await import('../shared/pki.js');
  if (r.status === 'generated') await writePkiFiles(d.host, d.certificateWriteDir, r.files);
  if (spec.isCA && r.status !== 'skipped') {
    if (r.status !== 'generated' && d.dryRunDir) {
      // like kubeadm, copy an existing CA into the dry-run directory so later phases find it there
      const files = await readPkiFiles(d.host, d.certificatesDir);
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
    const { writePkiFiles } = await import('../shared/pki.js');
    await writePkiFiles(d.host, d.certificateWriteDir, plan.sa.files);
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
