// `tskubeadm reset` against upstream kubeadm v1.37.2 (.lab/bin/kubeadm) on identically populated
// roots: the tree each leaves behind and every stdout line must agree. Nothing here is compared with
// tskubeadm's own earlier output. Needs root (kubeadm's --rootfs is a chroot).
//
// The situation is the same for both tools: no init system in the root, no CRI socket, an API server
// address nobody listens on, an empty mount table.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { populate, twoRoots, tree, tskReset, kubeadm, warnings } from './helpers/reset.js';


let template: string;
beforeAll(async () => {
  template = await populate();
}, 120_000);

/** the warnings both print, with the texts that name a tool's own transport error cut at the first ':' */
function comparableWarnings(stderr: string): string[] {
  return warnings(stderr).map((w) =>
    /Unable to fetch the kubeadm-config|Failed to remove containers/.test(w) ? w.replace(/^(\[reset\] [^:]+:).*/, '$1') : w,
  );
}

describe('reset --force', () => {
  it('leaves the same tree and prints the same lines as kubeadm', async () => {
    const [mine, theirs] = twoRoots(template);
    const up = kubeadm(['reset', '-f', '--rootfs', theirs]);
    expect(up.code, up.stderr).toBe(0);
    const ts = await tskReset(['reset', '-f', '--rootfs', mine]);
    expect(ts.code, ts.stderr).toBe(0);
    expect(ts.stdout).toBe(up.stdout);
    expect(tree(mine)).toEqual(tree(theirs));
    expect(comparableWarnings(ts.stderr)).toEqual(comparableWarnings(up.stderr));

    // and what upstream keeps is there: CNI config, the user's kubeconfig, init's tmp dir, the
    // directories themselves (only their contents go)
    const left = Object.keys(tree(mine));
    for (const p of ['etc/cni/net.d/10-bridge.conf', 'root/.kube/config', 'etc/kubernetes/tmp/kubeadm-backup-etcd/x', 'var/lib/etcd/', 'var/lib/kubelet/', 'etc/kubernetes/pki/', 'etc/kubernetes/manifests/']) {
      expect(left).toContain(p);
    }
    expect(left.filter((p) => p.startsWith('var/lib/etcd/') && p !== 'var/lib/etcd/')).toEqual([]);
    expect(left.filter((p) => p.startsWith('etc/kubernetes/') && p.endsWith('.conf'))).toEqual([]);
  }, 60_000);

  it('--cleanup-tmp-dir also empties /etc/kubernetes/tmp, as kubeadm', async () => {
    const [mine, theirs] = twoRoots(template);
    const up = kubeadm(['reset', '-f', '--cleanup-tmp-dir', '--rootfs', theirs]);
    expect(up.code, up.stderr).toBe(0);
    const ts = await tskReset(['reset', '-f', '--cleanup-tmp-dir', '--rootfs', mine]);
    expect(ts.code, ts.stderr).toBe(0);
    expect(ts.stdout).toBe(up.stdout);
    expect(ts.stdout).toContain('/etc/kubernetes/pki /etc/kubernetes/tmp]');
    expect(tree(mine)).toEqual(tree(theirs));
    expect(Object.keys(tree(mine)).filter((p) => p.startsWith('etc/kubernetes/tmp/'))).toEqual(['etc/kubernetes/tmp/']);
  }, 60_000);

  it('--cert-dir cleans that directory instead, with kubeadm\'s warning', async () => {
    const [mine, theirs] = twoRoots(template);
    for (const r of [mine, theirs]) {
      fs.mkdirSync(path.join(r, 'srv/pki/sub'), { recursive: true });
      fs.writeFileSync(path.join(r, 'srv/pki/sub/ca.crt'), 'x');
    }
    const up = kubeadm(['reset', '-f', '--cert-dir', '/srv/pki', '--rootfs', theirs]);
    const ts = await tskReset(['reset', '-f', '--cert-dir', '/srv/pki', '--rootfs', mine]);
    expect([ts.code, up.code]).toEqual([0, 0]);
    expect(ts.stdout).toBe(up.stdout);
    expect(tree(mine)).toEqual(tree(theirs));
    expect(comparableWarnings(ts.stderr)).toEqual(comparableWarnings(up.stderr));
    expect(comparableWarnings(ts.stderr)).toContain('[reset] WARNING: Cleaning a non-default certificates directory: "/srv/pki"');
  }, 60_000);
});

