// Every `init phase <name> [<child>]` run in-process under a temp --rootfs: exactly the files kubeadm
// writes, with kubeadm's modes, and kubeadm's printed lines. The expected files, modes and lines were
// taken from upstream kubeadm v1.37.2 run with the same configuration (node1, 10.231.0.11) under
// --rootfs; the side-by-side integration test (test/integration/phases-vs-kubeadm.test.ts) keeps
// checking them against the real binary.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initPhases } from '../../../src/phases/init/index.js';
import {
  PKI_FILES,
  changed,
  openssl,
  opensslVerify,
  phase,
  snapshot,
  tmpDir,
  tsk,
  warningsOf,
  withModes,
  writeTmp,
} from './helpers.js';
import { initConfig } from '../../helpers/configs.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function scratch(): { root: string; cfgDir: string } {
  const root = tmpDir('tsk-phase-root-');
  const cfgDir = tmpDir('tsk-phase-cfg-');
  dirs.push(root, cfgDir);
  return { root, cfgDir };
}

const P = 'etc/kubernetes/pki';
const gen = (n: string) => `[certs] Generating "${n}" certificate and key`;
const APISERVER_SANS =
  '[certs] apiserver serving cert is signed for DNS names [kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local node1] and IPs [10.96.0.1 10.231.0.11]';
const etcdSans = (n: string) => `[certs] etcd/${n} serving cert is signed for DNS names [localhost node1] and IPs [10.231.0.11 127.0.0.1 ::1]`;
const pair = (b: string): Record<string, number> => ({ [`${P}/${b}.crt`]: 0o644, [`${P}/${b}.key`]: 0o600 });

const KUBELET_START_LINES = [
  "[kubelet-start] No supported init system detected, won't make sure the kubelet not running for a short period of time while setting up configuration for it.",
  '[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"',
  '[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/instance-config.yaml"',
  '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kubeletconfiguration"',
  '[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"',
  '[kubelet-start] Starting the kubelet',
  "[kubelet-start] No supported init system detected, won't make sure the kubelet is running properly.",
];

/** Leaf phases in an order where each one's inputs exist, with what upstream wrote and printed. */
const LEAVES: { words: string[]; files: Record<string, number>; lines: string[]; warnings?: string[] }[] = [
  { words: ['certs', 'ca'], files: pair('ca'), lines: [gen('ca')] },
  { words: ['certs', 'apiserver'], files: pair('apiserver'), lines: [gen('apiserver'), APISERVER_SANS] },
  { words: ['certs', 'apiserver-kubelet-client'], files: pair('apiserver-kubelet-client'), lines: [gen('apiserver-kubelet-client')] },
  { words: ['certs', 'front-proxy-ca'], files: pair('front-proxy-ca'), lines: [gen('front-proxy-ca')] },
  { words: ['certs', 'front-proxy-client'], files: pair('front-proxy-client'), lines: [gen('front-proxy-client')] },
  { words: ['certs', 'etcd-ca'], files: pair('etcd/ca'), lines: [gen('etcd/ca')] },
  { words: ['certs', 'etcd-server'], files: pair('etcd/server'), lines: [gen('etcd/server'), etcdSans('server')] },
  { words: ['certs', 'etcd-peer'], files: pair('etcd/peer'), lines: [gen('etcd/peer'), etcdSans('peer')] },
  { words: ['certs', 'etcd-healthcheck-client'], files: pair('etcd/healthcheck-client'), lines: [gen('etcd/healthcheck-client')] },
  { words: ['certs', 'apiserver-etcd-client'], files: pair('apiserver-etcd-client'), lines: [gen('apiserver-etcd-client')] },
  { words: ['certs', 'sa'], files: { [`${P}/sa.key`]: 0o600, [`${P}/sa.pub`]: 0o600 }, lines: ['[certs] Generating "sa" key and public key'] },
  ...['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler'].map((n) => ({
    words: ['kubeconfig', n],
    files: { [`etc/kubernetes/${n}.conf`]: 0o600 },
    lines: [`[kubeconfig] Writing "${n}.conf" kubeconfig file`],
  })),
  ...(['apiserver', 'controller-manager', 'scheduler'] as const).map((n) => ({
    words: ['control-plane', n],
    files: { [`etc/kubernetes/manifests/kube-${n}.yaml`]: 0o600 },
    lines: [`[control-plane] Creating static Pod manifest for "kube-${n}"`],
  })),
  {
    words: ['etcd', 'local'],
    files: { 'etc/kubernetes/manifests/etcd.yaml': 0o600 },
    lines: ['[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"'],
  },
  {
    words: ['kubelet-start'],
    files: { 'var/lib/kubelet/config.yaml': 0o644, 'var/lib/kubelet/instance-config.yaml': 0o644, 'var/lib/kubelet/kubeadm-flags.env': 0o644 },
    lines: KUBELET_START_LINES,
    warnings: ['cannot determine if systemd-resolved is active: no supported init system detected, skipping checking for services'],
  },
];

