// golden/quoting: kubeadm v1.37.2 `init phase control-plane apiserver` for golden/quoting/config.yaml
// (external etcd with cert dirs to mount; /etc/pki/ca-trust present on the host; the apiserver's
// extraEnvs carry the awkward strings of values.json, one per variable V000, V001, ...; the config
// asked for "\u0085nel", which kubeadm's YAML reader turned into " nel" before rendering).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

import { renderControlPlanePods, toManifestYaml } from '../../../src/manifests/staticpods.js';
import { defaultInit } from './fixtures.js';

const golden = (p: string) => readFileSync(fileURLToPath(new URL(`./golden/quoting/${p}`, import.meta.url)), 'utf8');

it('scalar quoting, folding and external etcd volumes match go-yaml byte for byte', () => {
  const values = JSON.parse(golden('values.json')) as string[];
  const cfg = defaultInit();
  cfg.cluster.etcd = {
    external: {
      endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
      caFile: '/etc/etcd/pki/ca.crt',
      certFile: '/etc/etcd/pki/client/apiserver.crt',
      keyFile: '/etc/pki/ca-trust/x/apiserver.key',
    },
  };
  cfg.cluster.apiServer.extraEnvs = values.map((value, i) => ({ name: `V${String(i).padStart(3, '0')}`, value }));
  const pod = renderControlPlanePods(cfg, { existingCaCertDirs: ['/etc/pki/ca-trust'] })['kube-apiserver'];
  expect(toManifestYaml(pod)).toBe(golden('kube-apiserver.yaml'));
});
