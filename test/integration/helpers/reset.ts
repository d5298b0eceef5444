// Shared by the reset tests: a host tree populated by tskubeadm's own init phases, copied once per
// case into two roots (one for tskubeadm, one for upstream kubeadm), and runners for both tools.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../../src/cli/main.js';
import { tmpDir } from '../../helpers/cli.js';
import { initConfig } from '../../helpers/configs.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const KUBEADM = path.join(repo, '.lab/bin/kubeadm');

/**
 * Node "node1" at 127.0.0.1 with the API server on port 1: nothing listens there, so both tools fail
 * to reach the cluster at once and carry on without its configuration.
 */
export const INIT_CONFIG = initConfig({ address: '127.0.0.1', bindPort: 1 });

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tskubeadm <args>` in-process; `stdin` undefined means no input stream at all */
export async function tskReset(args: string[], stdin?: string): Promise<ToolResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}) },
  );
  return { code, stdout, stderr };
}

/** upstream `kubeadm <args>` (chrooted by its own --rootfs) */
export function kubeadm(args: string[], stdin = ''): ToolResult {
  const r = spawnSync(KUBEADM, args, { input: stdin, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Populate a host tree the way `kubeadm init` leaves a control plane before the kubelet starts it. */
export async function populate(): Promise<string> {
  const work = tmpDir('tsk-reset-tpl-');
  const root = path.join(work, 'root');
  fs.mkdirSync(root);
  const cfg = path.join(work, 'init.yaml');
  fs.writeFileSync(cfg, INIT_CONFIG);
  for (const p of [['certs', 'all'], ['kubeconfig', 'all'], ['etcd', 'local'], ['control-plane', 'all'], ['kubelet-start']]) {
    const r = await tskReset(['init', 'phase', ...p, '--rootfs', root, '--config', cfg]);
    if (r.code !== 0) throw new Error(`init phase ${p.join(' ')} failed: ${r.stderr}`);
  }
  // what a running node adds: etcd data, a bootstrap kubeconfig, kubelet state, init's tmp dir, CNI
  // config (reset keeps it), and a mount table (empty: nothing is mounted inside this tree)
  const files: Record<string, string> = {
    'var/lib/etcd/member/snap/db': 'etcd data',
    'var/lib/etcd/member/wal/0.wal': 'wal',
    'etc/kubernetes/bootstrap-kubelet.conf': 'bootstrap',
    'var/lib/kubelet/pki/kubelet-client-current.pem': 'pem',
    'var/lib/kubelet/pods/abc/volumes/x': 'vol',
    'etc/kubernetes/tmp/kubeadm-backup-etcd/x': 'backup',
    'etc/cni/net.d/10-bridge.conf': '{}',
    'root/.kube/config': 'user kubeconfig',
    'proc/mounts': '',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Two identical copies of the template: [for tskubeadm, for kubeadm]. */
export function twoRoots(template: string): [string, string] {
  const a = path.join(tmpDir('tsk-reset-a-'), 'root');
  const b = path.join(tmpDir('tsk-reset-b-'), 'root');
  for (const d of [a, b]) {
    const r = spawnSync('cp', ['-a', template, d]);
    if (r.status !== 0) throw new Error(`cp -a failed: ${r.stderr}`);
  }
  return [a, b];
}

/** Every path under root with its type, mode and content (no times): what a comparison needs. */
export function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out[r + '/'] = `d ${mode}`;
        walk(r);
      } else if (st.isSymbolicLink()) out[r] = `l ${fs.readlinkSync(path.join(root, r))}`;
      else out[r] = `f ${mode} ${fs.readFileSync(path.join(root, r)).toString('base64')}`;
    }
  };
  walk('');
  return out;
}

/** klog lines reduced to their message (tskubeadm and kubeadm differ in the header only) */
export function warnings(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /^W\d{4} /.test(l))
    .map((l) => l.replace(/^W\d{4} [\d:.]+\s+\d+ [^\]]+\] /, ''));
}