describe('each leaf phase alone, in dependency order (ECDSA-P256)', () => {
  const { root, cfgDir } = scratch();
  const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));

  for (const leaf of LEAVES) {
    it(`init phase ${leaf.words.join(' ')} writes exactly its files and prints kubeadm's lines`, async () => {
      const before = snapshot(root);
      const r = await phase(root, cfg, leaf.words);
      expect(warningsOf(r.stderr)).toEqual(leaf.warnings ?? []);
      expect(r.code).toBe(0);
      expect(r.lines).toEqual(leaf.lines);
      expect(changed(before, snapshot(root))).toEqual(withModes(leaf.files));
    });
  }

  it('directories get kubeadm modes: manifests 0700, etcd data dir 0700, kubelet dir 0700', () => {
    const s = snapshot(root);
    expect(s.get('etc/kubernetes/manifests')?.mode).toBe(0o700);
    expect(s.get('var/lib/etcd')).toMatchObject({ type: 'd', mode: 0o700 });
    expect(s.get('var/lib/kubelet')?.mode).toBe(0o700);
    expect(s.get('etc/kubernetes/pki')?.mode).toBe(0o755);
    expect(s.get('etc/kubernetes/pki/etcd')?.mode).toBe(0o755);
  });

  it('the certificates written one phase at a time chain with openssl verify', () => {
    checkChains(root);
  });
});

describe('a leaf without its prerequisites', () => {
  it('certs apiserver without a CA fails, names ca.crt, and writes nothing', async () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    const r = await phase(root, cfg, ['certs', 'apiserver']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // kubeadm's text, then a hint naming the missing file
    expect(r.stderr).toContain(
      "error execution phase certs/apiserver: couldn't load CA certificate ca: couldn't load ca certificate authority from /etc/kubernetes/pki",
    );
    expect(r.stderr).toContain('/etc/kubernetes/pki/ca.crt does not exist');
    expect(snapshot(root).size).toBe(0);
  });

  it('etcd-server without the etcd CA fails the same way, naming etcd/ca.crt', async () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    expect((await phase(root, cfg, ['certs', 'ca'])).code).toBe(0);
    const before = snapshot(root);
    const r = await phase(root, cfg, ['certs', 'etcd-server']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("couldn't load CA certificate etcd-ca: couldn't load etcd/ca certificate authority from /etc/kubernetes/pki");
    expect(r.stderr).toContain('/etc/kubernetes/pki/etcd/ca.crt does not exist');
    expect(changed(before, snapshot(root), { dirs: true })).toEqual([]);
  });

  it('kubeconfig admin without a CA fails, names ca.crt, and writes nothing', async () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    const r = await phase(root, cfg, ['kubeconfig', 'admin']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error execution phase kubeconfig/admin');
    expect(r.stderr).toContain('/etc/kubernetes/pki/ca.crt');
    expect(snapshot(root).size).toBe(0);
  });
});

// what upstream prints for `certs all` on an empty host
const CERTS_ALL_LINES = [
  '[certs] Using certificateDir folder "/etc/kubernetes/pki"',
  gen('ca'),
  gen('apiserver'),
  APISERVER_SANS,
  gen('apiserver-kubelet-client'),
  gen('front-proxy-ca'),
  gen('front-proxy-client'),
  gen('etcd/ca'),
  gen('etcd/server'),
  etcdSans('server'),
  gen('etcd/peer'),
  etcdSans('peer'),
  gen('etcd/healthcheck-client'),
  gen('apiserver-etcd-client'),
  '[certs] Generating "sa" key and public key',
];
const KUBECONFIGS = ['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler'];

