#!/usr/bin/env node
// `npm run package` (after `npm run build`): tskubeadm for a host with no Node.js and no project tree.
//   dist/package/tskubeadm-linux-<arch>         one executable: Node's own binary (this node, its
//                                               debug symbols stripped) carrying bin/sea.cjs as its
//                                               main script and the dist/ files the CLI loads as
//                                               assets (Node's single executable applications)
//   dist/package/tskubeadm_<version>_<arch>.deb that file as /usr/bin/tskubeadm, with the kubelet
//                                               drop-in upstream's kubeadm package ships (scripts/deb.mjs)
// Work files go to dist/package/work/. Prints each output's size and the time taken.
//
//   npm run package            (npm run build && node scripts/package.mjs)

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDeb } from './deb.mjs';
import { packageOutputs } from './package-outputs.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { BUNDLE, SIDE_BUNDLES, sideBundleFile, cacheFile } = require(join(repo, 'bin/bundle.cjs'));
const { dir: OUT, exe, deb, version, arch } = packageOutputs(repo);
const WORK = join(OUT, 'work');
// the fuse Node's binary carries for postject (Node's "Single executable applications" docs)
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const die = (msg) => {
  console.error(`package: ${msg}`);
  process.exit(1);
};

/** dist/ files the single executable carries, by the asset name bin/sea.cjs asks for (the file name) */
function assets() {
  const bundles = [BUNDLE, ...Object.keys(SIDE_BUNDLES).map(sideBundleFile)];
  const files = [...bundles, ...bundles.map(cacheFile), join(repo, 'dist/prime-worker.cjs')];
  const tree = join(repo, 'dist/cli/main.js');
  for (const f of files) {
    if (!existsSync(f)) die(`${f} is missing: run \`npm run build\` first (npm run package does)`);
    if (existsSync(tree) && statSync(f).mtimeMs < statSync(tree).mtimeMs) die(`${f} is older than ${tree}: run \`npm run build\``);
  }
  // in the executable, import() works only for what bin/bundle.cjs provides itself: the side
  // bundles and node's own modules (through require)
  for (const f of bundles) {
    for (const [, spec] of readFileSync(f, 'utf8').matchAll(/__tskImport\("([^"]+)"\)/g)) {
      const provided = Object.values(SIDE_BUNDLES).some((specs) => spec in specs);
      if (!provided && !isBuiltin(spec)) die(`${f} imports ${spec}, which the single executable cannot load (neither a side bundle nor a node module)`);
    }
  }
  return Object.fromEntries(files.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]));
}

/** bin/sea.cjs and what it requires, as one script (a SEA main script cannot require files) */
async function mainScript() {
  const { build } = await import('esbuild');
  const out = join(WORK, 'sea-main.cjs');
  await build({
    entryPoints: [join(repo, 'bin/sea.cjs')],
    outfile: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // bin/tskubeadm's entry file has no extension
    loader: { '': 'js' },
    // bin/tskubeadm's fallback for a build without bundles: never taken here (the assets are the bundles)
    external: ['../dist/cli/main.js'],
    minifyWhitespace: true,
    logLevel: 'warning',
  });
  return out;
}

async function singleExecutable(file) {
  const config = join(WORK, 'sea-config.json');
  const blob = join(WORK, 'sea-prep.blob');
  writeFileSync(
    config,
    JSON.stringify({ main: await mainScript(), output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets: assets() }, null, 2),
  );
  const made = spawnSync(process.execPath, ['--experimental-sea-config', config], { encoding: 'utf8' });
  if (made.status !== 0) die(`node --experimental-sea-config failed:\n${made.stdout}${made.stderr}`);
  // Node's binary without its debug symbols (Debian's and NodeSource's builds keep them: ~12 MB) and
  // the compilers' notes (.comment)
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  const strip = spawnSync('strip', ['--strip-unneeded', '--remove-section=.comment', '-o', tmp, process.execPath], { encoding: 'utf8' });
  if (strip.error || strip.status !== 0) die(`strip (binutils) failed: ${strip.error?.message ?? strip.stderr}`);
  const { inject } = require('postject');
  // postject's WebAssembly module prints its own notes about ELF sections it does not know
  const warn = console.warn;
  console.warn = () => {};
  try {
    await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  } finally {
    console.warn = warn;
  }
  chmodSync(tmp, 0o755);
  // the file must run on its own: no node on PATH, no project tree, another working directory
  const r = spawnSync(tmp, ['version', '-o', 'short'], { encoding: 'utf8', env: { PATH: '/nonexistent' }, cwd: '/' });
  const want = spawnSync(process.execPath, [join(repo, 'bin/tskubeadm'), 'version', '-o', 'short'], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout !== want.stdout) die(`the single executable does not run: exit ${r.status}, ${r.error ?? ''}${r.stdout}${r.stderr}`);
  renameSync(tmp, file);
}

const MiB = (f) => `${(statSync(f).size / 2 ** 20).toFixed(1)} MiB`;

const t0 = Date.now();
if (process.platform !== 'linux') die('the package is for Linux hosts');
mkdirSync(WORK, { recursive: true });
await singleExecutable(exe);
const t1 = Date.now();
console.log(`${exe}  ${MiB(exe)}  (${((t1 - t0) / 1000).toFixed(1)} s)`);
buildDeb({ repo, exe, deb, version, arch, work: join(WORK, 'deb') });
console.log(`${deb}  ${MiB(deb)}  (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
console.log(`package: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
