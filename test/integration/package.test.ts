// `npm run package`: the single executable and the Debian package (scripts/package.mjs, scripts/deb.mjs).
// The single file runs with no node on PATH and from no project tree; the .deb installs on lab host 1
// (with a /usr and dpkg database of its own, no Node.js and no project dist/ or node_modules, see
// test/lab/fixture/hostroot.ts), its /usr/bin/tskubeadm brings up a Ready node and resets it, and
// removing and purging the package leaves none of its files. Needs root, the lab and `npm run build`;
// the package is (re)built when missing or older than what it is made from.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageFresh, packageOutputs } from '../../scripts/package-outputs.mjs';
import { cleanupTmp, tmpDir } from '../helpers/cli.js';
import { privateRoot, type PrivateRoot } from '../lab/fixture/hostroot.js';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB_KUBEADM_CONFIG, MIN, REPO, hostHasCluster, kubectl, labUp, onHost, resetHost } from '../lab/fixture/labhost.js';
import { networkAndReady, onHostResult, removeCniConfig } from './helpers/lab.js';

const OUT = packageOutputs(REPO);

beforeAll(() => {
  if (packageFresh(REPO)) return;
  const r = spawnSync(process.execPath, [join(REPO, 'scripts/package.mjs')], { encoding: 'utf8', timeout: 15 * MIN });
  expect(r.status, `scripts/package.mjs failed:\n${r.stdout}${r.stderr}`).toBe(0);
}, 16 * MIN);
afterAll(() => cleanupTmp());

/** runs `file` in an empty directory with nothing but an empty directory on PATH: no node to find */
function bare(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const dir = tmpDir('tsk-pkg-run-');
  const empty = join(dir, 'empty-path');
  mkdirSync(empty);
  return spawnSync(file, args, { encoding: 'utf8', cwd: dir, env: { PATH: empty, ...env } });
}
const viaBin = (args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin/tskubeadm'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });

describe('the single executable, alone: no node on PATH, no project tree', () => {
  let exe: string;
  beforeAll(() => {
    // a copy elsewhere: nothing next to it either
    exe = join(tmpDir('tsk-pkg-exe-'), 'tskubeadm');
    copyFileSync(OUT.exe, exe);
  });

  for (const args of [['version'], ['version', '-o', 'json'], ['--help'], ['init', '--help'], ['config', 'images', 'list']]) {
    it(`tskubeadm ${args.join(' ')} prints what bin/tskubeadm prints`, () => {
      const r = bare(exe, args);
      const want = viaBin(args);
      expect(r.stdout.length).toBeGreaterThan(0);
      // klog's header carries the time and the process id
      const klog = (t: string) => t.replace(/^([IWE])\d{4} [\d:.]+ +\d+ /gm, '$1 ');
      expect({ code: r.status, stdout: r.stdout, stderr: klog(r.stderr) }).toEqual({ code: want.status, stdout: want.stdout, stderr: klog(want.stderr) });
    });
  }

  it('init phase certs all makes the RSA PKI, its early prime search running the worker asset', () => {
    const dir = tmpDir('tsk-pkg-certs-');
    const log = join(dir, 'out.log');
    const fd = openSync(log, 'w');
    // stdout and stderr into one file: node's worker debug lines and the CLI's output in their order
    const r = spawnSync(exe, ['init', 'phase', 'certs', 'all', '--cert-dir', join(dir, 'pki')], { cwd: dir, env: { PATH: '/nonexistent', NODE_DEBUG: 'worker' }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const out = readFileSync(log, 'utf8');
    expect(r.status, out.slice(-3000)).toBe(0);
    // the first thing the process did: start a worker from the text of dist/prime-worker.cjs (the
    // asset, ending with the newline the build adds) with eval: the early search of bin/early-primes.cjs
    const first = /^WORKER \d+: \[0\] create new worker ([\s\S]*?) \{\n {2}eval: true,/.exec(out);
    expect(first, out.slice(0, 500)).not.toBeNull();
    expect(first![1]).toBe(readFileSync(join(REPO, 'dist/prime-worker.cjs'), 'utf8'));
    expect(out.indexOf('[certs]')).toBeGreaterThan(first![0].length);

    const pki = join(dir, 'pki');
    const want = tmpDir('tsk-pkg-certs-bin-');
    expect(viaBin(['init', 'phase', 'certs', 'all', '--cert-dir', want]).status).toBe(0);
    const list = (d: string): string[] => readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();
    expect(list(pki)).toEqual(list(want));
    const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });
    for (const key of ['ca.key', 'apiserver.key', 'sa.key', 'etcd/ca.key', 'front-proxy-ca.key']) {
      const k = openssl('rsa', '-in', join(pki, key), '-check', '-noout', '-text');
      expect(k.stdout, `${key}: ${k.stderr}`).toMatch(/Private-Key: \(2048 bit, 2 primes\)/);
      expect(k.stdout).toContain('RSA key ok');
    }
    const verify = openssl('verify', '-CAfile', join(pki, 'ca.crt'), join(pki, 'apiserver.crt'), join(pki, 'apiserver-kubelet-client.crt'));
    expect(verify.stdout + verify.stderr).toBe(`${join(pki, 'apiserver.crt')}: OK\n${join(pki, 'apiserver-kubelet-client.crt')}: OK\n`);
  });
});

describe('the Debian package', () => {
  const field = (name: string) => spawnSync('dpkg-deb', ['-f', OUT.deb, name], { encoding: 'utf8' }).stdout.trim();

  it('is named and described as the brief of the package says', () => {
    expect(OUT.deb).toMatch(/\/tskubeadm_\d+\.\d+\.\d+_amd64\.deb$/);
    expect(field('Package')).toBe('tskubeadm');
    expect(field('Version')).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    expect(field('Architecture')).toBe('amd64');
    expect(field('Depends')).toMatch(/^libc6 \(>= [\d.]+\), libgcc-s1 \(>= [\d.]+\), libstdc\+\+6 \(>= [\d.]+\)$/);
    expect(field('Recommends')).toBe('kubelet');
    expect(field('Conflicts')).toBe('kubeadm');
    expect(field('Maintainer')).toMatch(/^.+ <.+@.+>$/);
  });

  it('holds the executable, the kubelet drop-in and the documentation, owned by root', () => {
    const listing = spawnSync('dpkg-deb', ['-c', OUT.deb], { encoding: 'utf8' }).stdout;
    const files = listing
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/))
      .filter((f) => !f[0].startsWith('d'))
      .map((f) => `${f[0]} ${f[1]} ${f[5]}`);
    expect(files).toEqual([
      '-rwxr-xr-x root/root ./usr/bin/tskubeadm',
      '-rw-r--r-- root/root ./usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
      '-rw-r--r-- root/root ./usr/share/doc/tskubeadm/changelog.gz',
      '-rw-r--r-- root/root ./usr/share/doc/tskubeadm/copyright',
    ]);
  });
});