for (const alg of ['RSA-2048', 'ECDSA-P256']) {
  describe(`"all" runs every sibling (${alg})`, () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: alg }));

    it('certs all', async () => {
      const r = await phase(root, cfg, ['certs', 'all']);
      expect(r.code).toBe(0);
      expect(r.lines).toEqual(CERTS_ALL_LINES);
      expect(changed(new Map(), snapshot(root))).toEqual(withModes(PKI_FILES));
    });

    it('kubeconfig all', async () => {
      const before = snapshot(root);
      const r = await phase(root, cfg, ['kubeconfig', 'all']);
      expect(r.code).toBe(0);
      expect(r.lines).toEqual([
        '[kubeconfig] Using kubeconfig folder "/etc/kubernetes"',
        ...KUBECONFIGS.map((n) => `[kubeconfig] Writing "${n}.conf" kubeconfig file`),
      ]);
      expect(changed(before, snapshot(root))).toEqual(withModes(Object.fromEntries(KUBECONFIGS.map((n) => [`etc/kubernetes/${n}.conf`, 0o600]))));
    });

    it('control-plane all', async () => {
      const before = snapshot(root);
      const r = await phase(root, cfg, ['control-plane', 'all']);
      expect(r.code).toBe(0);
      expect(r.lines).toEqual([
        '[control-plane] Using manifest folder "/etc/kubernetes/manifests"',
        ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `[control-plane] Creating static Pod manifest for "${c}"`),
      ]);
      expect(changed(before, snapshot(root))).toEqual(
        withModes({
          'etc/kubernetes/manifests/kube-apiserver.yaml': 0o600,
          'etc/kubernetes/manifests/kube-controller-manager.yaml': 0o600,
          'etc/kubernetes/manifests/kube-scheduler.yaml': 0o600,
        }),
      );
    });

    it('every chain verifies with openssl, keys have the configured type and size', () => {
      checkChains(root);
      for (const [f, mode] of Object.entries(PKI_FILES)) {
        if (mode !== 0o600 || f.endsWith('sa.pub')) continue;
        const t = openssl(['pkey', '-in', path.join(root, f), '-noout', '-text']);
        if (alg === 'RSA-2048') expect(t, f).toMatch(/^Private-Key: \(2048 bit, 2 primes\)/);
        else expect(t, f).toMatch(/^Private-Key: \(256 bit\)[\s\S]*ASN1 OID: prime256v1/);
      }
    });
  });
}

/** openssl verify for every certificate under <root>/etc/kubernetes/pki against its CA, and every kubeconfig client cert against ca.crt. */
function checkChains(root: string): void {
  const pki = path.join(root, P);
  const chains: [string, string[]][] = [
    ['ca', ['ca', 'apiserver', 'apiserver-kubelet-client']],
    ['front-proxy-ca', ['front-proxy-ca', 'front-proxy-client']],
    ['etcd/ca', ['etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client']],
  ];
  for (const [ca, leaves] of chains) {
    for (const l of leaves) {
      const v = opensslVerify(path.join(pki, `${ca}.crt`), path.join(pki, `${l}.crt`));
      expect(v.ok, `${l} against ${ca}: ${v.out}`).toBe(true);
    }
  }
  // a leaf must not verify against another CA
  expect(opensslVerify(path.join(pki, 'front-proxy-ca.crt'), path.join(pki, 'apiserver.crt')).ok).toBe(false);
  // each certificate matches its key
  for (const b of ['ca', 'apiserver', 'front-proxy-client', 'etcd/server', 'apiserver-etcd-client']) {
    const fromCert = openssl(['x509', '-in', path.join(pki, `${b}.crt`), '-noout', '-pubkey']);
    const fromKey = openssl(['pkey', '-in', path.join(pki, `${b}.key`), '-pubout']);
    expect(fromKey, b).toBe(fromCert);
  }
  // sa.pub is the public half of sa.key
  expect(openssl(['pkey', '-in', path.join(pki, 'sa.key'), '-pubout'])).toBe(fs.readFileSync(path.join(pki, 'sa.pub'), 'utf8'));
  // kubeconfig client certificates chain to ca.crt
  for (const n of KUBECONFIGS) {
    const f = path.join(root, 'etc/kubernetes', `${n}.conf`);
    if (!fs.existsSync(f)) continue;
    const data = /client-certificate-data: (\S+)/.exec(fs.readFileSync(f, 'utf8'))![1]!;
    const crt = path.join(path.dirname(f), `.${n}.test.crt`);
    fs.writeFileSync(crt, Buffer.from(data, 'base64'));
    try {
      const v = opensslVerify(path.join(pki, 'ca.crt'), crt);
      expect(v.ok, `${n}.conf: ${v.out}`).toBe(true);
    } finally {
      fs.rmSync(crt);
    }
  }
}

