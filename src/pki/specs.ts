// The certificate table: which certificates kubeadm creates, in which order, and what goes in them.
// Pure data plus the SAN rules; generation lives in certs.ts.

import type { InitConfig } from '../config/types.js';
import {
  formatIP,
  ipEqual,
  isDNS1123Subdomain,
  isWildcardDNS1123Subdomain,
  parseHostPort,
  parseIP,
  type ParsedIP,
} from '../util/net.js';
import { indexedIPOfCIDRList } from './ip.js';

export type ExtUsage = 'serverAuth' | 'clientAuth';

export type CertName =
  | 'ca'
  | 'apiserver'
  | 'apiserver-kubelet-client'
  | 'front-proxy-ca'
  | 'front-proxy-client'
  | 'etcd-ca'
  | 'etcd-server'
  | 'etcd-peer'
  | 'etcd-healthcheck-client'
  | 'apiserver-etcd-client';

export type CAName = 'ca' | 'front-proxy-ca' | 'etcd-ca';

/** Subject alternative names: DNS names sorted and unique, IPs unique in first-seen order. */
export interface AltNames {
  dns: string[];
  /** textual form as Go prints net.IP */
  ips: string[];
  /** entries of *CertSANs that were neither an IP nor a DNS name (kubeadm warns and skips them) */
  warnings?: string[];
}

export interface CertSpec {
  /** phase name, e.g. "etcd-server" */
  name: CertName;
  /** file base name under the certificates dir, e.g. "etcd/server" (-> etcd/server.crt, etcd/server.key) */
  baseName: string;
  /** kubeadm's LongName; the phase's short help is "Generate the " + longName */
  longName: string;
  /** the CA that signs this certificate; undefined for self-signed CAs */
  caName?: CAName;
  isCA: boolean;
  commonName(cfg: InitConfig): string;
  organization: readonly string[];
  /** extended key usages, in the order kubeadm puts them in the certificate */
  usages: readonly ExtUsage[];
  /** SANs for this certificate; CAs get their CN as a DNS SAN (see caAltNames) */
  altNames(cfg: InitConfig): AltNames;
}

/** Default file modes kubeadm uses. */
export const CERT_FILE_MODE = 0o644;
export const KEY_FILE_MODE = 0o600;

const noAltNames = (): AltNames => ({ dns: [], ips: [] });

const ca = (name: CAName, baseName: string, cn: string, longName: string): CertSpec => ({
  name,
  baseName,
  longName,
  isCA: true,
  commonName: () => cn,
  organization: [],
  usages: [],
  altNames: () => ({ dns: [cn], ips: [] }),
});

/** kubeadm's default certificate list (GetDefaultCertList), in order. */
export const CERT_SPECS: readonly CertSpec[] = [
  ca('ca', 'ca', 'kubernetes', 'self-signed Kubernetes CA to provision identities for other Kubernetes components'),
  {
    name: 'apiserver',
    baseName: 'apiserver',
    longName: 'certificate for serving the Kubernetes API',
    caName: 'ca',
    isCA: false,
    commonName: () => 'kube-apiserver',
    organization: [],
    usages: ['serverAuth'],
    altNames: apiServerAltNames,
  },
  {
    name: 'apiserver-kubelet-client',
    baseName: 'apiserver-kubelet-client',
    longName: 'certificate for the API server to connect to kubelet',
    caName: 'ca',
    isCA: false,
    commonName: () => 'kube-apiserver-kubelet-client',
    organization: [],
    usages: ['clientAuth'],
    altNames: noAltNames,
  },
  ca('front-proxy-ca', 'front-proxy-ca', 'front-proxy-ca', 'self-signed CA to provision identities for front proxy'),
  {
    name: 'front-proxy-client',
    baseName: 'front-proxy-client',
    longName: 'certificate for the front proxy client',
    caName: 'front-proxy-ca',
    isCA: false,
    commonName: () => 'front-proxy-client',
    organization: [],
    usages: ['clientAuth'],
    altNames: noAltNames,
  },
  ca('etcd-ca', 'etcd/ca', 'etcd-ca', 'self-signed CA to provision identities for etcd'),
  {
    name: 'etcd-server',
    baseName: 'etcd/server',
    longName: 'certificate for serving etcd',
    caName: 'etcd-ca',
    isCA: false,
    commonName: (cfg) => cfg.init.nodeRegistration.name,
    organization: [],
    usages: ['serverAuth', 'clientAuth'],
    altNames: (cfg) => etcdAltNames(cfg, 'server'),
  },
  {
    name: 'etcd-peer',
    baseName: 'etcd/peer',
    longName: 'certificate for etcd nodes to communicate with each other',
    caName: 'etcd-ca',
    isCA: false,
    commonName: (cfg) => cfg.init.nodeRegistration.name,
    organization: [],
    usages: ['serverAuth', 'clientAuth'],
    altNames: (cfg) => etcdAltNames(cfg, 'peer'),
  },
  {
    name: 'etcd-healthcheck-client',
    baseName: 'etcd/healthcheck-client',
    longName: 'certificate for liveness probes to healthcheck etcd',
    caName: 'etcd-ca',
    isCA: false,
    commonName: () => 'kube-etcd-healthcheck-client',
    organization: [],
    usages: ['clientAuth'],
    altNames: noAltNames,
  },
  {
    name: 'apiserver-etcd-client',
    baseName: 'apiserver-etcd-client',
    longName: 'certificate the apiserver uses to access etcd',
    caName: 'etcd-ca',
    isCA: false,
    commonName: () => 'kube-apiserver-etcd-client',
    organization: [],
    usages: ['clientAuth'],
    altNames: noAltNames,
  },
];

