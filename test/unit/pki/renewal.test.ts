// The renewal manager on in-memory files: kubeconfig files keep their other fields, a CA key that
// belongs to another certificate is refused, missing files are reported, and the handler list is kubeadm's.
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { generateAll, parseCertificatePem } from '../../../src/pki/index.js';
import { buildKubeconfigFile } from '../../../src/kubeconfig/files.js';
import { caHandlers, expirationInfo, renderRenewal, renewHandlers, type PkiSnapshot } from '../../../src/pki/renewal.js';
import { makeConfig } from './fixtures.js';

const now = new Date('2026-06-01T10:00:00Z');

async function snapshot(): Promise<PkiSnapshot> {
  const cfg = makeConfig({ encryptionAlgorithm: 'ECDSA-P256' });
  const pki = await generateAll(cfg, now);
  const files = new Map(pki.files.map((f) => [f.path, Buffer.from(f.data)]));
  const admin = await buildKubeconfigFile('admin.conf', cfg, now, pki.signers.ca!);
  return { certDir: '/etc/kubernetes/pki', kubeDir: '/etc/kubernetes', pki: files, kubeconfigs: new Map([['admin.conf', Buffer.from(admin.text)]]) };
}

describe('renewal manager', () => {
  it('lists kubeadm\'s renewal targets and CAs, sorted by name; no etcd ones with external etcd', () => {
    // the subcommands of `kubeadm certs renew` (kubeadm certs renew --help, v1.37.2)
    expect(renewHandlers(false).map((h) => h.name)).toEqual([
      'admin.conf',
      'apiserver',
      'apiserver-etcd-client',
      'apiserver-kubelet-client',
      'controller-manager.conf',
      'etcd-healthcheck-client',
      'etcd-peer',
      'etcd-server',
      'front-proxy-client',
      'scheduler.conf',
      'super-admin.conf',
    ]);
    expect(renewHandlers(true).map((h) => h.name)).not.toContain('etcd-server');
    expect(caHandlers(false).map((h) => h.name)).toEqual(['ca', 'etcd-ca', 'front-proxy-ca']);
    expect(caHandlers(true).map((h) => h.name)).toEqual(['ca', 'front-proxy-ca']);
  });

  it('a renewed kubeconfig keeps its other fields and gets the new certificate, its key and the CA on disk', async () => {
    const snap = await snapshot();
    const doc = loadYaml(snap.kubeconfigs.get('admin.conf')!.toString()) as Record<string, any>;
    doc.contexts[0].context.namespace = 'team-a';
    doc.clusters.push({ name: 'other', cluster: { server: 'https://other.example:6443', 'insecure-skip-tls-verify': true } });
    doc.users[0].user.exec = { apiVersion: 'client.authentication.k8s.io/v1', command: 'helper' };
    doc.preferences = { colors: true };
    (snap.kubeconfigs as Map<string, Buffer>).set('admin.conf', Buffer.from(JSON.stringify(doc)));
    const handler = renewHandlers(false).find((h) => h.name === 'admin.conf')!;
    const out = await renderRenewal(handler, snap, { cluster: { encryptionAlgorithm: 'ECDSA-P256', certificateValidityPeriod: '48h0m0s' }, now, warnings: new Set() });
    expect(out.status).toBe('renewed');
    if (out.status !== 'renewed') return;
    expect(out.writes.map((w) => [w.path, w.mode])).toEqual([['/etc/kubernetes/admin.conf', 0o600]]);
    const after = loadYaml(out.writes[0]!.data) as Record<string, any>;
    expect(after.contexts[0].context.namespace).toBe('team-a');
    expect(after.clusters.map((c: { name: string }) => c.name)).toEqual(['kubernetes', 'other']);
    expect(after.clusters[1].cluster).toEqual({ server: 'https://other.example:6443', 'insecure-skip-tls-verify': true });
    expect(after.users[0].user.exec.command).toBe('helper');
    expect(after.preferences).toEqual({ colors: true });
    const cert = parseCertificatePem(Buffer.from(after.users[0].user['client-certificate-data'], 'base64'));
    expect(cert.subject).toBe('CN=kubernetes-admin,O=kubeadm:cluster-admins');
    expect(cert.notAfter.getTime() - now.getTime()).toBe(48 * 3600_000);
    expect(cert.notBefore.getTime()).toBe(now.getTime() - 5 * 60_000);
    expect(Buffer.from(after.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(snap.pki.get('ca.crt')!.toString());
    expect(after.users[0].user['client-key-data']).not.toBe(doc.users[0].user['client-key-data']);
  });

  it('refuses a CA key that belongs to another certificate', async () => {
    const snap = await snapshot();
    (snap.pki as Map<string, Buffer>).set('ca.key', snap.pki.get('front-proxy-ca.key')!);
    // ca.key present: not an external CA, so the key is loaded and must match
    const h = renewHandlers(false).find((x) => x.name === 'apiserver')!;
    await expect(renderRenewal(h, snap, { cluster: { encryptionAlgorithm: 'ECDSA-P256', certificateValidityPeriod: '' }, now, warnings: new Set() })).rejects.toThrow(
      /does not belong to the certificate \/etc\/kubernetes\/pki\/ca\.crt/,
    );
  });

  it('reports missing certificates and CAs', async () => {
    const snap = await snapshot();
    (snap.pki as Map<string, Buffer>).delete('etcd/peer.crt');
    const info = expirationInfo(snap, false, now);
    expect(info.certificates.find((c) => c.name === 'etcd-peer')).toMatchObject({ missing: true });
    expect(info.certificates.find((c) => c.name === 'super-admin.conf')).toMatchObject({ missing: true });
    expect(info.certificates.find((c) => c.name === 'apiserver')).toMatchObject({ missing: false, caName: 'ca', externallyManaged: false });
  });
});
