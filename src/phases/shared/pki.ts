// The cluster PKI on this node, from explicit inputs (kubeadm's CreatePKIAssets for init's "certs"
// phase and a control-plane join): read what is on disk, plan the whole set at once (every missing
// key generated concurrently, every existing file checked) so that bad files are reported before
// anything is written, and write a planned file set.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { InitConfig } from '../../config/types.js';
import type { PkiFile, PkiResult } from '../../pki/certs.js';
import type { KeyPool } from '../../pki/keys.js';
import { CERT_SPECS, SA_SPEC, certFile, keyFile, type CertName } from '../../pki/specs.js';

/** Every file of the PKI as it is in `dir` now, keyed by path relative to it. */
export async function readPkiFiles(host: Host, dir: string): Promise<Map<string, Buffer>> {
  const names = CERT_SPECS.flatMap((s) => [certFile(s.baseName), keyFile(s.baseName)]);
  names.push(SA_SPEC.privateKeyFile, SA_SPEC.publicKeyFile);
  const files = new Map<string, Buffer>();
  await Promise.all(
    names.map(async (n) => {
      const p = path.posix.join(dir, n);
      const st = await host.stat(p);
      if (!st) return;
      if (st.isDirectory) throw new TskError(`${p} is a directory, expected a file`);
      files.set(n, await host.readFile(p));
    }),
  );
  return files;
}

export interface PkiPlanInput {
  host: Host;
  out: Output;
  cfg: InitConfig;
  /** where the certificates are read from and referenced */
  certificatesDir: string;
  /** the moment of the run; certificates are backdated from it */
  now: Date;
  externalCA: boolean;
  keyPool: KeyPool;
  /** the certificates (and 'sa') this run writes: the others are neither generated nor checked */
  only: ReadonlyArray<CertName | 'sa'>;
}

/** The certificates and keys to write, and the existing ones to keep; throws before any write. */
export async function planPki(i: PkiPlanInput): Promise<PkiResult> {
  const { generateAll } = await import('../../pki/certs.js');
  const { checkExistingCert } = await import('../../pki/verify.js');
  const existing = await readPkiFiles(i.host, i.certificatesDir);
  const file = (n: string) => path.posix.join(i.certificatesDir, n);
  let plan: PkiResult;
  try {
    // a single leaf neither generates keys for the others nor a CA (kubeadm loads the CA from disk
    // there and fails when it is missing)
    plan = await generateAll(i.cfg, i.now, existing, { externalCA: i.externalCA, only: i.only, keyPool: i.keyPool });
  } catch (e) {
    const msg = (e as Error).message;
    const ca = CERT_SPECS.find((s) => msg.startsWith(`couldn't load CA certificate ${s.name}:`));
    const missing = ca && !existing.has(certFile(ca.baseName)) ? file(certFile(ca.baseName)) : undefined;
    // kubeadm's "[certs] certificate X not signed by CA certificate Y: ..." names certificates, not files
    const unsigned = /^\[certs\] certificate (\S+) not signed by CA certificate (\S+):/.exec(msg);
    const leaf = unsigned && CERT_SPECS.find((s) => s.name === unsigned[1]);
    const leafCa = unsigned && CERT_SPECS.find((s) => s.name === unsigned[2]);
    let hint: string | undefined;
    if (missing) hint = `${missing} does not exist: run "tskubeadm init phase certs ${ca!.name}" first, or "tskubeadm init phase certs all"`;
    else if (leaf && leafCa) {
      hint =
        `${file(certFile(leaf.baseName))} cannot be used with ${file(certFile(leafCa.baseName))}: remove it and ` +
        `${file(keyFile(leaf.baseName))} to have them generated again, or replace them with a valid pair signed by that CA`;
    }
    throw new TskError(msg, 1, { cause: e, ...(hint ? { hint } : {}) });
  }
  for (const w of plan.warnings) i.out.warn(w);
  // Stricter than kubeadm: an existing certificate that will be kept must still match its key and
  // cover every SAN the configuration now needs. Checked for the certificates written, before any write.
  const problems: string[] = [];
  for (const r of plan.certs) {
    if (!i.only.includes(r.spec.name)) continue;
    if (r.status === 'existing-keyless') {
      // kubeadm calls a CA whose key does not load "keyless" and carries on; a key file that is
      // there but unreadable is a broken CA, not an external one
      const keyData = existing.get(keyFile(r.spec.baseName));
      if (keyData !== undefined) {
        const { parsePrivateKeyPem } = await import('../../pki/keys.js');
        try {
          parsePrivateKeyPem(keyData, file(keyFile(r.spec.baseName)));
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
      continue;
    }
    if (r.status !== 'existing') continue;
    const ca = r.spec.caName ? plan.certs.find((c) => c.spec.name === r.spec.caName)?.cert : undefined;
    const alt = r.spec.usages.includes('serverAuth') ? r.spec.altNames(i.cfg) : undefined;
    const check = checkExistingCert(r.spec, existing.get(certFile(r.spec.baseName)), existing.get(keyFile(r.spec.baseName)), {
      dir: i.certificatesDir,
      now: i.now,
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

/**
 * Write planned PKI files below `dir` (a key and its certificate, or sa.key and sa.pub) atomically with
 * their modes, as one set: a full disk leaves neither, not a key without its certificate (which the next
 * run, like kubeadm's, would refuse to reuse and refuse to replace).
 */
export async function writePkiFiles(host: Host, dir: string, files: readonly PkiFile[]): Promise<void> {
  await host.writeFilesAtomic(files.map((f) => ({ path: path.posix.join(dir, f.path), data: f.data, mode: f.mode })));
}
