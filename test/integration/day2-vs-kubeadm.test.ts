// Day-2 commands through the CLI, offline: `config images list` against upstream kubeadm run side by
// side on the same input, `token generate`, and the flag checks that refuse bad input before any
// cluster is contacted (exit 3), with upstream's wording where upstream reaches the same check.

import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, errorLines, tmpDir } from '../helpers/cli.js';
import { upstream } from './helpers/upstream.js';

afterAll(cleanupTmp);

const V4 = 'kubeadm.k8s.io/v1beta4';

function configFile(docs: string[]): string {
  const f = path.join(tmpDir('tsk-images-'), 'kubeadm.yaml');
  fs.writeFileSync(f, docs.join('\n---\n'));
  return f;
}

const cluster = (body: string) => `apiVersion: ${V4}\nkind: ClusterConfiguration\n${body}`;

describe('config images list: the same list as upstream kubeadm', () => {
  const cases: [string, string[]][] = [
    ['the pinned version from the flag', ['--kubernetes-version', 'v1.37.2']],
    ['a custom repository from the flag', ['--kubernetes-version', 'v1.37.2', '--image-repository', 'registry.example.test:5000/k8s']],
    ['the oldest supported minor', ['--kubernetes-version', 'v1.36.0']],
    ['a version with build metadata', ['--kubernetes-version', 'v1.37.2+abc.1']],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const ours = await cli(['config', 'images', 'list', ...args]);
      const theirs = upstream(['config', 'images', 'list', ...args]);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(ours.code, ours.stderr).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    });
  }

  const files: [string, string][] = [
    ['external etcd', cluster('kubernetesVersion: v1.37.2\netcd:\n  external:\n    endpoints: ["https://10.0.0.1:2379"]\n    caFile: /a\n    certFile: /b\n    keyFile: /c\n')],
    ['DNS disabled', cluster('kubernetesVersion: v1.37.2\ndns:\n  disabled: true\n')],
    ['kube-proxy disabled', cluster('kubernetesVersion: v1.37.2\nproxy:\n  disabled: true\n')],
    [
      'per-image repositories and tags',
      cluster(
        'kubernetesVersion: v1.36.0\nimageRepository: mirror.test/k8s\ndns:\n  imageRepository: dns.test/coredns\n  imageTag: v1.11.1\netcd:\n  local:\n    imageRepository: etcd.test/etcd\n    imageTag: 3.5.21-0\n',
      ),
    ],
    ['the default repository spelled out, CoreDNS under it', cluster('kubernetesVersion: v1.37.0\nimageRepository: registry.k8s.io\n')],
    ['an InitConfiguration beside the ClusterConfiguration', `apiVersion: ${V4}\nkind: InitConfiguration\nnodeRegistration:\n  name: n1\n---\n` + cluster('kubernetesVersion: v1.37.1\n')],
  ];
  for (const [name, text] of files) {
    it(`--config: ${name}`, async () => {
      const f = configFile([text]);
      for (const fmt of [[], ['-o', 'json'], ['-o', 'yaml'], ['-o', 'kyaml'], ['-o', 'jsonpath={.images[-1]}'], ['-o', 'go-template={{range .images}}{{.}} {{end}}']]) {
        const ours = await cli(['config', 'images', 'list', '--config', f, ...fmt]);
        const theirs = upstream(['config', 'images', 'list', '--config', f, ...fmt]);
        expect(theirs.code, theirs.stderr).toBe(0);
        expect(ours.code, ours.stderr).toBe(0);
        expect(ours.stdout, fmt.join(' ')).toBe(theirs.stdout);
      }
    });
  }

  it('-o json and -o yaml print the output.kubeadm.k8s.io/v1alpha3 Images object as upstream does', async () => {
    for (const fmt of ['json', 'yaml', 'JSON']) {
      const args = ['config', 'images', 'list', '--kubernetes-version', 'v1.37.2', '-o', fmt];
      const ours = await cli(args);
      expect(ours.code, ours.stderr).toBe(0);
      expect(ours.stdout).toBe(upstream(args).stdout);
    }
  });

  it('flags are ignored next to --config, as upstream ignores them', async () => {
    const f = configFile([cluster('kubernetesVersion: v1.37.2\n')]);
    const args = ['config', 'images', 'list', '--config', f, '--image-repository', 'ignored.test'];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).toBe(0);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).not.toContain('ignored.test');
  });

  it('an unknown -o value is refused with the formats upstream lists', async () => {
    const args = ['config', 'images', 'list', '--kubernetes-version', 'v1.37.2', '-o', 'toml'];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(3);
    const want = /unable to match a printer suitable for the output format "toml", allowed formats are: [^\n]*/.exec(theirs.stderr)![0];
    expect(errorLines(ours.stderr).join('\n')).toContain(want);
  });

  const V = ['config', 'images', 'list', '--kubernetes-version', 'v1.37.2'];

  it('every -o format upstream offers prints what upstream prints', async () => {
    const dir = tmpDir('tsk-tmpl-');
    const goFile = path.join(dir, 'images.tmpl');
    fs.writeFileSync(goFile, '{{- range $i, $img := .images}}\n{{$i}}: {{$img | printf "%-50s"}}|\n{{- end}}\n');
    const jpFile = path.join(dir, 'images.jsonpath');
    fs.writeFileSync(jpFile, '{range .images[*]}{@}{"\\n"}{end}');
    const formats = [
      'kyaml',
      'KYaml',
      'jsonpath={.images}',
      'jsonpath={.images[*]}',
      'jsonpath={.images[1:3]}{"\\n"}{.kind}',
      'jsonpath={range .images[*]}- {@}{"\\n"}{end}',
      `jsonpath-file=${jpFile}`,
      'jsonpath-as-json={.images[0]}',
      'jsonpath={.missing}',
      'go-template={{.kind}} {{.apiVersion}} {{len .images}} {{index .images 0}}',
      'go-template={{range .images}}{{if eq . "registry.k8s.io/pause:3.10.2"}}{{.}}{{end}}{{end}}',
      'go-template={{.}}',
      'go-template={{.missing}}',
      `go-template-file=${goFile}`,
      'template={{printf "%q %5.1f %x" .kind 3.14159 255}}',
      `templatefile=${goFile}`,
    ];
    for (const fmt of formats) {
      const args = [...V, '-o', fmt];
      const theirs = upstream(args);
      const ours = await cli(args);
      expect(theirs.code, `${fmt}: ${theirs.stderr}`).toBe(0);
      expect(ours.code, `${fmt}: ${ours.stderr}`).toBe(0);
      expect(ours.stdout, fmt).toBe(theirs.stdout);
    }
  });

  it('a template that fails while printing: the same stdout, error and exit code 1 as upstream', async () => {
    const cases = [
      ['-o', 'go-template={{.images}} {{.missing.x}}', '--allow-missing-template-keys=false'],
      ['-o', 'go-template={{index .images 9}}'],
      ['-o', 'jsonpath={.missing}', '--allow-missing-template-keys=false'],
      ['-o', 'jsonpath={.images[9]}'],
      ['-o', 'jsonpath={.images[?(@>1)]}'],
    ];
    for (const c of cases) {
      const args = [...V, ...c];
      const theirs = upstream(args);
      const ours = await cli(args);
      expect(theirs.code, c.join(' ')).toBe(1);
      expect(ours.code, c.join(' ')).toBe(1);
      expect(ours.stdout, c.join(' ')).toBe(theirs.stdout);
      expect(ours.stderr, c.join(' ')).toBe(theirs.stderr);
    }
  });

  it('a bad template or a missing template file is refused before the configuration is read, with upstream message (exit 3)', async () => {
    const cases = [
      'go-template={{.kind',
      'go-template={{if .kind}}',
      'go-template=line1\n{{nosuch .kind}}',
      'go-template={{.kind | 1}}',
      'jsonpath={.images[}',
      'jsonpath={.images',
      'jsonpath={"unterminated}',
      'jsonpath',
      'go-template=',
      'go-template-file=/nonexistent/images.tmpl',
      'jsonpath-file=/nonexistent/images.jsonpath',
    ];
    for (const fmt of cases) {
      // a version kubeadm refuses: the printer error comes first, in both
      const args = ['config', 'images', 'list', '--kubernetes-version', 'v1.1.0', '-o', fmt];
      const theirs = upstream(args);
      const ours = await cli(args);
      expect(theirs.code, fmt).toBe(1);
      expect(ours.code, fmt).toBe(3);
      expect(ours.stdout).toBe('');
      expect(errorLines(ours.stderr), fmt).toEqual(errorLines(theirs.stderr));
      expect(ours.stderr, fmt).toMatch(/^error: could not construct output printer: /);
    }
  });

  it('a version older than kubeadm supports is refused with upstream reason', async () => {
    const args = ['config', 'images', 'list', '--kubernetes-version', 'v1.35.4'];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(3);
    const want = /this version of kubeadm only supports deploying clusters with the control plane version >= [^\n]*/.exec(theirs.stderr)![0];
    expect(ours.stderr).toContain(want);
  });

  it('a bad --feature-gates value is refused before anything is read', async () => {
    const args = ['config', 'images', 'list', '--kubernetes-version', 'v1.37.2', '--feature-gates', 'NoSuchGate=true'];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(3);
    expect(theirs.stderr).toContain('unrecognized feature-gate key: NoSuchGate');
    expect(ours.stderr).toContain('unrecognized feature-gate key: NoSuchGate');
  });
});