describe('lab host 1: dpkg -i, then init with /usr/bin/tskubeadm and no Node.js, reset, dpkg --purge', () => {
  let release: (() => void) | undefined;
  let root: PrivateRoot | undefined;
  let deb: string;
  let paths: string[];
  let existedBefore: Set<string>;
  // what runs on the host: the usual system directories (node deleted from /usr/bin in the overlay)
  // and the lab's kubelet and tools (.lab/bin; also holds no node)
  const PATH = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${join(REPO, '.lab/bin')}`;
  const bareOnHost = (cmd: string, timeout?: number) => onHostResult(['env', '-i', `PATH=${PATH}`, 'sh', '-c', cmd], timeout);

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await resetHost(1);
    root = await privateRoot(1, {
      remove: ['/usr/bin/node', '/usr/bin/nodejs', '/usr/local/bin/node'],
      hide: [join(REPO, 'dist'), join(REPO, 'bin'), join(REPO, 'node_modules')],
    });
    // the package goes where the host can still read it (dist/ is hidden there now)
    deb = join(root.dir, 'tskubeadm.deb');
    copyFileSync(OUT.deb, deb);
    paths = spawnSync('dpkg-deb', ['-c', OUT.deb], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[5].replace(/^\./, '').replace(/\/$/, '') || '/');
    const exists = await onHost(1, ['sh', '-c', 'for p in "$@"; do [ -e "$p" ] && echo "$p"; done; true', 'sh', ...paths]);
    existedBefore = new Set(exists.split('\n').filter(Boolean));
  }, 40 * MIN);

  afterAll(async () => {
    try {
      if (await hostHasCluster(1).catch(() => false)) await resetHost(1).catch(() => undefined);
      await onHost(1, ['sh', '-c', 'dpkg --log=/dev/null --purge tskubeadm >/dev/null 2>&1; true']).catch(() => undefined);
    } finally {
      try {
        await root?.restore();
      } finally {
        release?.();
      }
    }
  }, 10 * MIN);

  it('the host has no node and no project build to fall back on', async () => {
    const r = await bareOnHost('command -v node || command -v nodejs');
    expect(r.stdout).toBe('');
    expect(r.code).not.toBe(0);
    const hidden = await bareOnHost(`ls -A ${join(REPO, 'dist')} ${join(REPO, 'bin')} ${join(REPO, 'node_modules')}/`);
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(hidden.stdout.replace(/^\/.*:\n/gm, '').trim()).toBe('');
  });

  it('dpkg -i installs the package where dpkg -L says', async () => {
    expect(existedBefore.has('/usr/bin/tskubeadm')).toBe(false);
    const r = await bareOnHost(`dpkg --log=/dev/null -i ${deb}`);
    expect(r.code, r.stderr).toBe(0);
    // dpkg -L names the root "/."
    const listed = (await onHost(1, ['dpkg', '-L', 'tskubeadm'])).trim().split('\n').map((p) => (p === '/.' ? '/' : p)).sort();
    expect(listed).toEqual([...paths].sort());
    const stat = await onHost(1, ['stat', '-c', '%a %U:%G %n', '/usr/bin/tskubeadm', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf']);
    expect(stat).toBe('755 root:root /usr/bin/tskubeadm\n644 root:root /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf\n');
    expect((await bareOnHost('command -v tskubeadm')).stdout).toBe('/usr/bin/tskubeadm\n');
  });

  it("the drop-in is upstream kubeadm's for Debian: the kubelet the way the lab's service runs it", async () => {
    const dropIn = await onHost(1, ['cat', '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf']);
    expect(dropIn).toContain('Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"\n');
    expect(dropIn).toContain('Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n');
    expect(dropIn).toContain('EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n');
    expect(dropIn).toContain('EnvironmentFile=-/etc/default/kubelet\n');
    expect(dropIn).toContain('ExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n');
    expect(dropIn).not.toContain('sysconfig');
  });

  it('tskubeadm init from /usr/bin/tskubeadm, with no node anywhere on PATH, brings up a Ready node', async () => {
    const r = await bareOnHost(`! command -v node && exec tskubeadm init --config ${LAB_KUBEADM_CONFIG} --ignore-preflight-errors=SystemVerification`, 10 * MIN);
    expect(r.stdout + r.stderr).toContain('Your Kubernetes control-plane has initialized successfully');
    expect(r.code).toBe(0);
    // the CRI calls (preflight's image check, the kubelet-start and wait phases) went through gRPC
    expect(r.stdout).toContain('[preflight] Pulling images required for setting up a Kubernetes cluster');
    await networkAndReady();
    expect(await kubectl('get', 'nodes')).toMatch(/tsklab-h1\s+Ready\s+control-plane/);
  }, 15 * MIN);

  it('tskubeadm reset -f cleans the host', async () => {
    const r = await bareOnHost('tskubeadm reset -f', 5 * MIN);
    expect(r.code, r.stderr).toBe(0);
    await removeCniConfig();
    expect(await hostHasCluster(1)).toBe(false);
  }, 6 * MIN);

  it('dpkg -r and --purge leave none of its files', async () => {
    expect((await bareOnHost('dpkg --log=/dev/null -r tskubeadm')).code).toBe(0);
    expect((await bareOnHost('dpkg --log=/dev/null --purge tskubeadm')).code).toBe(0);
    const status = await bareOnHost('dpkg -s tskubeadm');
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain("package 'tskubeadm' is not installed");
    const left = await onHost(1, ['sh', '-c', 'for p in "$@"; do [ -e "$p" ] && echo "$p"; done; true', 'sh', ...paths]);
    // directories that were there before (/usr, /usr/bin, ...) stay; everything the package brought is gone
    expect(left.split('\n').filter(Boolean).sort()).toEqual([...existedBefore].sort());
    expect(existedBefore.has('/usr/lib/systemd/system/kubelet.service.d')).toBe(false);
    expect(await onHost(1, ['sh', '-c', 'ls /var/lib/dpkg/info | grep -c "^tskubeadm\\." || true'])).toBe('0\n');
  });
});
