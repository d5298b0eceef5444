// Expectations from kubeadm v1.37.2 app/util/patches/patches.go and the RFCs the patch types follow.
import { describe, expect, it } from 'vitest';

import {
  PATCH_TARGETS,
  PatchError,
  applyJsonPatch,
  applyPatchesToTarget,
  loadPatches,
  mergePatch,
  parsePatchFileName,
  podMergeSchema,
  strategicMergePatch,
} from '../../../src/manifests/patches.js';
import { canonicalQuantity, patchStaticPod } from '../../../src/manifests/podnormalize.js';
import { renderControlPlanePods, toManifestYaml } from '../../../src/manifests/staticpods.js';
import { splitYamlDocuments, parseGoYaml } from '../../../src/manifests/yamlload.js';
import { defaultInit } from './fixtures.js';

describe('patch file names', () => {
  it('knows the 1.37 targets', () => {
    expect(PATCH_TARGETS).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kubeletconfiguration',
      'corednsdeployment',
      'kubeproxydaemonset',
    ]);
  });
  it('parses target, suffix and type', () => {
    expect(parsePatchFileName('kube-apiserver.yaml')).toEqual({
      kind: 'patch',
      target: 'kube-apiserver',
      type: 'application/strategic-merge-patch+json',
    });
    expect(parsePatchFileName('etcd0+json.json')).toEqual({ kind: 'patch', target: 'etcd', type: 'application/json-patch+json' });
    expect(parsePatchFileName('kubeletconfiguration1+merge.yaml')).toMatchObject({ type: 'application/merge-patch+json' });
  });
  it('ignores unknown extensions (including .yml) and unknown targets', () => {
    expect(parsePatchFileName('kube-apiserver.yml')).toEqual({ kind: 'ignored', reason: 'the file extension must be one of [json yaml]' });
    expect(parsePatchFileName('foo.yaml')).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/^unknown target, must be one of \[etcd kube-apiserver/) });
  });
  it('rejects a missing or unknown type after +', () => {
    expect(() => parsePatchFileName('kube-apiserver+foo.yaml')).toThrow("unknown or missing patch type after '+', must be one of [json merge strategic]");
  });
});