describe('config images pull', () => {
  it('without a runtime at --cri-socket it fails as upstream does, before any pull', async () => {
    const sock = path.join(tmpDir('tsk-cri-'), 'none.sock');
    const args = ['config', 'images', 'pull', '--kubernetes-version', 'v1.37.2', '--cri-socket', `unix://${sock}`];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).toBe(1);
    expect(ours.code).toBe(1);
    expect(ours.stdout).toBe('');
    expect(errorLines(ours.stderr)).toEqual(errorLines(theirs.stderr));
    expect(ours.stderr).toContain(`dial unix ${sock}: connect: no such file or directory`);
  });
});

describe('token generate', () => {
  it('prints one "[a-z0-9]{6}.[a-z0-9]{16}" token per run, like upstream', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const r = await cli(['token', 'generate']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
      seen.add(r.stdout);
    }
    expect(seen.size).toBe(50);
    expect(upstream(['token', 'generate']).stdout).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
  });

  it('takes no arguments', async () => {
    const r = await cli(['token', 'generate', 'extra']);
    expect(r.code).toBe(3);
    expect(upstream(['token', 'generate', 'extra']).code).not.toBe(0);
  });
});

describe('token flags are checked before the cluster is contacted (exit 3)', () => {
  const nokube = ['--kubeconfig', '/nonexistent/admin.conf'];

  it('a malformed [token] gets upstream message', async () => {
    const args = ['token', 'create', 'not-a-token', ...nokube];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(3);
    const want = /the bootstrap token "not-a-token" was not of the form "[^"]+"/.exec(theirs.stderr)![0];
    expect(ours.stderr).toContain(want);
  });

  it('a malformed --ttl names the flag and the value', async () => {
    const args = ['token', 'create', '--ttl', '3days', ...nokube];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(3);
    expect(theirs.stderr).toContain('invalid argument "3days" for "--ttl" flag');
    expect(ours.stderr).toContain('invalid argument "3days" for "--ttl" flag');
  });

  it('--config mixed with token flags is refused with upstream wording', async () => {
    const f = configFile([`apiVersion: ${V4}\nkind: InitConfiguration\n`]);
    const args = ['token', 'create', '--config', f, '--ttl', '1h', '--description', 'x', ...nokube];
    const ours = await cli(args);
    const theirs = upstream(args);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(3);
    expect(theirs.stderr).toContain("can not mix '--config' with arguments [description ttl]");
    expect(ours.stderr).toContain("can not mix '--config' with arguments [description ttl]");
  });

  it('--certificate-key without --print-join-command is refused (upstream: "cannot use --certificate-key without --print-join-command")', async () => {
    const ours = await cli(['token', 'create', '--certificate-key', 'a'.repeat(64), ...nokube]);
    expect(ours.code).toBe(3);
    expect(errorLines(ours.stderr)).toEqual(['error: cannot use --certificate-key without --print-join-command']);
    expect(ours.stdout).toBe('');
  });

  it('bad --usages and --groups are refused, each named, before the kubeconfig is read', async () => {
    const r = await cli(['token', 'create', '--usages', 'foo,authentication', '--groups', 'system:bad', ...nokube]);
    expect(r.code).toBe(3);
    // upstream's validation messages (ValidateUsages, ValidateBootstrapGroupName)
    expect(r.stderr).toContain('invalid bootstrap token usage string: foo, valid usage options: signing,authentication');
    expect(r.stderr).toContain('bootstrap group "system:bad" is invalid (must match \\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\z)');
    expect(r.stderr).not.toContain('/nonexistent');
  });

  it('--print-join-command does not swallow the [token] that follows it', async () => {
    // the token is parsed (and found malformed) rather than read as the flag's value
    const ours = await cli(['token', 'create', '--print-join-command', 'bad', ...nokube]);
    expect(ours.code).toBe(3);
    expect(ours.stderr).toContain('the bootstrap token "bad" was not of the form');
  });

  it('token delete with no argument, or a malformed one, is refused with upstream wording', async () => {
    // upstream loads the kubeconfig (without connecting) before it looks at the arguments
    const kc = path.join(tmpDir('tsk-kc-'), 'admin.conf');
    fs.writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: t\n',
    );
    const none = await cli(['token', 'delete', '--kubeconfig', kc]);
    const upNone = upstream(['token', 'delete', '--kubeconfig', kc]);
    expect(upNone.code).not.toBe(0);
    expect(none.code).toBe(3);
    const wantNone = /missing argument; 'token delete' is missing token of form .*/.exec(upNone.stderr)![0];
    expect(none.stderr).toContain(wantNone);

    const bad = await cli(['token', 'delete', 'abc', '--kubeconfig', kc]);
    const upBad = upstream(['token', 'delete', 'abc', '--kubeconfig', kc]);
    expect(upBad.code).not.toBe(0);
    expect(bad.code).toBe(3);
    const wantBad = /given token didn't match pattern .*/.exec(upBad.stderr)![0];
    expect(bad.stderr).toContain(wantBad);
  });

  it('token list takes no arguments and refuses unknown -o values', async () => {
    expect((await cli(['token', 'list', 'x', ...nokube])).code).toBe(3);
    const r = await cli(['token', 'list', '-o', 'wide', ...nokube]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('unable to match a printer suitable for the output format "wide"');
  });

  it('a missing kubeconfig is an error naming the file', async () => {
    const r = await cli(['token', 'list', ...nokube]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/nonexistent/admin.conf');
  });
});

