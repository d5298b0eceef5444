// Command-line flag values as the CLI hands them over, keyed by kubeadm's flag names, and the rule for
// mixing them with --config.
import { UsageError } from '../errors.js';
import * as C from './constants.js';
import { normalizeDuration } from './duration.js';

/** A flag's value as the CLI parsed it. */
export type FlagValue = string | number | boolean | string[] | undefined;

/**
 * Flag values keyed by kubeadm's flag names (without dashes), e.g. `{ 'pod-network-cidr': '10.244.0.0/16' }`.
 * Lists may be arrays or comma-separated strings (pflag StringSlice semantics).
 */
export type FlagValues = { readonly [flag: string]: FlagValue };
/** init flags: apiserver-advertise-address, apiserver-bind-port, apiserver-cert-extra-sans, cert-dir, certificate-key,
 * control-plane-endpoint, cri-socket, dry-run, feature-gates, ignore-preflight-errors, image-repository,
 * kubernetes-version, node-name, patches, pod-network-cidr, service-cidr, service-dns-domain, skip-phases,
 * token, token-ttl, upload-certs, skip-token-print, skip-certificate-key-print, and the deprecated
 * apiserver-extra-args / controller-manager-extra-args / scheduler-extra-args ("name=value" items). */
export type InitFlagValues = FlagValues;
/** join flags: apiserver-advertise-address, apiserver-bind-port, certificate-key, control-plane, cri-socket,
 * discovery-file, discovery-token, discovery-token-ca-cert-hash, discovery-token-unsafe-skip-ca-verification,
 * dry-run, ignore-preflight-errors, node-name, patches, skip-phases, tls-bootstrap-token, token. */
export type JoinFlagValues = FlagValues;
/** reset flags: cert-dir, cleanup-tmp-dir, cri-socket, dry-run, force, ignore-preflight-errors, kubeconfig, skip-phases. */
export type ResetFlagValues = FlagValues;
export type CommonFlagValues = FlagValues;

export function str(v: FlagValue): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

export function bool(v: FlagValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return parseGoBool(v) ?? false;
  return Boolean(v);
}

/** Flags that may be combined with --config (ValidateMixedArguments in kubeadm): these, plus any "skip-*". */
export const ALLOWED_WITH_CONFIG: readonly string[] = [
  'config',
  'ignore-preflight-errors',
  'dry-run',
  'kubeconfig',
  'node-name',
  'kubeconfig-dir',
  'upload-certs',
  'print-manifest',
  'allow-missing-template-keys',
  'output',
  'show-managed-fields',
  'print-join-command',
  'rootfs',
  'v',
  'log-file',
  'yes',
];

export function isAllowedWithConfig(flag: string): boolean {
  return ALLOWED_WITH_CONFIG.includes(flag) || flag.startsWith('skip-');
}

/** Reject flags that cannot be combined with --config, listing them like kubeadm does. */
export function checkMixedArguments(flagsSet: string[], configGiven: boolean): void {
  if (!configGiven) return;
  const bad = [...new Set(flagsSet)].filter((f) => !isAllowedWithConfig(f)).sort();
  if (bad.length > 0) {
    throw new UsageError(`can not mix '--config' with arguments [${bad.join(' ')}]`, {
      hint: 'put these settings into the configuration file instead',
    });
  }
}

/** pflag StringSlice semantics: a list, or one comma-separated string. */
export function toList(v: FlagValue): string[] {
  if (v === undefined || typeof v === 'boolean') return [];
  const items = Array.isArray(v) ? v : [String(v)];
  return items.flatMap((s) => (s === '' ? [] : s.split(',')));
}

/** Parse --feature-gates "A=true,B=false" against the known gates. */
export function parseFeatureGates(value: string, warnings: string[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const item of value.split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`missing bool value for feature-gate key:${item}`);
    const k = item.slice(0, eq).trim();
    const v = item.slice(eq + 1).trim();
    const spec = C.FEATURE_GATES[k];
    if (!spec) throw new UsageError(`unrecognized feature-gate key: ${k}`);
    if (spec.preRelease === 'Deprecated') {
      warnings.push(`Setting deprecated feature gate ${k}=${v}. It will be removed in a future release.`);
    }
    const b = parseGoBool(v);
    if (b === undefined) throw new UsageError(`invalid value ${v} for feature-gate key: ${k}, use true|false instead`);
    out[k] = b;
  }
  return out;
}

/** strconv.ParseBool */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

export function parsePortFlag(name: string, v: FlagValue): number {
  const t = str(v).trim();
  const n = typeof v === 'number' ? v : /^[+-]?\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
    throw new UsageError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  }
  return n;
}

export function parseDurationFlag(name: string, v: string): string {
  try {
    return normalizeDuration(v);
  } catch (e) {
    throw new UsageError(`invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`);
  }
}

/** "--apiserver-extra-args" style values: "name=value" items. */
export function parseArgList(name: string, v: FlagValue): { name: string; value: string }[] {
  return toList(v).map((item) => {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid argument "${item}" for "--${name}" flag: the argument must be of the form <flagname>=<value>`);
    return { name: item.slice(0, eq), value: item.slice(eq + 1) };
  });
}
