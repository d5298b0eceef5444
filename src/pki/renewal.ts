// kubeadm's certificate renewal manager (phases/certs/renewal): which certificates and kubeconfig
// files `kubeadm certs renew` and `check-expiration` handle, whether their CA is external, their
// expiration, and the renewed files (new key, same subject, SANs and usages, signed by the CA on
// disk). Pure: it works on file contents read beforehand; the caller writes what it returns.

import { load as loadYaml } from 'js-yaml';
import { createCertificate, CERTIFICATE_BACKDATE_MS, DEFAULT_CERT_VALIDITY_MS, type Signer } from './certs.js';
import { encodePrivateKeyPem, generatePrivateKey, missingKeyMessage, parsePrivateKeyPem, type PrivateKey } from './keys.js';
import { missingCertMessage, parseCertificatesPem, type LoadedCert } from './load.js';
import { parseGoDuration } from './duration.js';
import { CERT_FILE_MODE, CERT_SPECS, KEY_FILE_MODE, certFile, keyFile, type CAName, type ExtUsage } from './specs.js';
import { checkExternalCA, checkPeriod, certMatchesKey } from './verify.js';
import type { ClusterConfiguration } from '../config/types.js';

export interface RenewHandler {
  /** subcommand name: the certificate's name, or the kubeconfig file name */
  name: string;
  longName: string;
  /** base name under the certificates dir, or the kubeconfig file name */
  fileName: string;
  caName: CAName;
  /** the CA's base name ("etcd/ca" for etcd certificates) */
  caBaseName: string;
  kind: 'pki' | 'kubeconfig';
}

export interface CAHandler {
  name: CAName;
  longName: string;
  fileName: string;
}

/** The certificates embedded in kubeconfig files that kubeadm renews (not kubelet.conf: the kubelet rotates its own). */
export const RENEWED_KUBECONFIGS: readonly { fileName: string; longName: string }[] = [
  { fileName: 'admin.conf', longName: 'certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself' },
  { fileName: 'super-admin.conf', longName: 'certificate embedded in the kubeconfig file for the super-admin' },
  { fileName: 'controller-manager.conf', longName: 'certificate embedded in the kubeconfig file for the controller manager to use' },
  { fileName: 'scheduler.conf', longName: 'certificate embedded in the kubeconfig file for the scheduler manager to use' },
];

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The manager's certificates, sorted by name (Manager.Certificates). Without local etcd the etcd ones are left out. */
export function renewHandlers(externalEtcd: boolean): RenewHandler[] {
  const specs = externalEtcd ? CERT_SPECS.slice(0, 5) : CERT_SPECS;
  const out: RenewHandler[] = [];
  for (const s of specs) {
    if (s.isCA) continue;
    const ca = CERT_SPECS.find((c) => c.name === s.caName)!;
    out.push({ name: s.name, longName: s.longName, fileName: s.baseName, caName: ca.name as CAName, caBaseName: ca.baseName, kind: 'pki' });
  }
  for (const k of RENEWED_KUBECONFIGS) {
    out.push({ name: k.fileName, longName: k.longName, fileName: k.fileName, caName: 'ca', caBaseName: 'ca', kind: 'kubeconfig' });
  }
  return out.sort(byName);
}

/** The manager's CAs, sorted by name (Manager.CAs). */
export function caHandlers(externalEtcd: boolean): CAHandler[] {
  const specs = externalEtcd ? CERT_SPECS.slice(0, 5) : CERT_SPECS;
  return specs.filter((s) => s.isCA).map((s) => ({ name: s.name as CAName, longName: s.longName, fileName: s.baseName })).sort(byName);
}

// ---------------------------------------------------------------------------------------------
// the files

/** What the manager reads: files under the certificates dir (relative paths) and the kubeconfig files (by name). */
export interface PkiSnapshot {
  certDir: string;
  kubeDir: string;
  /** "ca.crt", "etcd/server.key", ... -> content; absent when the file does not exist */
  pki: ReadonlyMap<string, Buffer>;
  /** "admin.conf" -> content */
  kubeconfigs: ReadonlyMap<string, Buffer>;
}

