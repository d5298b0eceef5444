// Loads the single-file builds of the CLI (scripts/bundle.mjs) through vm.Script with the V8 code
// caches made at build time: V8 then skips parsing and compiling the functions a cache holds, which
// is most of what a short-lived phase process spends before doing its work.
//   dist/tskubeadm.cjs    the CLI with everything it imports except the packages below
//   dist/grpc.cjs         @grpc/grpc-js and @grpc/proto-loader, for the CRI calls
//   dist/execa.cjs        execa, for host commands
// A cache from another Node/V8 build, or made under other V8 flags, is rejected by V8 and the bundle
// is compiled as usual: slower, never wrong.
//
// Used by bin/tskubeadm and by scripts/bundle.mjs (which makes the caches with this same wrapper:
// V8 accepts a cache only for the exact source it was made from). In the single executable
// (bin/sea.cjs, `npm run package`) the same files come from its assets instead of dist/ (useStore).
//
// V8 checks a cache's version, flags and length but, in release builds, not its content: a damaged
// cache can crash the process. So a cache file carries a header, MAGIC + SHA-256 of the bundle it
// belongs to + SHA-256 of the V8 data, and anything that does not match is ignored (about 1 ms).

// CommonJS, as bin/tskubeadm (bin/package.json): a process that starts through the ES module loader
// spends several more milliseconds before running anything.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const DIST = join(__dirname, '../dist');
const BUNDLE = join(DIST, 'tskubeadm.cjs');
/**
 * Packages with a bundle of their own, loaded on first import: bundle name -> the import specifiers
 * it provides -> the export of the bundle that stands for that package's module ('' for the whole).
 */
const SIDE_BUNDLES = {
  grpc: { '@grpc/grpc-js': 'grpc', '@grpc/proto-loader': 'protoLoader' },
  execa: { execa: '' },
};
const sideBundleFile = (name) => join(DIST, `${name}.cjs`);
const PROVIDED = new Map(Object.entries(SIDE_BUNDLES).flatMap(([name, specs]) => Object.entries(specs).map(([spec, key]) => [spec, [sideBundleFile(name), key]])));
const cacheFile = (bundle) => `${bundle}.cache`;

const MAGIC = Buffer.from('tskubeadm-v8-cache-1\n');
const HEADER = MAGIC.length + 64;
const sha256 = (b) => createHash('sha256').update(b).digest();

/** The cache file's bytes for V8's data made from `bundle` (the bundle file's bytes). */
function sealCache(bundle, data) {
  return Buffer.concat([MAGIC, sha256(bundle), sha256(data), data]);
}

/** V8's data from a cache file, or undefined when it is not the intact cache of this bundle. */
function openCache(bundle, file) {
  if (file.length <= HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(HEADER);
  if (!file.subarray(MAGIC.length, MAGIC.length + 32).equals(sha256(bundle))) return undefined;
  if (!file.subarray(MAGIC.length + 32, HEADER).equals(sha256(data))) return undefined;
  return data;
}

/**
 * Where the dist/ files come from: read(file) gives a file's bytes (throws when it is missing),
 * has(file) whether it is there. bin/sea.cjs swaps in the single executable's assets; `embedded`
 * then tells early-primes.cjs to start its worker from source text (there is no file to name).
 */
let store = { read: (file) => readFileSync(file), has: (file) => existsSync(file), embedded: false };
function useStore(s) {
  store = s;
}
const distStore = () => store;

const loaded = new Map();

/**
 * A bundle's exports and its compiled script (for createCachedData), loaded once per process.
 * The bundles' dynamic imports come to importExternal: scripts/bundle.mjs rewrites every import()
 * in them to __tskImport(), because on Node 20 a vm.Script made from a code cache cannot run import().
 */
function loadBundle({ file = BUNDLE, cache = true } = {}) {
  const known = loaded.get(file);
  if (known) return known;
  const bytes = store.read(file);
  let cachedData;
  if (cache) {
    try {
      cachedData = openCache(bytes, store.read(cacheFile(file)));
    } catch {
      /* no cache: compile */
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __tskImport) {${bytes.toString('utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), importExternal);
  const r = { exports: module.exports, script, cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected };
  loaded.set(file, r);
  return r;
}

/**
 * import() for the bundles: a package with a bundle of its own comes from it, anything else from
 * node. In the single executable the only other imports are node's own modules (scripts/package.mjs
 * checks), and they come from require: there, import() has no loader to call ("A dynamic import
 * callback was not specified"). The bundles use only their named exports, which require gives too.
 */
async function importExternal(specifier) {
  const side = PROVIDED.get(specifier);
  if (side && store.has(side[0])) {
    const { exports } = loadBundle({ file: side[0] });
    return side[1] ? exports[side[1]] : exports;
  }
  if (store.embedded) return require(specifier);
  return import(specifier);
}

const bundleBuilt = () => store.has(BUNDLE);

/** the bundle files this process has loaded so far */
const loadedBundles = () => [...loaded.keys()];

module.exports = { BUNDLE, DIST, SIDE_BUNDLES, sideBundleFile, cacheFile, sealCache, openCache, loadBundle, importExternal, bundleBuilt, loadedBundles, useStore, distStore };
