// Go's crypto/x509 reads what tskubeadm writes (issue #13). For each encryptionAlgorithm kubeadm
// offers, `bin/tskubeadm init phase certs all` and `kubeconfig all` (the built product: run
// `npm run build` first) write a PKI into a temp --rootfs; a small Go program
// (go-x509/checker.go, built here offline from the standard library only with the Go toolchain at
// /usr/local/go) then loads every private key as the API server, etcd and the kubelet do
// (x509.ParsePKCS1PrivateKey, which runs crypto/rsa's full key check, plus Validate;
// x509.ParseECPrivateKey), every certificate with its key through tls.X509KeyPair, and verifies
// each certificate against its CA for the extended key usages and host names it is for, and not
// for the ones it is not for; sa.pub must be sa.key's public half. `openssl rsa -check` must
// report "RSA key ok" for every RSA key. Control cases show the checker refuses what it should: a
// key with dP+1 or qInv+1 (which OpenSSL still signs with correctly) and a certificate paired with
// the wrong key.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as loadYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derToPem, pemBlocks } from '../../src/pki/keys.js';
import { decodeRsaPrivateKey, encodeRsaPrivateKey } from '../../src/pki/rsa.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GO = '/usr/local/go/bin/go';
const TSKUBEADM = path.join(repo, 'bin/tskubeadm');

