// Day-2 commands on a cluster `tskubeadm init` made on lab host 1, side by side with upstream kubeadm:
// bootstrap tokens made by either tool are listed and deleted by the other, `token list` prints the
// same in every -o format, the one-line join command matches, a `kubeconfig user` file authenticates
// as its user and RBAC applies to it, and `config images pull` goes through the CRI. One init for the
// whole file. Needs root and the lab.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB_KUBEADM_CONFIG, MIN, hostHasCluster, kubectl, labUp } from '../lab/fixture/labhost.js';
import { kubeadm, onHost, onHostResult, removeCniConfig, tskubeadm } from './helpers/lab.js';

const INIT_ARGS = ['init', '--config', LAB_KUBEADM_CONFIG, '--ignore-preflight-errors=SystemVerification'];
const TOKEN_LINE = /^[a-z0-9]{6}\.[a-z0-9]{16}\n$/;

async function tskReset(): Promise<void> {
  const r = await onHostResult([tskubeadm, 'reset', '--force'], 5 * MIN);
  if (r.code !== 0) throw new Error(`tskubeadm reset failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  await removeCniConfig();
}

async function ok(args: string[]): Promise<string> {
  const r = await onHostResult(args, 3 * MIN);
  if (r.code !== 0) throw new Error(`${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** token IDs of the bootstrap-token Secrets, straight from the API */
async function secretIds(): Promise<string[]> {
  const out = await kubectl('-n', 'kube-system', 'get', 'secrets', '--field-selector', 'type=bootstrap.kubernetes.io/token', '-o', 'jsonpath={.items[*].metadata.name}');
  return out
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => n.replace(/^bootstrap-token-/, ''))
    .sort();
}

/** the TTL column is "now"-relative: mask it (same width in both tools' output) */
const maskTtl = (s: string) => s.replace(/(?<=^[a-z0-9]{6}\.[a-z0-9]{16}\s+)(\d+[smhdy]|<invalid>)/gm, (m) => 'T'.repeat(m.length));

describe('lab: day-2 commands on a tskubeadm cluster', () => {
  let release: (() => void) | undefined;
  let work: string;

  beforeAll(async () => {
    release = await acquireLabLock();
    work = mkdtempSync(join(tmpdir(), 'tsk-day2-'));
    await labUp(1);
    if (await hostHasCluster(1)) await tskReset();
    const r = await onHostResult([tskubeadm, ...INIT_ARGS], 10 * MIN);
    if (r.code !== 0) throw new Error(`tskubeadm init failed:\n${r.stdout}\n${r.stderr}`);
  }, 20 * MIN);

  afterAll(async () => {
    try {
      rmSync(work, { recursive: true, force: true });
      await tskReset().catch(() => undefined);
    } finally {
      release?.();
    }
  }, 5 * MIN);

  it('a token tskubeadm creates is listed and deleted by upstream kubeadm', async () => {
    const tok = await ok([tskubeadm, 'token', 'create', '--ttl', '2h', '--description', 'made by tskubeadm', '--groups', 'system:bootstrappers:day2,system:bootstrappers:other']);
    expect(tok).toMatch(TOKEN_LINE);
    const t = tok.trim();
    const list = await ok([kubeadm, 'token', 'list']);
    const row = list.split('\n').find((l) => l.startsWith(t));
    expect(row).toBeDefined();
    expect(row).toMatch(/^\S+\s+1h\s+\S+Z\s+authentication,signing\s+made by tskubeadm\s+system:bootstrappers:day2,system:bootstrappers:other$/);
    expect(await ok([kubeadm, 'token', 'delete', t])).toBe(`bootstrap token "${t.slice(0, 6)}" deleted\n`);
    expect(await secretIds()).not.toContain(t.slice(0, 6));
  }, 5 * MIN);

  it('a token upstream kubeadm creates is listed and deleted by tskubeadm (by ID)', async () => {
    const t = 'upstrm.0123456789abcdef';
    expect(await ok([kubeadm, 'token', 'create', t, '--ttl', '0'])).toBe(`${t}\n`);
    const list = await ok([tskubeadm, 'token', 'list']);
    expect(list).toMatch(new RegExp(`^${t.replace('.', '\\.')}\\s+<forever>\\s+<never>\\s+authentication,signing\\s+<none>\\s+system:bootstrappers:kubeadm:default-node-token$`, 'm'));
    expect(await ok([tskubeadm, 'token', 'delete', 'upstrm'])).toBe('bootstrap token "upstrm" deleted\n');
    expect(await secretIds()).not.toContain('upstrm');
    // a second delete fails, naming the token, as upstream's does
    const again = await onHostResult([tskubeadm, 'token', 'delete', t]);
    const upAgain = await onHostResult([kubeadm, 'token', 'delete', t]);
    expect(upAgain.code).not.toBe(0);
    expect(again.code).toBe(1);
    expect(upAgain.stderr).toContain('failed to delete bootstrap token "upstrm": secrets "bootstrap-token-upstrm" not found');
    expect(again.stderr).toContain('failed to delete bootstrap token "upstrm": secrets "bootstrap-token-upstrm" not found');
  }, 5 * MIN);

  it('token list prints what upstream prints: text (TTL masked) and every -o format, one object per token', async () => {
    await ok([tskubeadm, 'token', 'create', 'aaaaaa.0123456789abcdef', '--ttl', '30m', '--description', 'short <&> lived']);
    await ok([kubeadm, 'token', 'create', 'bbbbbb.0123456789abcdef', '--ttl', '0', '--description', 'a description that is much longer than the fifty-six characters column']);
    await ok([tskubeadm, 'token', 'create', 'cccccc.0123456789abcdef', '--usages', 'authentication', '--groups', 'system:bootstrappers:x']);
    const text = await ok([tskubeadm, 'token', 'list']);
    const upText = await ok([kubeadm, 'token', 'list']);
    expect(text.split('\n').length).toBeGreaterThanOrEqual(5);
    expect(maskTtl(text)).toBe(maskTtl(upText));
    const formats = [
      'json',
      'yaml',
      'kyaml',
      'jsonpath={.token}{"\\t"}{.description}{"\\n"}',
      'jsonpath-as-json={.groups}',
      'go-template={{.token}} {{.expires}} {{range .usages}}{{.}},{{end}} {{len .groups}}{{"\\n"}}',
      'go-template={{.token}} {{.description | printf "%q"}}{{"\\n"}}',
    ];
    for (const fmt of formats) {
      const ours = await onHostResult([tskubeadm, 'token', 'list', '-o', fmt]);
      const theirs = await onHostResult([kubeadm, 'token', 'list', '-o', fmt]);
      expect(theirs.code, `${fmt}: ${theirs.stderr}`).toBe(0);
      expect(ours.code, `${fmt}: ${ours.stderr}`).toBe(0);
      expect(ours.stdout, fmt).toBe(theirs.stdout);
    }
    // a {range}: upstream's template starts inside the range for the second token and fails there;
    // tskubeadm prints every token the way upstream prints the first
    const ranged = ['token', 'list', '-o', 'jsonpath={range .usages[*]}{@},{end}|{.token}{"\\n"}'];
    const upRanged = await onHostResult([kubeadm, ...ranged]);
    const tkRanged = await onHostResult([tskubeadm, ...ranged]);
    expect(upRanged.code).toBe(1);
    expect(upRanged.stderr).toContain('not in range, nothing to end');
    expect(tkRanged.code, tkRanged.stderr).toBe(0);
    const lines = tkRanged.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBe((await secretIds()).length);
    expect(tkRanged.stdout.startsWith(upRanged.stdout)).toBe(true);
    expect(lines).toContain('authentication,|cccccc.0123456789abcdef');
    // a key one token lacks (bbbbbb never expires): the tokens before it are printed, then the error (the debugging text on stdout)
    const missing = ['token', 'list', '-o', 'go-template={{.token}} {{.expires}}{{"\\n"}}', '--allow-missing-template-keys=false'];
    const ours = await onHostResult([tskubeadm, ...missing]);
    const theirs = await onHostResult([kubeadm, ...missing]);
    expect(theirs.code).toBe(1);
    expect(ours.code).toBe(1);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stderr).toBe(theirs.stderr);
    // several IDs and whole tokens in one delete
    expect(await ok([tskubeadm, 'token', 'delete', 'aaaaaa', 'bbbbbb.0123456789abcdef', 'cccccc'])).toBe(
      'bootstrap token "aaaaaa" deleted\nbootstrap token "bbbbbb" deleted\nbootstrap token "cccccc" deleted\n',
    );
  }, 5 * MIN);

  it('--print-join-command prints the one-line join command upstream prints, as tskubeadm join', async () => {
    const ours = await ok([tskubeadm, 'token', 'create', 'dddddd.0123456789abcdef', '--print-join-command']);
    const theirs = await ok([kubeadm, 'token', 'create', 'eeeeee.0123456789abcdef', '--print-join-command']);
    expect(theirs).toMatch(/^kubeadm join 10\.231\.0\.11:6443 --token eeeeee\.0123456789abcdef --discovery-token-ca-cert-hash sha256:[0-9a-f]{64} \n$/);
    expect(ours).toBe(theirs.replace(/^kubeadm/, 'tskubeadm').replace('eeeeee', 'dddddd'));
    const key = 'f'.repeat(64);
    const oursCp = await ok([tskubeadm, 'token', 'create', 'ffffff.0123456789abcdef', '--print-join-command', '--certificate-key', key]);
    const theirsCp = await ok([kubeadm, 'token', 'create', 'gggggg.0123456789abcdef', '--print-join-command', '--certificate-key', key]);
    expect(theirsCp).toContain(`--control-plane --certificate-key ${key}`);
    expect(oursCp).toBe(theirsCp.replace(/^kubeadm/, 'tskubeadm').replace('gggggg', 'ffffff'));
    // the pin is the CA's, as `kubeadm init` printed it
    await ok([tskubeadm, 'token', 'delete', 'dddddd', 'eeeeee', 'ffffff', 'gggggg']);
  }, 5 * MIN);

  it('--dry-run creates and deletes nothing, and says what it would do', async () => {
    const before = await secretIds();
    const c = await ok([tskubeadm, 'token', 'create', '--dry-run', 'hhhhhh.0123456789abcdef']);
    expect(c).toContain('[dryrun] Would perform action CREATE on resource "secrets" in API group "core/v1"');
    expect(c).toMatch(/hhhhhh\.0123456789abcdef\n$/);
    const d = await ok([tskubeadm, 'token', 'delete', '--dry-run', before[0]!]);
    expect(d).toContain('[dryrun] Would perform action DELETE on resource "secrets" in API group "core/v1"');
    expect(d).toContain(`bootstrap token "${before[0]}" deleted`);
    expect(await secretIds()).toEqual(before);
  }, 5 * MIN);

  it('--rootfs: the kubeconfig is read under the given root', async () => {
    const root = (await onHost(['mktemp', '-d'])).trim();
    try {
      await onHost(['sh', '-c', `mkdir -p ${root}/etc/kubernetes && cp /etc/kubernetes/admin.conf ${root}/etc/kubernetes/`]);
      const viaRoot = await ok([tskubeadm, 'token', 'list', '-o', 'json', '--rootfs', root]);
      expect(viaRoot).toBe(await ok([tskubeadm, 'token', 'list', '-o', 'json']));
      const missing = await onHostResult([tskubeadm, 'token', 'list', '--rootfs', `${root}/etc`]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('/etc/kubernetes/admin.conf');
    } finally {
      await onHost(['rm', '-rf', root]);
    }
  }, 3 * MIN);

  it('kubeconfig user: the file authenticates as the user with its groups, and RBAC applies', async () => {
    const text = await ok([tskubeadm, 'kubeconfig', 'user', '--client-name', 'alice', '--org', 'devs,qa', '--validity-period', '2h', '--config', LAB_KUBEADM_CONFIG]);
    const upText = await ok([kubeadm, 'kubeconfig', 'user', '--client-name', 'alice', '--org', 'devs,qa', '--validity-period', '2h', '--config', LAB_KUBEADM_CONFIG]);
    // same layout as upstream's apart from the fresh key and certificate (and the trailing blank line)
    const blank = (s: string) => s.replace(/client-(certificate|key)-data: \S+/g, 'client-$1-data: X');
    expect(blank(text)).toBe(blank(upText));
    const kc = loadYaml(text) as { users: { user: Record<string, string> }[]; contexts: { name: string }[] };
    expect(kc.contexts[0]!.name).toBe('alice@tsklab');
    const cert = new X509Certificate(Buffer.from(kc.users[0]!.user['client-certificate-data']!, 'base64'));
    const upCert = new X509Certificate(Buffer.from((loadYaml(upText) as typeof kc).users[0]!.user['client-certificate-data']!, 'base64'));
    expect(cert.subject).toBe(upCert.subject);
    expect(cert.subject).toMatch(/^O=(qa \+ O=devs|devs \+ O=qa)\nCN=alice$/);
    const left = Date.parse(cert.validTo) - Date.now();
    expect(left).toBeGreaterThan(110 * 60_000);
    expect(left).toBeLessThan(121 * 60_000);

    const file = join(work, 'alice.conf');
    writeFileSync(file, text, { mode: 0o600 });
    const who = await onHost(['kubectl', '--kubeconfig', file, 'auth', 'whoami', '-o', 'json']);
    const info = JSON.parse(who) as { status: { userInfo: { username: string; groups: string[] } } };
    expect(info.status.userInfo.username).toBe('alice');
    expect(info.status.userInfo.groups).toEqual(expect.arrayContaining(['devs', 'qa', 'system:authenticated']));
    const denied = await onHostResult(['kubectl', '--kubeconfig', file, 'get', 'configmaps', '-n', 'kube-system']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('User "alice" cannot list resource "configmaps"');
    await kubectl('create', 'rolebinding', 'day2-devs-view', '--clusterrole=view', '--group=devs', '-n', 'kube-system');
    try {
      const allowed = await onHostResult(['kubectl', '--kubeconfig', file, 'get', 'configmaps', '-n', 'kube-system', '-o', 'name']);
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(allowed.stdout).toContain('configmap/kubeadm-config');
    } finally {
      await kubectl('delete', 'rolebinding', 'day2-devs-view', '-n', 'kube-system');
    }
  }, 5 * MIN);

  it('kubeconfig user --token: the file authenticates with that bootstrap token', async () => {
    const t = (await ok([tskubeadm, 'token', 'create', '--ttl', '10m'])).trim();
    try {
      const text = await ok([tskubeadm, 'kubeconfig', 'user', '--client-name', 'bob', '--token', t, '--config', LAB_KUBEADM_CONFIG]);
      const upText = await ok([kubeadm, 'kubeconfig', 'user', '--client-name', 'bob', '--token', t, '--config', LAB_KUBEADM_CONFIG]);
      expect(text).toBe(upText);
      const file = join(work, 'bob.conf');
      writeFileSync(file, text, { mode: 0o600 });
      const who = JSON.parse(await onHost(['kubectl', '--kubeconfig', file, 'auth', 'whoami', '-o', 'json'])) as {
        status: { userInfo: { username: string; groups: string[] } };
      };
      expect(who.status.userInfo.username).toBe(`system:bootstrap:${t.slice(0, 6)}`);
      expect(who.status.userInfo.groups).toContain('system:bootstrappers:kubeadm:default-node-token');
    } finally {
      await ok([tskubeadm, 'token', 'delete', t]);
    }
  }, 5 * MIN);

  it('config images pull goes through the CRI for every image whatever the pull policy, as upstream (no registry: both fail at the first image)', async () => {
    const never = join(work, 'never.yaml');
    writeFileSync(
      never,
      'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  criSocket: unix:///run/containerd/containerd.sock\n  imagePullPolicy: Never\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.2\n',
    );
    for (const cfg of [LAB_KUBEADM_CONFIG, never]) {
      const ours = await onHostResult([tskubeadm, 'config', 'images', 'pull', '--config', cfg], 5 * MIN);
      const theirs = await onHostResult([kubeadm, 'config', 'images', 'pull', '--config', cfg], 5 * MIN);
      expect(theirs.code).not.toBe(0);
      expect(ours.code).toBe(1);
      // the image is present (lab:up imported it), yet both ask the runtime to pull it
      await onHost(['crictl', '--runtime-endpoint', 'unix:///run/containerd/containerd.sock', 'inspecti', 'registry.k8s.io/kube-apiserver:v1.37.2']);
      const first = 'failed to pull image "registry.k8s.io/kube-apiserver:v1.37.2": failed to pull image registry.k8s.io/kube-apiserver:v1.37.2';
      expect(theirs.stderr).toContain(first);
      expect(ours.stderr).toContain(first);
      expect(ours.stdout).not.toContain('[config/images] Pulled');
      // the runtime's own reason (no name server for the registry) comes through, worded as upstream's
      // last line (upstream also logs each failed attempt through klog)
      const errorLine = (s: string) => s.split('\n').find((l) => l.startsWith('error: '))?.replace(/:\d+->/g, ':PORT->');
      expect(errorLine(ours.stderr)).toBe(errorLine(theirs.stderr));
      expect(ours.stderr).toContain('failed to resolve image');
    }
    const noCri = await onHostResult([tskubeadm, 'config', 'images', 'pull', '--kubernetes-version', 'v1.37.2', '--cri-socket', 'unix:///run/nonexistent.sock']);
    const upNoCri = await onHostResult([kubeadm, 'config', 'images', 'pull', '--kubernetes-version', 'v1.37.2', '--cri-socket', 'unix:///run/nonexistent.sock']);
    expect(upNoCri.code).not.toBe(0);
    expect(noCri.code).toBe(1);
    expect(noCri.stderr).toContain('/run/nonexistent.sock');
    expect(upNoCri.stderr).toContain('/run/nonexistent.sock');
  }, 12 * MIN);
});
