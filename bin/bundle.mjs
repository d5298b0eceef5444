// Loads dist/tskubeadm.cjs, the single-file build of the CLI (scripts/bundle.mjs), through vm.Script
// with the V8 code cache made at build time (dist/tskubeadm.cjs.cache): V8 then skips parsing and
// compiling the functions the cache holds, which is most of what a short-lived phase process spends
// before doing its work. A cache from another Node/V8 build, or with other V8 flags, is rejected by
// V8 and the bundle is compiled as usual: slower, never wrong.
//
// Used by bin/tskubeadm and by scripts/bundle.mjs (which makes the cache with this same wrapper:
// V8 accepts a cache only for the exact source it was made from).
//
// V8 checks a cache's version, flags and length but, in release builds, not its content: a damaged
// cache can crash the process. So the cache file carries a header, MAGIC + SHA-256 of the bundle it
// belongs to + SHA-256 of the V8 data, and anything that does not match is ignored (about 1 ms).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '../dist/tskubeadm.cjs');
export const CACHE = `${BUNDLE}.cache`;

const MAGIC = Buffer.from('tskubeadm-v8-cache-1\n');
const HEADER = MAGIC.length + 64;
const sha256 = (b) => createHash('sha256').update(b).digest();

/** The cache file's bytes for V8's data made from `bundle` (the bundle file's bytes). */
export function sealCache(bundle, data) {
  return Buffer.concat([MAGIC, sha256(bundle), sha256(data), data]);
}

/** V8's data from a cache file, or undefined when it is not the intact cache of this bundle. */
export function openCache(bundle, file) {
  if (file.length <= HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(HEADER);
  if (!file.subarray(MAGIC.length, MAGIC.length + 32).equals(sha256(bundle))) return undefined;
  if (!file.subarray(MAGIC.length + 32, HEADER).equals(sha256(data))) return undefined;
  return data;
}

/** The bundle's exports ({ run }) and the compiled script (for createCachedData). */
export function loadBundle({ cache = true } = {}) {
  const bytes = readFileSync(BUNDLE);
  const source = bytes.toString('utf8');
  let cachedData;
  if (cache) {
    try {
      cachedData = openCache(bytes, readFileSync(CACHE));
    } catch {
      /* no cache: compile */
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __tskImport) {${source}\n})`, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  // the bundle's dynamic imports (the Kubernetes client, gRPC, execa, a few built-ins) come here:
  // scripts/bundle.mjs rewrites them, as a vm.Script from a code cache cannot run import() on Node 20
  const importExternal = (specifier) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE), importExternal);
  return { exports: module.exports, script, cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected };
}

export const bundleBuilt = () => existsSync(BUNDLE);
