// Certificate creation (self-signed CAs, CA-signed leaves) with the same fields and extension
// bytes Go's crypto/x509 produces for kubeadm's templates, and generateAll: the whole
// certificate set for an InitConfig, keys generated concurrently.

import { createHash, randomBytes } from 'node:crypto';
import type { EncryptionAlgorithm, InitConfig } from '../config/types.js';
import { encodeName, encodeTbs, signTbs, signatureAlgorithmFor, type Extension } from './x509.js';
import { bitStringMinimal, booleanTrue, concat, octetString, oid, readChildren, readTlv, sequence, tlv } from './der.js';
import {
  KeyPool,
  encodePrivateKeyPem,
  encodePublicKeyPem,
  generatePrivateKey,
  missingKeyMessage,
  parsePrivateKeyPem,
  type PrivateKey,
} from './keys.js';
import { parseIP } from '../util/net.js';
import { ipSanBytes } from './ip.js';
import { missingCertMessage, parseCertificateDer, parseCertificatesPem, type LoadedCert } from './load.js';
import { parseGoDuration } from './duration.js';
import {
  CERT_FILE_MODE,
  CERT_SPECS,
  CLIENT_CERT_SPECS,
  KEY_FILE_MODE,
  SA_SPEC,
  certFile,
  keyFile,
  servingCertLine,
  type AltNames,
  type CAName,
  type CertName,
  type CertSpec,
  type ClientCertSpec,
  type ExtUsage,
  type KubeconfigFile,
} from './specs.js';
import { checkPeriod, verifyChain } from './verify.js';

/** kubeadm backdates NotBefore by 5 minutes to allow small clock jumps. */
export const CERTIFICATE_BACKDATE_MS = 5 * 60_000;
export const DEFAULT_CERT_VALIDITY_MS = 365 * 24 * 3_600_000;
export const DEFAULT_CA_VALIDITY_MS = 10 * DEFAULT_CERT_VALIDITY_MS;

const EKU_OIDS: Record<ExtUsage, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

// x509.KeyUsage bits as Go numbers them
const KU_DIGITAL_SIGNATURE = 1 << 0;
const KU_KEY_ENCIPHERMENT = 1 << 2;
const KU_CERT_SIGN = 1 << 5;

export interface CertTemplate {
  commonName: string;
  organization?: readonly string[];
  dnsNames?: readonly string[];
  /** textual IPs; encoded as 4 bytes for IPv4, 16 for IPv6 */
  ips?: readonly string[];
  usages?: readonly ExtUsage[];
  isCA: boolean;
  notBefore: Date;
  notAfter: Date;
}

/** A CA that can sign: its certificate and private key. */
export interface Signer {
  cert: LoadedCert;
  key: PrivateKey;
}

export interface CertAndKey {
  cert: LoadedCert;
  key: PrivateKey;
  certPem: string;
  keyPem: string;
}

// ---------------------------------------------------------------------------------------------
// low level

/** A serial number uniform in [1, 2^63-1), as kubeadm draws it. */
export function randomSerial(): bigint {
  const max = (1n << 63n) - 2n; // rand.Int(MaxInt64-1) yields [0, max)
  for (;;) {
    const b = randomBytes(8);
    b[0]! &= 0x7f;
    const v = b.readBigUInt64BE(0);
    if (v < max) return v + 1n;
  }
}

function keyUsageExt(isCA: boolean): Extension {
  let ku = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
  if (isCA) ku |= KU_CERT_SIGN;
  // Go numbers bit 0 as the most significant bit of the first byte
  let b0 = 0;
  for (let i = 0; i < 8; i++) if (ku & (1 << i)) b0 |= 0x80 >> i;
  return { oid: '2.5.29.15', critical: true, value: bitStringMinimal(Uint8Array.of(b0)) };
}

function extKeyUsageExt(usages: readonly ExtUsage[]): Extension {
  return { oid: '2.5.29.37', critical: false, value: sequence(...usages.map((u) => oid(EKU_OIDS[u]))) };
}

function basicConstraintsExt(isCA: boolean): Extension {
  return { oid: '2.5.29.19', critical: true, value: isCA ? sequence(booleanTrue()) : sequence() };
}

