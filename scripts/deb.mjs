// The Debian package of tskubeadm (scripts/package.mjs calls buildDeb). It installs what upstream's
// kubeadm package (kubernetes/release, cmd/krel/templates/latest/kubeadm/kubeadm.spec) installs,
// with tskubeadm in place of kubeadm:
//   /usr/bin/tskubeadm                                          the single executable, 0755
//   /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf   upstream's drop-in, 0644
//   /usr/share/doc/tskubeadm/{copyright,changelog.gz}           what Debian policy asks of a package
//
// Relations (DEBIAN/control): Depends are the shared libraries Node's binary links (libc, libstdc++,
// libgcc_s), as dpkg-shlibdeps finds them. Upstream's kubeadm package has had no Depends since 1.32 (its
// kubelet, kubectl, kubernetes-cni and cri-tools dependencies were dropped; krel's metadata.yaml),
// and kubeadm 1.37 needs no crictl. tskubeadm's init and join do need a kubelet service, but the
// kubelet need not be a Debian package (a release binary with its own unit, or the lab's kubelet):
// so `Recommends: kubelet` (apt installs it where Kubernetes' apt repository is set up; dpkg and
// `apt --no-install-recommends` leave the choice to the admin) and `Suggests: kubectl`.
// `Conflicts: kubeadm`: both packages ship the same drop-in file, which dpkg would refuse to
// overwrite; the single file (tskubeadm-linux-amd64) runs beside upstream's package if both are wanted.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const MAINTAINER = process.env.TSK_DEB_MAINTAINER ?? 'tskubeadm maintainers <maintainers@tskubeadm.invalid>';
const DROPIN = 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf';

/** the Debian architecture of this node (the executable is this node's binary) */
export function debArch() {
  const arch = { x64: 'amd64', arm64: 'arm64', ppc64: 'ppc64el', s390x: 's390x' }[process.arch];
  if (!arch) throw new Error(`no Debian architecture for node's ${process.arch}`);
  return arch;
}

/**
 * Upstream's drop-in as its Debian build makes it: the template names /etc/sysconfig/kubelet and
 * kubeadm.spec rewrites it to /etc/default/kubelet for debbuild (packaging/10-kubeadm.conf is the
 * template, unchanged).
 */
export function dropIn(repo) {
  return readFileSync(join(repo, 'packaging/10-kubeadm.conf'), 'utf8').replaceAll('/etc/sysconfig/kubelet', '/etc/default/kubelet');
}

/** every file under dir (relative paths), sorted */
function files(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), base) : [relative(base, join(dir, e.name))]))
    .sort();
}

/** `text` as the continuation lines of a control-style field (blank lines become " .") */
const indent = (text) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l}`))
    .join('\n');

/**
 * Node's license text, wherever this node's installation keeps it. The full Apache License 2.0 texts
 * in it (OpenSSL's, LIEF's) become a pointer to Debian's copy, as Debian policy asks (12.5).
 */
function nodeLicense() {
  const bin = dirname(process.execPath);
  for (const f of [join(bin, '../share/doc/nodejs/LICENSE'), join(bin, '../share/doc/node/LICENSE'), join(bin, '../LICENSE')]) {
    if (!existsSync(f)) continue;
    return readFileSync(f, 'utf8').replace(
      /^([ \t]*)Apache License\n[ \t]*Version 2\.0, January 2004\n[\s\S]*?END OF TERMS AND CONDITIONS[ \t]*\n/gm,
      '$1The Apache License, Version 2.0 (on Debian systems: /usr/share/common-licenses/Apache-2.0)\n',
    );
  }
  return `The license of Node.js ${process.version} and of the libraries it bundles (V8, OpenSSL, ICU, libuv,\nllhttp, ...) is the LICENSE file of the Node.js source tree of that version.\n`;
}

function copyright(repo) {
  const bundled = JSON.parse(readFileSync(join(repo, 'dist/bundled-packages.json'), 'utf8'));
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: tskubeadm
Comment: /usr/bin/tskubeadm is a Node.js single executable application: Node.js
 ${process.version} (License: Node.js, below; it covers the libraries Node.js bundles)
 carrying tskubeadm's code and these npm packages:
${indent(bundled.map((p) => `${p.name} ${p.version} (${p.license})`).join('\n'))}
 .
 Their license and copyright notices are kept at the end of the bundles inside
 the executable.

Files: *
Copyright: tskubeadm authors
License: Apache-2.0

Files: ${DROPIN}
Copyright: The Kubernetes Authors
License: Apache-2.0
Comment: upstream kubeadm's kubelet drop-in (kubernetes/release,
 cmd/krel/templates/latest/kubeadm/10-kubeadm.conf), as upstream's Debian build
 writes it.

License: Apache-2.0
 On Debian systems, the complete text of the Apache License, Version 2.0 can be
 found in /usr/share/common-licenses/Apache-2.0.

License: Node.js
${indent(nodeLicense())}
`;
}

