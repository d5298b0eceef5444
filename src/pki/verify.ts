// Checks applied to certificates and keys that already exist, so the phases can reuse them
// ("Using existing ...") or fail with an error that names the file and the problem.

import { formatIP, ipEqual, parseIP } from '../util/net.js';
import { missingKeyMessage, parsePrivateKeyPem, parsePublicKeyPem, type PrivateKey } from './keys.js';
import { missingCertMessage, parseCertificatesPem, type LoadedCert } from './load.js';
import { CERT_SPECS, certFile, keyFile, type AltNames, type CAName, type CertSpec } from './specs.js';

// Go's time.RFC3339, as crypto/x509 prints it: whole seconds
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Go's default time.Time formatting for a UTC time ("2026-03-01 11:55:00 +0000 UTC"). */
const goTime = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;

/**
 * Go's ValidateCertPeriod: undefined when `now` is inside [NotBefore, NotAfter], otherwise the reason.
 * kubeadm only warns about this for CAs and certificates it finds on disk.
 */
export function checkPeriod(cert: LoadedCert, now: Date): string | undefined {
  const period = `NotBefore: ${goTime(cert.notBefore)}, NotAfter: ${goTime(cert.notAfter)}`;
  if (now.getTime() < cert.notBefore.getTime()) return `the certificate is not valid yet: ${period}`;
  if (now.getTime() > cert.notAfter.getTime()) return `the certificate has expired: ${period}`;
  return undefined;
}

/** True when `a` names `b` as its issuer (DER comparison of issuer and subject). */
function issuedBy(a: LoadedCert, b: LoadedCert): boolean {
  return a.issuerDer.equals(b.subjectDer);
}