/** Go (1.25+) derives a CA's SubjectKeyId as the first 160 bits of SHA-256 over the subjectPublicKey bits. */
export function subjectKeyId(spki: Uint8Array): Uint8Array {
  const top = readChildren(readTlv(spki).value); // AlgorithmIdentifier, BIT STRING
  const bits = top[1]!.value.subarray(1); // drop the unused-bits byte
  return createHash('sha256').update(bits).digest().subarray(0, 20);
}

/** subjectAltName with dNSName entries (ASCII only), then iPAddress entries (Go's marshalSANs order). */
export function sanExt(dns: readonly string[], ips: readonly string[]): Extension {
  const parts: Uint8Array[] = [];
  for (const d of dns) {
    // Go's marshalSANs refuses such a name ("x509: ... cannot be encoded as an IA5String"), and so
    // does its parser; latin1 would also mangle it. Config validation normally catches it first.
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(d)) {
      throw new Error(`x509: DNS name "${d}" cannot be encoded as an IA5String in a certificate's subject alternative names: it is not ASCII (write an internationalized name in its punycode "xn--" form)`);
    }
    parts.push(tlv(0x82, Buffer.from(d, 'latin1')));
  }
  for (const s of ips) {
    const ip = parseIP(s);
    if (!ip) throw new Error(`invalid IP address ${s} in subject alternative names`);
    parts.push(tlv(0x87, ipSanBytes(ip)));
  }
  return { oid: '2.5.29.17', critical: false, value: tlv(0x30, concat(parts)) };
}

/**
 * Create one certificate for `subjectKey`. Without `issuer` it is self-signed (a root CA); with it,
 * it is signed by the issuer's key, names the issuer's subject (its raw bytes, as Go copies
 * parent.RawSubject) and carries the issuer's SubjectKeyId as AuthorityKeyId.
 */
export async function createCertificate(tmpl: CertTemplate, subjectKey: PrivateKey, issuer?: Signer): Promise<LoadedCert> {
  if (!tmpl.commonName) throw new Error('must specify a CommonName');
  // extension order as Go's buildCertExtensions emits them
  const exts: Extension[] = [keyUsageExt(tmpl.isCA)];
  if (tmpl.usages && tmpl.usages.length) exts.push(extKeyUsageExt(tmpl.usages));
  exts.push(basicConstraintsExt(tmpl.isCA));
  if (tmpl.isCA) exts.push({ oid: '2.5.29.14', critical: false, value: octetString(subjectKeyId(subjectKey.spki)) });
  if (issuer?.cert.subjectKeyId) {
    exts.push({ oid: '2.5.29.35', critical: false, value: sequence(tlv(0x80, issuer.cert.subjectKeyId)) });
  }
  const dns = tmpl.dnsNames ?? [];
  const ips = tmpl.ips ?? [];
  if (dns.length || ips.length) exts.push(sanExt(dns, ips));

  const subject = encodeName(tmpl.commonName, tmpl.organization ?? []);
  const signerKey = issuer ? issuer.key : subjectKey;
  const alg = signatureAlgorithmFor(signerKey.key);
  const tbs = encodeTbs({
    serial: randomSerial(),
    signature: alg,
    issuer: issuer ? issuer.cert.subjectDer : subject,
    notBefore: tmpl.notBefore,
    notAfter: tmpl.notAfter,
    subject,
    spki: subjectKey.spki,
    extensions: exts,
  });
  return parseCertificateDer(signTbs(tbs, alg, signerKey.key));
}

// ---------------------------------------------------------------------------------------------
// validity

function durationMs(value: string | undefined, fallback: number, what: string): number {
  if (!value) return fallback;
  try {
    return parseGoDuration(value);
  } catch {
    throw new Error(`invalid ${what} "${value}"`);
  }
}

/** NotBefore/NotAfter kubeadm uses for a certificate of this run (`now` = kubeadm's start time). */
export function validityFor(cfg: InitConfig, now: Date, isCA: boolean): { notBefore: Date; notAfter: Date } {
  const period = isCA
    ? durationMs(cfg.cluster.caCertificateValidityPeriod, DEFAULT_CA_VALIDITY_MS, 'caCertificateValidityPeriod')
    : durationMs(cfg.cluster.certificateValidityPeriod, DEFAULT_CERT_VALIDITY_MS, 'certificateValidityPeriod');
  return { notBefore: new Date(now.getTime() - CERTIFICATE_BACKDATE_MS), notAfter: new Date(now.getTime() + period) };
}

