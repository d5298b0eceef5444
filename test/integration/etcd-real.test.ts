// A real etcd (the lab's build, .lab/bin/etcd) started with the exact command line of the etcd
// static Pod manifest tskubeadm generates, using the certificates tskubeadm generates; etcdctl must
// get in with the healthcheck-client and with the apiserver-etcd-client certificates, and a client
// certificate from another CA must be refused.
//
// Everything happens inside a network namespace this test creates (loopback plus a veth interface
// carrying the advertise address); nothing listens or connects in the machine's own namespace.
// etcd runs chrooted into the test's --rootfs, so every path of the manifest's command line (certs
// under /etc/kubernetes/pki/etcd, --data-dir=/var/lib/etcd) resolves to the generated files and a
// data directory inside the temp rootfs: not even --data-dir has to be rewritten. Needs root.

import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { initConfig } from '../helpers/configs.js';

const execFileAsync = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ETCD = path.join(repo, '.lab/bin/etcd');
const ETCDCTL = path.join(repo, '.lab/bin/etcdctl');
const ADDR = '10.231.99.11';
const NS = `tsk-etcd-${randomBytes(4).toString('hex')}`;

const config = (nodeName: string) => initConfig({ address: ADDR, nodeName });

async function tsk(args: string[]): Promise<void> {
  let err = '';
  const code = await run(args, { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
  if (code !== 0) throw new Error(`tskubeadm ${args.join(' ')} exited ${code}: ${err}`);
}

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-etcd-'));
const root = path.join(base, 'root');
const otherRoot = path.join(base, 'other');
const pki = path.join(root, 'etc/kubernetes/pki');
let etcd: ChildProcess | undefined;
let etcdLog = '';
let nsCreated = false;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

interface CtlResult {
  ok: boolean;
  out: string;
}

/** etcdctl inside the namespace, against `endpoint`, with a client certificate pair. */
async function etcdctl(endpoint: string, cacert: string, cert: string, key: string, ...args: string[]): Promise<CtlResult> {
  try {
    const r = await execFileAsync(
      'ip',
      ['netns', 'exec', NS, ETCDCTL, `--endpoints=${endpoint}`, `--cacert=${cacert}`, `--cert=${cert}`, `--key=${key}`, '--dial-timeout=3s', '--command-timeout=5s', ...args],
      { timeout: 20_000 },
    );
    return { ok: true, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}${err.message}` };
  }
}

const client = (name: string, dir = pki): [string, string] => [path.join(dir, `${name}.crt`), path.join(dir, `${name}.key`)];
const etcdCA = path.join(pki, 'etcd/ca.crt');

let command: string[] = [];

beforeAll(async () => {
  for (const b of [ETCD, ETCDCTL]) expect(fs.existsSync(b), `${b} (run npm run lab:build)`).toBe(true);
  fs.mkdirSync(root);
  fs.mkdirSync(otherRoot);
  const cfg = path.join(base, 'cfg.yaml');
  fs.writeFileSync(cfg, config('etcd-node'));
  // the default RSA-2048 PKI and the etcd manifest, as `kubeadm init` would leave them
  await tsk(['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg]);
  await tsk(['init', 'phase', 'etcd', 'local', '--rootfs', root, '--config', cfg]);
  // a second, unrelated etcd PKI: its clients must not get in
  await tsk(['init', 'phase', 'certs', 'etcd-ca', '--rootfs', otherRoot, '--config', cfg]);
  await tsk(['init', 'phase', 'certs', 'etcd-healthcheck-client', '--rootfs', otherRoot, '--config', cfg]);

  const manifest = load(fs.readFileSync(path.join(root, 'etc/kubernetes/manifests/etcd.yaml'), 'utf8')) as {
    spec: { containers: { command: string[] }[] };
  };
  command = manifest.spec.containers[0]!.command;
  expect(command[0]).toBe('etcd');
  expect(command).toContain('--data-dir=/var/lib/etcd');
  expect(fs.statSync(path.join(root, 'var/lib/etcd')).mode & 0o777).toBe(0o700);
  // the binary inside the rootfs, found through PATH like the image's /usr/local/bin/etcd
  fs.mkdirSync(path.join(root, 'usr/local/bin'), { recursive: true });
  fs.copyFileSync(fs.realpathSync(ETCD), path.join(root, 'usr/local/bin/etcd'));
  fs.chmodSync(path.join(root, 'usr/local/bin/etcd'), 0o755);

  ip('netns', 'add', NS);
  nsCreated = true;
  ip('-n', NS, 'link', 'set', 'lo', 'up');
  // the kernel has no dummy driver (no modules); a veth pair with both ends in the namespace
  // gives the advertise address a real interface of its own
  ip('-n', NS, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
  ip('-n', NS, 'addr', 'add', `${ADDR}/24`, 'dev', 'd0');
  ip('-n', NS, 'link', 'set', 'd1', 'up');
  ip('-n', NS, 'link', 'set', 'd0', 'up');

  etcd = spawn('ip', ['netns', 'exec', NS, 'chroot', root, ...command], {
    env: { PATH: '/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  etcd.stdout!.on('data', (b: Buffer) => (etcdLog += b.toString()));
  etcd.stderr!.on('data', (b: Buffer) => (etcdLog += b.toString()));

  // wait until it answers (healthcheck client, advertise address)
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await etcdctl(`https://${ADDR}:2379`, etcdCA, ...client('etcd/healthcheck-client'), 'endpoint', 'health');
    if (r.ok) break;
    if (etcd.exitCode !== null || Date.now() > deadline) throw new Error(`etcd did not become healthy: ${r.out}\n--- etcd log ---\n${etcdLog.slice(-4000)}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}, 90_000);

afterAll(async () => {
  if (etcd && etcd.exitCode === null) {
    const exited = new Promise((res) => etcd!.once('exit', res));
    etcd.kill('SIGTERM');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
    if (etcd.exitCode === null) etcd.kill('SIGKILL');
  }
  if (nsCreated) ip('netns', 'del', NS);
  fs.rmSync(base, { recursive: true, force: true });
});

describe('real etcd with the generated manifest and certificates', () => {
  it('runs with the manifest command line unchanged', () => {
    expect(etcd?.exitCode).toBeNull();
    expect(command).toEqual(expect.arrayContaining([`--advertise-client-urls=https://${ADDR}:2379`, '--client-cert-auth=true', '--name=etcd-node']));
  });

  for (const name of ['etcd/healthcheck-client', 'apiserver-etcd-client']) {
    for (const endpoint of [`https://${ADDR}:2379`, 'https://127.0.0.1:2379']) {
      it(`${name} gets in at ${endpoint}: endpoint health, put, get`, async () => {
        const [cert, key] = client(name);
        const health = await etcdctl(endpoint, etcdCA, cert, key, 'endpoint', 'health');
        expect(health.ok, health.out).toBe(true);
        expect(health.out).toContain('is healthy');
        const k = `/tsk/${name}/${endpoint}`;
        const put = await etcdctl(endpoint, etcdCA, cert, key, 'put', k, 'v-' + name);
        expect(put.ok, put.out).toBe(true);
        const get = await etcdctl(endpoint, etcdCA, cert, key, 'get', k, '--print-value-only');
        expect(get.ok, get.out).toBe(true);
        expect(get.out.trim()).toBe('v-' + name);
      });
    }
  }

  it('the server certificate is for the advertise address and loopback (no host name override needed)', async () => {
    // etcdctl verifies the server certificate against etcd/ca.crt for both addresses above; here
    // the same with openssl: the served chain verifies and names the advertise address
    const [cert, key] = client('etcd/healthcheck-client');
    const r = spawnSync(
      'ip',
      ['netns', 'exec', NS, 'openssl', 's_client', '-connect', `${ADDR}:2379`, '-CAfile', etcdCA, '-verify_ip', ADDR, '-verify_return_error', '-cert', cert, '-key', key],
      { input: '', encoding: 'utf8', timeout: 15_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('Verify return code: 0 (ok)');
  });

  it('a client certificate from another CA is refused', async () => {
    const [cert, key] = client('etcd/healthcheck-client', path.join(otherRoot, 'etc/kubernetes/pki'));
    // the foreign certificate really is a valid client certificate, just not of this CA
    expect(execFileSync('openssl', ['verify', '-CAfile', path.join(otherRoot, 'etc/kubernetes/pki/etcd/ca.crt'), cert], { encoding: 'utf8' })).toContain('OK');
    const r = await etcdctl(`https://${ADDR}:2379`, etcdCA, cert, key, 'put', '/tsk/intruder', 'x');
    expect(r.ok, r.out).toBe(false);
    const get = await etcdctl(`https://${ADDR}:2379`, etcdCA, ...client('etcd/healthcheck-client'), 'get', '/tsk/intruder', '--print-value-only');
    expect(get.ok, get.out).toBe(true);
    expect(get.out.trim()).toBe('');
    // and etcd says why
    expect(etcdLog).toMatch(/bad certificate|unknown certificate authority|certificate signed by unknown authority/);
  });

  it('a client without a certificate is refused (client-cert-auth)', async () => {
    const r = await execFileAsync(
      'ip',
      ['netns', 'exec', NS, ETCDCTL, `--endpoints=https://${ADDR}:2379`, `--cacert=${etcdCA}`, '--dial-timeout=3s', '--command-timeout=5s', 'put', '/tsk/anon', 'x'],
      { timeout: 20_000 },
    ).then(
      () => ({ ok: true }),
      () => ({ ok: false }),
    );
    expect(r.ok).toBe(false);
  });
});
