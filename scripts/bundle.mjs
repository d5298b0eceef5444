#!/usr/bin/env node
// Second half of `npm run build` (after tsc): bundles the CLI with esbuild and makes the V8 code
// caches bin/tskubeadm loads the bundles with (bin/bundle.cjs).
//   dist/tskubeadm.cjs    dist/cli/main.js and everything it imports (our code, commander, zod,
//                         js-yaml), except the packages that have a bundle of their own, loaded
//                         only when a command imports them (SIDE_BUNDLES in bin/bundle.cjs):
//   dist/grpc.cjs         @grpc/grpc-js and @grpc/proto-loader, for the CRI calls
//   dist/execa.cjs        execa, for host commands
//   dist/prime-worker.cjs the RSA prime-search worker bin/early-primes.cjs starts (not a bundle)
//   dist/bundled-packages.json  the npm packages the bundles hold (name, version, license), for the
//                         copyright file of what `npm run package` ships (scripts/deb.mjs)
// Modules that the code imports lazily (import()) stay lazy: esbuild evaluates them on first use.
//
// Why: a phase process spent ~110 ms of its ~170 ms on loading ~170 ES modules and compiling them
// before doing any work; importing gRPC took 80 ms, execa 100 ms. From the bundles with their
// caches these take ~50 and a few ms (bench/run.mjs measures the phases; the README's "Speed"
// section has the figures). The API client is our own node:https code in the main bundle (there
// was a 5.4 MB bundle of @kubernetes/client-node before; see src/kube/transport.ts).
//
// The caches are "trained": a child process loads a bundle, runs what a short-lived process
// typically runs (help, version, config print, the file phases and preflight of init in a scratch
// --rootfs) so that V8 compiles those functions, then writes
// script.createCachedData(). A second child checks that V8 accepts each cache; the build fails if not.
//
//   node scripts/bundle.mjs            (npm run build runs it)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { BUNDLE, SIDE_BUNDLES, sideBundleFile, cacheFile, importExternal, loadBundle, sealCache } = await import(join(repo, 'bin/bundle.cjs'));
const bundleFile = (which) => (which === 'main' ? BUNDLE : sideBundleFile(which));

const COMMON = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'eof',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  write: false,
};

/**
 * Node 20 loses a vm.Script's dynamic-import callback when the script comes from a code cache
 * ("A dynamic import callback was not specified"), so a bundle must not call import() itself: each
 * import("x") becomes __tskImport("x"), which bin/bundle.cjs passes in (a file node loaded itself, where import()
 * works). An import() with a computed specifier cannot be rewritten and fails the build.
 */