describe('tskubeadm init', () => {
  // every top-level phase except certs and kubeconfig, taken from the workflow itself so the test
  // keeps meaning the same thing when phases are added
  const others = initPhases.map((p) => p.name).filter((n) => n !== 'certs' && n !== 'kubeconfig');

  it('--skip-phases leaves out whole phases and single children', async () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    const r = await tsk(['init', '--rootfs', root, '--config', cfg, '--skip-phases', [...others, 'certs/apiserver', 'kubeconfig/scheduler'].join(',')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = { ...PKI_FILES };
    delete want[`${P}/apiserver.crt`];
    delete want[`${P}/apiserver.key`];
    for (const n of KUBECONFIGS.filter((k) => k !== 'scheduler')) want[`etc/kubernetes/${n}.conf`] = 0o600;
    expect(changed(new Map(), snapshot(root))).toEqual(withModes(want));
    expect(r.lines).toContain(gen('apiserver-kubelet-client'));
    expect(r.lines).not.toContain(gen('apiserver'));
    expect(r.lines).not.toContain('[kubeconfig] Writing "scheduler.conf" kubeconfig file');
  });

  it('--skip-phases with an unknown phase name is refused before anything is written', async () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    const r = await tsk(['init', '--rootfs', root, '--config', cfg, '--skip-phases', 'preflight,certs/no-such-cert']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('certs/no-such-cert');
    expect(snapshot(root).size).toBe(0);
  });

  it('--dry-run writes only into the dry-run directory it prints, under /etc/kubernetes/tmp', async () => {
    const { root, cfgDir } = scratch();
    const cfg = writeTmp(cfgDir, 'cfg.yaml', initConfig({ encryptionAlgorithm: 'ECDSA-P256' }));
    const keep = ['certs', 'kubeconfig', 'etcd', 'control-plane', 'kubelet-start'];
    const skip = initPhases.map((p) => p.name).filter((n) => !keep.includes(n));
    const env = { ...process.env };
    delete env.KUBEADM_INIT_DRYRUN_DIR;
    const r = await tsk(['init', '--dry-run', '--rootfs', root, '--config', cfg, '--skip-phases', skip.join(',')], env);
    expect(r.code).toBe(0);
    const m = /\[certs\] Using certificateDir folder "(\/etc\/kubernetes\/tmp\/kubeadm-init-dryrun\d+)"/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const dir = m![1]!;
    // kubeadm's warning names the same directory
    expect(r.stderr).toContain(`Using dry-run directory ${dir}. To override it, set the environment variable KUBEADM_INIT_DRYRUN_DIR`);
    expect(r.stdout).toContain('[etcd] Would ensure that "/var/lib/etcd" directory is present');
    expect(r.stdout).toContain(`[etcd] Creating static Pod manifest for local etcd in "${dir}"`);
    const rel = dir.slice(1);
    const s = snapshot(root);
    const ancestors = new Set(['etc', 'etc/kubernetes', 'etc/kubernetes/tmp']);
    for (const p of s.keys()) expect(p === rel || p.startsWith(`${rel}/`) || ancestors.has(p), p).toBe(true);
    const files = [...s.entries()].filter(([, e]) => e.type === 'f').map(([p, e]) => `${p.slice(rel.length + 1)} ${e.mode.toString(8)}`);
    const want = [
      ...Object.entries(PKI_FILES).map(([p, m]) => `${p.slice(P.length + 1)} ${m.toString(8)}`),
      ...KUBECONFIGS.map((n) => `${n}.conf 600`),
      ...['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `${c}.yaml 600`),
      'config.yaml 644',
      'instance-config.yaml 644',
      'kubeadm-flags.env 644',
    ];
    expect(files.sort()).toEqual(want.sort());
    // no etcd data directory and no kubelet directory on the host
    expect(fs.existsSync(path.join(root, 'var'))).toBe(false);
  });
});
