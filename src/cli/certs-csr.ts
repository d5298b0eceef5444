// `certs generate-csr` (kubeadm's CreateDefaultKeysAndCSRFiles and CreateDefaultKubeConfigsAndCSRFiles):
// a key and a CSR for every leaf certificate, and for every kubeconfig file a kubeconfig holding only
// its client key plus a CSR beside it. Everything is checked and rendered before the first write.

import * as path from 'node:path';
import { TskError } from '../errors.js';
import type { Host } from '../host/types.js';
import type { InitConfig } from '../config/types.js';
import { CERT_SPECS, CLIENT_CERT_SPECS, KEY_FILE_MODE } from '../pki/specs.js';

export interface CsrWrite {
  path: string;
  data: string;
  mode: number;
  dirMode: number;
}

export interface CsrItem {
  /** the directory line printed before the item's name */
  dir: string;
  name: string;
  writes: CsrWrite[];
}

const ERR_EXIST = 'file already exists';

export async function planCsrFiles(host: Host, cfg: InitConfig, kubeDir: string): Promise<{ items: CsrItem[]; warnings: string[] }> {
  const { KeyPool, encodePrivateKeyPem } = await import('../pki/keys.js');
  const { createCsrPem } = await import('../pki/csr.js');
  const { controlPlaneEndpointURL, localAPIEndpointURL, renderKubeconfig } = await import('../kubeconfig/kubeconfig.js');
  const certDir = cfg.cluster.certificatesDir;
  const leaves = CERT_SPECS.filter((s) => !s.isCA);
  const exists = (p: string) => host.exists(p);

  // 1. nothing may be in the way (kubeadm stops at the first, after writing the ones before it)
  for (const s of leaves) {
    const base = path.posix.join(certDir, s.baseName);
    if ((await exists(`${base}.key`)) || (await exists(`${base}.csr`))) throw new TskError(`${ERR_EXIST}: key or CSR ${certDir}/${s.baseName}`);
  }
  for (const k of CLIENT_CERT_SPECS) {
    const p = path.posix.join(kubeDir, k.file);
    if (await exists(p)) throw new TskError(`${ERR_EXIST}: kube config: ${p}`);
    if ((await exists(`${p}.key`)) || (await exists(`${p}.csr`))) throw new TskError(`${ERR_EXIST}: csr: ${p}`);
  }

  // 2. names and addresses from the configuration
  const warnings: string[] = [];
  const leafNames = leaves.map((s) => {
    const alt = s.altNames(cfg);
    if (alt.warnings) warnings.push(...alt.warnings);
    return { spec: s, commonName: s.commonName(cfg), alt };
  });
  const cpe = controlPlaneEndpointURL(cfg);
  warnings.push(...cpe.warnings);
  const local = localAPIEndpointURL(cfg);

  // 3. keys (generated together) and requests
  const pool = new KeyPool(cfg.cluster.encryptionAlgorithm || 'RSA-2048');
  pool.prefetch(leaves.length + CLIENT_CERT_SPECS.length);
  const items: CsrItem[] = [];
  for (const l of leafNames) {
    const key = await pool.take();
    const base = path.posix.join(certDir, l.spec.baseName);
    const csr = createCsrPem({ commonName: l.commonName, organization: l.spec.organization, dnsNames: l.alt.dns, ips: l.alt.ips }, key);
    items.push({
      dir: certDir,
      name: l.spec.baseName,
      writes: [
        { path: `${base}.key`, data: encodePrivateKeyPem(key), mode: KEY_FILE_MODE, dirMode: 0o755 },
        { path: `${base}.csr`, data: csr, mode: 0o600, dirMode: 0o700 },
      ],
    });
  }
  for (const k of CLIENT_CERT_SPECS) {
    const key = await pool.take();
    const p = path.posix.join(kubeDir, k.file);
    const clientName = k.commonName(cfg);
    // here kubelet.conf uses the control-plane endpoint, like admin.conf (getKubeConfigSpecsBase)
    const server = k.file === 'controller-manager.conf' || k.file === 'scheduler.conf' ? local : cpe.url;
    const text = renderKubeconfig({ clusterName: cfg.cluster.clusterName, server, caPem: '', userName: clientName, clientKeyPem: encodePrivateKeyPem(key) });
    const csr = createCsrPem({ commonName: clientName, organization: k.organization }, key);
    items.push({
      dir: kubeDir,
      name: k.file,
      writes: [
        { path: p, data: text, mode: 0o600, dirMode: 0o755 },
        { path: `${p}.csr`, data: csr, mode: 0o600, dirMode: 0o700 },
      ],
    });
  }
  return { items, warnings };
}
