// kubeconfig exec credential plugins (users[].user.exec), the way client-go runs them
// (k8s.io/client-go/plugin/pkg/client/auth/exec): the command gets KUBERNETES_EXEC_INFO (an
// ExecCredential with spec.interactive and, when asked, spec.cluster) and prints an ExecCredential
// whose status holds a token or a client certificate/key pair. kubeadm honours these in every
// kubeconfig it loads (client-go's ClientConfig), so tskubeadm runs them too, through the host
// layer: under --rootfs the command runs chrooted, as kubeadm (which chroots itself) runs it.
// Not supported: interactive plugins (tskubeadm gives a plugin no terminal: interactiveMode Always fails
// as client-go fails without one).

import * as path from 'node:path';
import type { Host } from '../host/types.js';

export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1'];

export interface ExecConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint: string;
  provideClusterInfo: boolean;
  interactiveMode: string;
  policyType: string;
  allowlist: string[];
}

export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  /** base64, as the JSON of a Go []byte */
  'certificate-authority-data'?: string;
}

export interface ExecCredentials {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** when the plugin must be asked again; undefined: never */
  expiry?: Date;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The exec stanza of a user, with client-go's validation (validateAuthInfo): returns the config and
 * the problems found, worded as client-go words them.
 */
export function parseExecConfig(raw: unknown, user: string): { exec: ExecConfig; problems: string[] } {
  const o = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const policy = (o['pluginPolicy'] && typeof o['pluginPolicy'] === 'object' ? o['pluginPolicy'] : {}) as Record<string, unknown>;
  const exec: ExecConfig = {
    command: s(o['command']),
    args: Array.isArray(o['args']) ? o['args'].map(String) : [],
    env: Array.isArray(o['env']) ? o['env'].map((e) => ({ name: s((e as Record<string, unknown>)?.['name']), value: s((e as Record<string, unknown>)?.['value']) })) : [],
    apiVersion: s(o['apiVersion']),
    installHint: s(o['installHint']),
    provideClusterInfo: o['provideClusterInfo'] === true,
    interactiveMode: s(o['interactiveMode']),
    policyType: s(policy['policyType']),
    allowlist: Array.isArray(policy['allowlist']) ? policy['allowlist'].map((a) => s((a as Record<string, unknown>)?.['command'])) : [],
  };
  const problems: string[] = [];
  if (!exec.command) problems.push(`command must be specified for ${user} to use exec authentication plugin`);
  if (!exec.apiVersion) problems.push(`apiVersion must be specified for ${user} to use exec authentication plugin`);
  if (exec.env.some((e) => !e.name)) problems.push(`env variable name must be specified for ${user} to use exec authentication plugin`);
  // the kubeconfig's defaulting: v1beta1 (and v1alpha1) plugins are IfAvailable unless they say otherwise
  if (exec.interactiveMode === '' && /^client\.authentication\.k8s\.io\/v1(alpha|beta)1$/.test(exec.apiVersion)) exec.interactiveMode = 'IfAvailable';
  if (exec.interactiveMode === '') problems.push(`interactiveMode must be specified for ${user} to use exec authentication plugin`);
  else if (!['Never', 'IfAvailable', 'Always'].includes(exec.interactiveMode)) problems.push(`invalid interactiveMode for ${user}: "${exec.interactiveMode}"`);
  if (!['', 'AllowAll', 'DenyAll', 'Allowlist'].includes(exec.policyType)) problems.push(`allowlist misconfiguration: unknown plugin policy: "${exec.policyType}"`);
  else if (exec.policyType === 'Allowlist' && exec.allowlist.length === 0) {
    problems.push(`allowlist misconfiguration: credential plugin policy set to "Allowlist", but allowlist is empty; use "DenyAll" policy instead`);
  } else if (exec.policyType !== 'Allowlist' && exec.allowlist.length > 0) {
    problems.push(`allowlist misconfiguration: misconfigured credential plugin allowlist: plugin policy is "${exec.policyType}" but allowlist is non-nil`);
  }
  return { exec, problems };
}

/** Run the plugin once and check what it printed (client-go's refreshCredsLocked). */
export async function runExecPlugin(exec: ExecConfig, cluster: ExecClusterInfo, host: Host): Promise<ExecCredentials> {
  if (!EXEC_API_VERSIONS.includes(exec.apiVersion)) throw new Error(`exec plugin: invalid apiVersion "${exec.apiVersion}"`);
  if (exec.interactiveMode === 'Always') throw new Error('exec plugin cannot support interactive mode: standard input is not a terminal');
  const cmd = path.normalize(exec.command);
  if (exec.policyType === 'DenyAll') throw new Error(`plugin "${cmd}" not allowed: policy set to "DenyAll"`);
  if (exec.policyType === 'Allowlist') {
    const resolved = await host.lookPath(cmd);
    if (!resolved) throw new Error(`plugin path "${cmd}" cannot be resolved for credential plugin allowlist check: executable file not found in $PATH`);
    const allowed = await Promise.all(exec.allowlist.map(async (a) => (a === cmd || a === resolved ? a : await host.lookPath(a))));
    if (!allowed.includes(resolved) && !exec.allowlist.includes(cmd)) throw new Error(`plugin path "${resolved}" is not permitted by the credential plugin allowlist`);
  }
  const info: Record<string, unknown> = { kind: 'ExecCredential', apiVersion: exec.apiVersion, spec: { interactive: false } };
  if (exec.provideClusterInfo) (info['spec'] as Record<string, unknown>)['cluster'] = cluster;
  const env: Record<string, string> = {};
  for (const e of exec.env) env[e.name] = e.value;
  env['KUBERNETES_EXEC_INFO'] = JSON.stringify(info);
  const r = await host.exec(cmd, exec.args, { env });
  if (r.notFound) throw new Error(`exec: executable ${cmd} not found${exec.installHint ? `\n\n${exec.installHint}` : ''}`);
  if (r.exitCode !== 0) throw new Error(`exec: executable ${cmd} failed with exit code ${r.exitCode ?? 'unknown (killed)'}`);
  let out: Record<string, unknown>;
  try {
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`decoding stdout: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out['kind'] !== 'ExecCredential' || out['apiVersion'] !== exec.apiVersion) {
    throw new Error(`exec plugin is configured to use API version ${exec.apiVersion}, plugin returned version ${s(out['apiVersion']) || '(none)'}`);
  }
  const st = out['status'] as Record<string, unknown> | undefined | null;
  if (!st || typeof st !== 'object') throw new Error("exec plugin didn't return a status field");
  const token = s(st['token']);
  const cert = s(st['clientCertificateData']);
  const key = s(st['clientKeyData']);
  if (!token && !cert && !key) throw new Error("exec plugin didn't return a token or cert/key pair");
  if (!cert !== !key) throw new Error('exec plugin returned only certificate or key, not both');
  const creds: ExecCredentials = {};
  if (token) creds.token = token;
  if (cert) {
    creds.cert = Buffer.from(cert);
    creds.key = Buffer.from(key);
  }
  const exp = s(st['expirationTimestamp']);
  if (exp) {
    const d = new Date(exp);
    if (Number.isNaN(d.getTime())) throw new Error(`decoding stdout: status.expirationTimestamp: cannot parse "${exp}" as a time`);
    creds.expiry = d;
  }
  return creds;
}
