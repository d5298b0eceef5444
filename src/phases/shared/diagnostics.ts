// Why a wait on this node failed, as far as the node can tell: a component's container state and last
// log lines (through the CRI and the container's log file), the kubelet's last log lines (journalctl)
// and the commands to look further. For every phase that waits for the kubelet or a static Pod
// (init's wait-control-plane; join's waits), so it takes the host and CRI socket, not a command's data.

import type { Host } from '../../host/types.js';

async function lastLines(host: Host, file: string, n: number): Promise<string[]> {
  try {
    const text = await host.readText(file);
    return text.trimEnd().split('\n').slice(-n);
  } catch {
    return [];
  }
}

/** What we can learn about a failed component: its latest container's state and last log lines. */
export async function componentDiagnostics(host: Host, criSocket: string, name: string): Promise<string[]> {
  const lines: string[] = [];
  try {
    const { createCriClient } = await import('../../cri/index.js');
    const cri = createCriClient(criSocket, { host });
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
          const log = await lastLines(host, st.logPath, 15);
          if (log.length) lines.push(`\tlast log lines of ${name} (${st.logPath}):`, ...log.map((l) => '\t\t' + l));
        }
      }
    } finally {
      cri.close();
    }
  } catch (e) {
    lines.push(`\tcould not ask the container runtime at ${criSocket}: ${(e as Error).message.split('\n')[0]}`);
  }
  return lines;
}

/** The kubelet's last log lines from the journal; none when journalctl has nothing to say. */
export async function kubeletLogLines(host: Host): Promise<string[]> {
  const r = await host.exec('journalctl', ['--no-pager', '-u', 'kubelet', '-n', '15', '-o', 'cat']);
  const lines = r.exitCode === 0 ? r.stdout.trimEnd().split('\n').filter((l) => l.trim() && l !== '-- No entries --') : [];
  if (lines.length) return ['\tlast kubelet log lines (journalctl -u kubelet):', ...lines.map((l) => '\t\t' + l)];
  return [];
}

/** What systemd says about the kubelet service: how often it restarted it on its own, and the last exit status. */
export interface KubeletServiceState {
  /** systemd's NRestarts: automatic restarts since the service was last started */
  restarts: number;
  /** ExecMainStatus: the exit status of the kubelet's last run, when it has exited */
  exitStatus: string | undefined;
  activeState: string | undefined;
  subState: string | undefined;
}

/** `systemctl show kubelet`'s answer, or undefined when there is no systemd (or it does not count restarts). */
export async function kubeletServiceState(host: Host): Promise<KubeletServiceState | undefined> {
  if (!(await host.lookPath('systemctl'))) return undefined;
  const r = await host.exec('systemctl', ['show', 'kubelet', '--property=ActiveState,SubState,NRestarts,ExecMainStatus']);
  if (r.exitCode !== 0) return undefined;
  const props = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const restarts = Number(props.get('NRestarts'));
  if (!props.has('NRestarts') || !Number.isInteger(restarts)) return undefined;
  return {
    restarts,
    exitStatus: props.get('ExecMainStatus') || undefined,
    activeState: props.get('ActiveState') || undefined,
    subState: props.get('SubState') || undefined,
  };
}

/** The commands kubeadm suggests for looking further into a control plane that did not come up. */
export function furtherCommands(criSocket: string): string[] {
  return [
    'To look further:',
    `\t- 'crictl --runtime-endpoint ${criSocket} ps -a | grep kube | grep -v pause'`,
    `\t- 'crictl --runtime-endpoint ${criSocket} logs CONTAINERID'`,
    "\t- 'systemctl status kubelet' and 'journalctl -xeu kubelet'",
  ];
}

/** restarts of the kubelet by its service manager during one wait after which it is crash-looping: the wait ends */
export const CRASH_LOOP_RESTARTS = 3;
/** how often a wait asks the service manager (a poll of the kubelet is every 50-100 ms) */
const SERVICE_CHECK_MS = 1000;

export const CRASH_LOOP_HINT =
  'The kubelet exits soon after it starts: its last log lines above say why (a bad flag in /var/lib/kubelet/kubeadm-flags.env or /etc/default/kubelet, a configuration it refuses, the container runtime unreachable).';

export interface KubeletRestartWatch {
  /**
   * for pollUntil's giveUp: true once the kubelet was restarted CRASH_LOOP_RESTARTS times. Never waits:
   * the service manager is asked at most once a second, in the background, and the answer counts from
   * the next call on (a slow `systemctl` must not slow the poll it watches over).
   */
  crashLooping: () => Promise<boolean>;
  /** "kubelet is crash-looping: ..." when it was restarted at all since the watch began, else undefined */
  describe: () => Promise<string | undefined>;
}

/**
 * Counts the kubelet's automatic restarts from now on (systemd's NRestarts), to tell a kubelet that
 * keeps exiting from a slow one. Without systemd (or its count), it never reports anything.
 */
export function watchKubeletRestarts(host: Host): KubeletRestartWatch {
  const before = kubeletServiceState(host).catch(() => undefined);
  let lastAsked = host.now().getTime();
  let asking: Promise<void> | undefined;
  let looping = false;
  const since = async () => {
    const b = await before;
    const now = b && (await kubeletServiceState(host).catch(() => undefined));
    return b && now ? { restarts: now.restarts - b.restarts, state: now } : undefined;
  };
  return {
    crashLooping: async () => {
      if (!looping && !asking && host.now().getTime() - lastAsked >= SERVICE_CHECK_MS) {
        lastAsked = host.now().getTime();
        asking = since()
          .then((s) => {
            looping = (s?.restarts ?? 0) >= CRASH_LOOP_RESTARTS;
          })
          .catch(() => undefined)
          .finally(() => {
            asking = undefined;
          });
      }
      return looping;
    },
    describe: async () => {
      const s = await since();
      if (!s || s.restarts <= 0) return undefined;
      const status = s.state.exitStatus !== undefined && s.state.exitStatus !== '0' ? `, last exit status ${s.state.exitStatus}` : '';
      return `kubelet is crash-looping: the service manager restarted it ${s.restarts} time${s.restarts === 1 ? '' : 's'} while tskubeadm waited${status}`;
    },
  };
}
