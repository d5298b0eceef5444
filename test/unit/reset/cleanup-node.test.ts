// cleanup-node and remove-etcd-member on a FakeHost: the kubelet stopped through the service manager,
// mounts under /var/lib/kubelet unmounted deepest first with umount(8) options for unmountFlags, the
// CRI failure a warning, and the external-etcd lines. Expected texts are kubeadm's (cleanupnode.go,
// unmount_linux.go, removeetcdmember.go in v1.37.2).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHost } from '../../helpers/fake-host.js';
import { memoryOutput } from '../../../src/output.js';
import type { ResetData } from '../../../src/phases/reset/data.js';
import { cleanupNodePhase } from '../../../src/phases/reset/cleanup-node.js';
import { umountArgs, unmountKubeletDirectory } from '../../../src/phases/reset/unmount.js';
import { removeEtcdMemberPhase } from '../../../src/phases/reset/remove-etcd-member.js';
import type { ResetConfiguration } from '../../../src/config/types.js';

let host: FakeHost;
beforeEach(async () => {
  host = await FakeHost.create();
});
afterEach(async () => {
  await host.cleanup();
});

function resetCfg(over: Partial<ResetConfiguration> = {}): ResetConfiguration {
  return {
    cleanupTmpDir: false,
    certificatesDir: '/etc/kubernetes/pki',
    criSocket: 'unix:///nonexistent/cri.sock',
    dryRun: false,
    force: true,
    ignorePreflightErrors: [],
    skipPhases: [],
    unmountFlags: [],
    timeouts: {
      controlPlaneComponentHealthCheck: '4m0s',
      kubeletHealthCheck: '4m0s',
      kubernetesAPICall: '1m0s',
      etcdAPICall: '2m0s',
      tlsBootstrap: '5m0s',
      discovery: '5m0s',
      upgradeManifests: '5m0s',
    },
    ...over,
  };
}

function data(out = memoryOutput(), over: Partial<ResetData> = {}): ResetData {
  return {
    host,
    out,
    reset: resetCfg(),
    clusterState: undefined,
    client: undefined,
    dryRun: false,
    force: true,
    cleanupTmpDir: false,
    certificatesDir: '/etc/kubernetes/pki',
    criSocket: 'unix:///nonexistent/cri.sock',
    ignorePreflightErrors: [],
    stdin: undefined,
    etcdAPICallTimeoutMs: 1000,
    kubernetesAPICallTimeoutMs: 1000,
    etcdClient: async () => {
      throw new Error('no etcd in this test');
    },
    wholeCommand: false,
    ...over,
  };
}

const ctx = (out: ReturnType<typeof memoryOutput>) => ({ out, path: 'cleanup-node', selected: new Set<string>() });

describe('unmountFlags', () => {
  it('maps what umount(8) can express', () => {
    expect(umountArgs([])).toEqual([]);
    expect(umountArgs(['MNT_FORCE'])).toEqual(['-f']);
    expect(umountArgs(['MNT_DETACH', 'MNT_FORCE'])).toEqual(['-f', '-l']);
    // no umount(8) option exists for these two
    expect(umountArgs(['MNT_EXPIRE', 'UMOUNT_NOFOLLOW'])).toEqual([]);
  });
});

describe('unmounting /var/lib/kubelet', () => {
  it('takes only the mounts below the kubelet directory of this root, deepest first, with the flags', async () => {
    const root = host.rootfs;
    await host.mkdir('/var/lib/kubelet/pods/a/volumes/v');
    await host.write(
      '/proc/mounts',
      [
        `tmpfs ${root}/var/lib/kubelet tmpfs rw 0 0`, // the directory itself: kept (kubeadm's trailing "/")
        `tmpfs ${root}/var/lib/kubelet/pods/a/volumes/v tmpfs rw 0 0`,
        `tmpfs ${root}/var/lib/kubelet/pods/a/volumes/v/sub\\040dir tmpfs rw 0 0`,
        'tmpfs /var/lib/kubelet/pods/other tmpfs rw 0 0', // outside this root
        `tmpfs ${root}/var/lib/kubelet-other/x tmpfs rw 0 0`,
        `overlay ${root}/var/lib/kubelet/plugins overlay rw 0 0`,
        '',
      ].join('\n'),
    );
    host.command('umount');
    const out = memoryOutput();
    await unmountKubeletDirectory(data(out), '/var/lib/kubelet', ['MNT_FORCE', 'MNT_DETACH']);
    expect(host.execCalls.map((c) => c.line)).toEqual([
      'umount -f -l /var/lib/kubelet/pods/a/volumes/v/sub dir',
      'umount -f -l /var/lib/kubelet/pods/a/volumes/v',
      'umount -f -l /var/lib/kubelet/plugins',
    ]);
  });

  it('ignores EINVAL ("not mounted") with kubeadm\'s warning and aggregates other failures', async () => {
    const root = host.rootfs;
    await host.write('/proc/mounts', `a ${root}/var/lib/kubelet/p1 tmpfs rw 0 0\nb ${root}/var/lib/kubelet/p2 tmpfs rw 0 0\n`);
    host.command('umount', (args) =>
      args[0] === '/var/lib/kubelet/p1' ? { exitCode: 32, stderr: 'umount: /var/lib/kubelet/p1: not mounted.\n' } : { exitCode: 32, stderr: 'umount: /var/lib/kubelet/p2: target is busy.\n' },
    );
    const out = memoryOutput();
    await expect(unmountKubeletDirectory(data(out), '/var/lib/kubelet', [])).rejects.toThrow(
      'encountered the following errors while unmounting directories in "/var/lib/kubelet/": failed to unmount "/var/lib/kubelet/p2": umount: /var/lib/kubelet/p2: target is busy.',
    );
    expect(out.errLines).toContain('W [reset] Ignoring EINVAL error while unmounting "/var/lib/kubelet/p1"');
  });

  it('fails like kubeadm when there is no mount table', async () => {
    await expect(unmountKubeletDirectory(data(), '/var/lib/kubelet', [])).rejects.toThrow('open /proc/mounts: no such file or directory');
  });
});

