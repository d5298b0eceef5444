import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAll, type PkiResult } from '../../../src/pki/certs.js';
import {
  checkExistingKubeconfig,
  controlPlaneEndpointURL,
  currentCluster,
  currentUser,
  kubeconfigSpecs,
  localAPIEndpointURL,
  parseKubeconfig,
  renderClusterInfoKubeconfig,
  renderKubeconfig,
  renderKubeProxyKubeconfig,
} from '../../../src/kubeconfig/kubeconfig.js';
import { makeConfig } from '../pki/fixtures.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('renderKubeconfig', () => {
  it('lays the file out like clientcmd.Write (sorted keys, no preferences in client-go 1.37)', () => {
    const out = renderKubeconfig({
      clusterName: 'kubernetes',
      server: 'https://192.168.10.5:6443',
      caPem: 'CA',
      userName: 'kubernetes-admin',
      clientCertPem: 'CERT',
      clientKeyPem: 'KEY',
    });
    expect(out).toBe(
      [
        'apiVersion: v1',
        'clusters:',
        '- cluster:',
        `    certificate-authority-data: ${b64('CA')}`,
        '    server: https://192.168.10.5:6443',
        '  name: kubernetes',
        'contexts:',
        '- context:',
        '    cluster: kubernetes',
        '    user: kubernetes-admin',
        '  name: kubernetes-admin@kubernetes',
        'current-context: kubernetes-admin@kubernetes',
        'kind: Config',
        'users:',
        '- name: kubernetes-admin',
        '  user:',
        `    client-certificate-data: ${b64('CERT')}`,
        `    client-key-data: ${b64('KEY')}`,
        '',
      ].join('\n'),
    );
  });

  it('token users and the cluster-info kubeconfig', () => {
    const tok = renderKubeconfig({ clusterName: 'c', server: 'https://[fd00::1]:6443', caPem: 'X', userName: 'tls-bootstrap-token-user', token: 'abcdef.0123456789abcdef' });
    expect(tok).toContain('- name: tls-bootstrap-token-user\n  user:\n    token: abcdef.0123456789abcdef\n');
    expect(tok).toContain('    server: https://[fd00::1]:6443\n');
    expect(renderClusterInfoKubeconfig('https://10.0.0.1:6443', 'X')).toBe(
      [
        'apiVersion: v1',
        'clusters:',
        '- cluster:',
        `    certificate-authority-data: ${b64('X')}`,
        '    server: https://10.0.0.1:6443',
        '  name: ""',
        'contexts: null',
        'current-context: ""',
        'kind: Config',
        'users: null',
        '',
      ].join('\n'),
    );
  });

  it('the kube-proxy in-pod kubeconfig', () => {
    const t = renderKubeProxyKubeconfig('https://cp.example.com:6443');
    const kc = parseKubeconfig(t);
    expect(currentCluster(kc)).toEqual({
      name: 'default',
      server: 'https://cp.example.com:6443',
      certificateAuthority: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    expect(currentUser(kc)?.tokenFile).toBe('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(kc.contexts[0]!.namespace).toBe('default');
  });
});

describe('parseKubeconfig', () => {
  it('round-trips a rendered file', () => {
    const text = renderKubeconfig({ clusterName: 'k', server: 'https://1.2.3.4:6443', caPem: 'CA\n', userName: 'system:node:n1', clientCertPem: 'C', clientKeyPem: 'K' });
    const kc = parseKubeconfig(text, '/etc/kubernetes/kubelet.conf');
    expect(kc.currentContext).toBe('system:node:n1@k');
    expect(currentCluster(kc).certificateAuthorityData?.toString()).toBe('CA\n');
    const u = currentUser(kc)!;
    expect([u.name, u.clientCertificateData?.toString(), u.clientKeyData?.toString()]).toEqual(['system:node:n1', 'C', 'K']);
  });

  it('errors name the file and the field', () => {
    expect(() => parseKubeconfig('kind: Pod\n', '/etc/kubernetes/admin.conf')).toThrow('/etc/kubernetes/admin.conf: kind: expected "Config", got "Pod"');
    expect(() => parseKubeconfig('clusters: {}\n', '/a.conf')).toThrow('/a.conf: clusters: expected a list');
    expect(() => parseKubeconfig('clusters:\n- name: x\n  cluster:\n    certificate-authority-data: "!!"\n', '/a.conf')).toThrow(
      '/a.conf: clusters[0].cluster.certificate-authority-data: illegal base64 data',
    );
    expect(() => parseKubeconfig('a: [\n', '/b.conf')).toThrow(/^\/b\.conf: invalid YAML/);
  });
});

describe('endpoints and specs', () => {
  it('local endpoint brackets IPv6 and normalizes the address', () => {
    expect(localAPIEndpointURL(makeConfig({ advertiseAddress: 'FD00:0::5', bindPort: 443 }))).toBe('https://[fd00::5]:443');
    expect(() => localAPIEndpointURL(makeConfig({ advertiseAddress: 'nope' }))).toThrow('invalid value `nope` given for api.advertiseAddress');
  });

  it('control-plane endpoint gets bindPort when it has none, and warns when its port differs', () => {
    expect(controlPlaneEndpointURL(makeConfig({ controlPlaneEndpoint: 'lb.example.com' }))).toEqual({ url: 'https://lb.example.com:6443', warnings: [] });
    expect(controlPlaneEndpointURL(makeConfig({ controlPlaneEndpoint: '[fd00::9]:8443' }))).toEqual({
      url: 'https://[fd00::9]:8443',
      warnings: ['[endpoint] WARNING: port specified in controlPlaneEndpoint overrides bindPort in the controlplane address'],
    });
    expect(controlPlaneEndpointURL(makeConfig())).toEqual({ url: 'https://192.168.10.5:6443', warnings: [] });
  });

  it('admin and super-admin use the control-plane endpoint; kubelet, controller-manager and scheduler the local one', () => {
    const { specs } = kubeconfigSpecs(makeConfig({ controlPlaneEndpoint: 'lb.example.com:6443', nodeName: 'n1' }));
    expect(specs.map((s) => [s.file, s.clientName, s.organizations, s.server])).toEqual([
      ['admin.conf', 'kubernetes-admin', ['kubeadm:cluster-admins'], 'https://lb.example.com:6443'],
      ['super-admin.conf', 'kubernetes-super-admin', ['system:masters'], 'https://lb.example.com:6443'],
      ['kubelet.conf', 'system:node:n1', ['system:nodes'], 'https://192.168.10.5:6443'],
      ['controller-manager.conf', 'system:kube-controller-manager', [], 'https://192.168.10.5:6443'],
      ['scheduler.conf', 'system:kube-scheduler', [], 'https://192.168.10.5:6443'],
    ]);
  });
});

describe('with real certificates', () => {
  let pki: PkiResult;
  let other: PkiResult;
  let dir: string;
  let adminText: string;
  const cfg = makeConfig({ encryptionAlgorithm: 'ECDSA-P256' });
  beforeAll(async () => {
    [pki, other] = await Promise.all([
      generateAll(cfg, NOW, undefined, { skipSa: true, clientCerts: ['admin.conf'] }),
      generateAll(cfg, NOW, undefined, { skipSa: true }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'tsk-kc-'));
    const admin = pki.clientCerts.get('admin.conf')!;
    adminText = renderKubeconfig({
      clusterName: 'kubernetes',
      server: 'https://192.168.10.5:6443',
      caPem: pki.certs[0]!.certPem!,
      userName: 'kubernetes-admin',
      clientCertPem: admin.certPem,
      clientKeyPem: admin.keyPem,
    });
    writeFileSync(join(dir, 'admin.conf'), adminText, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the embedded client certificate verifies against the embedded CA with openssl', () => {
    const kc = parseKubeconfig(adminText);
    writeFileSync(join(dir, 'ca.pem'), currentCluster(kc).certificateAuthorityData!);
    writeFileSync(join(dir, 'client.pem'), currentUser(kc)!.clientCertificateData!);
    const out = execFileSync('openssl', ['verify', '-attime', String(NOW.getTime() / 1000), '-CAfile', join(dir, 'ca.pem'), join(dir, 'client.pem')], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${join(dir, 'client.pem')}: OK`);
  });

  it('an existing file with the same CA is kept; a different server only warns', () => {
    const ca = pki.certs[0]!.certPem!;
    expect(checkExistingKubeconfig(adminText, { caPem: ca, server: 'https://192.168.10.5:6443' }, '/etc/kubernetes/admin.conf')).toEqual({ ok: true, warnings: [] });
    const r = checkExistingKubeconfig(adminText, { caPem: ca, server: 'https://lb:6443' }, '/etc/kubernetes/admin.conf');
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      'a kubeconfig file "/etc/kubernetes/admin.conf" exists already but has an unexpected API Server URL: expected: https://lb:6443, got: https://192.168.10.5:6443',
    ]);
  });

  it('an existing file with another CA is an error naming the file', () => {
    const r = checkExistingKubeconfig(adminText, { caPem: other.certs[0]!.certPem!, server: 'https://192.168.10.5:6443' }, '/etc/kubernetes/admin.conf');
    expect(r).toEqual({
      ok: false,
      warnings: [],
      error:
        'a kubeconfig file "/etc/kubernetes/admin.conf" exists but does not contain a trusted CA in its current context\'s cluster. Total CA certificates found: 1',
    });
  });

  it('broken files: missing context, missing cluster, bad CA, CA by file reference', () => {
    const p = '/etc/kubernetes/scheduler.conf';
    const ca = pki.certs[0]!.certPem!;
    const exp = { caPem: ca, server: 'x' };
    expect(checkExistingKubeconfig('current-context: nope\n', exp, p).error).toBe(
      'failed to find CurrentContext in Contexts of the kubeconfig file /etc/kubernetes/scheduler.conf',
    );
    expect(checkExistingKubeconfig('contexts:\n- name: a\n  context: {cluster: c, user: u}\ncurrent-context: a\n', exp, p).error).toBe(
      'failed to find the given CurrentContext Cluster in Clusters of the kubeconfig file /etc/kubernetes/scheduler.conf',
    );
    const bad = renderKubeconfig({ clusterName: 'k', server: 'x', caPem: 'not a cert', userName: 'u' });
    expect(checkExistingKubeconfig(bad, exp, p).error).toBe('the kubeconfig file "/etc/kubernetes/scheduler.conf" contains an invalid CA cert');
    const byFile = [
      'apiVersion: v1',
      'clusters:',
      '- cluster: {server: x, certificate-authority: /etc/kubernetes/pki/ca.crt}',
      '  name: k',
      'contexts:',
      '- context: {cluster: k, user: u}',
      '  name: u@k',
      'current-context: u@k',
      '',
    ].join('\n');
    expect(checkExistingKubeconfig(byFile, exp, p).needsCAFile).toBe('/etc/kubernetes/pki/ca.crt');
    expect(checkExistingKubeconfig(byFile, exp, p, ca).ok).toBe(true);
  });

  it('a parse failure is reported as kubeadm does', () => {
    expect(checkExistingKubeconfig('kind: Secret\n', { caPem: 'x', server: 'y' }, '/etc/kubernetes/admin.conf').error).toBe(
      'failed to load kubeconfig file /etc/kubernetes/admin.conf that already exists on disk: /etc/kubernetes/admin.conf: kind: expected "Config", got "Secret"',
    );
  });
});

describe('buildKubeconfigFile', () => {
  it('signs a client certificate with the CA and embeds it; the server follows the spec', async () => {
    const { buildKubeconfigFile } = await import('../../../src/kubeconfig/files.js');
    const cfg = makeConfig({ encryptionAlgorithm: 'ECDSA-P256', controlPlaneEndpoint: 'lb.example.com', nodeName: 'n9', clusterName: 'prod' });
    const pki = await generateAll(cfg, NOW, undefined, { skipSa: true });
    const built = await buildKubeconfigFile('kubelet.conf', cfg, NOW, pki.signers.ca!);
    const kc = parseKubeconfig(built.text);
    expect(kc.currentContext).toBe('system:node:n9@prod');
    expect(currentCluster(kc).server).toBe('https://192.168.10.5:6443');
    expect(currentUser(kc)!.clientCertificateData!.toString()).toBe(built.clientCert.certPem);
    expect(built.clientCert.cert.organization).toEqual(['system:nodes']);
    const admin = await buildKubeconfigFile('admin.conf', cfg, NOW, pki.signers.ca!);
    expect(currentCluster(parseKubeconfig(admin.text)).server).toBe('https://lb.example.com:6443');
    expect(checkExistingKubeconfig(admin.text, { caPem: pki.certs[0]!.certPem!, server: admin.spec.server }, '/etc/kubernetes/admin.conf').ok).toBe(true);
  });
});
