// Re-running the file phases changes nothing; unusable files on disk stop a phase with an error that
// names the file, exit code 1 (3 for an invalid configuration), and nothing written.
// The "Using existing" lines are the ones upstream kubeadm v1.37.2 prints on a second run.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificate, loadSigner } from '../../../src/pki/certs.js';
import { parsePrivateKeyPem } from '../../../src/pki/keys.js';
import {
  contents,
  openssl,
  phase,
  snapshot,
  tmpDir,
  tsk,
  warningsOf,
  writeTmp,
  type Entry,
} from './helpers.js';
import { initConfig } from '../../helpers/configs.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = tmpDir('tsk-rerun-');
  dirs.push(d);
  return d;
}

const FILE_PHASES = [['certs', 'all'], ['kubeconfig', 'all'], ['control-plane', 'all'], ['etcd', 'local'], ['kubelet-start']];

describe('a second run of every file phase', () => {
  const root = scratch();
  const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
  let first: Map<string, Entry>;
  const second: Record<string, string[]> = {};

  beforeAll(async () => {
    for (const p of FILE_PHASES) expect((await phase(root, cfg, p)).code).toBe(0);
    first = snapshot(root);
    // mtimes have a resolution finer than this, so a rewrite would show
    await new Promise((r) => setTimeout(r, 20));
    for (const p of FILE_PHASES) {
      const r = await phase(root, cfg, p);
      // kubelet-start's systemd-resolved warning is kubeadm's too (no init system in the rootfs)
      expect(warningsOf(r.stderr).filter((w) => !w.startsWith('cannot determine if systemd-resolved is active'))).toEqual([]);
      expect(r.code).toBe(0);
      second[p.join(' ')] = r.lines;
    }
  });

  it('leaves every file and directory byte-identical with the same mode', () => {
    expect(contents(snapshot(root))).toEqual(contents(first));
  });

  it('does not rewrite certificates, keys and kubeconfig files (mtimes unchanged)', () => {
    const now = snapshot(root);
    for (const [p, e] of first) {
      if (e.type !== 'f' || !(p.startsWith('etc/kubernetes/pki/') || p.endsWith('.conf'))) continue;
      expect(now.get(p)!.mtimeMs, p).toBe(e.mtimeMs);
    }
  });

  it('prints kubeadm\'s "Using existing" lines', () => {
    expect(second['certs all']).toEqual([
      '[certs] Using certificateDir folder "/etc/kubernetes/pki"',
      '[certs] Using existing ca certificate authority',
      '[certs] Using existing apiserver certificate and key on disk',
      '[certs] Using existing apiserver-kubelet-client certificate and key on disk',
      '[certs] Using existing front-proxy-ca certificate authority',
      '[certs] Using existing front-proxy-client certificate and key on disk',
      '[certs] Using existing etcd/ca certificate authority',
      '[certs] Using existing etcd/server certificate and key on disk',
      '[certs] Using existing etcd/peer certificate and key on disk',
      '[certs] Using existing etcd/healthcheck-client certificate and key on disk',
      '[certs] Using existing apiserver-etcd-client certificate and key on disk',
      '[certs] Using the existing "sa" key',
    ]);
    expect(second['kubeconfig all']).toEqual([
      '[kubeconfig] Using kubeconfig folder "/etc/kubernetes"',
      ...['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler'].map(
        (n) => `[kubeconfig] Using existing kubeconfig file: "/etc/kubernetes/${n}.conf"`,
      ),
    ]);
    // manifests and kubelet files are simply written again, as kubeadm does
    expect(second['control-plane all']).toEqual([
      '[control-plane] Using manifest folder "/etc/kubernetes/manifests"',
      '[control-plane] Creating static Pod manifest for "kube-apiserver"',
      '[control-plane] Creating static Pod manifest for "kube-controller-manager"',
      '[control-plane] Creating static Pod manifest for "kube-scheduler"',
    ]);
    expect(second['etcd local']).toEqual(['[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"']);
    expect(second['kubelet-start']).toContain('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"');
  });
});

