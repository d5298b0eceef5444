// A kubeconfig file tskubeadm renders, read by upstream kubectl v1.37.2 as the lab builds it. Not
// whatever `kubectl` is on PATH: a distribution's wrapper (e.g. the Cloud SDK's) may contact the server
// in the kubeconfig to pick a version, and the server here is not an address a test may reach.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAll, type PkiResult } from '../../src/pki/certs.js';
import { renderKubeconfig } from '../../src/kubeconfig/kubeconfig.js';
import { makeConfig } from '../unit/pki/fixtures.js';
import { REPO } from '../helpers/cli.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const KUBECTL = join(REPO, '.lab/bin/kubectl');

describe('kubectl reads a rendered admin kubeconfig', () => {
  let pki: PkiResult;
  let dir: string;
  beforeAll(async () => {
    pki = await generateAll(makeConfig({ encryptionAlgorithm: 'ECDSA-P256' }), NOW, undefined, { skipSa: true, clientCerts: ['admin.conf'] });
    dir = mkdtempSync(join(tmpdir(), 'tsk-kc-'));
    const admin = pki.clientCerts.get('admin.conf')!;
    const text = renderKubeconfig({
      clusterName: 'kubernetes',
      server: 'https://192.168.10.5:6443',
      caPem: pki.certs[0]!.certPem!,
      userName: 'kubernetes-admin',
      clientCertPem: admin.certPem,
      clientKeyPem: admin.keyPem,
    });
    writeFileSync(join(dir, 'admin.conf'), text, { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('kubectl reads the file (contexts, cluster, embedded data)', () => {
    expect(existsSync(KUBECTL), `${KUBECTL} is missing: run npm run lab:build`).toBe(true);
    const view = execFileSync(KUBECTL, ['--kubeconfig', join(dir, 'admin.conf'), 'config', 'view', '--raw', '-o', 'json'], { encoding: 'utf8' });
    const j = JSON.parse(view);
    expect(j['current-context']).toBe('kubernetes-admin@kubernetes');
    expect(j.clusters[0].cluster.server).toBe('https://192.168.10.5:6443');
    expect(Buffer.from(j.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(pki.certs[0]!.certPem);
    expect(Buffer.from(j.users[0].user['client-key-data'], 'base64').toString()).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    const ctx = execFileSync(KUBECTL, ['--kubeconfig', join(dir, 'admin.conf'), 'config', 'current-context'], { encoding: 'utf8' });
    expect(ctx.trim()).toBe('kubernetes-admin@kubernetes');
  });
});