describe('loading a patches directory', () => {
  it('walk order, log lines, ignored and empty files', () => {
    const { manager, log } = loadPatches('/p', [
      { fileName: 'kube-scheduler.yaml', content: 'metadata:\n  labels:\n    a: b\n' },
      { fileName: 'README.md', content: 'x' },
      { fileName: 'etcd.yaml', content: '' },
      { fileName: 'kube-apiserver1+merge.yaml', content: 'a: 1\n---\nb: 2\n' },
      { fileName: 'kube-apiserver0.json', content: '{"c": 3}' },
    ]);
    expect(log).toEqual([
      '[patches] Reading patches from path "/p"',
      '[patches] Ignoring file "README.md": the file extension must be one of [json yaml]',
      '[patches] Ignoring empty file: "etcd.yaml"',
      '[patches] Found the following patch files: [kube-apiserver0.json kube-apiserver1+merge.yaml kube-scheduler.yaml]',
      '[patches] Ignored the following files: [README.md etcd.yaml]',
    ]);
    expect(manager.patchSets.map((s) => [s.file, s.patches])).toEqual([
      ['kube-apiserver0.json', ['{"c":3}']],
      ['kube-apiserver1+merge.yaml', ['{"a":1}', '{"b":2}']],
      ['kube-scheduler.yaml', ['{"metadata":{"labels":{"a":"b"}}}']],
    ]);
    const r = applyPatchesToTarget(manager, 'kube-apiserver', { z: 0 });
    expect(r.data).toEqual({ z: 0, c: 3, a: 1, b: 2 });
    expect(r.log).toEqual([
      '[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kube-apiserver"',
      '[patches] Applied patch of type "application/merge-patch+json" to target "kube-apiserver"',
      '[patches] Applied patch of type "application/merge-patch+json" to target "kube-apiserver"',
    ]);
  });
  it('errors: bad type in a name, bad YAML, failing JSON patch op, unknown target', () => {
    expect(() => loadPatches('/p', [{ fileName: 'etcd+x.yaml', content: 'a: 1' }])).toThrow(
      /could not list patch files for path "\/p": unknown or missing patch type/,
    );
    expect(() => loadPatches('/p', [{ fileName: 'etcd.yaml', content: 'a: [1,\n' }])).toThrow(/etcd\.yaml/);
    const { manager } = loadPatches('/p', [
      { fileName: 'etcd+json.yaml', content: '- op: replace\n  path: /spec/nope\n  value: 1\n' },
    ]);
    let err: unknown;
    try {
      applyPatchesToTarget(manager, 'etcd', { spec: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PatchError);
    expect((err as Error).message).toMatch(/type "application\/json-patch\+json" to target "etcd" \(from file "etcd\+json\.yaml"\)/);
    expect(() => applyPatchesToTarget(manager, 'nope', {})).toThrow(/unknown patch target name "nope"/);
  });
  it('YAML is read with YAML 1.1 typing like go-yaml', () => {
    expect(parseGoYaml('a: yes\nb: "on"\nc: 017\nd: 2024-01-02\ne: 1e3\n')).toEqual({ a: true, b: 'on', c: 15, d: '2024-01-02', e: 1000 });
    expect(splitYamlDocuments('---\na: 1\n--- # c\n\n---\nb: 2')).toEqual(['a: 1', 'b: 2']);
    expect(() => splitYamlDocuments('a: 1\n--- x\n')).toThrow(/invalid Yaml document separator: x/);
  });
});

describe('patch types', () => {
  it('merge patch (RFC 7386)', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({ a: { c: 2, d: 3 }, l: [3] });
  });
  it('JSON patch (RFC 6902)', () => {
    const doc = { spec: { containers: [{ name: 'a', command: ['x'] }] } };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/spec/containers/0/command/-', value: '--v=2' },
        { op: 'replace', path: '/spec/containers/0/name', value: 'b' },
        { op: 'copy', from: '/spec/containers/0/name', path: '/spec/n' },
        { op: 'test', path: '/spec/n', value: 'b' },
        { op: 'remove', path: '/spec/n' },
        { op: 'add', path: '/spec/a~1b', value: 1 },
      ]),
    ).toEqual({ spec: { containers: [{ name: 'b', command: ['x', '--v=2'] }], 'a/b': 1 } });
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(/missing/);
  });
  it('strategic merge: containers by name, env by name, mounts by mountPath, $patch delete/replace', () => {
    const pod = {
      spec: {
        containers: [
          {
            name: 'c',
            env: [{ name: 'A', value: '1' }],
            volumeMounts: [{ name: 'v', mountPath: '/x' }],
            command: ['c', '--a'],
          },
        ],
        volumes: [{ name: 'v', hostPath: { path: '/x' } }, { name: 'w', hostPath: { path: '/w' } }],
        tolerations: [{ key: 'a' }],
      },
    };
    const out = strategicMergePatch(
      pod,
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [{ name: 'B', value: '2' }, { name: 'A', value: '9' }],
              volumeMounts: [{ mountPath: '/x', readOnly: true }],
              command: ['c', '--b'],
            },
          ],
          volumes: [{ name: 'w', $patch: 'delete' }],
          tolerations: [{ key: 'b' }],
        },
      },
      podMergeSchema,
    );
    expect(out).toEqual({
      spec: {
        containers: [
          {
            name: 'c',
            env: [{ name: 'B', value: '2' }, { name: 'A', value: '9' }], // items named by the patch keep its order
            volumeMounts: [{ name: 'v', mountPath: '/x', readOnly: true }],
            command: ['c', '--b'],
          },
        ],
        volumes: [{ name: 'v', hostPath: { path: '/x' } }],
        tolerations: [{ key: 'b' }],
      },
    });
    expect(strategicMergePatch({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } })).toEqual({ a: { z: 3 } });
    expect(() => strategicMergePatch(pod, { spec: { containers: [{ image: 'x' }] } }, podMergeSchema)).toThrow(/merge key: name/);
  });
});

describe('patching a static Pod', () => {
  it('applies to the right Pod and writes the normalised result', () => {
    const pods = renderControlPlanePods(defaultInit());
    const { manager } = loadPatches('/p', [
      {
        fileName: 'kube-scheduler.yaml',
        content: [
          'spec:',
          '  containers:',
          '  - name: kube-scheduler',
          '    resources:',
          '      requests:',
          '        cpu: 0.5',
          '  - name: sidecar',
          '    image: busybox',
          '    readinessProbe: null',
          'metadata:',
          '  annotations:',
          '    x: "1"',
          '',
        ].join('\n'),
      },
    ]);
    const api = patchStaticPod(pods['kube-apiserver'], manager);
    expect(api.log).toEqual([]);
    const r = patchStaticPod(pods['kube-scheduler'], manager);
    expect(r.log).toEqual(['[patches] Applied patch of type "application/strategic-merge-patch+json" to target "kube-scheduler"']);
    expect(r.pod.metadata.annotations).toEqual({ x: '1' });
    expect(r.pod.spec.containers[0]!.resources).toEqual({ requests: { cpu: '500m' } });
    expect(r.pod.spec.containers[1]).toEqual({ name: 'sidecar', image: 'busybox', resources: {} });
    expect(toManifestYaml(r.pod)).toContain('  - image: busybox\n    name: sidecar\n    resources: {}\n');
  });
  it('canonical quantities', () => {
    expect(canonicalQuantity('0.5')).toBe('500m');
    expect(canonicalQuantity('1000m')).toBe('1');
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity('100Mi')).toBe('100Mi');
    expect(canonicalQuantity('250m')).toBe('250m');
  });
});