export interface FileWrite {
  /** absolute target path */
  path: string;
  data: string;
  mode: number;
}

const join = (dir: string, rel: string) => (dir.endsWith('/') ? dir + rel : `${dir}/${rel}`);

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Manager.CertificateExists / CAExists. */
export function exists(h: RenewHandler | CAHandler, snap: PkiSnapshot): boolean {
  if ('kind' in h && h.kind === 'kubeconfig') return snap.kubeconfigs.has(h.fileName);
  return snap.pki.has(certFile(h.fileName));
}

/**
 * Manager.IsExternallyManaged: the CA certificate must load (else an error); without its key the CA is
 * external, and the certificates kubeadm requires in that mode must verify against it (else an error).
 */
export function isExternallyManaged(caName: CAName, snap: PkiSnapshot, now: Date, warnings: Set<string>): boolean {
  const res = checkExternalCA(caName, snap.pki, { dir: snap.certDir, now });
  for (const w of res.warnings) warnings.add(w);
  const caBase = CERT_SPECS.find((s) => s.name === caName)!.baseName;
  if (res.errors.length) throw new Error(`Error checking external CA condition for ${caBase} certificate authority: ${res.errors[0]}`);
  return res.external;
}

function readPkiCert(baseName: string, snap: PkiSnapshot): LoadedCert {
  const p = join(snap.certDir, certFile(baseName));
  const data = snap.pki.get(certFile(baseName));
  try {
    if (data === undefined) throw new Error(missingCertMessage(p));
    return parseCertificatesPem(data, p)[0]!;
  } catch (e) {
    throw new Error(`failed to load existing certificate ${baseName}: ${errText(e)}`);
  }
}

interface KubeconfigDoc {
  doc: Record<string, unknown>;
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
  caCert: LoadedCert;
}

type Named = { name?: unknown; [k: string]: unknown };

function named(doc: Record<string, unknown>, key: string, name: unknown): Record<string, unknown> | undefined {
  const list = doc[key];
  if (!Array.isArray(list)) return undefined;
  const e = (list as Named[]).find((x) => x && typeof x === 'object' && x.name === name);
  if (!e) return undefined;
  const inner = key === 'clusters' ? 'cluster' : key === 'users' ? 'user' : 'context';
  if (e[inner] === undefined || e[inner] === null) e[inner] = {};
  return e[inner] as Record<string, unknown>;
}

/** kubeConfigReadWriter.Read: the current context's cluster must embed a CA and its user a client certificate. */
function readKubeconfig(fileName: string, snap: PkiSnapshot): KubeconfigDoc & { cert: LoadedCert } {
  const p = join(snap.kubeDir, fileName);
  let doc: Record<string, unknown>;
  try {
    const d = loadYaml(snap.kubeconfigs.get(fileName)!.toString('utf8'));
    doc = d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
  } catch (e) {
    throw new Error(`failed to load kubeConfig file ${p}: ${errText(e).split('\n')[0]}`);
  }
  const caCert = readPkiCert('ca', snap);
  const current = doc['current-context'];
  const ctx = named(doc, 'contexts', current);
  if (!ctx) throw new Error(`invalid kubeConfig file ${p}: missing context ${String(current ?? '')}`);
  const cluster = named(doc, 'clusters', ctx.cluster);
  if (!cluster) throw new Error(`invalid kubeConfig file ${p}: missing cluster ${String(ctx.cluster ?? '')}`);
  if (!cluster['certificate-authority-data']) throw new Error(`kubeConfig file ${p} does not have an embedded server certificate`);
  const user = named(doc, 'users', ctx.user);
  if (!user) throw new Error(`invalid kubeConfig file ${p}: missing authInfo ${String(ctx.user ?? '')}`);
  const certData = user['client-certificate-data'];
  if (typeof certData !== 'string' || !certData) throw new Error(`kubeConfig file ${p} does not have an embedded client certificate`);
  let cert: LoadedCert;
  try {
    cert = parseCertificatesPem(Buffer.from(certData, 'base64'), p)[0]!;
  } catch (e) {
    throw new Error(`kubeConfig file ${p} does not contain a valid client certificate: ${errText(e)}`);
  }
  return { doc, cluster, user, caCert, cert };
}

