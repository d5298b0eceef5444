// Waiting for this node's kubelet and static Pods to become healthy: the kubelet's health endpoint, then
// every control-plane component (apiserver /livez with the admin credentials, controller-manager /healthz
// and scheduler /livez without TLS verification) in parallel; explicit inputs, for init and join alike.
// Polls start at 50 ms and back off only to 100 ms (kubeadm: every 500 ms), so a component is seen healthy
// within ~100 ms; a poll is one local HTTP(S) GET. A failure says what the node knows (diagnostics.ts).

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import type { Host } from '../../host/types.js';
import type { Output } from '../../output.js';
import { joinHostPort } from '../../util/net.js';
import { formatDuration, formatDurationNs } from '../../config/duration.js';
import { CRASH_LOOP_HINT, componentDiagnostics, furtherCommands, kubeletLogLines, watchKubeletRestarts } from './diagnostics.js';

export { CRASH_LOOP_RESTARTS } from './diagnostics.js';

const MIN_POLL_MS = 50;
export const MAX_POLL_MS = 100;

export interface PollResult {
  ok: boolean;
  elapsedNs: bigint;
  lastError: string;
}

/**
 * Poll `probe` until it returns undefined (healthy) or the timeout passes; returns the last error.
 * `giveUp`, asked after each failed probe, ends the wait early when it answers true.
 */
export async function pollUntil(
  host: Host,
  timeoutMs: number,
  probe: () => Promise<string | undefined>,
  giveUp?: () => Promise<boolean>,
): Promise<PollResult> {
  const start = process.hrtime.bigint();
  const deadline = host.now().getTime() + timeoutMs;
  let delay = MIN_POLL_MS;
  let lastError = '';
  for (;;) {
    const err = await probe().catch((e: Error) => e.message);
    if (err === undefined) return { ok: true, elapsedNs: process.hrtime.bigint() - start, lastError };
    lastError = err;
    const left = deadline - host.now().getTime();
    if (left <= 0 || (giveUp && (await giveUp().catch(() => false)))) return { ok: false, elapsedNs: process.hrtime.bigint() - start, lastError };
    await host.sleep(Math.min(delay, left));
    delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.5));
  }
}

/** The kubelet's health endpoint as its KubeletConfiguration sets it. */
export function kubeletHealthz(config: { healthzBindAddress?: unknown; healthzPort?: unknown }): { url: string; port: number } {
  const port = Number(config.healthzPort ?? 10248);
  return { url: `http://${joinHostPort(String(config.healthzBindAddress ?? '127.0.0.1'), String(port))}/healthz`, port };
}

/** kubeadm's WaitForKubelet: the kubelet answers "ok" at its health endpoint (no check with port 0). */
export async function waitForKubelet(host: Host, out: Output, o: { healthz: { url: string; port: number }; timeoutMs: number; criSocket: string }): Promise<void> {
  const { url } = o.healthz;
  if (o.healthz.port === 0) {
    out.print('kubelet-check', 'Skipping the kubelet health check because the healthz port is set to 0');
    return;
  }
  out.print('kubelet-check', `Waiting for a healthy kubelet at ${url}. This can take up to ${formatDuration(o.timeoutMs)}`);
  const watch = watchKubeletRestarts(host);
  const r = await pollUntil(
    host,
    o.timeoutMs,
    async () => {
      const res = await host.httpGet(url, { timeoutMs: 2000 });
      return res.status === 200 ? undefined : `status code: ${res.status}`;
    },
    watch.crashLooping,
  );
  if (!r.ok) {
    out.print('kubelet-check', `The kubelet is not healthy after ${formatDurationNs(r.elapsedNs)}`);
    const loop = await watch.describe();
    const detail = [
      '',
      ...(loop ? [`The ${loop}.`] : []),
      `The kubelet did not answer at ${url}: ${r.lastError}`,
      ...(await kubeletLogLines(host)),
      loop ? CRASH_LOOP_HINT : 'Likely causes: the kubelet is not running, or it is unhealthy because of the node\'s configuration (required cgroups disabled, a wrong cgroup driver).',
      ...furtherCommands(o.criSocket),
    ];
    throw new TskError(`failed while waiting for the kubelet to start: ${loop ?? r.lastError}\n${detail.join('\n')}`);
  }
  out.print('kubelet-check', `The kubelet is healthy after ${formatDurationNs(r.elapsedNs)}`);
}