/** The service-account signing key pair (sa.key / sa.pub); not a certificate. */
export const SA_SPEC = {
  name: 'sa',
  baseName: 'sa',
  privateKeyFile: 'sa.key',
  publicKeyFile: 'sa.pub',
  /** the phase's short help */
  short: 'Generate a private key for signing service account tokens along with its public key',
  /** the phase's long help */
  long:
    'Generate the private key for signing service account tokens along with its public key, and save them into sa.key and sa.pub files.\n\n' +
    'If both files already exist, kubeadm skips the generation step and existing files will be used.',
} as const;

/** Short help of "kubeadm init phase certs <name>". */
export function certPhaseShort(spec: CertSpec): string {
  return `Generate the ${spec.longName}`;
}

/**
 * Long help of "kubeadm init phase certs <name>". kubeadm derives a "Default SANs" line from an
 * empty configuration with advertise address 127.0.0.1; only the etcd server/peer certificates get
 * one (duplicates included, as kubeadm prints it).
 */
export function certPhaseLong(spec: CertSpec): string {
  const sans = spec.name === 'etcd-server' || spec.name === 'etcd-peer' ? '\n\nDefault SANs are localhost, 127.0.0.1, 127.0.0.1, ::1' : '';
  return (
    `Generate the ${spec.longName}, and save them into ${spec.baseName}.crt and ${spec.baseName}.key files.${sans}\n\n` +
    'If both files already exist, kubeadm skips the generation step and existing files will be used.'
  );
}

export function certSpec(name: CertName): CertSpec {
  const s = CERT_SPECS.find((c) => c.name === name);
  if (!s) throw new Error(`unknown certificate ${name}`);
  return s;
}

/** The certificates kubeadm manages for this configuration: without local etcd the list stops after front-proxy-client. */
export function certList(cfg: InitConfig): CertSpec[] {
  if (cfg.cluster.etcd.local === undefined) return CERT_SPECS.slice(0, 5);
  return [...CERT_SPECS];
}

/** "<baseName>.crt" / "<baseName>.key" relative to the certificates dir. */
export function certFile(baseName: string): string {
  return `${baseName}.crt`;
}
export function keyFile(baseName: string): string {
  return `${baseName}.key`;
}

// ---------------------------------------------------------------------------------------------
// SAN rules

class AltNameBuilder {
  readonly dns: string[] = [];
  readonly ips: ParsedIP[] = [];
  readonly warnings: string[] = [];

  addIP(ip: ParsedIP) {
    this.ips.push(ip);
  }

  /** appendSANsToAltNames: IPs, then RFC 1123 names or wildcards; anything else is skipped with a warning. */
  addUserSANs(sans: readonly string[], certName: string) {
    for (const s of sans) {
      const ip = parseIP(s);
      if (ip) this.ips.push(ip);
      else if (isDNS1123Subdomain(s) || isWildcardDNS1123Subdomain(s)) this.dns.push(s);
      else
        this.warnings.push(
          `[certificates] WARNING: '${s}' was not added to the '${certName}' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry`,
        );
    }
  }

  /** RemoveDuplicateAltNames: DNS names become a sorted set; IPs keep the first occurrence. */
  build(): AltNames {
    const dns = [...new Set(this.dns)].sort(byteCompare);
    const ips: ParsedIP[] = [];
    for (const ip of this.ips) if (!ips.some((x) => ipEqual(x, ip))) ips.push(ip);
    const out: AltNames = { dns, ips: ips.map(formatIP) };
    if (this.warnings.length) out.warnings = this.warnings;
    return out;
  }
}

function byteCompare(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ba, bb);
}

function advertiseIP(cfg: InitConfig): ParsedIP {
  const addr = cfg.init.localAPIEndpoint.advertiseAddress;
  const ip = parseIP(addr);
  if (!ip) {
    throw new Error(
      `error parsing LocalAPIEndpoint AdvertiseAddress ${addr}: is not a valid textual representation of an IP address`,
    );
  }
  return ip;
}