/** The certificate a handler manages (readwriter.Read). */
export function readHandlerCert(h: RenewHandler, snap: PkiSnapshot): LoadedCert {
  return h.kind === 'kubeconfig' ? readKubeconfig(h.fileName, snap).cert : readPkiCert(h.fileName, snap);
}

// ---------------------------------------------------------------------------------------------
// expiration

export interface ExpirationEntry {
  name: string;
  expirationDate?: Date;
  /** whole seconds until expiration (negative once expired) */
  residualTime: number;
  externallyManaged: boolean;
  caName?: string;
  missing: boolean;
}

export interface ExpirationInfo {
  certificates: ExpirationEntry[];
  certificateAuthorities: ExpirationEntry[];
  /** CheckCertificatePeriodValidity warnings met on the way */
  warnings: string[];
}

/** fetchCertificateExpirationInfo of `kubeadm certs check-expiration`. */
export function expirationInfo(snap: PkiSnapshot, externalEtcd: boolean, now: Date): ExpirationInfo {
  const warnings = new Set<string>();
  const residual = (c: LoadedCert) => Math.trunc((c.notAfter.getTime() - now.getTime()) / 1000);
  const certificates: ExpirationEntry[] = renewHandlers(externalEtcd).map((h) => {
    if (!exists(h, snap)) return { name: h.name, residualTime: 0, externallyManaged: false, missing: true };
    const ext = isExternallyManaged(h.caName, snap, now, warnings);
    const cert = readHandlerCert(h, snap);
    return { name: h.name, expirationDate: cert.notAfter, residualTime: residual(cert), externallyManaged: ext, caName: h.caName, missing: false };
  });
  const certificateAuthorities: ExpirationEntry[] = caHandlers(externalEtcd).map((h) => {
    if (!exists(h, snap)) return { name: h.name, residualTime: 0, externallyManaged: false, missing: true };
    const ext = isExternallyManaged(h.name, snap, now, warnings);
    const cert = readPkiCert(h.fileName, snap);
    return { name: h.name, expirationDate: cert.notAfter, residualTime: residual(cert), externallyManaged: ext, missing: false };
  });
  return { certificates, certificateAuthorities, warnings: [...warnings] };
}

// ---------------------------------------------------------------------------------------------
// renewal

export type RenewOutcome =
  | { status: 'missing'; handler: RenewHandler }
  | { status: 'external'; handler: RenewHandler }
  | { status: 'renewed'; handler: RenewHandler; writes: FileWrite[]; cert: LoadedCert };

export interface RenewOptions {
  cluster: Pick<ClusterConfiguration, 'encryptionAlgorithm' | 'certificateValidityPeriod'>;
  now: Date;
  /** CheckCertificatePeriodValidity warnings are added here */
  warnings: Set<string>;
  /** key source (tests); default: a new key of cluster.encryptionAlgorithm */
  newKey?: () => Promise<PrivateKey>;
}

/** LoadCertificateAuthority, plus a check that the key belongs to the certificate. */
export function loadCA(baseName: string, snap: PkiSnapshot, warnings: Set<string>, now: Date): Signer {
  const crtRel = certFile(baseName);
  const keyRel = keyFile(baseName);
  const crtPath = join(snap.certDir, crtRel);
  const keyPath = join(snap.certDir, keyRel);
  const crt = snap.pki.get(crtRel);
  const key = snap.pki.get(keyRel);
  if (crt === undefined && key === undefined) throw new Error(`couldn't load ${baseName} certificate authority from ${snap.certDir}`);
  let cert: LoadedCert;
  try {
    if (crt === undefined) throw new Error(missingCertMessage(crtPath));
    cert = parseCertificatesPem(crt, crtPath)[0]!;
  } catch (e) {
    throw new Error(`failure loading ${baseName} certificate authority: failed to load certificate: ${errText(e)}`);
  }
  let k: PrivateKey;
  try {
    if (key === undefined) throw new Error(missingKeyMessage(keyPath));
    k = parsePrivateKeyPem(key, keyPath);
  } catch (e) {
    throw new Error(`failure loading ${baseName} certificate authority: failed to load key: ${errText(e)}`);
  }
  const w = checkPeriod(cert, now);
  if (w) warnings.add(`WARNING: could not validate bounds for certificate ${baseName}: ${w}`);
  if (!cert.isCA) throw new Error(`${baseName} certificate is not a certificate authority`);
  if (!certMatchesKey(cert, k)) throw new Error(`the private key ${keyPath} does not belong to the certificate ${crtPath}`);
  return { cert, key: k };
}

