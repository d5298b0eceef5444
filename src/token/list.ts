// `tskubeadm token list` (kubeadm's RunListTokens): the bootstrap-token Secrets of kube-system as
// output.kubeadm.k8s.io/v1alpha3 BootstrapToken objects, in a table or through an -o printer, one
// object per token.

import type { KubeClient } from '../kube/base.js';
import type { SecretObject } from '../kube/types.js';
import { KubeApiError } from '../errors.js';
import { BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../kube/objects/bootstraptoken.js';
import { OUTPUT_API_VERSION } from '../printers/formats.js';
import type { ObjectPrinter } from '../printers/printer.js';
import { tabwrite } from '../util/tabwriter.js';

/** The fields of a bootstrap token kubeadm reads back from its Secret (BootstrapTokenFromSecret). */
export interface ListedToken {
  token: string;
  description?: string;
  /** RFC3339, as stored */
  expires?: string;
  usages?: string[];
  groups?: string[];
}

const TOKEN_ID = /^[a-z0-9]{6}$/;
const TOKEN_SECRET = /^[a-z0-9]{16}$/;

function dataOf(secret: SecretObject, key: string): string {
  const v = secret.data?.[key];
  return v == null ? '' : Buffer.from(v, 'base64').toString('utf8');
}

/** A Go time.Parse(time.RFC3339, s) check, loose on what JS accepts but strict on the shape. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** BootstrapTokenFromSecret: the token, or the error kubeadm prints (and skips the Secret for). */
export function tokenFromSecret(secret: SecretObject): ListedToken | string {
  const name = secret.metadata.name;
  const id = dataOf(secret, 'token-id');
  if (!id) return `bootstrap Token Secret has no token-id data: ${name}`;
  if (name !== BOOTSTRAP_TOKEN_SECRET_PREFIX + id) {
    return `bootstrap token name is not of the form '${BOOTSTRAP_TOKEN_SECRET_PREFIX}(token-id)'. Actual: "${name}". Expected: "${BOOTSTRAP_TOKEN_SECRET_PREFIX + id}"`;
  }
  const sec = dataOf(secret, 'token-secret');
  if (!sec) return `bootstrap Token Secret has no token-secret data: ${name}`;
  if (!TOKEN_ID.test(id) || !TOKEN_SECRET.test(sec)) {
    return `bootstrap Token Secret is invalid and couldn't be parsed: the bootstrap token "${id}.${sec}" was not of the form "\\\\A([a-z0-9]{6})\\\\.([a-z0-9]{16})\\\\z"`;
  }
  const t: ListedToken = { token: `${id}.${sec}` };
  const description = dataOf(secret, 'description');
  if (description) t.description = description;
  const exp = dataOf(secret, 'expiration');
  if (exp) {
    if (!RFC3339.test(exp) || Number.isNaN(Date.parse(exp))) return `can't parse expiration time of bootstrap token "${name}": parsing time "${exp}" as RFC3339`;
    t.expires = exp;
  }
  const usages = Object.keys(secret.data ?? {})
    .filter((k) => k.startsWith('usage-bootstrap-') && dataOf(secret, k) === 'true')
    .map((k) => k.slice('usage-bootstrap-'.length))
    .sort();
  if (usages.length) t.usages = usages;
  const groups = dataOf(secret, 'auth-extra-groups').split(',');
  if (groups[0]) t.groups = groups;
  return t;
}

/** metav1.Time's JSON and time.RFC3339 of a UTC time: whole seconds, "Z". */
export function expiresUTC(s: string): string {
  return new Date(Math.floor(Date.parse(s) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** apimachinery's duration.ShortHumanDuration */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)}y`;
}

export const TOKEN_COLUMNS = ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'];

/** One row of kubeadm's table (formatBootstrapToken), fixed widths included. */
export function tokenRow(t: ListedToken, now: Date): string[] {
  let ttl = '<forever>';
  let expires = '<never>';
  if (t.expires) {
    const at = Date.parse(t.expires);
    ttl = shortHumanDuration(at - now.getTime());
    // Format(time.RFC3339) of the parsed time keeps the offset it was written with
    expires = t.expires.replace(/\.\d+(?=Z|[+-])/, '');
  }
  const usages = t.usages?.join(',') || '<none>';
  const description = t.description || '<none>';
  const groups = t.groups?.join(',') || '<none>';
  return [t.token, ttl.padEnd(9), expires, usages.padEnd(22), description.padEnd(56), groups];
}

/** The versioned output object (kind and apiVersion first, as Go's TypeMeta marshals). */
export function tokenObject(t: ListedToken): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: 'BootstrapToken', apiVersion: OUTPUT_API_VERSION, token: t.token };
  if (t.description) o.description = t.description;
  if (t.expires) o.expires = expiresUTC(t.expires);
  if (t.usages) o.usages = t.usages;
  if (t.groups) o.groups = t.groups;
  return o;
}

export interface ListTokensOptions {
  client: KubeClient;
  /** the -o printer, or 'text' for kubeadm's table */
  printer: ObjectPrinter | 'text';
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  now?: () => Date;
}

export async function runListTokens(o: ListTokensOptions): Promise<void> {
  let secrets: SecretObject[];
  try {
    secrets = await o.client.list<SecretObject>('v1', 'Secret', 'kube-system', { fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}` });
  } catch (e) {
    throw new KubeApiError(`failed to list bootstrap tokens: ${(e as Error).message}`, undefined, { cause: e });
  }
  let header = false;
  for (const s of secrets) {
    const t = tokenFromSecret(s);
    if (typeof t === 'string') {
      // kubeadm prints these with no newline ("%v")
      o.stderr.write(t);
      continue;
    }
    if (o.printer !== 'text') {
      try {
        o.stdout.write(o.printer.print(tokenObject(t)));
      } catch (e) {
        const { PrintError, printFailure } = await import('../printers/printer.js');
        if (e instanceof PrintError) throw printFailure(e, `unable to print token ${t.token}: `, o.stdout);
        throw e;
      }
      continue;
    }
    // kubeadm's text printer flushes a tabwriter per token: the header aligns with the first row only
    const rows = [tokenRow(t, (o.now ?? (() => new Date()))())];
    if (!header) rows.unshift(TOKEN_COLUMNS);
    header = true;
    o.stdout.write(tabwrite(rows.map((r) => r.join('\t')).join('\n') + '\n', { minWidth: 10, padding: 3 }));
  }
}
