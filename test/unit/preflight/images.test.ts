import { describe, expect, it } from 'vitest';
import { requiredImages, supportedEtcdVersion, versionToImageTag } from '../../../src/preflight/images.js';
import { clusterConfig, initConfig } from './fixtures.js';

describe('requiredImages', () => {
  it('lists the default control-plane images in kubeadm order', () => {
    expect(requiredImages(clusterConfig())).toEqual([
      'registry.k8s.io/kube-apiserver:v1.37.2',
      'registry.k8s.io/kube-controller-manager:v1.37.2',
      'registry.k8s.io/kube-scheduler:v1.37.2',
      'registry.k8s.io/kube-proxy:v1.37.2',
      'registry.k8s.io/coredns/coredns:v1.14.6',
      'registry.k8s.io/pause:3.10.2',
      'registry.k8s.io/etcd:3.7.0-0',
    ]);
  });

  it('accepts a whole InitConfig', () => {
    expect(requiredImages(initConfig())).toHaveLength(7);
  });

  it('drops kube-proxy, coredns and etcd when disabled or external', () => {
    const c = clusterConfig({
      proxy: { disabled: true },
      dns: { disabled: true },
      etcd: { external: { endpoints: ['https://10.0.0.1:2379'], caFile: '', certFile: '', keyFile: '' } },
    });
    expect(requiredImages(c)).toEqual([
      'registry.k8s.io/kube-apiserver:v1.37.2',
      'registry.k8s.io/kube-controller-manager:v1.37.2',
      'registry.k8s.io/kube-scheduler:v1.37.2',
      'registry.k8s.io/pause:3.10.2',
    ]);
  });

  it('uses a custom repository for everything, with coredns directly under it', () => {
    const c = clusterConfig({ imageRepository: 'my.registry:5000/k8s' });
    expect(requiredImages(c)).toEqual([
      'my.registry:5000/k8s/kube-apiserver:v1.37.2',
      'my.registry:5000/k8s/kube-controller-manager:v1.37.2',
      'my.registry:5000/k8s/kube-scheduler:v1.37.2',
      'my.registry:5000/k8s/kube-proxy:v1.37.2',
      'my.registry:5000/k8s/coredns:v1.14.6',
      'my.registry:5000/k8s/pause:3.10.2',
      'my.registry:5000/k8s/etcd:3.7.0-0',
    ]);
  });

  it('applies dns and etcd overrides; the default repo as a dns override still gets /coredns', () => {
    const c = clusterConfig({
      imageRepository: 'example.com/mirror',
      dns: { disabled: false, imageRepository: 'registry.k8s.io', imageTag: 'v1.12.0' },
      etcd: {
        local: {
          dataDir: '/var/lib/etcd',
          extraArgs: [],
          extraEnvs: [],
          serverCertSANs: [],
          peerCertSANs: [],
          imageRepository: 'quay.io/coreos',
          imageTag: 'v3.6.9',
        },
      },
    });
    const imgs = requiredImages(c);
    expect(imgs).toContain('registry.k8s.io/coredns/coredns:v1.12.0');
    expect(imgs).toContain('quay.io/coreos/etcd:v3.6.9');
    expect(imgs).toContain('example.com/mirror/pause:3.10.2');
  });

  it('turns build metadata into a valid tag and uses the CI repository only for core images', () => {
    const c = clusterConfig({ kubernetesVersion: 'v1.37.3-alpha.0.12+abcdef012345' });
    const imgs = requiredImages(c, { ciImageRepository: 'gcr.io/k8s-staging-ci-images' });
    expect(imgs[0]).toBe('gcr.io/k8s-staging-ci-images/kube-apiserver:v1.37.3-alpha.0.12_abcdef012345');
    expect(imgs[3]).toBe('gcr.io/k8s-staging-ci-images/kube-proxy:v1.37.3-alpha.0.12_abcdef012345');
    expect(imgs[5]).toBe('registry.k8s.io/pause:3.10.2');
    expect(versionToImageTag('v1.2.3+a/b c')).toBe('v1.2.3_a_b_c');
  });

  it('picks the etcd version for the minor, or the nearest one kubeadm knows', () => {
    expect(supportedEtcdVersion('v1.35.0')).toBe('3.7.0-0');
    expect(supportedEtcdVersion('v1.20.0')).toBe('3.7.0-0');
    expect(supportedEtcdVersion('v1.99.0')).toBe('3.7.0-0');
    expect(supportedEtcdVersion('stable')).toBeUndefined();
  });
});
