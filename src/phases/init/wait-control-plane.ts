// init phase "wait-control-plane": wait for the kubelet's health endpoint, then for every
// control-plane component (apiserver /livez with the admin credentials, controller-manager
// /healthz and scheduler /livez without TLS verification), all in parallel.
// Polls start at 50 ms and back off only to 100 ms (kubeadm polls every 500 ms), so a component is
// seen healthy within about 100 ms of being so; a poll is one local HTTP(S) GET, cheap for both
// sides. On failure it says which component failed, its container's state and last log lines
// (through the CRI and the container log file) and the kubelet's last log lines.

import * as path from 'node:path';
import { TskError } from '../../errors.js';
import { joinHostPort } from '../../util/net.js';
import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import type { Host } from '../../host/types.js';
import { kubeletComponentConfig } from './componentconfigs.js';

const MIN_POLL_MS = 50;
export const MAX_POLL_MS = 100;

export interface ComponentEndpoint {
  name: 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';
  url: string;
}

function argOf(command: string[], name: string): string | undefined {
  let v: string | undefined;
  for (const a of command) if (a.startsWith(`--${name}=`)) v = a.slice(name.length + 3);
  return v;
}

/** The health URLs kubeadm checks, read from the static Pod manifests as kubeadm does. */
export function componentEndpoints(
  manifests: Partial<Record<ComponentEndpoint['name'], { spec?: { containers?: { command?: string[] }[] } }>>,
  apiServerAddress: string,
): ComponentEndpoint[] {
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

export interface PollResult {
  ok: boolean;
  elapsedNs: bigint;
  lastError: string;
}

/** Poll `probe` until it returns undefined (healthy) or the timeout passes; returns the last error. */
export async function pollUntil(host: Host, timeoutMs: number, probe: () => Promise<string | undefined>): Promise<PollResult> {
  const start = process.hrtime.bigint();
  const deadline = host.now().getTime() + timeoutMs;
  let delay = MIN_POLL_MS;
  let lastError = '';
  for (;;) {
    const err = await probe().catch((e: Error) => e.message);
    if (err === undefined) return { ok: true, elapsedNs: process.hrtime.bigint() - start, lastError };
    lastError = err;
    const left = deadline - host.now().getTime();
    if (left <= 0) return { ok: false, elapsedNs: process.hrtime.bigint() - start, lastError };
    await host.sleep(Math.min(delay, left));
    delay = Math.min(MAX_POLL_MS, Math.round(delay * 1.5));
  }
}

async function lastLines(host: Host, file: string, n: number): Promise<string[]> {
  try {
    const text = await host.readText(file);
    return text.trimEnd().split('\n').slice(-n);
  } catch {
    return [];
  }
}

/** What we can learn about a failed component: container state and its last log lines. */
async function diagnoseComponent(d: InitData, name: string): Promise<string[]> {
  const lines: string[] = [];
  const socket = d.cfg.init.nodeRegistration.criSocket;
  try {
    const { createCriClient } = await import('../../cri/index.js');
    const cri = createCriClient(socket, { host: d.host });
    try {
      const all = await cri.listContainers();
      const mine = all.filter((c) => c.name === name || c.labels['io.kubernetes.container.name'] === name);
      if (!mine.length) lines.push(`\tno ${name} container was created by the kubelet (is the image present? see the kubelet log below)`);
      mine.sort((a, b) => Number(BigInt(b.createdAt || '0') - BigInt(a.createdAt || '0')));
      const latest = mine[0];
      if (latest) {
        const st = await cri.containerStatus(latest.id);
        lines.push(
          `\tcontainer ${latest.id.slice(0, 13)} (attempt ${latest.attempt}): ${st?.state ?? latest.state}` +
            (st && st.state === 'CONTAINER_EXITED' ? `, exit code ${st.exitCode}${st.reason ? `, reason ${st.reason}` : ''}` : ''),
        );
        if (st?.logPath) {
          const log = await lastLines(d.host, st.logPath, 15);
          if (log.length) lines.push(`\tlast log lines of ${name} (${st.logPath}):`, ...log.map((l) => '\t\t' + l));
        }
      }
    } finally {
      cri.close();
    }
  } catch (e) {
    lines.push(`\tcould not ask the container runtime at ${socket}: ${(e as Error).message.split('\n')[0]}`);
  }
  return lines;
}

async function kubeletLog(d: InitData): Promise<string[]> {
  const r = await d.host.exec('journalctl', ['--no-pager', '-u', 'kubelet', '-n', '15', '-o', 'cat']);
  if (r.exitCode === 0 && r.stdout.trim()) return ['\tlast kubelet log lines (journalctl -u kubelet):', ...r.stdout.trimEnd().split('\n').map((l) => '\t\t' + l)];
  return [];
}

function helpCommands(socket: string): string[] {
  return [
    'To look further:',
    `\t- 'crictl --runtime-endpoint ${socket} ps -a | grep kube | grep -v pause'`,
    `\t- 'crictl --runtime-endpoint ${socket} logs CONTAINERID'`,
    "\t- 'systemctl status kubelet' and 'journalctl -xeu kubelet'",
  ];
}

async function adminCredentials(d: InitData): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const { parseKubeconfig } = await import('../../kubeconfig/kubeconfig.js');
  const { readAdminKubeconfig, adminKubeconfigLocation } = await import('./cluster/admin.js');
  const kc = parseKubeconfig(await readAdminKubeconfig(d), adminKubeconfigLocation(d).file);
  const ctx = kc.contexts.find((c) => c.name === kc.currentContext);
  const cluster = kc.clusters.find((c) => c.name === ctx?.cluster);
  const user = kc.users.find((u) => u.name === ctx?.user);
  return {
    ...(cluster?.certificateAuthorityData ? { ca: cluster.certificateAuthorityData } : {}),
    ...(user?.clientCertificateData ? { cert: user.clientCertificateData } : {}),
    ...(user?.clientKeyData ? { key: user.clientKeyData } : {}),
  };
}