function changelog(version, date) {
  return `tskubeadm (${version}) unstable; urgency=medium

  * tskubeadm ${version}: the single executable and kubeadm's kubelet drop-in.

 -- ${MAINTAINER}  ${date}
`;
}

/** the Depends of the shared libraries `exe` links, from dpkg-shlibdeps (dpkg-dev) */
function shlibDepends(exe, work) {
  const dir = `${work}.shlibdeps`;
  rmSync(dir, { recursive: true, force: true });
  // dpkg-shlibdeps reads the package names from a source package's debian/control
  mkdirSync(join(dir, 'debian'), { recursive: true });
  writeFileSync(join(dir, 'debian/control'), 'Source: tskubeadm\n\nPackage: tskubeadm\nArchitecture: any\n');
  const out = execFileSync('dpkg-shlibdeps', ['-O', '-e', exe], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const m = /^shlibs:Depends=(.+)$/m.exec(out);
  if (!m) throw new Error(`dpkg-shlibdeps gave no shlibs:Depends for ${exe}: ${out}`);
  rmSync(dir, { recursive: true, force: true });
  return m[1];
}

/** the time of the last commit, else now: the package's file times and changelog date */
function sourceDate(repo) {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync('git', ['-C', repo, 'log', '-1', '--format=%ct'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return Math.floor(Date.now() / 1000);
  }
}

export function buildDeb({ repo, exe, deb, version, arch, work }) {
  const epoch = sourceDate(repo);
  const date = new Date(epoch * 1000).toUTCString().replace('GMT', '+0000');
  rmSync(work, { recursive: true, force: true });
  const put = (path, content, mode) => {
    const f = join(work, path);
    mkdirSync(dirname(f), { recursive: true });
    if (Buffer.isBuffer(content) || typeof content === 'string') writeFileSync(f, content);
    else copyFileSync(content.from, f);
    chmodSync(f, mode);
  };
  put('usr/bin/tskubeadm', { from: exe }, 0o755);
  put(DROPIN, dropIn(repo), 0o644);
  put('usr/share/doc/tskubeadm/copyright', copyright(repo), 0o644);
  // gzip -9n: no name, no time in the header
  put('usr/share/doc/tskubeadm/changelog.gz', gzipSync(changelog(version, date), { level: 9 }), 0o644);

  const payload = files(work);
  const md5sums = payload.map((f) => `${createHash('md5').update(readFileSync(join(work, f))).digest('hex')}  ${f}\n`).join('');
  // Installed-Size as dpkg-gencontrol counts it: KiB per file, rounded up, plus one per directory
  const dirs = new Set(payload.flatMap((f) => f.split('/').slice(0, -1).map((_, i, p) => p.slice(0, i + 1).join('/'))));
  const kib = payload.reduce((n, f) => n + Math.ceil(statSync(join(work, f)).size / 1024), 0) + dirs.size;
  const control = `Package: tskubeadm
Version: ${version}
Architecture: ${arch}
Maintainer: ${MAINTAINER}
Installed-Size: ${kib}
Depends: ${shlibDepends(exe, work)}
Recommends: kubelet
Suggests: kubectl
Conflicts: kubeadm
Section: admin
Priority: optional
Description: Kubernetes cluster bootstrapper, kubeadm re-made in TypeScript
 tskubeadm sets up a Kubernetes control plane on a host (init), joins hosts to
 a cluster (join) and undoes either (reset), leaving hosts and clusters as
 upstream kubeadm would. It is one executable with its own JavaScript runtime.
 .
 The package also installs upstream kubeadm's systemd drop-in for the kubelet
 service (kubelet.service.d/10-kubeadm.conf).
`;
  put('DEBIAN/control', control, 0o644);
  put('DEBIAN/md5sums', md5sums, 0o644);
  for (const d of ['', ...dirs, 'DEBIAN']) chmodSync(join(work, d), 0o755);
  for (const f of [...payload, 'DEBIAN/control', 'DEBIAN/md5sums']) utimesSync(join(work, f), epoch, epoch);

  const tmp = `${deb}.tmp`;
  // xz at level 1: 25 MiB in ~20 s on the 2-CPU machine; level 6 (dpkg-deb's default) saves 3.5 MiB for
  // ~100 s more, gzip -6 takes 7 s for 31 MiB (measured while other builds ran)
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', '-Zxz', '-z1', work, tmp], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) } });
  renameSync(tmp, deb);
}