function algorithmOf(cfg: InitConfig): EncryptionAlgorithm {
  return cfg.cluster.encryptionAlgorithm || 'RSA-2048';
}

function templateFor(spec: CertSpec, cfg: InitConfig, now: Date): { tmpl: CertTemplate; alt: AltNames } {
  const alt = spec.altNames(cfg);
  const { notBefore, notAfter } = validityFor(cfg, now, spec.isCA);
  return {
    alt,
    tmpl: {
      commonName: spec.commonName(cfg),
      organization: spec.organization,
      dnsNames: alt.dns,
      ips: alt.ips,
      usages: spec.usages,
      isCA: spec.isCA,
      notBefore,
      notAfter,
    },
  };
}

function pack(cert: LoadedCert, key: PrivateKey): CertAndKey {
  return { cert, key, certPem: cert.pem, keyPem: encodePrivateKeyPem(key) };
}

/** A new self-signed CA for one of the CA specs (NewCertificateAuthority). */
export async function createCA(spec: CertSpec, cfg: InitConfig, now: Date, key?: PrivateKey): Promise<CertAndKey> {
  if (!spec.isCA) throw new Error(`this function should only be used for CAs, but cert ${spec.name} has CA ${spec.caName}`);
  const k = key ?? (await generatePrivateKey(algorithmOf(cfg)));
  const { tmpl } = templateFor(spec, cfg, now);
  return pack(await createCertificate(tmpl, k), k);
}

/** A new leaf certificate and key signed by `ca` (NewCertAndKey). */
export async function createLeaf(
  spec: CertSpec,
  cfg: InitConfig,
  now: Date,
  ca: Signer,
  key?: PrivateKey,
): Promise<CertAndKey & { altNames: AltNames }> {
  if (spec.isCA) throw new Error(`${spec.name} is a CA, not a leaf certificate`);
  if (spec.usages.length === 0) throw new Error('must specify at least one ExtKeyUsage');
  const k = key ?? (await generatePrivateKey(algorithmOf(cfg)));
  const { tmpl, alt } = templateFor(spec, cfg, now);
  return { ...pack(await createCertificate(tmpl, k, ca), k), altNames: alt };
}

/**
 * A kubeconfig client certificate (admin, kubelet, ...). As in kubeadm, NotBefore is the CA's
 * NotBefore and NotAfter is `now` + certificateValidityPeriod.
 */
export async function createClientCert(
  spec: ClientCertSpec,
  cfg: InitConfig,
  now: Date,
  ca: Signer,
  key?: PrivateKey,
): Promise<CertAndKey> {
  const k = key ?? (await generatePrivateKey(algorithmOf(cfg)));
  const period = durationMs(cfg.cluster.certificateValidityPeriod, DEFAULT_CERT_VALIDITY_MS, 'certificateValidityPeriod');
  const cert = await createCertificate(
    {
      commonName: spec.commonName(cfg),
      organization: spec.organization,
      usages: ['clientAuth'],
      isCA: false,
      notBefore: ca.cert.notBefore,
      notAfter: new Date(now.getTime() + period),
    },
    k,
    ca,
  );
  return pack(cert, k);
}

// ---------------------------------------------------------------------------------------------
// the whole set

/** File contents keyed by path relative to the certificates dir ("ca.crt", "etcd/ca.key", "sa.pub"). */
export type ExistingFiles = ReadonlyMap<string, string | Uint8Array> | Readonly<Record<string, string | Uint8Array>>;

export interface PkiFile {
  /** relative to the certificates dir */
  path: string;
  data: string;
  mode: number;
}

export type CertStatus =
  | 'generated'
  /** cert (and key, for CAs) were on disk and are reused */
  | 'existing'
  /** CA certificate without its key (external CA) */
  | 'existing-keyless'
  /** etcd certificates with external etcd */
  | 'skipped';

