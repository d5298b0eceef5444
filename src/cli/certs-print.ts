// What `certs check-expiration` prints: kubeadm's two tables (text/tabwriter), or the
// output.kubeadm.k8s.io/v1alpha3 CertificateExpirationInfo object through an -o printer.

import type { ExpirationEntry, ExpirationInfo } from '../pki/renewal.js';
import { OUTPUT_API_VERSION } from '../printers/formats.js';
import type { ObjectPrinter } from '../printers/printer.js';
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
    apiVersion: OUTPUT_API_VERSION,
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

/** The two tables (text), or the CertificateExpirationInfo object through the -o printer. */
export async function renderExpiration(info: ExpirationInfo, printer: ObjectPrinter | 'text', stdout: { write(s: string): unknown }): Promise<void> {
  if (printer === 'text') {
    stdout.write(expirationTable(info));
    return;
  }
  const { PrintError, printFailure } = await import('../printers/printer.js');
  try {
    stdout.write(printer.print(expirationObject(info)));
  } catch (e) {
    if (e instanceof PrintError) throw printFailure(e, '', stdout);
    throw e;
  }
}
