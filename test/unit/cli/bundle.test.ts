// The shipped entry runs dist/tskubeadm.cjs (scripts/bundle.mjs) with its V8 code cache. These tests
// check the built bundle: V8 accepts the cache, the bundle behaves exactly like the per-module tree
// it is made from (same output, same files, same exit codes), and it leaves the cluster-only packages
// (gRPC, execa) unloaded until a command needs them.

import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanupTmp, tmpDir } from '../../helpers/cli.js';
import { initConfig } from '../../helpers/configs.js';

const require = createRequire(import.meta.url);
const BIN = path.join(REPO, 'bin/tskubeadm');
const BUNDLE = path.join(REPO, 'dist/tskubeadm.cjs');
const TREE = path.join(REPO, 'dist/cli/main.js');
const REGISTER = path.join(REPO, 'test/unit/cli/fixtures/record-register.mjs');

/** runs the per-module tree the bundle was made from, the way bin/tskubeadm runs the bundle */
const TREE_RUNNER = `const { run } = await import(${JSON.stringify(TREE)});
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, { stdin: process.stdin });
`;
let treeRunner: string;

beforeAll(() => {
  // `npm run build` makes both; a stale or missing bundle is a build problem this test must show
  expect(fs.existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`).toBe(true);
  expect(fs.statSync(BUNDLE).mtimeMs).toBeGreaterThanOrEqual(fs.statSync(TREE).mtimeMs);
  treeRunner = path.join(tmpDir(), 'tree-runner.mjs');
  fs.writeFileSync(treeRunner, TREE_RUNNER);
});
afterAll(() => cleanupTmp());

const CONFIG = initConfig({ address: '10.0.0.7', nodeName: 'localhost', criSocket: 'CRI_SOCKET', encryptionAlgorithm: 'ECDSA-P256' });
function configFile(): string {
  const dir = tmpDir();
  const f = path.join(dir, 'kubeadm.yaml');
  // a socket path nothing listens on
  fs.writeFileSync(f, CONFIG.replace('CRI_SOCKET', `unix://${dir}/no-runtime.sock`));
  return f;
}

const viaBundle = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
const viaTree = (args: string[]) => spawnSync(process.execPath, [treeRunner, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH } });

describe('dist/tskubeadm.cjs', () => {
  it('is loaded with a code cache V8 accepts', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(REPO, 'bin/bundle.cjs'))}); const b = m.loadBundle(); console.log(JSON.stringify({ rejected: b.cacheRejected, run: typeof b.exports.run }));`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ rejected: false, run: 'function' });
  });

  it('a damaged cache is rejected by V8 and the command still works', () => {
    const scratch = tmpDir();
    for (const f of fs.readdirSync(path.join(REPO, 'bin'))) {
      fs.mkdirSync(path.join(scratch, 'bin'), { recursive: true });
      fs.copyFileSync(path.join(REPO, 'bin', f), path.join(scratch, 'bin', f));
    }
    fs.mkdirSync(path.join(scratch, 'dist'));
    fs.copyFileSync(BUNDLE, path.join(scratch, 'dist/tskubeadm.cjs'));
    const cache = fs.readFileSync(`${BUNDLE}.cache`);
    cache.fill(0x5a, 200, 4096); // past the header: the V8 data itself (V8 alone would crash on it)
    fs.writeFileSync(path.join(scratch, 'dist/tskubeadm.cjs.cache'), cache);
    const r = spawnSync(process.execPath, [path.join(scratch, 'bin/tskubeadm'), 'version', '-o', 'short'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(viaBundle(['version', '-o', 'short']).stdout);
  });

  for (const args of [['--help'], ['init', '--help'], ['init', 'phase', 'control-plane', '--help'], ['version', '-o', 'yaml'], ['config', 'print', 'init-defaults'], ['init', '--bogus-flag'], ['version', '-o', 'bogus']]) {
    it(`prints what the module tree prints: tskubeadm ${args.join(' ')}`, () => {
      const b = viaBundle(args);
      const t = viaTree(args);
      expect(b.stdout.length + b.stderr.length).toBeGreaterThan(0);
      expect({ code: b.status, stdout: b.stdout, stderr: b.stderr }).toEqual({ code: t.status, stdout: t.stdout, stderr: t.stderr });
    });
  }

  it('writes the same files as the module tree (control-plane and etcd phases in a --rootfs)', () => {
    const trees: Record<string, string>[] = [];
    const cfg = configFile();
    for (const runner of [viaBundle, viaTree]) {
      const root = tmpDir();
      for (const p of [['certs', 'all'], ['etcd', 'local'], ['control-plane', 'all']]) {
        const r = runner(['init', 'phase', ...p, '--rootfs', root, '--config', cfg]);
        expect(r.status, r.stderr).toBe(0);
      }
      const files: Record<string, string> = {};
      const dir = path.join(root, 'etc/kubernetes/manifests');
      for (const f of fs.readdirSync(dir)) files[f] = fs.readFileSync(path.join(dir, f), 'utf8');
      trees.push(files);
    }
    expect(Object.keys(trees[0]!).sort()).toEqual(['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml']);
    expect(trees[0]).toEqual(trees[1]);
  });

  it('generates RSA keys through the bundle (the prime search worker runs from the single file)', () => {
    const root = tmpDir();
    const cfg = configFile().replace(/\.yaml$/, '-rsa.yaml');
    fs.writeFileSync(cfg, fs.readFileSync(configFile(), 'utf8').replace('ECDSA-P256', 'RSA-2048'));
    // 11 keys: more primes than the main thread takes alone, so a worker thread starts
    const r = viaBundle(['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg]);
    expect(r.status, r.stderr).toBe(0);
    const pki = path.join(root, 'etc/kubernetes/pki');
    for (const name of ['ca', 'apiserver', 'front-proxy-client', 'etcd/peer', 'sa']) {
      const key = crypto.createPrivateKey(fs.readFileSync(path.join(pki, `${name}.key`)));
      expect(key.asymmetricKeyDetails?.modulusLength, name).toBe(2048);
    }
    const ca = new crypto.X509Certificate(fs.readFileSync(path.join(pki, 'ca.crt')));
    const leaf = new crypto.X509Certificate(fs.readFileSync(path.join(pki, 'apiserver.crt')));
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(crypto.createPrivateKey(fs.readFileSync(path.join(pki, 'apiserver.key'))))).toBe(true);
  });

  /** runs tskubeadm in one process through the bundle loader; returns its exit code and the bundles it loaded */
  function bundlesLoadedBy(args: string[]): { code: number; bundles: string[]; output: string } {
    const script = `
      const m = await import(${JSON.stringify(path.join(REPO, 'bin/bundle.cjs'))});
      let output = '';
      const sink = { write: (c) => { output += c; return true; }, on() {}, once() {}, emit() {}, end() {} };
      const code = await m.loadBundle().exports.run(JSON.parse(process.argv[1]), { stdout: sink, stderr: sink });
      console.log(JSON.stringify({ code, bundles: m.loadedBundles().map((f) => f.split('/').pop()), output }));
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(args)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  }

  it('has no bundle for a Kubernetes client library: the API client is our node:https code in the main bundle', () => {
    const { SIDE_BUNDLES } = require(path.join(REPO, 'bin/bundle.cjs')) as { SIDE_BUNDLES: Record<string, Record<string, string>> };
    expect(Object.values(SIDE_BUNDLES).flatMap((s) => Object.keys(s)).sort()).toEqual(['@grpc/grpc-js', '@grpc/proto-loader', 'execa']);
    expect(fs.readdirSync(path.join(REPO, 'dist')).filter((f) => f.endsWith('.cjs')).sort()).toEqual(['execa.cjs', 'grpc.cjs', 'prime-worker.cjs', 'tskubeadm.cjs']);
  });

  it('leaves gRPC and execa unloaded for help and version', () => {
    for (const args of [['--help'], ['version'], ['init', 'phase', 'control-plane', '--help']]) {
      const r = bundlesLoadedBy(args);
      expect(r.code).toBe(0);
      expect(r.output.length).toBeGreaterThan(0);
      expect(r.bundles).toEqual(['tskubeadm.cjs']);
    }
  });

  it('loads the gRPC bundle when a command needs it, and its import works under the code cache', () => {
    const r = bundlesLoadedBy(['init', 'phase', 'preflight', '--rootfs', tmpDir(), '--config', configFile(), '--ignore-preflight-errors', 'all']);
    expect(r.code).toBe(0);
    expect(r.bundles).toEqual(['tskubeadm.cjs', 'grpc.cjs']);
    // the runtime check got as far as gRPC dialling the socket nothing listens on
    expect(r.output).toMatch(/could not connect to the container runtime: .*no-runtime\.sock/);
    expect(r.output).not.toContain('dynamic import');
  });

  it('the same through bin/tskubeadm, with the module hooks in place', () => {
    const record = path.join(tmpDir(), 'modules.txt');
    fs.writeFileSync(record, '');
    const r = spawnSync(process.execPath, ['--import', REGISTER, BIN, 'init', 'phase', 'preflight', '--rootfs', tmpDir(), '--config', configFile(), '--ignore-preflight-errors', 'all'], {
      encoding: 'utf8',
      env: { ...process.env, TSK_RECORD_FILE: record },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('could not connect to the container runtime');
    expect(r.stdout + r.stderr).not.toContain('dynamic import');
    // from the side bundle, not from node_modules
    expect(fs.readFileSync(record, 'utf8')).not.toMatch(/node_modules\/@grpc\//);
  });

  it('a package without a bundle of its own is imported by node', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(path.join(REPO, 'bin/bundle.cjs'))}); const os = await m.importExternal('node:os'); console.log(typeof os.cpus, m.loadedBundles().length);`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('function 0');
  });
});
