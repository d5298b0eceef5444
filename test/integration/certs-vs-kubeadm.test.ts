// `certs check-expiration`, `certs renew` and `certs generate-csr` side by side with upstream kubeadm
// v1.37.2 (.lab/bin/kubeadm), on trees made by `tskubeadm init phase certs all` + `kubeconfig all`
// under --rootfs. Needs root: upstream implements --rootfs with chroot(2), and reads --config and
// --kubeconfig inside it, so the same files are placed inside each tree.
//
// No network traffic: every run passes --config, or a --kubeconfig whose server is a closed port on
// 127.0.0.1 (the fallback case).

import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';

const execFileAsync = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KUBEADM = path.join(repo, '.lab/bin/kubeadm');

const CONFIG = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.231.0.11
nodeRegistration:
  name: node1
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
controlPlaneEndpoint: cp.example.test
certificateValidityPeriod: 2000h0m0s
apiServer:
  certSANs: [api.example.test, 10.0.0.5, "fd00::99"]
etcd:
  local:
    serverCertSANs: [etcd.example.test]
    peerCertSANs: [10.1.2.3]
`;

interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function upstream(root: string, args: string[]): Promise<ToolRun> {
  try {
    const r = await execFileAsync(KUBEADM, [...args, '--rootfs', root], { env: { PATH: process.env.PATH }, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** tskubeadm reads --config and -o template files from the real filesystem: "/cfg.yaml" and "=/tmpl.txt" are the tree's copies */
async function ours(root: string, args: string[]): Promise<ToolRun> {
  args = args.map((a) => (a === '/cfg.yaml' ? path.join(root, 'cfg.yaml') : a.replace(/=\/tmpl\.txt$/, `=${path.join(root, 'tmpl.txt')}`)));
  let stdout = '';
  let stderr = '';
  const code = await run([...args, '--rootfs', root], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } }, {
    env: { PATH: process.env.PATH },
  });
  return { code, stdout, stderr };
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

/** A tree made by tskubeadm's certs and kubeconfig phases, with the configuration at /cfg.yaml. */
async function makeTree(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-certs-'));
  roots.push(root);
  fs.writeFileSync(path.join(root, 'cfg.yaml'), CONFIG);
  for (const p of [['certs', 'all'], ['kubeconfig', 'all']]) {
    const r = await ours(root, ['init', 'phase', ...p, '--config', path.join(root, 'cfg.yaml')]);
    expect(r.code, r.stderr).toBe(0);
  }
  return root;
}

function copyTree(src: string): string {
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-certs-'));
  roots.push(dst);
  fs.cpSync(src, dst, { recursive: true, preserveTimestamps: true });
  return dst;
}

/** relative path -> sha256 of every file under root */
function hashes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.statSync(path.join(root, r));
      if (st.isDirectory()) walk(r);
      else out.set(r, createHash('sha256').update(fs.readFileSync(path.join(root, r))).digest('hex'));
    }
  };
  walk('');
  return out;
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((k) => before.get(k) !== after.get(k)).sort();
}

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, r));
      out.push(`${r} ${st.isDirectory() ? 'd' : 'f'} ${(st.mode & 0o7777).toString(8)}`);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `openssl x509|req -text` with serials, dates and hex runs (keys, signatures, key ids) masked. */
function maskedText(kind: 'x509' | 'req', pem: string | Buffer): string {
  const t = openssl([kind, '-noout', '-text'], pem);
  const out: string[] = [];
  for (const line of t.split('\n')) {
    let l = line;
    if (/^\s*Serial Number:/.test(l)) l = l.replace(/Serial Number:.*/, 'Serial Number: <serial>');
    else if (/^\s*Not (Before|After)\s*:/.test(l)) l = l.replace(/:.*/, ': <date>');
    else if (/^\s*([0-9a-fA-F]{2}:)*[0-9a-fA-F]{2}:?\s*$/.test(l)) l = '<hex>';
    if (l === '<hex>' && out[out.length - 1] === '<hex>') continue;
    out.push(l);
  }
  return out.join('\n');
}

const maskDates = (s: string) =>
  s
    .replace(/[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} UTC/g, '<date>')
    .replace(/("?expirationDate"?: )"[^"]+"/g, '$1<date>')
    .replace(/("?residualTime"?: )\d+/g, '$1<n>');

/** stderr without klog's "W1205 12:00:00.000000    123 file.go:1] " header */
const klogLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^([WIE])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]]+\] /, '$1 '));

const maskKubeconfig = (text: string) => text.replace(/(certificate-authority-data|client-certificate-data|client-key-data): \S+/g, '$1: <data>');

describe('certs check-expiration, tskubeadm vs kubeadm', () => {
  let root = '';
  beforeAll(async () => {
    expect(fs.existsSync(KUBEADM), `${KUBEADM} (run npm run lab:build)`).toBe(true);
    root = await makeTree();
  });

  const both = async (args: string[], r = root) => {
    const up = await upstream(r, ['certs', 'check-expiration', ...args]);
    const tk = await ours(r, ['certs', 'check-expiration', ...args]);
    expect(up.code, up.stderr).toBe(0);
    expect(tk.code, tk.stderr).toBe(0);
    return { up, tk };
  };

  it('prints the same two tables (dates masked)', async () => {
    const { up, tk } = await both(['--config', '/cfg.yaml']);
    expect(up.stdout).toContain('CERTIFICATE AUTHORITY');
    expect(maskDates(tk.stdout)).toBe(maskDates(up.stdout));
  });

  for (const format of ['json', 'yaml', 'kyaml']) {
    it(`-o ${format}: the same CertificateExpirationInfo (dates and residual times masked)`, async () => {
      const { up, tk } = await both(['--config', '/cfg.yaml', '-o', format]);
      expect(maskDates(tk.stdout)).toBe(maskDates(up.stdout));
    });
  }

  it('reports missing files and an external CA the same way', async () => {
    const r = copyTree(root);
    fs.rmSync(path.join(r, 'etc/kubernetes/super-admin.conf'));
    fs.rmSync(path.join(r, 'etc/kubernetes/pki/etcd/peer.crt'));
    fs.rmSync(path.join(r, 'etc/kubernetes/pki/front-proxy-ca.key'));
    for (const args of [['--config', '/cfg.yaml'], ['--config', '/cfg.yaml', '-o', 'json'], ['--config', '/cfg.yaml', '-o', 'kyaml']]) {
      const { up, tk } = await both(args, r);
      expect(up.stdout).toMatch(/MISSING|missing"?: true/);
      expect(up.stdout).toMatch(/yes|externallyManaged"?: true/);
      expect(maskDates(tk.stdout)).toBe(maskDates(up.stdout));
    }
  });

  it('without --config and an unreachable cluster: the same "Reading configuration" and fallback lines, then the tables', async () => {
    const r = copyTree(root);
    const admin = fs.readFileSync(path.join(r, 'etc/kubernetes/admin.conf'), 'utf8');
    // a closed port on loopback: the connection is refused at once
    fs.writeFileSync(path.join(r, 'etc/kubernetes/closed.conf'), admin.replace(/server: \S+/, 'server: https://127.0.0.1:1'));
    const { up, tk } = await both(['--kubeconfig', '/etc/kubernetes/closed.conf'], r);
    expect(up.stdout).toContain('[check-expiration] Error reading configuration from the Cluster. Falling back to default configuration');
    expect(maskDates(tk.stdout)).toBe(maskDates(up.stdout));
  });

  it('-o jsonpath, jsonpath-as-json, go-template and a template file: the same output', async () => {
    fs.writeFileSync(path.join(root, 'tmpl.txt'), '{{range .certificates}}{{printf "%-28s" .name}}{{with .caName}}{{.}}{{else}}-{{end}}\n{{end}}');
    const formats = [
      'jsonpath={range .certificates[*]}{.name}{"\\t"}{.caName}{"\\t"}{.externallyManaged}{"\\t"}{.expirationDate}{"\\n"}{end}',
      'jsonpath={.certificateAuthorities[?(@.missing==false)].name}',
      'jsonpath={.certificates[?(@.caName=="etcd-ca")].name}',
      'jsonpath-as-json={.certificates[*].name}',
      'go-template={{range .certificateAuthorities}}{{.name}}: {{.expirationDate}}{{if .externallyManaged}} external{{end}}{{"\\n"}}{{end}}',
      'go-template={{len .certificates}} {{(index .certificates 0).name}} {{.kind}}',
      'go-template-file=/tmpl.txt',
    ];
    for (const fmt of formats) {
      const { up, tk } = await both(['--config', '/cfg.yaml', '-o', fmt]);
      expect(up.stdout.length, fmt).toBeGreaterThan(0);
      expect(tk.stdout, fmt).toBe(up.stdout);
    }
  });

  it('residual time: a float64 in JSONPath (e-notation), an int64 in go-template, as upstream prints them', async () => {
    const first = (args: string[]) => both(['--config', '/cfg.yaml', '-o', ...args]);
    const jp = await first(['jsonpath={.certificates[0].residualTime}']);
    const gt = await first(['go-template={{(index .certificates 0).residualTime}}']);
    // 2000h of validity: 7.2e+06 s less the seconds since the tree was made
    expect(jp.up.stdout).toMatch(/^7\.\d+e\+06$/);
    expect(jp.tk.stdout).toMatch(/^7\.\d+e\+06$/);
    expect(gt.up.stdout).toMatch(/^7\d{6}$/);
    expect(gt.tk.stdout).toMatch(/^7\d{6}$/);
    expect(Math.abs(Number(gt.tk.stdout) - Number(gt.up.stdout))).toBeLessThanOrEqual(5);
    expect(Math.abs(Number(jp.tk.stdout) - Number(jp.up.stdout))).toBeLessThanOrEqual(5);
  });

  it('a template that fails while printing: the same debugging text on stdout, the same error, exit 1', async () => {
    const maskResidual = (s: string) => s.replace(/(residualTime"?:)\d+/g, '$1<n>');
    for (const fmt of ['go-template={{.certificates.x}}', 'jsonpath={.certificates[99]}']) {
      const args = ['certs', 'check-expiration', '--config', '/cfg.yaml', '-o', fmt];
      const up = await upstream(root, args);
      const tk = await ours(root, args);
      expect(up.code, fmt).toBe(1);
      expect(tk.code, fmt).toBe(1);
      expect(maskResidual(tk.stdout), fmt).toBe(maskResidual(up.stdout));
      expect(maskResidual(tk.stderr), fmt).toBe(maskResidual(up.stderr));
    }
  });

  it('rejects an unknown output format, as kubeadm does', async () => {
    const up = await upstream(root, ['certs', 'check-expiration', '--config', '/cfg.yaml', '-o', 'xml']);
    const tk = await ours(root, ['certs', 'check-expiration', '--config', '/cfg.yaml', '-o', 'xml']);
    expect(up.code).not.toBe(0);
    expect(tk.code).not.toBe(0);
    expect(tk.stderr).toContain('unable to match a printer suitable for the output format "xml"');
  });
});

describe('certs renew, tskubeadm vs kubeadm', () => {
  let root = '';
  beforeAll(async () => {
    expect(fs.existsSync(KUBEADM), `${KUBEADM} (run npm run lab:build)`).toBe(true);
    root = await makeTree();
  });

  it('renew all: the same lines; every file both renew changes; subject, SANs and usages kept; new keys; chains verify', async () => {
    const upRoot = copyTree(root);
    const tkRoot = copyTree(root);
    const before = hashes(root);
    const up = await upstream(upRoot, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    const tk = await ours(tkRoot, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    expect(up.code, up.stderr).toBe(0);
    expect(tk.code, tk.stderr).toBe(0);
    expect(tk.stdout).toBe(up.stdout);
    expect(changed(before, hashes(tkRoot))).toEqual(changed(before, hashes(upRoot)));
    expect(tree(tkRoot)).toEqual(tree(upRoot));
    const pki = 'etc/kubernetes/pki';
    for (const [crt, ca] of [
      ['apiserver', 'ca'],
      ['apiserver-kubelet-client', 'ca'],
      ['front-proxy-client', 'front-proxy-ca'],
      ['apiserver-etcd-client', 'etcd/ca'],
      ['etcd/server', 'etcd/ca'],
      ['etcd/peer', 'etcd/ca'],
      ['etcd/healthcheck-client', 'etcd/ca'],
    ]) {
      const file = (r: string, n: string) => fs.readFileSync(path.join(r, pki, n));
      expect(maskedText('x509', file(tkRoot, `${crt}.crt`)), crt).toBe(maskedText('x509', file(upRoot, `${crt}.crt`)));
      expect(maskedText('x509', file(tkRoot, `${crt}.crt`)), crt).toBe(maskedText('x509', file(root, `${crt}.crt`)));
      expect(file(tkRoot, `${crt}.key`).equals(file(root, `${crt}.key`)), `${crt}.key is new`).toBe(false);
      openssl(['verify', '-CAfile', path.join(tkRoot, pki, `${ca}.crt`), path.join(tkRoot, pki, `${crt}.crt`)]);
      const validity = (r: string) => {
        const t = openssl(['x509', '-noout', '-startdate', '-enddate'], file(r, `${crt}.crt`));
        return (Date.parse(/notAfter=(.*)/.exec(t)![1]!) - Date.parse(/notBefore=(.*)/.exec(t)![1]!)) / 1000;
      };
      expect(validity(tkRoot), crt).toBe(validity(upRoot));
    }
    for (const conf of ['admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf']) {
      const text = (r: string) => fs.readFileSync(path.join(r, 'etc/kubernetes', conf), 'utf8');
      expect(maskKubeconfig(text(tkRoot)), conf).toBe(maskKubeconfig(text(upRoot)));
      const cert = Buffer.from(/client-certificate-data: (\S+)/.exec(text(tkRoot))![1]!, 'base64');
      const upCert = Buffer.from(/client-certificate-data: (\S+)/.exec(text(upRoot))![1]!, 'base64');
      expect(maskedText('x509', cert), conf).toBe(maskedText('x509', upCert));
      const tmp = path.join(tkRoot, 'client.crt');
      fs.writeFileSync(tmp, cert);
      openssl(['verify', '-CAfile', path.join(tkRoot, pki, 'ca.crt'), tmp]);
      fs.rmSync(tmp);
    }
    // upstream's own check accepts what tskubeadm wrote
    const check = await upstream(tkRoot, ['certs', 'check-expiration', '--config', '/cfg.yaml']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).not.toMatch(/MISSING|<invalid>/);
  });

  it('renew <name>: the same line, only that file pair changes', async () => {
    for (const name of ['apiserver', 'etcd-peer', 'scheduler.conf']) {
      const upRoot = copyTree(root);
      const tkRoot = copyTree(root);
      const before = hashes(root);
      const up = await upstream(upRoot, ['certs', 'renew', name, '--config', '/cfg.yaml']);
      const tk = await ours(tkRoot, ['certs', 'renew', name, '--config', '/cfg.yaml']);
      expect(up.code, up.stderr).toBe(0);
      expect(tk.code, tk.stderr).toBe(0);
      expect(tk.stdout).toBe(up.stdout);
      expect(changed(before, hashes(tkRoot))).toEqual(changed(before, hashes(upRoot)));
    }
  });

  it('external CA (ca.key absent): certificates of that CA are left alone with kubeadm\'s line; the others are renewed as kubeadm does', async () => {
    const base = copyTree(root);
    fs.rmSync(path.join(base, 'etc/kubernetes/pki/ca.key'));
    const upRoot = copyTree(base);
    const tkRoot = copyTree(base);
    const before = hashes(base);
    const up = await upstream(upRoot, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    const tk = await ours(tkRoot, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    expect(up.code, up.stderr).toBe(0);
    expect(tk.code, tk.stderr).toBe(0);
    expect(up.stdout).toContain("Detected external ca, certificate for serving the Kubernetes API can't be renewed");
    expect(tk.stdout).toBe(up.stdout);
    const tkChanged = changed(before, hashes(tkRoot));
    expect(tkChanged).toEqual(changed(before, hashes(upRoot)));
    for (const f of ['etc/kubernetes/pki/apiserver.crt', 'etc/kubernetes/pki/apiserver.key', 'etc/kubernetes/admin.conf']) expect(tkChanged).not.toContain(f);
  });

  it('missing CA key that is not a valid external CA: an error and no file changed (kubeadm fails too)', async () => {
    const base = copyTree(root);
    fs.rmSync(path.join(base, 'etc/kubernetes/pki/ca.key'));
    fs.rmSync(path.join(base, 'etc/kubernetes/pki/apiserver-kubelet-client.key'));
    const upRoot = copyTree(base);
    const tkRoot = copyTree(base);
    const before = hashes(base);
    const up = await upstream(upRoot, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    const tk = await ours(tkRoot, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    expect(up.code).not.toBe(0);
    expect(tk.code).not.toBe(0);
    expect(tk.stderr).toContain('Error checking external CA condition for ca certificate authority');
    expect(tk.stderr).toContain('apiserver-kubelet-client.key');
    expect(changed(before, hashes(tkRoot))).toEqual([]);
    expect(changed(before, hashes(upRoot))).toEqual([]);
  });

  it('a CA key that does not load: nothing is written by tskubeadm (kubeadm would have renewed the certificates before it)', async () => {
    const base = copyTree(root);
    fs.writeFileSync(path.join(base, 'etc/kubernetes/pki/front-proxy-ca.key'), 'not a key\n');
    const before = hashes(base);
    const tk = await ours(base, ['certs', 'renew', 'all', '--config', '/cfg.yaml']);
    expect(tk.code).toBe(1);
    expect(tk.stderr).toContain('failure loading front-proxy-ca certificate authority: failed to load key');
    expect(tk.stdout).toBe('');
    expect(changed(before, hashes(base))).toEqual([]);
  });
});

describe('certs generate-csr, tskubeadm vs kubeadm', () => {
  it('writes the same files with the same modes; OpenSSL verifies every request; subjects and SANs equal kubeadm\'s', async () => {
    expect(fs.existsSync(KUBEADM), `${KUBEADM} (run npm run lab:build)`).toBe(true);
    const mk = () => {
      const r = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-csr-'));
      roots.push(r);
      fs.writeFileSync(path.join(r, 'cfg.yaml'), CONFIG);
      return r;
    };
    const upRoot = mk();
    const tkRoot = mk();
    const args = ['certs', 'generate-csr', '--kubeconfig-dir', '/out', '--cert-dir', '/out/pki'];
    const up = await upstream(upRoot, [...args, '--config', '/cfg.yaml']);
    const tk = await ours(tkRoot, [...args, '--config', path.join(tkRoot, 'cfg.yaml')]);
    expect(up.code, up.stderr).toBe(0);
    expect(tk.code, tk.stderr).toBe(0);
    // kubeadm walks Go maps: the order of its lines varies from run to run; the lines do not
    const lines = (s: string) => s.split('\n').filter(Boolean).sort();
    expect(lines(tk.stdout)).toEqual(lines(up.stdout));
    expect(klogLines(tk.stderr)).toEqual(klogLines(up.stderr));
    expect(tree(tkRoot)).toEqual(tree(upRoot));
    const csrs = tree(upRoot)
      .map((l) => l.split(' ')[0]!)
      .filter((f) => f.endsWith('.csr'));
    expect(csrs.length).toBe(12);
    for (const f of csrs) {
      const pem = fs.readFileSync(path.join(tkRoot, f));
      execFileSync('openssl', ['req', '-noout', '-verify'], { input: pem, stdio: ['pipe', 'pipe', 'pipe'] });
      expect(maskedText('req', pem), f).toBe(maskedText('req', fs.readFileSync(path.join(upRoot, f))));
    }
    for (const f of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) {
      const text = (r: string) => fs.readFileSync(path.join(r, 'out', f), 'utf8');
      expect(maskKubeconfig(text(tkRoot)), f).toBe(maskKubeconfig(text(upRoot)));
      // the key in the kubeconfig file is the one the request was made with
      const key = Buffer.from(/client-key-data: (\S+)/.exec(text(tkRoot))![1]!, 'base64');
      const pubFromKey = openssl(['pkey', '-pubout'], key);
      const pubFromCsr = openssl(['req', '-noout', '-pubkey'], fs.readFileSync(path.join(tkRoot, 'out', `${f}.csr`)));
      expect(pubFromCsr).toBe(pubFromKey);
    }
  });

  it('refuses, writing nothing, when a key or request is already there (kubeadm fails too)', async () => {
    const r = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-csr-'));
    roots.push(r);
    fs.writeFileSync(path.join(r, 'cfg.yaml'), CONFIG);
    fs.mkdirSync(path.join(r, 'out/pki/etcd'), { recursive: true });
    fs.writeFileSync(path.join(r, 'out/pki/etcd/peer.csr'), 'x');
    const before = tree(r);
    const tk = await ours(r, ['certs', 'generate-csr', '--kubeconfig-dir', '/out', '--cert-dir', '/out/pki', '--config', path.join(r, 'cfg.yaml')]);
    expect(tk.code).toBe(1);
    expect(tk.stderr).toContain('file already exists: key or CSR /out/pki/etcd/peer');
    expect(tree(r)).toEqual(before);
    const up = await upstream(copyTree(r), ['certs', 'generate-csr', '--kubeconfig-dir', '/out', '--cert-dir', '/out/pki', '--config', '/cfg.yaml']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain('file already exists: key or CSR /out/pki/etcd/peer');
  });
});
