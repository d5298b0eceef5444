// Byte comparison with files written by upstream kubeadm v1.37.2:
//   golden/default: `kubeadm init phase control-plane all` + `etcd local` for golden/default/config.yaml
//   golden/rich:    the same for golden/rich/config.yaml, with golden/rich/patches as the patches
//                   directory, HTTP_PROXY/HTTPS_PROXY/no_proxy set and /etc/ca-certificates and
//                   /usr/share/ca-certificates present on the host (etcd ran with HTTP_PROXY only).
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { loadPatches } from '../../../src/manifests/patches.js';
import { patchStaticPod } from '../../../src/manifests/podnormalize.js';
import { renderControlPlanePods, renderEtcdPod, toManifestYaml } from '../../../src/manifests/staticpods.js';
import { defaultInit } from './fixtures.js';
import { richControlPlaneEnv, richEtcdEnv, richInit } from './rich.js';

const golden = (p: string) => readFileSync(fileURLToPath(new URL(`./golden/${p}`, import.meta.url)), 'utf8');

describe('upstream kubeadm output', () => {
  it('default configuration: all four manifests are identical', () => {
    const cfg = defaultInit();
    const pods = renderControlPlanePods(cfg);
    for (const [name, pod] of Object.entries(pods)) expect(toManifestYaml(pod), name).toBe(golden(`default/${name}.yaml`));
    expect(toManifestYaml(renderEtcdPod(cfg))).toBe(golden('default/etcd.yaml'));
  });

  it('rich configuration with patches: identical manifests and [patches] lines', () => {
    const dir = fileURLToPath(new URL('./golden/rich/patches', import.meta.url));
    const files = readdirSync(dir).map((f) => ({ fileName: f, content: readFileSync(`${dir}/${f}`, 'utf8') }));
    const { manager, log } = loadPatches('/tmp/patches', files);
    expect(log).toEqual([
      '[patches] Reading patches from path "/tmp/patches"',
      '[patches] Ignoring empty file: "etcd.yaml"',
      '[patches] Ignoring file "notes.txt": the file extension must be one of [json yaml]',
      '[patches] Found the following patch files: [etcd1+merge.json kube-apiserver0.yaml kube-scheduler+json.yaml]',
      '[patches] Ignored the following files: [etcd.yaml notes.txt]',
    ]);
    const cfg = richInit();
    const applied: string[] = [];
    for (const [name, pod] of Object.entries(renderControlPlanePods(cfg, richControlPlaneEnv))) {
      const r = patchStaticPod(pod, manager);
      applied.push(...r.log);
      expect(toManifestYaml(r.pod), name).toBe(golden(`rich/${name}.yaml`));
    }
    const etcd = patchStaticPod(renderEtcdPod(cfg, richEtcdEnv), manager);
    applied.push(...etcd.log);
    expect(toManifestYaml(etcd.pod)).toBe(golden('rich/etcd.yaml'));
    expect(applied).toEqual([
      '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kube-apiserver"',
      '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kube-apiserver"',
      '[patches] Applied patch of type "application/json-patch+json" to target "kube-scheduler"',
      '[patches] Applied patch of type "application/merge-patch+json" to target "etcd"',
    ]);
  });
});
