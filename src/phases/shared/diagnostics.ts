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
  if (r.exitCode === 0 && r.stdout.trim()) return ['\tlast kubelet log lines (journalctl -u kubelet):', ...r.stdout.trimEnd().split('\n').map((l) => '\t\t' + l)];
  return [];
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
