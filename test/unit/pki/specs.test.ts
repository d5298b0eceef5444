import { describe, expect, it } from 'vitest';
import {
  CERT_SPECS,
  CLIENT_CERT_SPECS,
  apiServerAltNames,
  certList,
  etcdAltNames,
  servingCertLine,
} from '../../../src/pki/specs.js';
import { makeConfig } from './fixtures.js';

describe('certificate table', () => {
  it('lists the certificates in kubeadm order with their file names', () => {
    expect(CERT_SPECS.map((s) => [s.name, s.baseName, s.caName ?? null])).toEqual([
      ['ca', 'ca', null],
      ['apiserver', 'apiserver', 'ca'],
      ['apiserver-kubelet-client', 'apiserver-kubelet-client', 'ca'],
      ['front-proxy-ca', 'front-proxy-ca', null],
      ['front-proxy-client', 'front-proxy-client', 'front-proxy-ca'],
      ['etcd-ca', 'etcd/ca', null],
      ['etcd-server', 'etcd/server', 'etcd-ca'],
      ['etcd-peer', 'etcd/peer', 'etcd-ca'],
      ['etcd-healthcheck-client', 'etcd/healthcheck-client', 'etcd-ca'],
      ['apiserver-etcd-client', 'apiserver-etcd-client', 'etcd-ca'],
    ]);
  });

  it('carries the help texts kubeadm shows', () => {
    const long = Object.fromEntries(CERT_SPECS.map((s) => [s.name, s.longName]));
    expect(long.ca).toBe('self-signed Kubernetes CA to provision identities for other Kubernetes components');
    expect(long.apiserver).toBe('certificate for serving the Kubernetes API');
    expect(long['apiserver-kubelet-client']).toBe('certificate for the API server to connect to kubelet');
    expect(long['etcd-healthcheck-client']).toBe('certificate for liveness probes to healthcheck etcd');
    expect(long['apiserver-etcd-client']).toBe('certificate the apiserver uses to access etcd');
  });

  it('names subjects as kubeadm 1.37 does (etcd server/peer CN = node name, no O on leaves)', () => {
    const cfg = makeConfig({ nodeName: 'cp-7' });
    const cn = Object.fromEntries(CERT_SPECS.map((s) => [s.name, [s.commonName(cfg), s.organization.join(',')]]));
    expect(cn).toEqual({
      ca: ['kubernetes', ''],
      apiserver: ['kube-apiserver', ''],
      'apiserver-kubelet-client': ['kube-apiserver-kubelet-client', ''],
      'front-proxy-ca': ['front-proxy-ca', ''],
      'front-proxy-client': ['front-proxy-client', ''],
      'etcd-ca': ['etcd-ca', ''],
      'etcd-server': ['cp-7', ''],
      'etcd-peer': ['cp-7', ''],
      'etcd-healthcheck-client': ['kube-etcd-healthcheck-client', ''],
      'apiserver-etcd-client': ['kube-apiserver-etcd-client', ''],
    });
  });

  it('stops after front-proxy-client with external etcd', () => {
    expect(certList(makeConfig({ externalEtcd: true })).map((s) => s.name)).toEqual([
      'ca',
      'apiserver',
      'apiserver-kubelet-client',
      'front-proxy-ca',
      'front-proxy-client',
    ]);
    expect(certList(makeConfig())).toHaveLength(10);
  });

  it('has the kubeconfig client identities', () => {
    const cfg = makeConfig({ nodeName: 'n1' });
    expect(CLIENT_CERT_SPECS.map((s) => [s.file, s.commonName(cfg), s.organization.join(',')])).toEqual([
      ['admin.conf', 'kubernetes-admin', 'kubeadm:cluster-admins'],
      ['super-admin.conf', 'kubernetes-super-admin', 'system:masters'],
      ['kubelet.conf', 'system:node:n1', 'system:nodes'],
      ['controller-manager.conf', 'system:kube-controller-manager', ''],
      ['scheduler.conf', 'system:kube-scheduler', ''],
    ]);
  });
});

