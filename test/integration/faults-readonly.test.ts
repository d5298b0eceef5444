// Fault: /etc/kubernetes (or only its manifests directory) is read-only, a read-only bind mount in a
// private mount namespace on lab host 1. tskubeadm's preflight says so, naming the directories, and exits
// 2 before anything is written or started (its DirWritable checks). Upstream kubeadm, for reference,
// finds out when it writes: with only the manifests directory read-only, it has written the certificates
// and kubeconfig files by then. A phase command (no preflight) names the directory it could not create.
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB_KUBEADM_CONFIG, MIN, hostHasCluster, labUp } from '../lab/fixture/labhost.js';
import { kubeadm, onHost, onHostResult, tskubeadm } from './helpers/lab.js';
import { type Ev, labRoot, resetLabHost, treeDigest } from './helpers/faults.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-faults-ro-'));
const DIRS = ['/etc/kubernetes', '/var/lib/kubelet'];
const INIT = ['init', '--config', LAB_KUBEADM_CONFIG, '--ignore-preflight-errors=SystemVerification'];

/** `args` on lab host 1 with `dir` made read-only in a mount namespace of the command's own */
const withReadOnly = (dir: string, args: string[]) => [
  'unshare', '-m', '--propagation', 'private', 'sh', '-c',
  'mkdir -p "$1" && mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
  'sh', dir, ...args,
];

const readEvents = (f: string): Ev[] => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);


describe('lab: a read-only /etc/kubernetes', () => {
  let release: (() => void) | undefined;

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await resetLabHost();
    await onHost(['mkdir', '-p', '/etc/kubernetes/manifests']);
  }, 40 * MIN);

  afterAll(async () => {
    try {
      if (await hostHasCluster(1).catch(() => true)) await resetLabHost().catch(() => undefined);
    } finally {
      release?.();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 5 * MIN);

  it('init: preflight names every directory it cannot write, exit 2, nothing written, the kubelet not started', async () => {
    // reset empties the certificate directory and keeps it: here it is to be made
    await onHost(['rm', '-rf', '/etc/kubernetes/pki']);
    const before = treeDigest(labRoot(), DIRS);
    const events = path.join(work, 'ro.jsonl');
    const r = await onHostResult(withReadOnly('/etc/kubernetes', [tskubeadm, ...INIT, '--events', events]));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('\t[ERROR DirWritable--etc-kubernetes]: /etc/kubernetes is on a read-only file system\n');
    expect(r.stderr).toContain('\t[ERROR DirWritable--etc-kubernetes-pki]: /etc/kubernetes/pki cannot be created: /etc/kubernetes is on a read-only file system\n');
    expect(r.stderr).toContain('\t[ERROR DirWritable--etc-kubernetes-manifests]: /etc/kubernetes/manifests is on a read-only file system\n');
    expect(r.stderr).not.toContain('DirWritable--var-lib-kubelet');
    expect(r.stdout).not.toContain('[certs]');
    expect(treeDigest(labRoot(), DIRS)).toEqual(before);
    expect((await onHostResult(['systemctl', 'is-active', 'kubelet'])).stdout.trim()).toBe('inactive');
    const err = readEvents(events).find((e) => e.event === 'error') as Ev & { failedChecks?: string[] };
    expect(err).toMatchObject({ phase: 'preflight', failedChecks: expect.arrayContaining(['DirWritable--etc-kubernetes']) });
  }, 5 * MIN);

  it('init with only the manifests directory read-only: stopped before the certificates, where upstream writes them first', async () => {
    const before = treeDigest(labRoot(), DIRS);
    const r = await onHostResult(withReadOnly('/etc/kubernetes/manifests', [tskubeadm, ...INIT]));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('\t[ERROR DirWritable--etc-kubernetes-manifests]: /etc/kubernetes/manifests is on a read-only file system\n');
    expect(r.stderr).not.toContain('DirWritable--etc-kubernetes]');
    expect(treeDigest(labRoot(), DIRS)).toEqual(before);

    // upstream, for reference: fails in a later phase, with the certificates and kubeconfig files written
    const u = await onHostResult(withReadOnly('/etc/kubernetes/manifests', [kubeadm, ...INIT]));
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/read-only file system/);
    const after = treeDigest(labRoot(), DIRS).join('\n');
    expect(after).toContain('/etc/kubernetes/pki/ca.crt');
    expect(after).toContain('/etc/kubernetes/admin.conf');
    await onHostResult([kubeadm, 'reset', '-f']);
    await onHost(['mkdir', '-p', '/etc/kubernetes/manifests']);
  }, 5 * MIN);

  it('a phase command (no preflight) names the directory it could not create', async () => {
    await onHost(['rm', '-rf', '/etc/kubernetes/pki']);
    const events = path.join(work, 'phase.jsonl');
    const r = await onHostResult(withReadOnly('/etc/kubernetes', [tskubeadm, 'init', 'phase', 'certs', 'all', '--config', LAB_KUBEADM_CONFIG, '--events', events]));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: error execution phase certs/ca: unable to create directory "/etc/kubernetes/pki": read-only file system');
    expect(readEvents(events).find((e) => e.event === 'error')).toMatchObject({ phase: 'certs/ca', file: '/etc/kubernetes/pki' });
  }, 2 * MIN);
});
