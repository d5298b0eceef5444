// The fast control-plane fixture: real etcd + real kube-apiserver on loopback, with a kubeadm PKI.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generatePki,
  labBinary,
  startControlPlane,
  type ControlPlane,
} from '../lab/fixture/controlplane.js';

const run = promisify(execFile);

function get(cp: ControlPlane, path: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request(
      `${cp.server}${path}`,
      { ca: cp.caPem, cert: cp.clientCertPem, key: cp.clientKeyPem },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      },
    );
    req.on('error', rej);
    req.end();
  });
}

describe('lab control-plane fixture', () => {
  let dir: string;
  let cp: ControlPlane;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsk-fixture-'));
    await generatePki(join(dir, 'pki'));
    cp = await startControlPlane({ pkiDir: join(dir, 'pki'), workDir: join(dir, 'work') });
  });

  afterAll(async () => {
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a real apiserver on loopback in under 20 s', () => {
    expect(cp.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    console.log(`control plane ready in ${cp.startupMs} ms at ${cp.server}`);
    expect(cp.startupMs).toBeLessThan(20_000);
  });

  it('answers /readyz and /version with the pinned release', async () => {
    const ready = await get(cp, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toBe('ok');
    const version = JSON.parse((await get(cp, '/version')).body) as { gitVersion: string };
    const { KUBERNETES_VERSION } = await import('../../src/versions.js');
    expect(version.gitVersion).toBe(KUBERNETES_VERSION);
  });

  it('serves kubectl with the admin kubeconfig', async () => {
    const kubectl = labBinary('kubectl');
    const { stdout } = await run(kubectl, ['--kubeconfig', cp.adminKubeconfig, 'version', '-o', 'json']);
    const v = JSON.parse(stdout) as { serverVersion: { gitVersion: string } };
    expect(v.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    const ns = await run(kubectl, ['--kubeconfig', cp.adminKubeconfig, 'get', 'namespaces', '-o', 'name']);
    expect(ns.stdout).toContain('namespace/kube-system');
  });

  it('stop() shuts everything down', async () => {
    await cp.stop();
    await expect(get(cp, '/readyz')).rejects.toThrow();
    await cp.stop(); // idempotent
  });
});