export const CONTROL_PLANE_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface ComponentEndpoint {
  name: (typeof CONTROL_PLANE_COMPONENTS)[number];
  url: string;
}

type ManifestCommands = Partial<Record<ComponentEndpoint['name'], { spec?: { containers?: { command?: string[] }[] } }>>;

function argOf(command: string[], name: string): string | undefined {
  let v: string | undefined;
  for (const a of command) if (a.startsWith(`--${name}=`)) v = a.slice(name.length + 3);
  return v;
}

/** The health URLs kubeadm checks, read from the static Pod manifests as kubeadm does. */
export function componentEndpoints(manifests: ManifestCommands, apiServerAddress: string): ComponentEndpoint[] {
  const cmd = (n: ComponentEndpoint['name']) => manifests[n]?.spec?.containers?.[0]?.command ?? [];
  const api = cmd('kube-apiserver');
  const kcm = cmd('kube-controller-manager');
  const sch = cmd('kube-scheduler');
  return [
    {
      name: 'kube-apiserver',
      url: `https://${joinHostPort(argOf(api, 'advertise-address') || apiServerAddress, argOf(api, 'secure-port') || '6443')}/livez`,
    },
    {
      name: 'kube-controller-manager',
      url: `https://${joinHostPort(argOf(kcm, 'bind-address') || '127.0.0.1', argOf(kcm, 'secure-port') || '10257')}/healthz`,
    },
    {
      name: 'kube-scheduler',
      url: `https://${joinHostPort(argOf(sch, 'bind-address') || '127.0.0.1', argOf(sch, 'secure-port') || '10259')}/livez`,
    },
  ];
}

/** componentEndpoints of the manifests written to `manifestDir`. */
export async function componentEndpointsIn(host: Host, manifestDir: string, apiServerAddress: string): Promise<ComponentEndpoint[]> {
  const { parseGoYaml } = await import('../../manifests/yamlload.js');
  const manifests: ManifestCommands = {};
  for (const n of CONTROL_PLANE_COMPONENTS) {
    const file = path.posix.join(manifestDir, `${n}.yaml`);
    try {
      manifests[n] = parseGoYaml(await host.readText(file)) as ManifestCommands[typeof n];
    } catch (e) {
      throw new TskError(`could not read the static Pod manifest ${file}: ${(e as Error).message}`);
    }
  }
  return componentEndpoints(manifests, apiServerAddress);
}

/** kubeadm's WaitForControlPlaneComponents: every endpoint healthy; `credentials` authenticate to the apiserver. */
export async function waitForControlPlaneComponents(
  host: Host,
  out: Output,
  o: { endpoints: ComponentEndpoint[]; credentials: { ca?: Buffer; cert?: Buffer; key?: Buffer }; timeoutMs: number; criSocket: string },
): Promise<void> {
  const creds = o.credentials;
  const results = await Promise.all(
    o.endpoints.map(async (ep) => {
      const r = await pollUntil(host, o.timeoutMs, async () => {
        const res = await host.httpGet(
          ep.url,
          ep.name === 'kube-apiserver' ? { timeoutMs: 5000, insecure: !creds.ca, ...creds } : { timeoutMs: 5000, insecure: true },
        );
        return res.status === 200 ? undefined : `${ep.name} check failed at ${ep.url} with status: ${res.status}`;
      });
      out.print('control-plane-check', `${ep.name} is ${r.ok ? '' : 'not '}healthy after ${formatDurationNs(r.elapsedNs)}`);
      return { ep, r };
    }),
  );
  const failed = results.filter((x) => !x.r.ok);
  if (!failed.length) return;
  const detail: string[] = [''];
  for (const f of failed) {
    detail.push(`${f.ep.name} did not become healthy at ${f.ep.url}: ${f.r.lastError}`, ...(await componentDiagnostics(host, o.criSocket, f.ep.name)));
  }
  detail.push(...(await kubeletLogLines(host)), ...furtherCommands(o.criSocket));
  throw new TskError(`failed while waiting for the control plane to start: ${failed.map((f) => f.ep.name).join(', ')} not healthy\n${detail.join('\n')}`);
}