describe('SAN rules', () => {
  it('apiserver defaults: sorted DNS names, VIP then advertise address', () => {
    const alt = apiServerAltNames(makeConfig({ nodeName: 'zeta', advertiseAddress: '192.168.10.5' }));
    expect(alt.dns).toEqual([
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'zeta',
    ]);
    expect(alt.ips).toEqual(['10.96.0.1', '192.168.10.5']);
  });

  it('adds the control-plane endpoint host as DNS or IP and the extra SANs; dedupes; skips junk', () => {
    const alt = apiServerAltNames(
      makeConfig({
        nodeName: 'node1',
        controlPlaneEndpoint: 'LB.example.com:6443'.toLowerCase(),
        certSANs: ['10.0.0.5', '*.apps.example.com', 'node1', '192.168.10.5', 'Not Valid!', '2001:db8::10', 'a.b'],
        serviceSubnet: '10.100.0.0/16',
        dnsDomain: 'corp.local',
      }),
    );
    expect(alt.dns).toEqual([
      '*.apps.example.com',
      'a.b',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.corp.local',
      'lb.example.com',
      'node1',
    ]);
    expect(alt.ips).toEqual(['10.100.0.1', '192.168.10.5', '10.0.0.5', '2001:db8::10']);
    expect(alt.warnings).toEqual([
      "[certificates] WARNING: 'Not Valid!' was not added to the 'apiserver' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry",
    ]);
  });

  it('takes an IP control-plane endpoint as an IP SAN and uses the first service subnet of a dual-stack list', () => {
    const alt = apiServerAltNames(
      makeConfig({ controlPlaneEndpoint: '[fd00::100]:6443', serviceSubnet: 'fd00:10:96::/112,10.96.0.0/12', advertiseAddress: 'fd00::5' }),
    );
    expect(alt.ips).toEqual(['fd00:10:96::1', 'fd00::5', 'fd00::100']);
  });

  it('rejects an advertise address that is not an IP and a bad endpoint', () => {
    expect(() => apiServerAltNames(makeConfig({ advertiseAddress: 'host.example' }))).toThrow(
      /AdvertiseAddress host.example: is not a valid textual representation of an IP address/,
    );
    expect(() => apiServerAltNames(makeConfig({ controlPlaneEndpoint: 'bad_host:6443' }))).toThrow(
      /controlPlaneEndpoint "bad_host:6443"/,
    );
  });

  it('etcd server and peer: node name, localhost, advertise, loopbacks, their own extra SANs', () => {
    const cfg = makeConfig({
      nodeName: 'node1',
      serverCertSANs: ['etcd.example.com', '10.1.1.1'],
      peerCertSANs: ['peer.example.com'],
    });
    expect(etcdAltNames(cfg, 'server')).toEqual({
      dns: ['etcd.example.com', 'localhost', 'node1'],
      ips: ['192.168.10.5', '127.0.0.1', '::1', '10.1.1.1'],
    });
    expect(etcdAltNames(cfg, 'peer')).toEqual({
      dns: ['localhost', 'node1', 'peer.example.com'],
      ips: ['192.168.10.5', '127.0.0.1', '::1'],
    });
  });

  it('formats the serving-cert line like Go prints slices', () => {
    expect(servingCertLine('etcd/server', { dns: ['localhost', 'n'], ips: ['1.2.3.4', '::1'] })).toBe(
      '[certs] etcd/server serving cert is signed for DNS names [localhost n] and IPs [1.2.3.4 ::1]',
    );
  });
});

describe('phase help texts', () => {
  it('short and long texts as kubeadm prints them', async () => {
    const { certPhaseLong, certPhaseShort, certSpec, SA_SPEC } = await import('../../../src/pki/specs.js');
    expect(certPhaseShort(certSpec('etcd-ca'))).toBe('Generate the self-signed CA to provision identities for etcd');
    expect(certPhaseLong(certSpec('apiserver'))).toBe(
      'Generate the certificate for serving the Kubernetes API, and save them into apiserver.crt and apiserver.key files.\n\n' +
        'If both files already exist, kubeadm skips the generation step and existing files will be used.',
    );
    expect(certPhaseLong(certSpec('etcd-peer'))).toBe(
      'Generate the certificate for etcd nodes to communicate with each other, and save them into etcd/peer.crt and etcd/peer.key files.\n\n' +
        'Default SANs are localhost, 127.0.0.1, 127.0.0.1, ::1\n\n' +
        'If both files already exist, kubeadm skips the generation step and existing files will be used.',
    );
    expect(SA_SPEC.long.split('\n')[0]).toBe(
      'Generate the private key for signing service account tokens along with its public key, and save them into sa.key and sa.pub files.',
    );
  });
});