function timeError(c: LoadedCert, now: Date): string | undefined {
  if (now.getTime() < c.notBefore.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${iso(now)} is before ${iso(c.notBefore)}`;
  }
  if (now.getTime() > c.notAfter.getTime()) {
    return `x509: certificate has expired or is not yet valid: current time ${iso(now)} is after ${iso(c.notAfter)}`;
  }
  return undefined;
}

/**
 * Go's VerifyCertChain (x509 Verify with the CA as the only root, any key usage): the certificate,
 * through the optional intermediates, must be signed by `root`; every certificate on the path must be
 * inside its validity period and every issuer must be a CA. Returns undefined when it verifies,
 * otherwise Go-style error text.
 */
export function verifyChain(
  cert: LoadedCert,
  intermediates: readonly LoadedCert[],
  root: LoadedCert,
  now: Date,
): string | undefined {
  const te = timeError(cert, now);
  if (te) return te;
  let current = cert;
  const used = new Set<LoadedCert>();
  // like Go, remember why a candidate with the right name was rejected, for the error hint
  let hint: string | undefined;
  const signedBy = (c: LoadedCert, parent: LoadedCert): boolean => {
    if (!issuedBy(c, parent)) return false;
    if (c.native.verify(parent.native.publicKey)) return true;
    const why = parent.native.publicKey.asymmetricKeyType === 'rsa' ? 'crypto/rsa: verification error' : 'x509: ECDSA verification failure';
    hint ??= `possibly because of "${why}" while trying to verify candidate authority certificate "${parent.commonName}"`;
    return false;
  };
  for (let depth = 0; depth < 10; depth++) {
    if (signedBy(current, root)) {
      if (!root.isCA) return 'x509: certificate is not authorized to sign other certificates';
      return timeError(root, now);
    }
    const next = intermediates.find((c) => !used.has(c) && signedBy(current, c));
    if (!next) break;
    if (!next.isCA) return 'x509: certificate is not authorized to sign other certificates';
    const nte = timeError(next, now);
    if (nte) return nte;
    used.add(next);
    current = next;
  }
  return `x509: certificate signed by unknown authority${hint ? ` (${hint})` : ''}`;
}

/** True when the private key is the one the certificate was issued for. */
export function certMatchesKey(cert: LoadedCert, key: PrivateKey): boolean {
  return cert.native.checkPrivateKey(key.key);
}

// ---------------------------------------------------------------------------------------------
// SAN coverage (Go's Certificate.VerifyHostname for each name the configuration needs)

function lower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function validHostname(host: string, isPattern: boolean): boolean {
  if (!isPattern) host = host.replace(/\.$/, '');
  if (host.length === 0) return false;
  if (host === '*') return false;
  const labels = host.split('.');
  for (let i = 0; i < labels.length; i++) {
    const part = labels[i]!;
    if (part === '') return false;
    if (isPattern && i === 0 && part === '*') continue;
    for (let j = 0; j < part.length; j++) {
      const c = part[j]!;
      if (/[a-zA-Z0-9]/.test(c)) continue;
      if (c === '-' && j !== 0) continue;
      if (c === '_') continue;
      return false;
    }
  }
  return true;
}

function matchHostnames(pattern: string, host: string): boolean {
  pattern = pattern.replace(/\.$/, '');
  host = host.replace(/\.$/, '');
  if (pattern.length === 0 || host.length === 0) return false;
  const p = pattern.split('.');
  const h = host.split('.');
  if (p.length !== h.length) return false;
  for (let i = 0; i < p.length; i++) {
    if (i === 0 && p[i] === '*') continue;
    if (p[i] !== h[i]) return false;
  }
  return true;
}

/** Go's VerifyHostname for one name or IP; true when the certificate covers it. */
export function coversName(cert: LoadedCert, name: string): boolean {
  let candidate = name;
  if (candidate.startsWith('[') && candidate.endsWith(']')) candidate = candidate.slice(1, -1);
  const ip = parseIP(candidate, true); // x509 VerifyHostname uses the strict net.ParseIP
  if (ip) return cert.ips.some((x) => ipEqual(x, ip));
  const cand = lower(candidate);
  const validCandidate = validHostname(cand, false);
  for (const m of cert.dnsNames) {
    const match = lower(m);
    if (validCandidate && validHostname(match, true)) {
      if (matchHostnames(match, cand)) return true;
    } else if (match.replace(/\.$/, '') === cand.replace(/\.$/, '')) return true;
  }
  return false;
}

export interface SanProblem {
  kind: 'dns' | 'ip';
  value: string;
}

/** The configured SANs the certificate does not cover (empty when it covers all). */
export function missingSANs(cert: LoadedCert, alt: AltNames): SanProblem[] {
  const out: SanProblem[] = [];
  for (const d of alt.dns) if (!coversName(cert, d)) out.push({ kind: 'dns', value: d });
  for (const i of alt.ips) if (!coversName(cert, i)) out.push({ kind: 'ip', value: formatIP(parseIP(i)!) });
  return out;
}

export function describeMissingSANs(name: string, file: string, missing: readonly SanProblem[]): string {
  const what = missing
    .map((m) => (m.kind === 'ip' ? `the IP address ${m.value}` : `the DNS name ${m.value}`))
    .join(', ');
  return `certificate ${name} (${file}) does not include ${what} needed by the configuration`;
}

// ---------------------------------------------------------------------------------------------
// existing files, one certificate at a time

export type CheckStatus = 'ok' | 'error';

export interface ExistingCertCheck {
  ok: boolean;
  /** the certificate as loaded (when it could be) */
  cert?: LoadedCert;
  key?: PrivateKey;
  /** fatal problems, each naming the file */
  errors: string[];
  /** non-fatal problems (validity period, key mismatch in lenient mode) */
  warnings: string[];
}

export interface CheckOptions {
  /** certificates dir used to name files in messages */
  dir?: string;
  now: Date;
  /** the CA certificate the leaf must chain to (leaves only) */
  ca?: LoadedCert;
  /** SANs the configuration now needs (serving certificates) */
  altNames?: AltNames;
  /** require the key file and require it to match the certificate (default true) */
  requireKey?: boolean;
}

function join(dir: string | undefined, rel: string): string {
  if (!dir) return rel;
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

/**
 * Check an existing certificate (and key) against a spec: parseable, a CA when it must be one,
 * signed by its CA, SANs covering `altNames`, key present and matching. Period problems are
 * warnings, as in kubeadm; for leaves an expired certificate also fails chain verification.
 */
export function checkExistingCert(
  spec: CertSpec,
  certPem: string | Uint8Array | undefined,
  keyPem: string | Uint8Array | undefined,
  opts: CheckOptions,
): ExistingCertCheck {
  const crtPath = join(opts.dir, certFile(spec.baseName));
  const keyPath = join(opts.dir, keyFile(spec.baseName));
  const res: ExistingCertCheck = { ok: false, errors: [], warnings: [] };
  if (certPem === undefined) {
    res.errors.push(`certificate ${spec.name} (${crtPath}) does not exist`);
    return res;
  }
  let chain: LoadedCert[];
  try {
    chain = parseCertificatesPem(certPem, crtPath);
  } catch (e) {
    res.errors.push(e instanceof Error ? e.message : String(e));
    return res;
  }
  const cert = chain[0]!;
  res.cert = cert;
  const pw = checkPeriod(cert, opts.now);
  if (pw) res.warnings.push(`WARNING: could not validate bounds for certificate ${spec.baseName}: ${pw}`);

  if (spec.isCA && !cert.isCA) res.errors.push(`certificate ${spec.name} (${crtPath}) is not a CA`);

  if (!spec.isCA && opts.ca) {
    const err = verifyChain(cert, chain.slice(1), opts.ca, opts.now);
    if (err) res.errors.push(`certificate ${spec.name} (${crtPath}) is not signed by corresponding CA: ${err}`);
  }

  if (opts.altNames) {
    const missing = missingSANs(cert, opts.altNames);
    if (missing.length) res.errors.push(describeMissingSANs(spec.name, crtPath, missing));
  }

  if (opts.requireKey !== false) {
    if (keyPem === undefined) res.errors.push(`the private key file ${keyPath} for certificate ${spec.name} does not exist`);
    else {
      try {
        const key = parsePrivateKeyPem(keyPem, keyPath);
        res.key = key;
        if (!certMatchesKey(cert, key)) {
          res.errors.push(`the private key ${keyPath} does not match the certificate ${crtPath}`);
        }
      } catch (e) {
        res.errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  }
  res.ok = res.errors.length === 0;
  return res;
}

// ---------------------------------------------------------------------------------------------
// external CA mode

/** Leaves kubeadm requires (UsingExternalCA / UsingExternalFrontProxyCA / UsingExternalEtcdCA) when a CA key is absent. */
export const EXTERNAL_CA_REQUIRED_LEAVES: Record<CAName, readonly string[]> = {
  ca: ['apiserver', 'apiserver-kubelet-client'],
  'front-proxy-ca': ['front-proxy-client'],
  'etcd-ca': ['apiserver-etcd-client', 'etcd-server', 'etcd-peer', 'etcd-healthcheck-client'],
};

/** The names kubeadm uses for these certificates in its external-CA messages. */
const UX_NAMES: Record<string, string> = {
  ca: 'CA',
  'front-proxy-ca': 'front-proxy CA',
  'etcd-ca': 'etcd CA',
  apiserver: 'API server',
  'apiserver-kubelet-client': 'API server kubelet client',
  'front-proxy-client': 'front-proxy client',
  'apiserver-etcd-client': 'apiserver etcd client',
  'etcd-server': 'etcd server',
  'etcd-peer': 'etcd peer',
  'etcd-healthcheck-client': 'etcd health-check client',
};

export interface ExternalCAResult {
  /** true when the CA certificate is present and its key is absent */
  external: boolean;
  /** kubeadm stops at the first error; all problems are listed here, the first is kubeadm's */
  errors: string[];
  warnings: string[];
}

type Files = ReadonlyMap<string, string | Uint8Array> | Readonly<Record<string, string | Uint8Array>>;

function fileOf(files: Files, p: string): string | Uint8Array | undefined {
  return files instanceof Map ? files.get(p) : (files as Record<string, string | Uint8Array>)[p];
}

/**
 * External CA rule for one CA (UsingExternalCA and friends): the CA certificate must load and be a
 * CA; when its key is absent, every leaf kubeadm requires must have a loadable key and a certificate
 * that verifies against the CA. With `allLeaves`, every leaf signed by the CA is checked (the rule
 * of kubeadm's CreatePKIAssets). Messages use kubeadm's wording; load errors carry the file path.
 */
export function checkExternalCA(
  caName: CAName,
  files: Files,
  opts: { dir?: string; now: Date; allLeaves?: boolean },
): ExternalCAResult {
  const caSpec = CERT_SPECS.find((s) => s.name === caName)!;
  const caUx = UX_NAMES[caName]!;
  const res: ExternalCAResult = { external: false, errors: [], warnings: [] };
  const crtPath = join(opts.dir, certFile(caSpec.baseName));
  const crt = fileOf(files, certFile(caSpec.baseName));
  if (crt === undefined) {
    res.errors.push(`failure loading certificate for ${caUx}: ${missingCertMessage(crtPath)}`);
    return res;
  }
  let ca: LoadedCert;
  try {
    ca = parseCertificatesPem(crt, crtPath)[0]!;
  } catch (e) {
    res.errors.push(`failure loading certificate for ${caUx}: ${e instanceof Error ? e.message : String(e)}`);
    return res;
  }
  const pw = checkPeriod(ca, opts.now);
  if (pw) res.warnings.push(`WARNING: could not validate bounds for certificate ${caUx}: ${pw}`);
  if (!ca.isCA) {
    res.errors.push(`certificate ${caUx} is not a CA`);
    return res;
  }
  if (fileOf(files, keyFile(caSpec.baseName)) !== undefined) return res;
  res.external = true;
  const leaves = opts.allLeaves
    ? CERT_SPECS.filter((s) => s.caName === caName)
    : EXTERNAL_CA_REQUIRED_LEAVES[caName].map((n) => CERT_SPECS.find((s) => s.name === n)!);
  for (const leaf of leaves) {
    const ux = UX_NAMES[leaf.name]!;
    const lc = join(opts.dir, certFile(leaf.baseName));
    const lk = join(opts.dir, keyFile(leaf.baseName));
    const keyData = fileOf(files, keyFile(leaf.baseName));
    if (keyData === undefined) {
      res.errors.push(`failure loading key for ${leaf.baseName}: ${missingKeyMessage(lk)}`);
      continue;
    }
    try {
      parsePrivateKeyPem(keyData, lk);
    } catch (e) {
      res.errors.push(`failure loading key for ${leaf.baseName}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const certData = fileOf(files, certFile(leaf.baseName));
    if (certData === undefined) {
      res.errors.push(`failure loading certificate for ${ux}: ${missingCertMessage(lc)}`);
      continue;
    }
    let chain: LoadedCert[];
    try {
      chain = parseCertificatesPem(certData, lc);
    } catch (e) {
      res.errors.push(`failure loading certificate for ${ux}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const lpw = checkPeriod(chain[0]!, opts.now);
    if (lpw) res.warnings.push(`WARNING: could not validate bounds for certificate ${ux}: ${lpw}`);
    const err = verifyChain(chain[0]!, chain.slice(1), ca, opts.now);
    if (err) res.errors.push(`certificate ${ux} is not signed by corresponding CA: ${err}`);
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// shared certificates (join --control-plane, upload-certs)

/**
 * The sa key pair check (TryLoadPrivatePublicKeyFromDisk): both files load and are of the same
 * kind. Like kubeadm, it does not check that they are halves of one pair; `pairMatches` says whether they are.
 */
export function checkSaKeyPair(
  keyPem: string | Uint8Array | undefined,
  pubPem: string | Uint8Array | undefined,
  dir?: string,
): { error?: string; pairMatches?: boolean } {
  const keyPath = join(dir, 'sa.key');
  const pubPath = join(dir, 'sa.pub');
  if (keyPem === undefined) return { error: missingKeyMessage(keyPath) };
  let key: PrivateKey;
  try {
    key = parsePrivateKeyPem(keyPem, keyPath);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (pubPem === undefined) return { error: `couldn't load the public key file ${pubPath}: open ${pubPath}: no such file or directory` };
  let pub: ReturnType<typeof parsePublicKeyPem>;
  try {
    pub = parsePublicKeyPem(pubPem, pubPath);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const kind = key.kind === 'rsa' ? 'RSA' : 'ECDSA';
  const pubKind = pub.key.asymmetricKeyType === 'rsa' ? 'RSA' : pub.key.asymmetricKeyType === 'ec' ? 'ECDSA' : 'other';
  if (kind !== pubKind) {
    return { error: `the private key file ${keyPath} is in ${kind} format but the public key file ${pubPath} is not in ${kind} format` };
  }
  return { pairMatches: pub.spki.equals(key.spki) };
}

/**
 * kubeadm's SharedCertificateExists: ca, front-proxy-ca and (with local etcd) etcd/ca must be CA
 * certificates and sa.key/sa.pub must load. A missing CA key is only a warning ("assuming external key").
 * `error` is kubeadm's aggregate message when something is wrong.
 */
export function sharedCertificatesExist(
  localEtcd: boolean,
  files: Files,
  opts: { dir?: string; now: Date },
): { ok: boolean; error?: string; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const cas: [CAName, string][] = [
    ['ca', 'CA'],
    ['front-proxy-ca', 'front-proxy CA'],
  ];
  const checkCA = (name: CAName, ux: string) => {
    const spec = CERT_SPECS.find((s) => s.name === name)!;
    const crtPath = join(opts.dir, certFile(spec.baseName));
    const keyPath = join(opts.dir, keyFile(spec.baseName));
    const crt = fileOf(files, certFile(spec.baseName));
    if (crt === undefined) return errors.push(`failure loading certificate for ${ux}: ${missingCertMessage(crtPath)}`);
    let cert: LoadedCert;
    try {
      cert = parseCertificatesPem(crt, crtPath)[0]!;
    } catch (e) {
      return errors.push(`failure loading certificate for ${ux}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const pw = checkPeriod(cert, opts.now);
    if (pw) warnings.push(`WARNING: could not validate bounds for certificate ${ux}: ${pw}`);
    if (!cert.isCA) return errors.push(`certificate ${ux} is not a CA`);
    const key = fileOf(files, keyFile(spec.baseName));
    try {
      if (key === undefined) throw new Error(missingKeyMessage(keyPath));
      parsePrivateKeyPem(key, keyPath);
    } catch (e) {
      warnings.push(`assuming external key for ${ux}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return 0;
  };
  checkCA(...cas[0]!);
  const sa = checkSaKeyPair(fileOf(files, 'sa.key'), fileOf(files, 'sa.pub'), opts.dir);
  if (sa.error) errors.push(`failure loading key for service account: ${sa.error}`);
  checkCA(...cas[1]!);
  if (localEtcd) checkCA('etcd-ca', 'etcd CA');
  const res: { ok: boolean; error?: string; errors: string[]; warnings: string[] } = { ok: errors.length === 0, errors, warnings };
  if (errors.length === 1) res.error = errors[0]!;
  else if (errors.length > 1) res.error = `[${errors.join(', ')}]`;
  return res;
}
