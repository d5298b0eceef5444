// Entry of the single executable `npm run package` makes (scripts/package.mjs): Node's own binary
// with this file (bundled with bin/tskubeadm, bin/bundle.cjs and bin/early-primes.cjs) as its main
// script and the dist/ files those load as assets: the bundles, their V8 code caches and the prime
// worker. Nothing is read from or written to disk: the bundles compile from the assets' bytes
// (bin/bundle.cjs), the worker runs from its source text (bin/early-primes.cjs).
//
// Assets are named by their file name in dist/ (ASSETS in scripts/package.mjs); a file that is not
// an asset is "not there", as a missing file is for bin/tskubeadm.
'use strict';
const { basename, dirname } = require('node:path');
const sea = require('node:sea');
const { DIST, useStore } = require('./bundle.cjs');

/** the asset for a dist/ path, or undefined */
function asset(file) {
  if (dirname(file) !== DIST) return undefined;
  try {
    // the executable's own mapped bytes: no copy (read-only, which is all the loader needs)
    return Buffer.from(sea.getRawAsset(basename(file)));
  } catch {
    return undefined;
  }
}

useStore({
  read(file) {
    const bytes = asset(file);
    if (!bytes) throw Object.assign(new Error(`${file}: not in this executable`), { code: 'ENOENT' });
    return bytes;
  },
  has: (file) => asset(file) !== undefined,
  embedded: true,
});

// the usual entry, now reading the assets
require('./tskubeadm');
