#!/usr/bin/env node
// Second half of `npm run build` (after tsc): bundles dist/cli/main.js and what it imports (our code,
// commander, zod, js-yaml) into dist/tskubeadm.cjs with esbuild, then makes the V8 code cache that
// bin/tskubeadm loads it with (bin/bundle.mjs).
//
// Why: a phase process spent ~110 ms of its ~170 ms before doing any work on loading ~170 ES
// modules and compiling them; one file with a code cache takes ~45 ms (see the note in the README's
// "Speed" section and bench/run.mjs). The packages that only cluster phases need (the Kubernetes
// client, gRPC, execa) stay outside the bundle and are still imported lazily from node_modules.
//
// The cache is "trained": a child process loads the bundle, runs the commands a short-lived process
// typically runs (help, version, config print, the file phases of init in a scratch --rootfs) so
// that V8 compiles those functions, then writes script.createCachedData(). A second child checks that
// V8 accepts the cache; the build fails if it does not.
//
//   node scripts/bundle.mjs            (npm run build runs it)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const loader = join(repo, 'bin/bundle.mjs');
const { BUNDLE, CACHE, loadBundle, sealCache } = await import(loader);

/** packages left to node_modules: only the cluster phases, CRI and host commands use them */
export const EXTERNAL = ['@kubernetes/client-node', '@grpc/grpc-js', '@grpc/proto-loader', 'execa'];

async function bundle() {
  const entry = join(repo, 'dist/cli/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run tsc first (npm run build does both)`);
  const { build } = await import('esbuild');
  rmSync(CACHE, { force: true });
  const result = await build({
    entryPoints: [entry],
    outfile: BUNDLE,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    legalComments: 'eof',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    write: false,
  });
  // Node 20 loses a vm.Script's dynamic-import callback when the script comes from a code cache
  // ("A dynamic import callback was not specified"), so the bundle must not use import() itself:
  // each import("x") of a package or built-in left outside goes through __tskImport, which
  // bin/bundle.mjs passes in (an ES module, where import() works).
  let text = result.outputFiles[0].text;
  let rewritten = 0;
  text = text.replace(/\bimport\((["'])([^"'()]+)\1\)/g, (_m, _q, spec) => {
    rewritten++;
    return `__tskImport(${JSON.stringify(spec)})`;
  });
  const left = /\bimport\(/.exec(text);
  if (left) throw new Error(`bundle: an import() is left that the cache would break, near: ${text.slice(left.index - 80, left.index + 80)}`);
  if (rewritten < EXTERNAL.length) throw new Error(`bundle: expected at least ${EXTERNAL.length} import() calls of external packages, found ${rewritten}`);
  writeFileSync(BUNDLE, text);
}

/** In a child: load the bundle without a cache, run typical short commands, write the cache. */
async function train() {
  const { exports, script } = loadBundle({ cache: false });
  const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
  const root = mkdtempSync(join(tmpdir(), 'tsk-bundle-train-'));
  try {
    const cfg = join(root, 'kubeadm.yaml');
    writeFileSync(
      cfg,
      [
        'apiVersion: kubeadm.k8s.io/v1beta4',
        'kind: InitConfiguration',
        'localAPIEndpoint: {advertiseAddress: 10.0.0.10}',
        'nodeRegistration: {name: train, criSocket: unix:///run/containerd/containerd.sock}',
        '---',
        'apiVersion: kubeadm.k8s.io/v1beta4',
        'kind: ClusterConfiguration',
        'encryptionAlgorithm: ECDSA-P256',
        '',
      ].join('\n'),
    );
    const runs = [
      ['--help'],
      ['version', '-o', 'json'],
      ['init', '--help'],
      ['init', 'phase', 'certs', '--help'],
      ['config', 'print', 'init-defaults'],
      ['config', 'validate', '--config', cfg],
      ...[['certs', 'all'], ['kubeconfig', 'all'], ['etcd', 'local'], ['control-plane', 'all']].map((p) => ['init', 'phase', ...p, '--rootfs', root, '--config', cfg]),
      // a second round reuses what the first wrote: the load-and-verify paths
      ...[['certs', 'all'], ['kubeconfig', 'all']].map((p) => ['init', 'phase', ...p, '--rootfs', root, '--config', cfg]),
    ];
    for (const argv of runs) {
      const code = await exports.run(argv, { stdout: sink(), stderr: sink() }, { env: { PATH: process.env.PATH ?? '' } });
      if (code !== 0) throw new Error(`training run \`tskubeadm ${argv.join(' ')}\` exited ${code}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const tmp = `${CACHE}.tmp-${process.pid}`;
  writeFileSync(tmp, sealCache(readFileSync(BUNDLE), script.createCachedData()));
  renameSync(tmp, CACHE);
}

function child(mode) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`bundle ${mode} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const mode = process.argv[2];
if (mode === '--train') {
  await train();
} else if (mode === '--check') {
  const { cacheRejected } = loadBundle();
  process.stdout.write(cacheRejected === false ? 'accepted' : `rejected (${cacheRejected})`);
} else {
  await bundle();
  child('--train');
  const verdict = child('--check');
  if (verdict !== 'accepted') throw new Error(`V8 did not accept the code cache it just made: ${verdict}`);
}
