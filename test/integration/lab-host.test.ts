// The lab host itself: isolation from the real machine and the systemctl stand-in's contract
// (the commands and outputs kubeadm relies on). Needs root and `npm run lab:build`.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB, MIN, eventually, hostHasCluster, kubeletLog, labUp, onHost, resetHost, sh } from '../lab/fixture/labhost.js';

const h1 = (...args: string[]): Promise<string> => onHost(1, args);
/** exit status and stdout of a command on host 1 */
async function h1rc(...args: string[]): Promise<{ rc: number; out: string }> {
  const out = await onHost(1, ['sh', '-c', '"$@"; echo "rc=$?"', 'sh', ...args]);
  const m = /rc=(\d+)\s*$/.exec(out);
  return { rc: Number(m?.[1] ?? -1), out: out.replace(/rc=\d+\s*$/, '') };
}

describe('lab host 1', () => {
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await resetHost(1);
  }, 40 * MIN);

  afterAll(async () => {
    try {
      await h1('systemctl', 'stop', 'kubelet').catch(() => undefined);
      await h1('rm', '-f', '/etc/tsklab-probe').catch(() => undefined);
    } finally {
      release?.();
    }
  });

  it('is its own machine: hostname, address, /etc and /run are private', async () => {
    expect((await h1('hostname')).trim()).toBe('tsklab-h1');
    expect(await h1('ip', '-4', '-br', 'addr', 'show', 'eth0')).toContain('10.231.0.11/24');
    // no way out of the lab: the default route points at an address nobody has
    expect(await h1('ip', 'route', 'show', 'default')).toContain('via 10.231.0.254');
    expect((await h1('cat', '/proc/sys/net/ipv4/ip_forward')).trim()).toBe('1');
    await h1('sh', '-c', 'echo probe > /etc/tsklab-probe');
    expect(existsSync('/etc/tsklab-probe')).toBe(false);
    expect((await h1('cat', '/etc/resolv.conf'))).toContain('nameserver 10.231.0.11');
    expect(await h1('ls', '/run/containerd/containerd.sock')).toContain('containerd.sock');
    expect(existsSync('/run/containerd/containerd.sock')).toBe(false);
    expect((await h1('findmnt', '-no', 'PROPAGATION', '/')).trim()).toBe('shared');
  });

  it('has the pinned images kubeadm would pull', async () => {
    const images = await h1('crictl', 'images', '-o', 'json');
    const tags = (JSON.parse(images) as { images: { repoTags: string[] }[] }).images.flatMap((i) => i.repoTags);
    const wanted = (await h1('kubeadm', 'config', 'images', 'list', '--config', join(LAB, 'kubeadm-config.yaml')))
      .trim()
      .split('\n');
    expect(wanted.length).toBe(7);
    for (const w of wanted) expect(tags).toContain(w);
  });

  it('systemctl stand-in: refuses to act outside a lab host', async () => {
    await expect(sh(join(LAB, 'host/bin/systemctl'), ['start', 'kubelet'])).rejects.toThrow(/not inside a lab host/);
    // the real machine's systemctl is untouched, the host sees the stand-in at the same path
    expect(readFileSync('/usr/bin/systemctl').subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(await h1('head', '-c', '2', '/usr/bin/systemctl')).toBe('#!');
  });

  it('systemctl stand-in: the queries kubeadm makes', async () => {
    expect(await h1rc('systemctl', 'daemon-reload')).toEqual({ rc: 0, out: '' });
    expect((await h1rc('systemctl', 'is-enabled', 'kubelet')).rc).toBe(0);
    const inactive = await h1rc('systemctl', 'is-active', 'kubelet');
    expect(inactive.out.trim()).toBe('inactive');
    expect(inactive.rc).not.toBe(0);
    // kubeadm's ServiceExists looks for these strings
    expect((await h1rc('systemctl', 'status', 'firewalld')).out).toContain('could not be found');
    expect((await h1rc('systemctl', 'status', 'kubelet')).out).not.toMatch(/not-found|could not be found/);
  });

  it('systemctl stand-in: start runs the kubelet like kubelet.service + 10-kubeadm.conf and restarts it', async () => {
    // no /var/lib/kubelet/config.yaml yet: the kubelet exits at once and must be restarted (Restart=always)
    await h1('systemctl', 'start', 'kubelet');
    const log = kubeletLog(1);
    await eventually(
      'a restart of the kubelet',
      async () => (readFileSync(log, 'utf8').includes('Scheduled restart job') ? true : undefined),
      60_000,
    );
    const started = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('Started kubelet:')).at(-1) ?? '';
    expect(started).toContain('--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf');
    expect(started).toContain('--kubeconfig=/etc/kubernetes/kubelet.conf');
    expect(started).toContain('--config=/var/lib/kubelet/config.yaml');
    expect(started).toContain('--cgroup-root=/tsklab-h1'); // $KUBELET_EXTRA_ARGS from /etc/default/kubelet
    expect((await h1rc('systemctl', 'is-active', 'kubelet')).out.trim()).toMatch(/^(active|activating)$/);
    await h1('systemctl', 'stop', 'kubelet');
    expect((await h1rc('systemctl', 'is-active', 'kubelet')).out.trim()).toBe('inactive');
    const procs = await sh('bash', ['-c', `. ${LAB}/lib.sh; . ${LAB}/host.sh; for p in $(host_pids 1); do cat /proc/$p/comm; done`]);
    expect(procs).not.toContain('kubelet');
  }, 2 * MIN);
});
