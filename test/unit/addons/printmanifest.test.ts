// `--print-manifest` output compared with what kubeadm v1.37.2 printed for
// test/unit/kube/fixtures/init-dryrun-config.yaml (advertise 10.0.0.5, pod subnet 10.244.0.0/16).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printCoreDNSManifests, printKubeProxyManifests } from '../../../src/addons/printmanifest.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const networking = { serviceSubnet: '10.96.0.0/12', podSubnet: '10.244.0.0/16', dnsDomain: 'cluster.local' };

describe('--print-manifest', () => {
  it('coredns matches kubeadm byte for byte', () => {
    expect(printCoreDNSManifests({ imageRepository: 'registry.k8s.io', dns: { disabled: false }, networking })).toBe(
      fixture('print-manifest-coredns.txt'),
    );
  });

  it('kube-proxy matches kubeadm byte for byte', () => {
    expect(
      printKubeProxyManifests({
        cluster: { networking, controlPlaneEndpoint: '', imageRepository: 'registry.k8s.io', kubernetesVersion: 'v1.37.2' },
        localAPIEndpoint: { advertiseAddress: '10.0.0.5', bindPort: 6443 },
      }),
    ).toBe(fixture('print-manifest-kube-proxy.txt'));
  });

  it('substitutes the image, DNS domain and DNS address', () => {
    const text = printCoreDNSManifests({
      imageRepository: 'example.io/mirror',
      dns: { disabled: false, imageTag: 'v1.99.0' },
      networking: { serviceSubnet: 'fd00::/108', dnsDomain: 'corp.example' },
    });
    expect(text).toContain('        image: example.io/mirror/coredns:v1.99.0\n');
    expect(text).toContain('        kubernetes corp.example in-addr.arpa ip6.arpa {\n');
    expect(text).toContain('  clusterIP: fd00::a\n');
  });
});
