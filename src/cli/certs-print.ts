// What `certs check-expiration` prints: kubeadm's two tables (text/tabwriter), or the
// output.kubeadm.k8s.io/v1alpha3 CertificateExpirationInfo object as JSON or YAML.

import type { ExpirationEntry, ExpirationInfo } from '../pki/renewal.js';
import { tabwrite } from '../util/tabwriter.js';
import { humanDuration } from '../util/humanduration.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Go's "Jan 02, 2006 15:04 MST" for a UTC time. */
export function expiresText(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** metav1.Time in JSON: RFC 3339 in UTC, whole seconds; null for the zero time. */
const rfc3339 = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

function entryObject(e: ExpirationEntry): Record<string, unknown> {
  return {
    name: e.name,
    expirationDate: rfc3339(e.expirationDate),
    residualTime: e.residualTime,
    externallyManaged: e.externallyManaged,
    ...(e.caName ? { caName: e.caName } : {}),
    missing: e.missing,
  };
}

export function expirationObject(info: ExpirationInfo): Record<string, unknown> {
  return {
    kind: 'CertificateExpirationInfo',
    apiVersion: 'output.kubeadm.k8s.io/v1alpha3',
    certificates: info.certificates.map(entryObject),
    certificateAuthorities: info.certificateAuthorities.map(entryObject),
  };
}

export function expirationTable(info: ExpirationInfo): string {
  const yesNo = (b: boolean) => (b ? 'yes' : 'no').padEnd(8);
  const rows: string[] = ['CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED'];
  for (const c of info.certificates) {
    if (c.missing) rows.push(`!MISSING! ${c.name}\t\t\t\t`);
    else rows.push(`${c.name}\t${expiresText(c.expirationDate!)}\t${humanDuration(c.residualTime)}\t${c.caName ?? ''}\t${yesNo(c.externallyManaged)}`);
  }
  rows.push('');
  rows.push('CERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED');
  for (const c of info.certificateAuthorities) {
    if (c.missing) rows.push(`!MISSING! ${c.name}\t\t\t`);
    else rows.push(`${c.name}\t${expiresText(c.expirationDate!)}\t${humanDuration(c.residualTime)}\t${yesNo(c.externallyManaged)}`);
  }
  return tabwrite(rows.join('\n') + '\n', { minWidth: 10, padding: 3 });
}

/**
 * KYAML (sigs.k8s.io/yaml/kyaml) for this object's shape: struct field order, double-quoted strings,
 * trailing commas, lists of objects "cuddled" as [{ ... }, { ... }].
 */
export function toKyaml(obj: Record<string, unknown>): string {
  const scalar = (v: unknown): string => (v === null || v === undefined ? 'null' : typeof v === 'string' ? JSON.stringify(v) : String(v));
  const fields = (o: Record<string, unknown>, indent: string): string =>
    Object.entries(o)
      .map(([k, v]) => `${indent}${k}: ${value(v, indent)},\n`)
      .join('');
  const value = (v: unknown, indent: string): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const inner = indent + '  ';
      return '[{\n' + v.map((e) => fields(e as Record<string, unknown>, inner)).join(`${indent}}, {\n`) + `${indent}}]`;
    }
    if (v !== null && typeof v === 'object') return '{\n' + fields(v as Record<string, unknown>, indent + '  ') + `${indent}}`;
    return scalar(v);
  };
  return `---\n{\n${fields(obj, '  ')}}\n`;
}

export async function renderExpiration(info: ExpirationInfo, format: string): Promise<string> {
  if (format === 'kyaml') return toKyaml(expirationObject(info));
  if (format === 'json') return JSON.stringify(expirationObject(info), null, 4) + '\n';
  if (format === 'yaml') {
    const { toGoYaml } = await import('../manifests/goyaml.js');
    return toGoYaml(expirationObject(info));
  }
  return expirationTable(info);
}