describe('reset --dry-run', () => {
  it('changes nothing and prints what kubeadm prints', async () => {
    const [mine, theirs] = twoRoots(template);
    const before = tree(mine);
    const up = kubeadm(['reset', '--dry-run', '--rootfs', theirs]);
    expect(up.code, up.stderr).toBe(0);
    const ts = await tskReset(['reset', '--dry-run', '--rootfs', mine]);
    expect(ts.code, ts.stderr).toBe(0);
    expect(tree(mine)).toEqual(before);
    expect(tree(theirs)).toEqual(before);
    expect(ts.stdout).toBe(up.stdout);
    expect(ts.stdout).toContain('[dryrun] Would delete contents of directories: [/etc/kubernetes/manifests /etc/kubernetes/pki]\n');
  }, 60_000);
});

describe('the confirmation prompt', () => {
  for (const [name, input] of [
    ['"n"', 'n\n'],
    ['an empty answer', '\n'],
    ['end of input', ''],
  ] as const) {
    it(`${name} aborts as kubeadm does and changes nothing`, async () => {
      const [mine, theirs] = twoRoots(template);
      const before = tree(mine);
      const up = kubeadm(['reset', '--rootfs', theirs], input);
      const ts = await tskReset(['reset', '--rootfs', mine], input);
      expect(ts.code).toBe(up.code);
      expect(ts.stdout).toBe(up.stdout);
      // the prompt is the last thing printed, with no line ending
      expect(ts.stdout.endsWith('\n[reset] Are you sure you want to proceed? [y/N]: ')).toBe(true);
      const errLine = (s: string) => s.split('\n').find((l) => l.startsWith('error: '));
      expect(errLine(ts.stderr)).toBe(errLine(up.stderr));
      expect(comparableWarnings(ts.stderr)).toEqual(comparableWarnings(up.stderr));
      expect(tree(mine)).toEqual(before);
      expect(tree(theirs)).toEqual(before);
    }, 60_000);
  }

  it('with no input stream at all, aborts like end of input', async () => {
    const [mine] = twoRoots(template);
    const before = tree(mine);
    const up = kubeadm(['reset', '--rootfs', mine], '');
    const ts = await tskReset(['reset', '--rootfs', mine]);
    expect(ts.code).toBe(up.code);
    expect(ts.stdout).toBe(up.stdout);
    expect(tree(mine)).toEqual(before);
  }, 60_000);

  for (const answer of ['y', 'YES']) {
    it(`"${answer}" proceeds, as kubeadm`, async () => {
      const [mine, theirs] = twoRoots(template);
      const up = kubeadm(['reset', '--rootfs', theirs], `${answer}\n`);
      const ts = await tskReset(['reset', '--rootfs', mine], `${answer}\n`);
      expect([ts.code, up.code]).toEqual([0, 0]);
      expect(ts.stdout).toBe(up.stdout);
      expect(tree(mine)).toEqual(tree(theirs));
    }, 60_000);
  }
});