describe('kubeconfig user', () => {
  it('--client-name is required, as upstream marks it', async () => {
    const ours = await cli(['kubeconfig', 'user']);
    const theirs = upstream(['kubeconfig', 'user']);
    expect(theirs.code).not.toBe(0);
    expect(theirs.stderr).toContain('required flag(s) "client-name" not set');
    expect(ours.code).toBe(3);
    expect(ours.stderr).toContain('required flag(s) "client-name" not set');
  });

  it('without a CA in certificatesDir it fails naming the file, before printing anything', async () => {
    const dir = tmpDir('tsk-kcu-');
    const f = configFile([cluster(`kubernetesVersion: v1.37.2\ncertificatesDir: ${dir}\n`)]);
    const ours = await cli(['kubeconfig', 'user', '--client-name', 'alice', '--config', f]);
    const theirs = upstream(['kubeconfig', 'user', '--client-name', 'alice', '--config', f]);
    expect(theirs.code).not.toBe(0);
    expect(ours.code).toBe(1);
    expect(ours.stdout).toBe('');
    const want = /couldn't create a kubeconfig; the CA files couldn't be loaded: .*/.exec(theirs.stderr)![0];
    expect(ours.stderr).toContain(want);
  });

  it('with a CA upstream made: the token file is byte-equal, the certificate file has the same layout and subject, validity and usages', async () => {
    const dir = tmpDir('tsk-kcu-');
    const pki = path.join(dir, 'pki');
    expect(upstream(['init', 'phase', 'certs', 'ca', '--cert-dir', pki, '--kubernetes-version', 'v1.37.2']).code).toBe(0);
    const f = configFile([
      `apiVersion: ${V4}\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.5\n`,
      cluster(`kubernetesVersion: v1.37.2\ncertificatesDir: ${pki}\nclusterName: kc\ncontrolPlaneEndpoint: cp.example:7443\n`),
    ]);
    const tokenArgs = ['kubeconfig', 'user', '--client-name', 'a', '--token', 'abcdef.0123456789abcdef', '--config', f];
    const ours = await cli(tokenArgs);
    const theirs = upstream(tokenArgs);
    expect(theirs.code).toBe(0);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stderr).toContain('[endpoint] WARNING: port specified in controlPlaneEndpoint overrides bindPort in the controlplane address');

    const certArgs = ['kubeconfig', 'user', '--client-name', 'a', '--org', 'y,x', '--validity-period', '9000h', '--config', f];
    const c = await cli(certArgs);
    const u = upstream(certArgs);
    expect(c.code).toBe(0);
    const blank = (t: string) => t.replace(/client-(certificate|key)-data: \S+/g, 'client-$1-data: X');
    expect(blank(c.stdout)).toBe(blank(u.stdout));
    const warn = 'WARNING: the specified certificate validity period 9000h0m0s is longer than the default duration 8760h0m0s, this may increase security risks.';
    expect(u.stderr).toContain(warn);
    expect(c.stderr).toContain(warn);
    const certOf = (t: string) => new X509Certificate(Buffer.from(/client-certificate-data: (\S+)/.exec(t)![1]!, 'base64'));
    const [mine, ref] = [certOf(c.stdout), certOf(u.stdout)];
    expect(mine.subject).toBe(ref.subject);
    expect(mine.issuer).toBe(ref.issuer);
    expect(mine.validFrom).toBe(ref.validFrom);
    expect(Math.abs(Date.parse(mine.validTo) - Date.parse(ref.validTo))).toBeLessThan(60_000);
    expect(mine.keyUsage).toEqual(ref.keyUsage);
    expect(mine.ca).toBe(false);
    expect(mine.checkIssued(new X509Certificate(fs.readFileSync(path.join(pki, 'ca.crt'))))).toBe(true);
  });
});