export interface CertResult {
  spec: CertSpec;
  status: CertStatus;
  /** the certificate now in effect (absent when skipped) */
  cert?: LoadedCert;
  certPem?: string;
  /** only for generated certificates */
  keyPem?: string;
  /** files to write (empty unless generated) */
  files: PkiFile[];
  /** SANs (serving certificates) */
  altNames?: AltNames;
  /** lines kubeadm prints for this certificate, in order */
  messages: string[];
}

export interface SaResult {
  status: 'generated' | 'existing' | 'external-ca' | 'skipped';
  files: PkiFile[];
  messages: string[];
}

export interface PkiResult {
  certs: CertResult[];
  sa: SaResult;
  /** client certificates for kubeconfig files, when requested */
  clientCerts: Map<KubeconfigFile, CertAndKey>;
  /** every file to write, in kubeadm's order */
  files: PkiFile[];
  /** non-fatal notes: SANs that were skipped, certificates outside their validity period */
  warnings: string[];
  /** the CA signers in effect (generated or loaded with their key) */
  signers: Partial<Record<CAName, Signer>>;
}

export interface GenerateAllOptions {
  /** also create client certificates for these kubeconfig files (signed by "ca") */
  clientCerts?: readonly KubeconfigFile[];
  /** skip the sa key pair */
  skipSa?: boolean;
  /** treat the run as external-CA mode for sa ("Using existing sa keys") */
  externalCA?: boolean;
  /** take keys from this pool (when its algorithm matches the configuration) instead of generating on demand */
  keyPool?: KeyPool;
  /**
   * Handle only these certificates (single-phase runs like `kubeadm init phase certs apiserver`);
   * the CAs they need are then loaded from `existing`, never generated. Include 'sa' for the key pair.
   */
  only?: ReadonlyArray<CertName | 'sa'>;
}

function getFile(files: ExistingFiles | undefined, p: string): string | Uint8Array | undefined {
  if (!files) return undefined;
  if (files instanceof Map) return files.get(p);
  return (files as Record<string, string | Uint8Array>)[p];
}