describe('a ResetConfiguration file', () => {
  it('force, cleanupTmpDir, certificatesDir and skipPhases from the file, as kubeadm reads them', async () => {
    const [mine, theirs] = twoRoots(template);
    const cfg = `apiVersion: kubeadm.k8s.io/v1beta4
kind: ResetConfiguration
force: true
cleanupTmpDir: true
certificatesDir: /etc/kubernetes/pki/etcd
skipPhases:
- remove-etcd-member
unmountFlags:
- MNT_DETACH
`;
    // kubeadm reads --config inside its chroot; tskubeadm reads the real path. Same file in both trees.
    for (const r of [mine, theirs]) fs.writeFileSync(path.join(r, 'reset.yaml'), cfg);
    const up = kubeadm(['reset', '--config', '/reset.yaml', '--rootfs', theirs]);
    expect(up.code, up.stderr).toBe(0);
    const ts = await tskReset(['reset', '--config', path.join(mine, 'reset.yaml'), '--rootfs', mine]);
    expect(ts.code, ts.stderr).toBe(0);
    expect(ts.stdout).toBe(up.stdout);
    expect(tree(mine)).toEqual(tree(theirs));
    // skipped: the etcd data stays; only pki/etcd's contents went
    const left = Object.keys(tree(mine));
    expect(left).toContain('var/lib/etcd/member/snap/db');
    expect(left).toContain('etc/kubernetes/pki/ca.crt');
    expect(left.filter((p) => p.startsWith('etc/kubernetes/pki/etcd/'))).toEqual(['etc/kubernetes/pki/etcd/']);
  }, 60_000);

  it('--skip-phases on the command line wins over the file', async () => {
    const [mine] = twoRoots(template);
    fs.writeFileSync(path.join(mine, 'reset.yaml'), 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\nforce: true\nskipPhases: [cleanup-node]\n');
    const ts = await tskReset(['reset', '--config', path.join(mine, 'reset.yaml'), '--skip-phases', 'remove-etcd-member', '--rootfs', mine]);
    expect(ts.code, ts.stderr).toBe(0);
    expect(ts.stdout).toContain('[reset] Deleting contents of directories:');
    expect(Object.keys(tree(mine))).toContain('var/lib/etcd/member/snap/db');
  }, 60_000);
});

describe('phase selection', () => {
  it('an unknown phase in --skip-phases is a usage error (exit 3) and changes nothing', async () => {
    const [mine, theirs] = twoRoots(template);
    const before = tree(mine);
    const up = kubeadm(['reset', '-f', '--skip-phases', 'no-such-phase', '--rootfs', theirs]);
    const ts = await tskReset(['reset', '-f', '--skip-phases', 'no-such-phase', '--rootfs', mine]);
    // kubeadm says the same thing but exits 1; tskubeadm treats every usage error as exit 3
    expect(up.stderr).toContain('error: invalid phase name: no-such-phase');
    expect(ts.stderr).toContain('error: invalid phase name: no-such-phase');
    expect(ts.code).toBe(3);
    expect(tree(mine)).toEqual(before);
    expect(tree(theirs)).toEqual(before);
  }, 60_000);

  it('`reset phase cleanup-node` alone leaves what kubeadm leaves, without the closing note', async () => {
    const [mine, theirs] = twoRoots(template);
    const up = kubeadm(['reset', 'phase', 'cleanup-node', '--rootfs', theirs]);
    const ts = await tskReset(['reset', 'phase', 'cleanup-node', '--rootfs', mine]);
    expect([ts.code, up.code]).toEqual([0, 0]);
    expect(ts.stdout).toBe(up.stdout);
    expect(ts.stdout).not.toContain('The reset process does not perform cleanup');
    expect(tree(mine)).toEqual(tree(theirs));
  }, 60_000);

  it('`reset phase remove-etcd-member` alone empties the etcd data dir named by the manifest, as kubeadm', async () => {
    const [mine, theirs] = twoRoots(template);
    const up = kubeadm(['reset', 'phase', 'remove-etcd-member', '--rootfs', theirs]);
    const ts = await tskReset(['reset', 'phase', 'remove-etcd-member', '--rootfs', mine]);
    expect([ts.code, up.code]).toEqual([0, 0]);
    expect(ts.stdout).toBe(up.stdout);
    expect(tree(mine)).toEqual(tree(theirs));
  }, 60_000);
});