function rewriteImports(text, file, minimum) {
  let rewritten = 0;
  const out = text.replace(/\bimport\((["'])([^"'()]+)\1\)/g, (_m, _q, spec) => {
    rewritten++;
    return `__tskImport(${JSON.stringify(spec)})`;
  });
  const left = /\bimport\(/.exec(out);
  if (left) throw new Error(`${file}: an import() is left that the code cache would break, near: ${out.slice(left.index - 80, left.index + 80)}`);
  if (rewritten < minimum) throw new Error(`${file}: expected at least ${minimum} import() calls to rewrite, found ${rewritten}`);
  return out;
}

async function bundle() {
  const entry = join(repo, 'dist/cli/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run tsc first (npm run build does both)`);
  const { build } = await import('esbuild');
  for (const w of ['main', ...Object.keys(SIDE_BUNDLES)]) rmSync(cacheFile(bundleFile(w)), { force: true });
  // left over from builds that bundled @kubernetes/client-node
  for (const f of ['kube-client.cjs', 'kube-client.cjs.cache']) rmSync(join(repo, 'dist', f), { force: true });
  const external = Object.values(SIDE_BUNDLES).flatMap((specs) => Object.keys(specs));
  const packages = new Set();
  const notePackages = (r) => {
    for (const input of Object.keys(r.metafile.inputs)) {
      // the innermost package directory (node_modules/a/node_modules/b/... is b)
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) packages.add(m[1]);
    }
  };

  const main = await build({ ...COMMON, entryPoints: [entry], outfile: BUNDLE, external, metafile: true });
  notePackages(main);
  // at least every package with a bundle of its own must have been found and rewritten
  writeFileSync(BUNDLE, rewriteImports(main.outputFiles[0].text, BUNDLE, external.length));

  // the prime-search worker bin/early-primes.cjs starts before the bundle loads: the same program
  // src/pki/primes.ts runs in its own workers
  const { primeWorkerSource } = await import(join(repo, 'dist/pki/primes.js'));
  writeFileSync(join(repo, 'dist/prime-worker.cjs'), `${primeWorkerSource()}\n`);

  for (const [name, specs] of Object.entries(SIDE_BUNDLES)) {
    const contents = Object.entries(specs)
      .map(([spec, key]) => (key ? `export * as ${key} from '${spec}';` : `export * from '${spec}';`))
      .join('\n');
    const out = sideBundleFile(name);
    const r = await build({ ...COMMON, stdin: { contents, resolveDir: repo, loader: 'js' }, outfile: out, metafile: true });
    notePackages(r);
    writeFileSync(out, rewriteImports(r.outputFiles[0].text, out, 0));
  }
  const list = [...packages].map((dir) => {
    // esbuild names its inputs relative to the working directory
    const { name, version, license } = JSON.parse(readFileSync(resolve(process.cwd(), dir, 'package.json'), 'utf8'));
    return { name, version, license };
  });
  list.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  writeFileSync(join(repo, 'dist/bundled-packages.json'), `${JSON.stringify(list, null, 1)}\n`);
}

/**
 * In a child: load the main bundle, run typical short commands (which load some side bundles, e.g.
 * gRPC for preflight's image check), exercise each side bundle a little, then write every bundle's
 * sealed cache. The caches were removed before bundling, so everything here compiles afresh.
 */
async function train() {
  const { exports } = loadBundle({ file: BUNDLE, cache: false });
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
        // nothing listens on that socket: preflight's image check loads gRPC and fails to connect;
        // the node name resolves from /etc/hosts (preflight looks it up), so no DNS query leaves
        `nodeRegistration: {name: localhost, criSocket: "unix://${root}/no-runtime.sock"}`,
        '---',
        'apiVersion: kubeadm.k8s.io/v1beta4',
        'kind: ClusterConfiguration',
        'encryptionAlgorithm: ECDSA-P256',
        '',
      ].join('\n'),
    );
    const phase = (...p) => ['init', 'phase', ...p, '--rootfs', root, '--config', cfg];
    const runs = [
      ['--help'],
      ['version', '-o', 'json'],
      ['init', '--help'],
      ['init', 'phase', 'certs', '--help'],
      ['config', 'print', 'init-defaults'],
      ['config', 'validate', '--config', cfg],
      phase('preflight', '--ignore-preflight-errors', 'all'),
      phase('certs', 'all'),
      phase('kubeconfig', 'all'),
      phase('etcd', 'local'),
      phase('control-plane', 'all'),
      // a second round reuses what the first wrote: the load-and-verify paths
      phase('certs', 'all'),
      phase('kubeconfig', 'all'),
      ['certs', 'check-expiration', '--rootfs', root, '--config', cfg],
      ['certs', 'certificate-key'],
    ];
    for (const argv of runs) {
      const code = await exports.run(argv, { stdout: sink(), stderr: sink() }, { env: { PATH: process.env.PATH ?? '' } });
      if (code !== 0) throw new Error(`training run \`tskubeadm ${argv.join(' ')}\` exited ${code}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const grpc = await importExternal('@grpc/grpc-js');
  new grpc.Client(`unix://${tmpdir()}/tsk-train-no-runtime.sock`, grpc.credentials.createInsecure()).close();
  const { execa } = await importExternal('execa');
  await execa(process.execPath, ['-e', '0']);

  for (const which of ['main', ...Object.keys(SIDE_BUNDLES)]) {
    const file = bundleFile(which);
    const out = cacheFile(file);
    const tmp = `${out}.tmp-${process.pid}`;
    writeFileSync(tmp, sealCache(readFileSync(file), loadBundle({ file }).script.createCachedData()));
    renameSync(tmp, out);
  }
}

function child(...args) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`bundle ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const [mode, which] = process.argv.slice(2);
if (mode === '--train') {
  await train();
  // the training's gRPC channel and timers must not keep the child alive
  process.exit(0);
} else if (mode === '--check') {
  const { cacheRejected } = loadBundle({ file: bundleFile(which) });
  process.stdout.write(cacheRejected === false ? 'accepted' : `rejected (${cacheRejected})`);
} else {
  await bundle();
  child('--train');
  for (const w of ['main', ...Object.keys(SIDE_BUNDLES)]) {
    const verdict = child('--check', w);
    if (verdict !== 'accepted') throw new Error(`V8 did not accept the ${w} code cache it just made: ${verdict}`);
  }
}
