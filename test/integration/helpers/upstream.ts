// Upstream kubeadm v1.37.2, the lab's build (.lab/bin/kubeadm, `npm run lab:build`), run the way the
// CLI tests run tskubeadm (test/helpers/cli.ts), with its traffic kept on this machine.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, type CliResult } from '../../helpers/cli.js';

export const UPSTREAM_KUBEADM = path.join(REPO, '.lab/bin/kubeadm');

let resolvConf: string | undefined;
function loopbackResolvConf(): string {
  if (!resolvConf) {
    resolvConf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-resolv-')), 'resolv.conf');
    fs.writeFileSync(resolvConf, 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
  }
  return resolvConf;
}

export function upstream(args: string[], opts: { cwd?: string } = {}): CliResult {
  if (!fs.existsSync(UPSTREAM_KUBEADM)) {
    throw new Error(`${UPSTREAM_KUBEADM} is missing: build the lab first (npm run lab:build)`);
  }
  // Upstream resolves version labels (the default stable-1) on dl.k8s.io, and a test's traffic must
  // stay on this machine: it runs in a mount namespace whose /etc/resolv.conf names only 127.0.0.1,
  // where nothing answers, so the lookup fails at once and kubeadm falls back to its own version, as
  // it does offline. The network itself is the host's, so its address detection is unchanged.
  const resolv = loopbackResolvConf();
  const script = 'mount --bind "$0" /etc/resolv.conf && exec "$@"';
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, resolv, UPSTREAM_KUBEADM, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  if (r.error || (r.status !== 0 && /^(unshare|mount|sh): /m.test(r.stderr))) throw new Error(`could not run upstream kubeadm with a loopback resolver: ${r.error?.message ?? r.stderr}`);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