function posixJoin(dir: string, rel: string): string {
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

/**
 * Produce the whole certificate set kubeadm init creates for `cfg` (phase "certs all" and the
 * "sa" key pair), reusing what `existing` holds with the same rules as kubeadm's init phases:
 * - a CA whose certificate loads is reused ("Using existing <ca> certificate authority"), or marked
 *   keyless when its key is missing or unreadable;
 * - a leaf whose certificate loads must verify against its CA; it is then reused as is;
 * - everything else is generated. All needed keys are generated concurrently.
 * Throws with kubeadm's error text (plus the file path) when something on disk is unusable.
 */
export async function generateAll(
  cfg: InitConfig,
  now: Date,
  existing?: ExistingFiles,
  opts: GenerateAllOptions = {},
): Promise<PkiResult> {
  const dir = cfg.cluster.certificatesDir;
  const alg = algorithmOf(cfg);
  const pool = opts.keyPool && opts.keyPool.algorithm === alg ? opts.keyPool : undefined;
  const newKey = (): Promise<PrivateKey> => {
    const p = pool ? pool.take() : generatePrivateKey(alg);
    p.catch(() => undefined); // awaited later; avoid an unhandled rejection if an earlier step throws
    return p;
  };
  const externalEtcd = cfg.cluster.etcd.external !== undefined;
  const warnings: string[] = [];
  const warnedPeriod = new Set<string>();
  const periodWarning = (label: string, c: LoadedCert) => {
    if (warnedPeriod.has(label)) return;
    warnedPeriod.add(label);
    const w = checkPeriod(c, now);
    if (w) warnings.push(`WARNING: could not validate bounds for certificate ${label}: ${w}`);
  };

  type Plan = {
    spec: CertSpec;
    status: CertStatus | 'absent';
    /** why an un-requested CA could not be loaded */
    loadError?: string;
    /** why its certificate alone could not be loaded */
    certLoadError?: string;
    cert?: LoadedCert;
    key?: PrivateKey;
    keyPromise?: Promise<PrivateKey>;
  };
  const plans: Plan[] = [];
  const caPlans = new Map<CAName, Plan>();

  // 1. decide, per certificate, whether to reuse or generate; start key generation right away
  const wanted = (name: CertName | 'sa') => !opts.only || opts.only.includes(name);
  for (const spec of CERT_SPECS) {
    if (!spec.isCA && !wanted(spec.name)) continue;
    const skipped = externalEtcd && (spec.name === 'etcd-ca' || spec.caName === 'etcd-ca');
    if (skipped) {
      if (wanted(spec.name)) plans.push({ spec, status: 'skipped' });
      continue;
    }
    const crtPath = certFile(spec.baseName);
    const keyPath = keyFile(spec.baseName);
    const crtData = getFile(existing, crtPath);
    const keyData = getFile(existing, keyPath);
    let cert: LoadedCert | undefined;
    if (crtData !== undefined) {
      try {
        cert = parseCertificatesPem(crtData, posixJoin(dir, crtPath))[0];
      } catch {
        cert = undefined; // handled below like kubeadm: a generation attempt that finds the file unusable
      }
    }
    if (spec.isCA && !wanted(spec.name)) {
      // a CA this run does not create: load it for its leaves (LoadCertificateAuthority)
      const p: Plan = { spec, status: 'absent' };
      if (cert) {
        p.status = 'existing';
        p.cert = cert;
        if (keyData !== undefined) {
          try {
            p.key = parsePrivateKeyPem(keyData, posixJoin(dir, keyPath));
          } catch (e) {
            p.status = 'existing-keyless';
            p.loadError = `failure loading ${spec.baseName} certificate authority: failed to load key: ${errText(e)}`;
          }
        } else {
          p.status = 'existing-keyless';
          p.loadError = `failure loading ${spec.baseName} certificate authority: failed to load key: ${missingKeyMessage(posixJoin(dir, keyPath))}`;
        }
      } else if (crtData === undefined && keyData === undefined) {
        p.loadError = `couldn't load ${spec.baseName} certificate authority from ${dir}`;
        p.certLoadError = missingCertMessage(posixJoin(dir, crtPath));
      } else {
        const ce = unusableFiles(spec, dir, crtData, keyData, true).message;
        p.loadError = ce.replace(`failure loading ${spec.baseName} certificate:`, `failure loading ${spec.baseName} certificate authority:`);
        p.certLoadError = crtData === undefined ? missingCertMessage(posixJoin(dir, crtPath)) : ce;
      }
      caPlans.set(spec.name as CAName, p);
      continue;
    }
    if (spec.isCA) {
      if (cert) {
        periodWarning(spec.baseName, cert);
        let key: PrivateKey | undefined;
        if (keyData !== undefined) {
          try {
            key = parsePrivateKeyPem(keyData, posixJoin(dir, keyPath));
          } catch {
            key = undefined;
          }
        }
        const p: Plan = { spec, status: key ? 'existing' : 'existing-keyless', cert };
        if (key) p.key = key;
        plans.push(p);
        caPlans.set(spec.name as CAName, p);
      } else {
        if (crtData !== undefined || keyData !== undefined) {
          throw unusableFiles(spec, dir, crtData, keyData, true);
        }
        const p: Plan = { spec, status: 'generated', keyPromise: newKey() };
        plans.push(p);
        caPlans.set(spec.name as CAName, p);
      }
      continue;
    }
    const caPlan = caPlans.get(spec.caName!)!;
    if (cert) {
      if (caPlan.status === 'absent') throw new Error(`couldn't load CA certificate ${caPlan.spec.name}: ${caPlan.certLoadError}`);
      plans.push({ spec, status: 'existing', cert });
      continue;
    }
    if (caPlan.loadError) throw new Error(`couldn't load CA certificate ${caPlan.spec.name}: ${caPlan.loadError}`);
    if (caPlan.status === 'existing-keyless') {
      const caKeyPath = posixJoin(dir, keyFile(caPlan.spec.baseName));
      const caKeyData = getFile(existing, keyFile(caPlan.spec.baseName));
      let why = missingKeyMessage(caKeyPath);
      if (caKeyData !== undefined) {
        try {
          parsePrivateKeyPem(caKeyData, caKeyPath);
        } catch (e) {
          why = errText(e);
        }
      }
      throw new Error(
        `couldn't load CA certificate ${caPlan.spec.name}: failure loading ${caPlan.spec.baseName} certificate authority: failed to load key: ${why}`,
      );
    }
    if (crtData !== undefined || keyData !== undefined) {
      throw unusableFiles(spec, dir, crtData, keyData, false);
    }
    plans.push({ spec, status: 'generated', keyPromise: newKey() });
  }

  // sa key pair
  let saKeyPromise: Promise<PrivateKey> | undefined;
  let sa: SaResult;
  if (opts.skipSa || !wanted('sa')) sa = { status: 'skipped', files: [], messages: [] };
  else if (opts.externalCA) sa = { status: 'external-ca', files: [], messages: ['[certs] Using existing sa keys'] };
  else {
    const saKey = getFile(existing, SA_SPEC.privateKeyFile);
    if (saKey !== undefined) {
      try {
        parsePrivateKeyPem(saKey, posixJoin(dir, SA_SPEC.privateKeyFile));
      } catch {
        throw new Error(
          `file ${SA_SPEC.privateKeyFile} existed but it could not be loaded properly: error reading private key file ` +
            `${posixJoin(dir, SA_SPEC.privateKeyFile)}: data does not contain a valid RSA or ECDSA private key`,
        );
      }
      sa = { status: 'existing', files: [], messages: [`[certs] Using the existing "sa" key`] };
    } else {
      saKeyPromise = newKey();
      sa = { status: 'generated', files: [], messages: [`[certs] Generating "sa" key and public key`] };
    }
  }

  const clientKeyPromises = new Map<KubeconfigFile, Promise<PrivateKey>>();
  for (const f of opts.clientCerts ?? []) clientKeyPromises.set(f, newKey());

  // 2. CAs
  const signers: Partial<Record<CAName, Signer>> = {};
  const caResults = new Map<CAName, CertAndKey>();
  await Promise.all(
    [...caPlans.entries()].map(async ([name, p]) => {
      if (p.status === 'generated') {
        const made = await createCA(p.spec, cfg, now, await p.keyPromise!);
        p.cert = made.cert;
        p.key = made.key;
        caResults.set(name, made);
      }
      if (p.key) signers[name] = { cert: p.cert!, key: p.key };
    }),
  );

  // 3. leaves: verify existing ones, sign new ones
  const leafResults = new Map<CertSpec, CertAndKey & { altNames: AltNames }>();
  await Promise.all(
    plans.map(async (p) => {
      if (p.spec.isCA || p.status === 'skipped') return;
      const caPlan = caPlans.get(p.spec.caName!)!;
      if (p.status === 'existing') {
        periodWarning(p.spec.baseName, p.cert!);
        const chain = parseCertificatesPem(getFile(existing, certFile(p.spec.baseName))!);
        const err = verifyChain(chain[0]!, chain.slice(1), caPlan.cert!, now);
        if (err) {
          throw new Error(
            `[certs] certificate ${p.spec.baseName} not signed by CA certificate ${caPlan.spec.baseName}: ${err}`,
          );
        }
        return;
      }
      const made = await createLeaf(p.spec, cfg, now, signers[p.spec.caName!]!, await p.keyPromise!);
      p.cert = made.cert;
      leafResults.set(p.spec, made);
    }),
  );

  // 4. assemble results in kubeadm's order
  const certs: CertResult[] = [];
  const files: PkiFile[] = [];
  for (const p of plans) {
    const base = p.spec.baseName;
    if (p.status === 'absent') continue;
    const r: CertResult = { spec: p.spec, status: p.status, files: [], messages: [] };
    if (p.cert) {
      r.cert = p.cert;
      r.certPem = p.cert.pem;
    }
    switch (p.status) {
      case 'skipped':
        r.messages.push(
          p.spec.isCA
            ? `[certs] External etcd mode: Skipping ${base} certificate authority generation`
            : `[certs] External etcd mode: Skipping ${base} certificate generation`,
        );
        break;
      case 'existing':
        r.messages.push(
          p.spec.isCA
            ? `[certs] Using existing ${base} certificate authority`
            : `[certs] Using existing ${base} certificate and key on disk`,
        );
        break;
      case 'existing-keyless':
        r.messages.push(`[certs] Using existing ${base} keyless certificate authority`);
        break;
      case 'generated': {
        const made = p.spec.isCA ? caResults.get(p.spec.name as CAName)! : leafResults.get(p.spec)!;
        r.keyPem = made.keyPem;
        r.files.push(
          { path: keyFile(base), data: made.keyPem, mode: KEY_FILE_MODE },
          { path: certFile(base), data: made.certPem, mode: CERT_FILE_MODE },
        );
        r.messages.push(`[certs] Generating "${base}" certificate and key`);
        if (!p.spec.isCA) {
          const alt = (made as CertAndKey & { altNames: AltNames }).altNames;
          r.altNames = alt;
          if (alt.warnings) warnings.push(...alt.warnings);
          if (p.spec.usages.includes('serverAuth')) r.messages.push(servingCertLine(base, alt));
        }
        break;
      }
    }
    files.push(...r.files);
    certs.push(r);
  }

  if (saKeyPromise) {
    const k = await saKeyPromise;
    sa.files.push(
      { path: SA_SPEC.privateKeyFile, data: encodePrivateKeyPem(k), mode: KEY_FILE_MODE },
      { path: SA_SPEC.publicKeyFile, data: encodePublicKeyPem(k), mode: KEY_FILE_MODE },
    );
    files.push(...sa.files);
  }

  const clientCerts = new Map<KubeconfigFile, CertAndKey>();
  if (clientKeyPromises.size) {
    const ca = signers.ca;
    if (!ca) throw new Error('the CA key is not available: cannot sign kubeconfig client certificates');
    await Promise.all(
      [...clientKeyPromises.entries()].map(async ([file, kp]) => {
        const spec = CLIENT_CERT_SPECS.find((s) => s.file === file)!;
        clientCerts.set(file, await createClientCert(spec, cfg, now, ca, await kp));
      }),
    );
  }

  return { certs, sa, clientCerts, files, warnings, signers };
}

/**
 * The error kubeadm reports when a certificate it must create finds unusable files in the way
 * (writeCertificateFilesIfNotExist / writeCertificateAuthorityFilesIfNotExist).
 */
function unusableFiles(
  spec: CertSpec,
  dir: string,
  crtData: string | Uint8Array | undefined,
  keyData: string | Uint8Array | undefined,
  isCA: boolean,
): Error {
  const crt = posixJoin(dir, certFile(spec.baseName));
  const key = posixJoin(dir, keyFile(spec.baseName));
  const certError = (): string | undefined => {
    if (crtData === undefined) return missingCertMessage(crt);
    try {
      parseCertificatesPem(crtData, crt);
      return undefined;
    } catch (e) {
      return errText(e);
    }
  };
  const keyError = (): string | undefined => {
    if (keyData === undefined) return missingKeyMessage(key);
    try {
      parsePrivateKeyPem(keyData, key);
      return undefined;
    } catch (e) {
      return errText(e);
    }
  };
  if (isCA) {
    // TryLoadCertAndKeyFromDisk: certificate first, then key
    const ce = certError();
    if (ce) return new Error(`failure loading ${spec.baseName} certificate: failed to load certificate: ${ce}`);
    return new Error(`failure loading ${spec.baseName} certificate: failed to load key: ${keyError() ?? ''}`);
  }
  const prefix = `failed to write or validate certificate "${spec.name}": `;
  const ke = keyError();
  if (ke) return new Error(`${prefix}failure loading ${spec.baseName} key: ${ke}`);
  return new Error(`${prefix}failure loading ${spec.baseName} certificate: ${certError() ?? ''}`);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Load a CA (certificate + key) from file contents, as LoadCertificateAuthority does. */
export function loadSigner(
  baseName: string,
  certPem: string | Uint8Array,
  keyPem: string | Uint8Array,
  dir = '',
): Signer {
  const crtPath = dir ? posixJoin(dir, certFile(baseName)) : certFile(baseName);
  const keyPath = dir ? posixJoin(dir, keyFile(baseName)) : keyFile(baseName);
  const cert = parseCertificatesPem(certPem, crtPath)[0]!;
  const key = parsePrivateKeyPem(keyPem, keyPath);
  if (!cert.isCA) throw new Error(`${baseName} certificate is not a certificate authority (${crtPath})`);
  if (!cert.native.checkPrivateKey(key.key)) {
    throw new Error(`the private key ${keyPath} does not match the certificate ${crtPath}`);
  }
  return { cert, key };
}
