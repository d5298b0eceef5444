// External CA mode, decided once when the init data is built (as kubeadm's newInitData does): ca.crt
// present without ca.key. kubeadm cannot create anything signed by that CA, so before any phase
// runs it requires the certificates and kubeconfig files the CA would have signed to be there and
// valid; otherwise the whole command stops with kubeadm's "invalid or incomplete external CA"
// or "the <file> file does not exists or it is not valid" error. The front-proxy CA has the same rule.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import type { InitConfig } from '../../config/types.js';

export interface ExternalCAInput {
  host: Host;
  cfg: InitConfig;
  /** where kubeconfig files are looked for (--kubeconfig-dir) */
  kubeconfigDir: string;
  now: Date;
  out: Output;
}

/** Returns whether the cluster CA is external; throws when an external CA setup is incomplete. */
export async function checkExternalCASetup(o: ExternalCAInput): Promise<boolean> {
  const dir = o.cfg.cluster.certificatesDir;
  const { CERT_SPECS, certFile, keyFile } = await import('../../pki/specs.js');
  const names = ['ca', 'front-proxy-ca'].flatMap((ca) =>
    CERT_SPECS.filter((s) => s.name === ca || s.caName === ca).flatMap((s) => [certFile(s.baseName), keyFile(s.baseName)]),
  );
  const files = new Map<string, Buffer>();
  for (const n of names) {
    const p = path.posix.join(dir, n);
    const st = await o.host.stat(p);
    if (st?.isFile) files.set(n, await o.host.readFile(p));
  }
  if (!files.has('ca.crt') && !files.has('front-proxy-ca.crt')) return false;

  const { checkExternalCA } = await import('../../pki/verify.js');
  const ca = checkExternalCA('ca', files, { dir, now: o.now });
  if (ca.external) {
    for (const w of ca.warnings) o.out.warn(w);
    if (ca.errors.length) throw new TskError(`invalid or incomplete external CA: ${ca.errors[0]}`);
    await checkKubeconfigs(o, files.get('ca.crt')!);
  }
  const fp = checkExternalCA('front-proxy-ca', files, { dir, now: o.now });
  if (fp.external) {
    for (const w of fp.warnings) o.out.warn(w);
    if (fp.errors.length) throw new TskError(`invalid or incomplete external front-proxy CA: ${fp.errors[0]}`);
  }
  return ca.external;
}

/** kubeadm's ValidateKubeconfigsForExternalCA: every kubeconfig file exists and trusts the CA. */
async function checkKubeconfigs(o: ExternalCAInput, caPem: Buffer): Promise<void> {
  const { controlPlaneEndpointURL, localAPIEndpointURL } = await import('../../kubeconfig/kubeconfig.js');
  const { checkKubeconfigFile } = await import('../shared/kubeconfig.js');
  const local = localAPIEndpointURL(o.cfg);
  const cpe = controlPlaneEndpointURL(o.cfg);
  for (const w of cpe.warnings) o.out.warn(w);
  const wanted: [string, string][] = [
    ['controller-manager.conf', local],
    ['scheduler.conf', local],
    ['admin.conf', cpe.url],
    ['super-admin.conf', cpe.url],
    ['kubelet.conf', cpe.url],
  ];
  for (const [file, server] of wanted) {
    const p = path.posix.join(o.kubeconfigDir, file);
    const fail = (why: string) => new TskError(`the ${file} file does not exists or it is not valid: ${why}`);
    const st = await o.host.stat(p);
    if (!st) throw fail(`stat ${p}: no such file or directory`);
    const check = await checkKubeconfigFile(o.host, p, { caPem, server });
    for (const w of check.warnings) o.out.warn(w);
    if (!check.ok) throw fail(check.error ?? 'unusable kubeconfig file');
  }
}