export const waitControlPlanePhase: Phase<InitData> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  run: async (d) => {
    const { parseDuration, formatDuration, formatDurationNs } = await import('../../config/duration.js');
    const out = d.out;
    if (d.dryRun) {
      await printDryRunFiles(d);
    }
    out.print('wait-control-plane', `Waiting for the kubelet to boot up the control plane as static Pods from directory "${d.manifestWriteDir}"`);

    const { config } = await kubeletComponentConfig(d.cfg, out);
    const healthAddr = String(config.healthzBindAddress ?? '127.0.0.1');
    const healthPort = Number(config.healthzPort ?? 10248);
    const kubeletTimeout = parseDuration(d.cfg.init.timeouts.kubeletHealthCheck);
    const healthz = `http://${joinHostPort(healthAddr, String(healthPort))}/healthz`;
    if (d.dryRun) {
      out.print('dryrun', `Would make sure the kubelet returns 'ok' at ${healthz}`);
      return;
    }
    if (healthPort === 0) {
      out.print('kubelet-check', 'Skipping the kubelet health check because the healthz port is set to 0');
    } else {
      out.print('kubelet-check', `Waiting for a healthy kubelet at ${healthz}. This can take up to ${formatDuration(kubeletTimeout)}`);
      const r = await pollUntil(d.host, kubeletTimeout, async () => {
        const res = await d.host.httpGet(healthz, { timeoutMs: 2000 });
        return res.status === 200 ? undefined : `status code: ${res.status}`;
      });
      if (!r.ok) {
        out.print('kubelet-check', `The kubelet is not healthy after ${formatDurationNs(r.elapsedNs)}`);
        const detail = [
          '',
          `The kubelet did not answer at ${healthz}: ${r.lastError}`,
          ...(await kubeletLog(d)),
          'Likely causes: the kubelet is not running, or it is unhealthy because of the node\'s configuration (required cgroups disabled, a wrong cgroup driver).',
          ...helpCommands(d.cfg.init.nodeRegistration.criSocket),
        ];
        throw new TskError(`failed while waiting for the kubelet to start: ${r.lastError}\n${detail.join('\n')}`);
      }
      out.print('kubelet-check', `The kubelet is healthy after ${formatDurationNs(r.elapsedNs)}`);
    }

    const cpTimeout = parseDuration(d.cfg.init.timeouts.controlPlaneComponentHealthCheck);
    out.print('control-plane-check', `Waiting for healthy control plane components. This can take up to ${formatDuration(cpTimeout)}`);
    const { parseGoYaml } = await import('../../manifests/yamlload.js');
    const manifests: Record<string, { spec?: { containers?: { command?: string[] }[] } }> = {};
    for (const n of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const file = path.posix.join(d.manifestWriteDir, `${n}.yaml`);
      try {
        manifests[n] = parseGoYaml(await d.host.readText(file)) as (typeof manifests)[string];
      } catch (e) {
        throw new TskError(`could not read the static Pod manifest ${file}: ${(e as Error).message}`);
      }
    }
    const endpoints = componentEndpoints(manifests, d.cfg.init.localAPIEndpoint.advertiseAddress);
    const creds = await adminCredentials(d);
    for (const ep of endpoints) out.print('control-plane-check', `Checking ${ep.name} at ${ep.url}`);
    // the phases after this one talk to the API: load the client while the components start
    if (!d.dryRun) void import('../../kube/client.js').then((m) => m.preloadKubeClient(), () => undefined);
    const results = await Promise.all(
      endpoints.map(async (ep) => {
        const r = await pollUntil(d.host, cpTimeout, async () => {
          const res = await d.host.httpGet(
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
    if (failed.length) {
      const detail: string[] = [''];
      for (const f of failed) {
        detail.push(`${f.ep.name} did not become healthy at ${f.ep.url}: ${f.r.lastError}`, ...(await diagnoseComponent(d, f.ep.name)));
      }
      detail.push(...(await kubeletLog(d)), ...helpCommands(d.cfg.init.nodeRegistration.criSocket));
      throw new TskError(
        `failed while waiting for the control plane to start: ${failed.map((f) => f.ep.name).join(', ')} not healthy\n${detail.join('\n')}`,
      );
    }
  },
};

/** kubeadm's dry-run listing: the manifests and kubelet files that would be written. */
async function printDryRunFiles(d: InitData): Promise<void> {
  const dir = d.dryRunDir!;
  d.out.print('dryrun', `Wrote certificates, kubeconfig files and control plane manifests to the "${dir}" directory`);
  d.out.print('dryrun', 'The certificates or kubeconfig files would not be printed due to their sensitive nature');
  d.out.print('dryrun', `Please examine the "${dir}" directory for details about what would be written`);
  const files: [string, string][] = [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map(
      (c) => [path.posix.join(dir, `${c}.yaml`), `/etc/kubernetes/manifests/${c}.yaml`] as [string, string],
    ),
    [path.posix.join(dir, 'config.yaml'), '/var/lib/kubelet/config.yaml'],
    [path.posix.join(dir, 'kubeadm-flags.env'), '/var/lib/kubelet/kubeadm-flags.env'],
  ];
  for (const [real, shown] of files) {
    const text = await d.host.readText(real).catch(() => undefined);
    if (text === undefined) continue;
    d.out.print('dryrun', `Would write file "${shown}" with content:`);
    d.out.stdout.write(text);
  }
}
