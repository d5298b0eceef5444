import { describe, expect, test } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { loadInitConfig, loadJoinConfig, loadResetConfig, validateConfigFile } from '../../../src/config/index.js';
import { INVALID_CASES } from './invalid-cases.js';

const dynamic = {
  hostname: () => 'host1',
  defaultAddress: async () => '192.168.0.10',
  generateToken: () => 'abcdef.0123456789abcdef',
};

async function loadAny(text: string): Promise<unknown> {
  const base = { text, fileName: 'bad.yaml', flags: {}, flagsSet: ['config'], dynamic, strict: true };
  if (/kind: JoinConfiguration/.test(text)) return loadJoinConfig(base);
  if (/kind: ResetConfiguration/.test(text)) return loadResetConfig(base);
  return loadInitConfig(base);
}

describe('invalid configurations', () => {
  test('there are at least 30 cases', () => {
    expect(INVALID_CASES.length).toBeGreaterThanOrEqual(30);
  });
  for (const c of INVALID_CASES) {
    test(`${c.name}: validateConfigFile names ${c.path}`, () => {
      const res = validateConfigFile(c.text, 'bad.yaml', { hostname: () => 'host1', defaultAddress: '192.168.0.10' });
      const hit = res.problems.find((p) => p.path === c.path);
      expect(hit, JSON.stringify(res.problems)).toBeDefined();
      if (c.contains) expect(hit!.message).toContain(c.contains);
      expect(hit!.file).toBe('bad.yaml');
      expect(hit!.line).toBeGreaterThan(0);
    });
    test(`${c.name}: the loader rejects it with a ValidationError`, async () => {
      const err = await loadAny(c.text).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).exitCode).toBe(3);
      expect((err as ValidationError).problems.map((p) => p.path)).toContain(c.path);
    });
  }
});

describe('problem collection and positions', () => {
  test('every problem in a file is reported, not just the first', () => {
    const text = [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: ClusterConfiguration',
      'networking:',
      '  serviceSubnet: 10.96.0.0/33',
      '  podSubnet: 10.244.0.0/25',
      '  bogus: 1',
      'certificatesDir: relative/pki',
      'encryptionAlgorithm: DSA',
    ].join('\n');
    const res = validateConfigFile(text, 'c.yaml', { hostname: () => 'h', defaultAddress: '10.0.0.2' });
    const byPath = new Map(res.problems.map((p) => [p.path, p.line]));
    // lines are 1-based and point at the offending key
    expect(byPath.get('ClusterConfiguration.networking.serviceSubnet')).toBe(4);
    expect(byPath.get('ClusterConfiguration.networking.podSubnet')).toBe(5);
    expect(byPath.get('ClusterConfiguration.networking.bogus')).toBe(6);
    expect(byPath.get('ClusterConfiguration.certificatesDir')).toBe(7);
    expect(byPath.get('ClusterConfiguration.encryptionAlgorithm')).toBe(8);
  });

  test('lines count across documents, and list items get their own line', () => {
    const text = [
      'apiVersion: kubeadm.k8s.io/v1beta4', // 1
      'kind: ClusterConfiguration', // 2
      '---', // 3
      'apiVersion: kubeadm.k8s.io/v1beta4', // 4
      'kind: InitConfiguration', // 5
      'bootstrapTokens:', // 6
      '- token: abcdef.0123456789abcdef', // 7
      '- token: abcdef.0123456789abcdef', // 8
      '  usages: [nope]', // 9
    ].join('\n');
    const res = validateConfigFile(text, 'x.yaml', { hostname: () => 'h', defaultAddress: '10.0.0.2' });
    const p = res.problems.find((x) => x.path === 'InitConfiguration.bootstrapTokens[1].usages');
    expect(p?.line).toBe(9);
  });

  test('a YAML syntax error reports its line', () => {
    const res = validateConfigFile('apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nfoo: [\n', 'y.yaml');
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0]!.message).toMatch(/invalid YAML/);
    expect(res.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  test('missing kind, missing apiVersion, duplicated kind, unknown kind', () => {
    const text = [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: ClusterConfiguration',
      '---',
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: ClusterConfiguration',
      '---',
      'kind: InitConfiguration',
      '---',
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'foo: bar',
      '---',
      'apiVersion: example.com/v1',
      'kind: Widget',
    ].join('\n');
    const res = validateConfigFile(text, 'd.yaml');
    const msgs = res.problems.map((p) => `${p.line}:${p.message}`);
    expect(msgs.some((m) => m.startsWith('5:') && m.includes('specified twice'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('7:') && m.includes('apiVersion'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('9:') && m.includes('kind'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('13:') && m.includes('Widget'))).toBe(true);
  });

  test('removed API versions are rejected with the migration hint', () => {
    const res = validateConfigFile('apiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n', 'o.yaml');
    expect(res.problems[0]!.message).toContain('old API spec');
    expect(res.problems[0]!.message).toContain('v1.22');
  });

  test('while loading for init, unknown fields and foreign documents are only warnings (as upstream)', async () => {
    const text = [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: ClusterConfiguration',
      'networking:',
      '  bogus: 1',
      '---',
      'apiVersion: example.com/v1',
      'kind: Widget',
    ].join('\n');
    const cfg = await loadInitConfig({ text, fileName: 'w.yaml', flags: {}, flagsSet: ['config'], dynamic });
    expect(cfg.warnings.some((w) => w.includes('unknown field "networking.bogus"'))).toBe(true);
    expect(cfg.warnings.some((w) => w.includes('Ignored configuration document') && w.includes('Widget'))).toBe(true);
    expect(cfg.cluster.networking.serviceSubnet).toBe('10.96.0.0/12');
  });
});