// ---------------------------------------------------------------------------------------------
// bad input

const PKI = 'etc/kubernetes/pki';

/** A rootfs with the full PKI of `cfg` (ECDSA for speed), returned with its config path. */
async function withPki(cfgText = initConfig({ encryptionAlgorithm: 'ECDSA-P256' })): Promise<{ root: string; cfg: string }> {
  const root = scratch();
  const cfg = writeTmp(scratch(), 'cfg.yaml', cfgText);
  expect((await phase(root, cfg, ['certs', 'all'])).code).toBe(0);
  return { root, cfg };
}

/** Run, and check: the exit code, stderr names `file`, and the rootfs is exactly as before (paths, types, modes, contents). */
async function expectRefused(root: string, args: string[], code: number, ...mention: string[]): Promise<string> {
  const before = snapshot(root);
  const r = await tsk(args);
  expect(r.code, r.stderr).toBe(code);
  for (const m of mention) expect(r.stderr).toContain(m);
  expect(contents(snapshot(root))).toEqual(contents(before));
  return r.stderr;
}

describe('unusable files on disk', () => {
  it('a corrupt ca.key, with certificates still to sign: kubeadm\'s error naming ca.key', async () => {
    const { root, cfg } = await withPki();
    fs.writeFileSync(path.join(root, PKI, 'ca.key'), 'garbage\n');
    for (const f of ['apiserver.crt', 'apiserver.key']) fs.rmSync(path.join(root, PKI, f));
    await expectRefused(
      root,
      ['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg],
      1,
      "couldn't load the private key file /etc/kubernetes/pki/ca.key: error reading private key file /etc/kubernetes/pki/ca.key: data does not contain a valid RSA or ECDSA private key",
    );
  });

  it('a corrupt ca.key with every certificate present is not taken for an external CA', async () => {
    const { root, cfg } = await withPki();
    fs.writeFileSync(path.join(root, PKI, 'ca.key'), 'garbage\n');
    await expectRefused(root, ['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/pki/ca.key');
  });

  it('a corrupt ca.key stops kubeconfig all when a kubeconfig must be signed', async () => {
    const { root, cfg } = await withPki();
    fs.writeFileSync(path.join(root, PKI, 'ca.key'), 'garbage\n');
    await expectRefused(root, ['init', 'phase', 'kubeconfig', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/pki/ca.key');
  });

  it('a ca.crt that does not match ca.key', async () => {
    const { root, cfg } = await withPki();
    // a fresh key of the same type: the certificate still parses, the pair does not match
    fs.writeFileSync(path.join(root, PKI, 'ca.key'), openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']));
    for (const f of ['apiserver.crt', 'apiserver.key']) fs.rmSync(path.join(root, PKI, f));
    await expectRefused(root, ['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/ca.crt');
    await expectRefused(root, ['init', 'phase', 'kubeconfig', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/pki/ca.key');
  });

  it('a leaf signed by another CA', async () => {
    const { root, cfg } = await withPki();
    const other = await withPki();
    for (const f of ['apiserver.crt', 'apiserver.key']) fs.copyFileSync(path.join(other.root, PKI, f), path.join(root, PKI, f));
    await expectRefused(
      root,
      ['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg],
      1,
      // kubeadm's text, then the file
      '[certs] certificate apiserver not signed by CA certificate ca: x509: certificate signed by unknown authority',
      '/etc/kubernetes/pki/apiserver.crt',
    );
  });

  it('an expired certificate', async () => {
    const { root, cfg } = await withPki();
    const dir = path.join(root, PKI);
    const ca = loadSigner('ca', fs.readFileSync(path.join(dir, 'ca.crt')), fs.readFileSync(path.join(dir, 'ca.key')));
    const key = parsePrivateKeyPem(fs.readFileSync(path.join(dir, 'apiserver.key')));
    // same names and key as the real one, valid in 2020 only
    const expired = await createCertificate(
      {
        commonName: 'kube-apiserver',
        dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node1'],
        ips: ['10.96.0.1', '10.231.0.11'],
        usages: ['serverAuth'],
        isCA: false,
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date('2021-01-01T00:00:00Z'),
      },
      key,
      ca,
    );
    fs.writeFileSync(path.join(dir, 'apiserver.crt'), expired.pem);
    expect(openssl(['x509', '-in', path.join(dir, 'apiserver.crt'), '-noout', '-enddate'])).toContain('2021');
    await expectRefused(
      root,
      ['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg],
      1,
      'x509: certificate has expired or is not yet valid',
      '/etc/kubernetes/pki/apiserver.crt',
    );
  });

  it('an existing apiserver certificate without a SAN the configuration now needs', async () => {
    // flags only (kubeadm does not mix --config with --apiserver-cert-extra-sans)
    const root = scratch();
    const base = ['init', 'phase', 'certs', 'all', '--rootfs', root, '--kubernetes-version', 'v1.37.2', '--apiserver-advertise-address', '10.231.0.11'];
    const first = await tsk(base);
    expect(first.code, first.stderr).toBe(0);
    const err = await expectRefused(root, [...base, '--apiserver-cert-extra-sans', 'api.example.test,10.9.9.9'], 1, '/etc/kubernetes/pki/apiserver.crt');
    expect(err).toMatch(/api\.example\.test|10\.9\.9\.9/);
    // the same SANs through the configuration file
    const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256', clusterExtra: 'apiServer:\n  certSANs: [api.example.test]\n' }));
    const { root: root2 } = await withPki();
    await expectRefused(root2, ['init', 'phase', 'certs', 'all', '--rootfs', root2, '--config', cfg], 1, '/etc/kubernetes/pki/apiserver.crt', 'api.example.test');
  });

  it('a file where the certificates directory should be', async () => {
    const root = scratch();
    const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    fs.mkdirSync(path.join(root, 'etc/kubernetes'), { recursive: true });
    fs.writeFileSync(path.join(root, PKI), 'not a directory\n');
    await expectRefused(root, ['init', 'phase', 'certs', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/pki');
  });

  it('a file where the kubeconfig directory should be', async () => {
    // certificates elsewhere, so the CA loads and the failure is the kubeconfig directory's
    const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256', clusterExtra: 'certificatesDir: /pki\n' }));
    const root = scratch();
    expect((await phase(root, cfg, ['certs', 'ca'])).code).toBe(0);
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc/kubernetes'), 'not a directory\n');
    await expectRefused(root, ['init', 'phase', 'kubeconfig', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes');
  });

  it('a file where the manifests directory should be: control-plane and etcd write nothing (no etcd data dir either)', async () => {
    const root = scratch();
    const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig());
    fs.mkdirSync(path.join(root, 'etc/kubernetes'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/kubernetes/manifests'), 'not a directory\n');
    await expectRefused(root, ['init', 'phase', 'control-plane', 'all', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/manifests');
    await expectRefused(root, ['init', 'phase', 'etcd', 'local', '--rootfs', root, '--config', cfg], 1, '/etc/kubernetes/manifests');
  });

  it('a file where the kubelet directory should be', async () => {
    const root = scratch();
    const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig());
    fs.mkdirSync(path.join(root, 'var/lib'), { recursive: true });
    fs.writeFileSync(path.join(root, 'var/lib/kubelet'), 'not a directory\n');
    await expectRefused(root, ['init', 'phase', 'kubelet-start', '--rootfs', root, '--config', cfg], 1, '/var/lib/kubelet');
  });

  it('an invalid configuration: exit 3, nothing written, for every file phase', async () => {
    const root = scratch();
    const cfg = writeTmp(scratch(), 'cfg.yaml', initConfig({ encryptionAlgorithm: 'RSA-1024' }));
    for (const p of FILE_PHASES) {
      await expectRefused(root, ['init', 'phase', ...p, '--rootfs', root, '--config', cfg], 3, 'RSA-1024');
    }
    expect(snapshot(root).size).toBe(0);
  });
});