/** The first address of the first service subnet (the "kubernetes" Service ClusterIP). */
export function apiServerVirtualIP(serviceSubnet: string): string {
  try {
    return formatIP(indexedIPOfCIDRList(serviceSubnet, 1));
  } catch (e) {
    throw new Error(
      `unable to get first IP address from the given CIDR: ${serviceSubnet}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** SANs of apiserver.crt (GetAPIServerAltNames). */
export function apiServerAltNames(cfg: InitConfig): AltNames {
  const adv = advertiseIP(cfg);
  const vip = parseIP(apiServerVirtualIP(cfg.cluster.networking.serviceSubnet))!;
  const b = new AltNameBuilder();
  const nodeName = cfg.init.nodeRegistration.name;
  if (nodeName) b.dns.push(nodeName);
  b.dns.push('kubernetes', 'kubernetes.default', 'kubernetes.default.svc');
  if (cfg.cluster.networking.dnsDomain) b.dns.push(`kubernetes.default.svc.${cfg.cluster.networking.dnsDomain}`);
  b.addIP(vip);
  b.addIP(adv);
  const cpe = cfg.cluster.controlPlaneEndpoint;
  if (cpe) {
    const hp = parseHostPort(cpe);
    if ('error' in hp) throw new Error(`error parsing cluster controlPlaneEndpoint "${cpe}": ${hp.error}`);
    const ip = parseIP(hp.host);
    if (ip) b.addIP(ip);
    else b.dns.push(hp.host);
  }
  b.addUserSANs(cfg.cluster.apiServer.certSANs ?? [], 'apiserver');
  return b.build();
}

/** SANs of etcd/server.crt or etcd/peer.crt (GetEtcdAltNames / GetEtcdPeerAltNames). */
export function etcdAltNames(cfg: InitConfig, which: 'server' | 'peer'): AltNames {
  const adv = advertiseIP(cfg);
  const b = new AltNameBuilder();
  const nodeName = cfg.init.nodeRegistration.name;
  if (nodeName) b.dns.push(nodeName);
  b.dns.push('localhost');
  b.addIP(adv);
  b.addIP(parseIP('127.0.0.1')!);
  b.addIP(parseIP('::1')!);
  const local = cfg.cluster.etcd.local;
  if (local) {
    if (which === 'server') b.addUserSANs(local.serverCertSANs ?? [], 'etcd/server');
    else b.addUserSANs(local.peerCertSANs ?? [], 'etcd/peer');
  }
  return b.build();
}

/** The line kubeadm prints after writing a serving certificate. */
export function servingCertLine(baseName: string, alt: AltNames): string {
  return `[certs] ${baseName} serving cert is signed for DNS names [${alt.dns.join(' ')}] and IPs [${alt.ips.join(' ')}]`;
}

// ---------------------------------------------------------------------------------------------
// kubeconfig client certificates

export type KubeconfigFile = 'admin.conf' | 'super-admin.conf' | 'kubelet.conf' | 'controller-manager.conf' | 'scheduler.conf';

export interface ClientCertSpec {
  file: KubeconfigFile;
  /** the phase name under "kubeconfig" */
  phase: 'admin' | 'super-admin' | 'kubelet' | 'controller-manager' | 'scheduler';
  commonName(cfg: InitConfig): string;
  organization: readonly string[];
  /** which API server URL the file uses: the control-plane endpoint or this node's local endpoint */
  server: 'controlPlaneEndpoint' | 'local';
}

/** Client certificates embedded in the kubeconfig files, in the order kubeadm writes them. */
export const CLIENT_CERT_SPECS: readonly ClientCertSpec[] = [
  {
    file: 'admin.conf',
    phase: 'admin',
    commonName: () => 'kubernetes-admin',
    organization: ['kubeadm:cluster-admins'],
    server: 'controlPlaneEndpoint',
  },
  {
    file: 'super-admin.conf',
    phase: 'super-admin',
    commonName: () => 'kubernetes-super-admin',
    organization: ['system:masters'],
    server: 'controlPlaneEndpoint',
  },
  {
    file: 'kubelet.conf',
    phase: 'kubelet',
    commonName: (cfg) => `system:node:${cfg.init.nodeRegistration.name}`,
    organization: ['system:nodes'],
    // kubeadm init clears controlPlaneEndpoint before writing kubelet.conf: the kubelet talks to
    // its local API server (ControlPlaneKubeletLocalMode, GA)
    server: 'local',
  },
  {
    file: 'controller-manager.conf',
    phase: 'controller-manager',
    commonName: () => 'system:kube-controller-manager',
    organization: [],
    server: 'local',
  },
  {
    file: 'scheduler.conf',
    phase: 'scheduler',
    commonName: () => 'system:kube-scheduler',
    organization: [],
    server: 'local',
  },
];

export function clientCertSpec(file: KubeconfigFile): ClientCertSpec {
  const s = CLIENT_CERT_SPECS.find((c) => c.file === file);
  if (!s) throw new Error(`couldn't retrieve KubeConfigSpec for ${file}`);
  return s;
}