const scratch: string[] = [];
function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(d);
  return d;
}
afterAll(() => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

let checker = '';
beforeAll(() => {
  expect(fs.existsSync(path.join(repo, 'dist/tskubeadm.cjs')), 'dist/tskubeadm.cjs is missing: run npm run build').toBe(true);
  const dir = tmp('tsk-gox509-');
  fs.copyFileSync(path.join(repo, 'test/integration/go-x509/checker.go'), path.join(dir, 'main.go'));
  // the GODEBUG defaults of Kubernetes v1.37's go.mod (`godebug default=go1.26`): from go1.24 on,
  // x509rsacrt=1, ParsePKCS1PrivateKey refuses wrong CRT values instead of recomputing them
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module tskubeadm.test/gox509\n\ngo 1.26\n\ngodebug default=go1.26\n');
  execFileSync(GO, ['build', '-o', 'checker', '.'], {
    cwd: dir,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOWORK: 'off', CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  checker = path.join(dir, 'checker');
}, 600_000);

interface Pair {
  name: string;
  cert: string;
  key: string;
  ca: string;
  usages: string[];
  notUsages?: string[];
  hosts?: string[];
}
interface Manifest {
  keys: { name: string; path: string }[];
  pairs: Pair[];
  publics: { name: string; path: string; private: string }[];
}
interface Result {
  kind: string;
  name: string;
  ok: boolean;
  err?: string;
  info?: string;
}

function runChecker(work: string, m: Manifest): Result[] {
  const file = path.join(work, `manifest-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(m));
  return JSON.parse(execFileSync(checker, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Result[];
}

const NODE = 'node1';
const ADDRESS = '10.231.0.11';

function config(alg: string): string {
  return `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${ADDRESS}
nodeRegistration:
  name: ${NODE}
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
encryptionAlgorithm: ${alg}
`;
}

// kubeadm's certificates: CA, extended key usages (certs/certlist.go), names they serve
const PKI: { base: string; ca: string; usages: string[]; notUsages?: string[]; hosts?: string[] }[] = [
  { base: 'ca', ca: 'ca', usages: ['any'] },
  { base: 'apiserver', ca: 'ca', usages: ['serverAuth'], notUsages: ['clientAuth'], hosts: ['kubernetes.default.svc.cluster.local', '10.96.0.1', NODE, ADDRESS] },
  { base: 'apiserver-kubelet-client', ca: 'ca', usages: ['clientAuth'], notUsages: ['serverAuth'] },
  { base: 'front-proxy-ca', ca: 'front-proxy-ca', usages: ['any'] },
  { base: 'front-proxy-client', ca: 'front-proxy-ca', usages: ['clientAuth'], notUsages: ['serverAuth'] },
  { base: 'etcd/ca', ca: 'etcd/ca', usages: ['any'] },
  { base: 'etcd/server', ca: 'etcd/ca', usages: ['serverAuth', 'clientAuth'], hosts: ['localhost', '127.0.0.1', '::1', NODE, ADDRESS] },
  { base: 'etcd/peer', ca: 'etcd/ca', usages: ['serverAuth', 'clientAuth'], hosts: [NODE, ADDRESS] },
  { base: 'etcd/healthcheck-client', ca: 'etcd/ca', usages: ['clientAuth'], notUsages: ['serverAuth'] },
  { base: 'apiserver-etcd-client', ca: 'etcd/ca', usages: ['clientAuth'], notUsages: ['serverAuth'] },
];
const KUBECONFIGS = ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf'];

const ALGORITHMS: [string, string][] = [
  ['RSA-2048', 'RSA-2048'],
  ['RSA-3072', 'RSA-3072'],
  ['RSA-4096', 'RSA-4096'],
  ['ECDSA-P256', 'ECDSA-P-256'],
  ['ECDSA-P384', 'ECDSA-P-384'],
];

for (const [alg, goInfo] of ALGORITHMS) {
  describe(`${alg}: a tskubeadm PKI read by Go's crypto/x509`, () => {
    const root = tmp('tsk-gox509-root-');
    const work = tmp('tsk-gox509-work-');
    const pki = path.join(root, 'etc/kubernetes/pki');
    const m: Manifest = { keys: [], pairs: [], publics: [] };
    let results: Result[] = [];

    beforeAll(() => {
      const cfg = path.join(work, 'kubeadm.yaml');
      fs.writeFileSync(cfg, config(alg));
      for (const p of [['certs', 'all'], ['kubeconfig', 'all']]) {
        execFileSync(TSKUBEADM, ['init', 'phase', ...p, '--rootfs', root, '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
      }
      for (const c of PKI) {
        const key = path.join(pki, `${c.base}.key`);
        m.keys.push({ name: `${c.base}.key`, path: key });
        m.pairs.push({ name: c.base, cert: path.join(pki, `${c.base}.crt`), key, ca: path.join(pki, `${c.ca}.crt`), usages: c.usages, notUsages: c.notUsages, hosts: c.hosts });
      }
      m.keys.push({ name: 'sa.key', path: path.join(pki, 'sa.key') });
      m.publics.push({ name: 'sa.pub', path: path.join(pki, 'sa.pub'), private: path.join(pki, 'sa.key') });
      for (const f of KUBECONFIGS) {
        const kc = loadYaml(fs.readFileSync(path.join(root, 'etc/kubernetes', f), 'utf8')) as {
          clusters: { cluster: { 'certificate-authority-data': string } }[];
          users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
        };
        const out = (name: string, b64: string): string => {
          const p = path.join(work, `${f}.${name}`);
          fs.writeFileSync(p, Buffer.from(b64, 'base64'));
          return p;
        };
        const ca = out('ca.crt', kc.clusters[0]!.cluster['certificate-authority-data']);
        expect(fs.readFileSync(ca, 'utf8')).toBe(fs.readFileSync(path.join(pki, 'ca.crt'), 'utf8'));
        const key = out('client.key', kc.users[0]!.user['client-key-data']);
        m.keys.push({ name: `${f} client key`, path: key });
        m.pairs.push({ name: `${f} client`, cert: out('client.crt', kc.users[0]!.user['client-certificate-data']), key, ca, usages: ['clientAuth'], notUsages: ['serverAuth'] });
      }
      results = runChecker(work, m);
    }, 600_000);

    it('every key, certificate/key pair, chain and usage passes Go; key types and sizes are the ones asked for', () => {
      const failed = results.filter((r) => !r.ok);
      expect(failed).toEqual([]);
      // 11 keys of the PKI and 5 kubeconfig keys, 15 pairs, sa.pub
      expect(results.map((r) => `${r.kind} ${r.name}`).sort()).toEqual(
        [...m.keys.map((k) => `key ${k.name}`), ...m.pairs.map((p) => `pair ${p.name}`), 'public sa.pub'].sort(),
      );
      expect(results).toHaveLength(16 + 15 + 1);
      // every key has the configured algorithm, sa.key too (kubeadm's certs.CreateServiceAccountKeyAndPublicKeyFiles
      // is given ClusterConfiguration.EncryptionAlgorithm)
      for (const r of results) expect(r.info, `${r.kind} ${r.name}`).toBe(goInfo);
    });

    if (alg.startsWith('RSA')) {
      it('openssl rsa -check: RSA key ok, for every key', () => {
        for (const k of m.keys) {
          const out = execFileSync('openssl', ['rsa', '-check', '-noout', '-in', k.path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          expect(out, k.name).toBe('RSA key ok\n');
        }
      });
    }

    if (alg === 'RSA-2048') {
      it('control: Go refuses a key with dP+1 or qInv+1, and a certificate with the wrong key', () => {
        const der = pemBlocks(fs.readFileSync(path.join(pki, 'apiserver.key'), 'utf8'))[0]!.der;
        const k = decodeRsaPrivateKey(der);
        const bad = (name: string, change: object): { name: string; path: string } => {
          const p = path.join(work, name);
          fs.writeFileSync(p, derToPem('RSA PRIVATE KEY', encodeRsaPrivateKey({ ...k, ...change })));
          return { name, path: p };
        };
        const keys = [bad('dP+1.key', { dP: k.dP + 1n }), bad('qInv+1.key', { qInv: k.qInv + 1n })];
        const pair: Pair = { name: 'apiserver.crt with ca.key', cert: path.join(pki, 'apiserver.crt'), key: path.join(pki, 'ca.key'), ca: path.join(pki, 'ca.crt'), usages: ['serverAuth'] };
        const r = runChecker(work, { keys, pairs: [pair], publics: [] });
        expect(r.map((x) => [x.name, x.ok, x.err])).toEqual([
          ['dP+1.key', false, 'crypto/rsa: invalid CRT exponent'],
          ['qInv+1.key', false, 'crypto/rsa: invalid CRT coefficient'],
          ['apiserver.crt with ca.key', false, 'tls.X509KeyPair: tls: private key does not match public key'],
        ]);
      });
    }
  });
}