const EKU_NAMES: Record<string, ExtUsage> = { '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth' };

function sortedUnique(a: readonly string[]): string[] {
  return [...new Set(a)].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
}

/**
 * Manager.RenewUsingLocalCA for one handler, without writing: 'missing' when its file is absent,
 * 'external' when its CA is external, else the files to write. Throws kubeadm's errors.
 */
export async function renderRenewal(h: RenewHandler, snap: PkiSnapshot, o: RenewOptions): Promise<RenewOutcome> {
  if (!exists(h, snap)) return { status: 'missing', handler: h };
  if (isExternallyManaged(h.caName, snap, o.now, o.warnings)) return { status: 'external', handler: h };
  const kc = h.kind === 'kubeconfig' ? readKubeconfig(h.fileName, snap) : undefined;
  const old = kc ? kc.cert : readPkiCert(h.fileName, snap);
  const ca = loadCA(h.caBaseName, snap, o.warnings, o.now);
  let period = DEFAULT_CERT_VALIDITY_MS;
  if (o.cluster.certificateValidityPeriod) period = parseGoDuration(o.cluster.certificateValidityPeriod);
  const key = await (o.newKey ? o.newKey() : generatePrivateKey(o.cluster.encryptionAlgorithm || 'RSA-2048'));
  let cert: LoadedCert;
  try {
    cert = await createCertificate(
      {
        commonName: old.commonName,
        organization: old.organization,
        dnsNames: sortedUnique(old.dnsNames),
        ips: [...new Set(old.ipStrings)],
        usages: old.extKeyUsages.map((u) => EKU_NAMES[u]).filter((u): u is ExtUsage => u !== undefined),
        isCA: false,
        notBefore: new Date(o.now.getTime() - CERTIFICATE_BACKDATE_MS),
        notAfter: new Date(o.now.getTime() + period),
      },
      key,
      ca,
    );
  } catch (e) {
    throw new Error(`failed to renew certificate ${h.name}: ${errText(e)}`);
  }
  const keyPem = encodePrivateKeyPem(key);
  if (!kc) {
    return {
      status: 'renewed',
      handler: h,
      cert,
      writes: [
        { path: join(snap.certDir, keyFile(h.fileName)), data: keyPem, mode: KEY_FILE_MODE },
        { path: join(snap.certDir, certFile(h.fileName)), data: cert.pem, mode: CERT_FILE_MODE },
      ],
    };
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  kc.cluster['certificate-authority-data'] = b64(kc.caCert.pem);
  kc.user['client-key-data'] = b64(keyPem);
  kc.user['client-certificate-data'] = b64(cert.pem);
  return { status: 'renewed', handler: h, cert, writes: [{ path: join(snap.kubeDir, h.fileName), data: await renderKubeconfigDoc(kc.doc), mode: 0o600 }] };
}

/** clientcmd.Write of a loaded config: named lists sorted by name (client-go keeps them in maps), keys sorted. */
async function renderKubeconfigDoc(doc: Record<string, unknown>): Promise<string> {
  const { toGoYaml } = await import('../manifests/goyaml.js');
  const out: Record<string, unknown> = { ...doc };
  // preferences is omitzero in client-go's v1 Config
  const prefs = out.preferences;
  if (prefs !== null && typeof prefs === 'object' && !Array.isArray(prefs) && Object.keys(prefs).length === 0) delete out.preferences;
  for (const k of ['clusters', 'contexts', 'users']) {
    if (Array.isArray(out[k])) out[k] = [...(out[k] as Named[])].sort((a, b) => (String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0));
  }
  return toGoYaml(out);
}
