// `tskubeadm join` before it talks to a cluster: its phase tree, flag rules and the refusals that
// come before discovery (nothing is written on the host).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, snapshot, tmpDir } from '../../helpers/cli.js';

afterAll(cleanupTmp);

const PIN = `sha256:${'ab'.repeat(32)}`;

describe('tskubeadm join: input refused before discovery', () => {
  it('no CA hash and no unsafe flag: refused as kubeadm refuses it, exit 3, nothing written', async () => {
    const root = tmpDir();
    const before = snapshot(root);
    const r = await cli(['join', '10.233.0.1:6443', '--token', 'abcdef.0123456789abcdef', '--rootfs', root]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('caCertHashes');
    expect(r.stderr).toContain('--discovery-token-unsafe-skip-ca-verification');
    expect(snapshot(root)).toEqual(before);
  });

  it('more than one endpoint: a usage error naming the count', async () => {
    const r = await cli(['join', 'a:6443', 'b:6443', '--token', 'abcdef.0123456789abcdef', '--discovery-token-ca-cert-hash', PIN]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('accepts at most 1 arg(s), received 2');
  });

  it('a malformed token: names the field, exit 3', async () => {
    const r = await cli(['join', '10.233.0.1:6443', '--token', 'not-a-token', '--discovery-token-ca-cert-hash', PIN]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/token/);
  });

  it('a phase without discovery flags needs this node\'s admin.conf, as in kubeadm', async () => {
    const root = tmpDir();
    const r = await cli(['join', 'phase', 'control-plane-join', 'mark-control-plane', '--rootfs', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("File /etc/kubernetes/admin.conf does not exists. Please use 'kubeadm join phase control-plane-prepare' subcommands to generate it.");
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('--skip-phases with an unknown name is refused before any work', async () => {
    const r = await cli(['join', '10.233.0.1:6443', '--token', 'abcdef.0123456789abcdef', '--discovery-token-ca-cert-hash', PIN, '--skip-phases', 'nope']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('invalid phase name: nope');
  });

  it('an unreadable --config names the file', async () => {
    const r = await cli(['join', '--config', path.join(tmpDir(), 'missing.yaml')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('missing.yaml');
  });
});