describe('cleanup-node', () => {
  it('stops the kubelet through systemctl, warns when the CRI is unreachable and deletes the contents', async () => {
    host.command('systemctl');
    await host.write('/proc/mounts', '');
    await host.write('/etc/kubernetes/manifests/etcd.yaml', 'x');
    await host.write('/etc/kubernetes/pki/ca.crt', 'x');
    await host.write('/etc/kubernetes/admin.conf', 'x');
    await host.write('/etc/kubernetes/tmp/keep', 'x');
    await host.write('/var/lib/kubelet/config.yaml', 'x');
    const out = memoryOutput();
    await cleanupNodePhase.run!(data(out), ctx(out));
    expect(host.execCalls.map((c) => c.line)).toEqual(['systemctl stop kubelet']);
    expect(out.lines).toEqual([
      '[reset] Stopping the kubelet service',
      '[reset] Unmounting mounted directories in "/var/lib/kubelet"',
      '[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]',
      '[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]',
    ]);
    expect(out.errLines.some((l) => l.startsWith('W [reset] Failed to remove containers: '))).toBe(true);
    expect(await host.readDir('/etc/kubernetes/manifests')).toEqual([]);
    expect(await host.readDir('/var/lib/kubelet')).toEqual([]);
    expect(await host.readDir('/etc/kubernetes/pki')).toEqual([]);
    expect(await host.exists('/etc/kubernetes/admin.conf')).toBe(false);
    expect(await host.exists('/etc/kubernetes/tmp/keep')).toBe(true);
  });

  it('a kubelet that will not stop is a warning', async () => {
    host.command('systemctl', { exitCode: 5, stderr: 'Failed to stop kubelet.service: Unit kubelet.service not loaded.' });
    const out = memoryOutput();
    await cleanupNodePhase.run!(data(out), ctx(out));
    expect(out.errLines.slice(0, 2)).toEqual([
      'W [reset] The kubelet service could not be stopped by kubeadm: [exit status 5]',
      'W [reset] Please ensure kubelet is stopped manually',
    ]);
    // no /var/lib/kubelet: nothing to unmount, and it is not in the list
    expect(out.errLines).toContain('W [reset] Skipping unmount of directories in "/var/lib/kubelet": lstat /var/lib/kubelet: no such file or directory');
    expect(out.lines).toContain('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /etc/kubernetes/pki]');
  });

  it('dry-run runs no command and says what it would do', async () => {
    host.command('systemctl');
    await host.write('/etc/kubernetes/admin.conf', 'x');
    const out = memoryOutput();
    await cleanupNodePhase.run!(data(out, { dryRun: true, cleanupTmpDir: true }), ctx(out));
    expect(host.execCalls).toEqual([]);
    expect(out.lines).toEqual([
      '[dryrun] Would stop the kubelet service',
      '[dryrun] Would unmount mounted directories in "/var/lib/kubelet"',
      '[dryrun] Would remove Kubernetes-managed containers',
      '[dryrun] Would delete contents of directories: [/etc/kubernetes/manifests /etc/kubernetes/pki /etc/kubernetes/tmp]',
      '[dryrun] Would delete files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]',
    ]);
    expect(await host.exists('/etc/kubernetes/admin.conf')).toBe(true);
  });
});

describe('remove-etcd-member without cluster configuration', () => {
  it('an etcd manifest without the etcd-data volume means external etcd', async () => {
    await host.write('/etc/kubernetes/manifests/etcd.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: other\n    hostPath:\n      path: /x\n');
    await host.write('/x/keep', 'x');
    const out = memoryOutput();
    await removeEtcdMemberPhase.run!(data(out), ctx(out));
    expect(out.lines).toEqual(['[reset] No etcd config found. Assuming external etcd', '[reset] Please, manually reset etcd to prevent further issues']);
    expect(await host.exists('/x/keep')).toBe(true);
  });

  it('the data dir comes from the manifest\'s etcd-data volume', async () => {
    await host.write('/etc/kubernetes/manifests/etcd.yaml', 'apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: etcd-data\n    hostPath:\n      path: /data/etcd\n      type: DirectoryOrCreate\n');
    await host.write('/data/etcd/member/snap/db', 'x');
    const out = memoryOutput();
    await removeEtcdMemberPhase.run!(data(out), ctx(out));
    expect(out.lines).toEqual(['[reset] Deleted contents of the etcd data directory: /data/etcd']);
    expect(out.errLines).toEqual(['W [reset] No kubeadm config, using etcd pod spec to get data directory']);
    expect(await host.readDir('/data/etcd')).toEqual([]);
  });
});
