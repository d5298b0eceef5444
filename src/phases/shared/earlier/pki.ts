// The certificates an earlier run left, checked as the certs phase will check them before reusing
// them: each chains to its CA on disk, matches its key and (serving certificates) covers every name
// this configuration needs. What fails is a conflict: the certs phase would refuse it anyway.

import * as path from 'node:path';
import type { Host } from '../../../host/types.js';
import type { InitConfig } from '../../../config/types.js';
import type { EarlierRunState } from './state.js';

/** Adds a conflict for every existing certificate (and the sa pair) this configuration cannot reuse. */
export async function checkEarlierPki(state: EarlierRunState, host: Host, cfg: InitConfig, dir: string, now: Date): Promise<void> {
  const { readPkiFiles } = await import('../pki.js');
  const files = await readPkiFiles(host, dir).catch((e: Error) => {
    state.conflict(e.message);
    return new Map<string, Buffer>();
  });
  if (files.size === 0) return;
  const { CERT_SPECS, SA_SPEC, certFile, certList, keyFile } = await import('../../../pki/specs.js');
  const { checkExistingCert, checkSaKeyPair } = await import('../../../pki/verify.js');
  const { parseCertificatePem } = await import('../../../pki/load.js');
  const at = (n: string) => path.posix.join(dir, n);
  for (const spec of certList(cfg)) {
    const crt = files.get(certFile(spec.baseName));
    if (crt === undefined) continue;
    state.own(at(certFile(spec.baseName)));
    let ca;
    if (spec.caName) {
      const caSpec = CERT_SPECS.find((s) => s.name === spec.caName)!;
      const caPem = files.get(certFile(caSpec.baseName));
      if (caPem === undefined) {
        state.conflict(`${at(certFile(spec.baseName))}: its CA ${at(certFile(caSpec.baseName))} does not exist, so this run would make another CA, which did not sign it`);
        continue;
      }
      try {
        ca = parseCertificatePem(caPem, at(certFile(caSpec.baseName)));
      } catch {
        continue; // the CA's own check reports it
      }
    }
    const alt = spec.usages.includes('serverAuth') && !spec.isCA ? spec.altNames(cfg) : undefined;
    const r = checkExistingCert(spec, crt, files.get(keyFile(spec.baseName)), {
      dir,
      now,
      ...(ca ? { ca } : {}),
      ...(alt ? { altNames: alt } : {}),
      // a CA without its key is an external CA: kubeadm accepts it
      requireKey: !spec.isCA || files.has(keyFile(spec.baseName)),
    });
    for (const e of r.errors) state.conflict(e);
  }
  const saKey = files.get(SA_SPEC.privateKeyFile);
  const saPub = files.get(SA_SPEC.publicKeyFile);
  if (saKey !== undefined || saPub !== undefined) {
    const sa = checkSaKeyPair(saKey, saPub, dir);
    if (sa.error) state.conflict(sa.error);
  }
}
