// Where `npm run package` (scripts/package.mjs) puts its outputs, and whether they are newer than
// everything they are made from (for the bench and the package test, which rebuild only when not).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { debArch } from './deb.mjs';

export function packageOutputs(repo) {
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const arch = debArch();
  const dir = join(repo, 'dist/package');
  return { dir, version, arch, exe: join(dir, `tskubeadm-linux-${arch}`), deb: join(dir, `tskubeadm_${version}_${arch}.deb`) };
}

/** the files the outputs are made from: the built dist/ files, the entry scripts, the packaging */
function inputs(repo) {
  const inDir = (d, keep = () => true) => readdirSync(join(repo, d)).filter(keep).map((f) => join(repo, d, f));
  return [
    ...inDir('dist', (f) => /\.(cjs|cache|json)$/.test(f)),
    ...inDir('bin'),
    ...inDir('packaging'),
    ...['package.json', 'scripts/package.mjs', 'scripts/deb.mjs', 'scripts/package-outputs.mjs'].map((f) => join(repo, f)),
  ];
}

/** true when both outputs exist and are newer than every input (and dist/ is built at all) */
export function packageFresh(repo) {
  const { exe, deb } = packageOutputs(repo);
  if (!existsSync(exe) || !existsSync(deb) || !existsSync(join(repo, 'dist/tskubeadm.cjs'))) return false;
  const built = Math.min(statSync(exe).mtimeMs, statSync(deb).mtimeMs);
  return inputs(repo).every((f) => statSync(f).mtimeMs <= built);
}
