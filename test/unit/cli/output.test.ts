// -o on the three commands that print output objects, through the CLI: a template that does not
// parse is invalid usage (exit 3), refused before anything is read, with kubeadm's message and a
// hint naming the flag, the line and the column where the parser stopped; a template file is read
// from the real filesystem.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, cli, tmpDir } from '../../helpers/cli.js';

afterAll(cleanupTmp);

const nocluster = ['--kubeconfig', '/nonexistent/admin.conf'];
const COMMANDS: [string, string[]][] = [
  ['config images list', ['config', 'images', 'list', '--kubernetes-version', 'v1.37.2']],
  ['certs check-expiration', ['certs', 'check-expiration', '--cert-dir', '/nonexistent/pki', ...nocluster]],
  ['token list', ['token', 'list', ...nocluster]],
];

describe('a template that does not parse', () => {
  const cases: [string, RegExp, string][] = [
    ['go-template={{.kind', /error parsing template {{.kind, template: output:1: unclosed action$/m, 'line 1, column 8:\n  {{.kind\n         ^'],
    ['go-template=a\n {{nosuch .x}}', /template: output:2: function "nosuch" not defined$/m, 'line 2, column 4:\n   {{nosuch .x}}\n     ^'],
    ['template={{if .a}}', /template: output:1: unexpected EOF$/m, 'line 1, column 10:'],
    ['jsonpath={.items[}', /error parsing jsonpath {.items\[}, unterminated array$/m, 'line 1, column 10:\n  {.items[}\n           ^'],
    ['jsonpath-as-json={.a', /error parsing jsonpath {.a, unclosed action$/m, 'line 1, column 4:'],
  ];
  for (const [name, argv] of COMMANDS) {
    it(`${name}: exit 3 before anything is read, kubeadm's message, a hint with the flag and the position`, async () => {
      for (const [format, message, where] of cases) {
        const r = await cli([...argv, '-o', format]);
        expect(r.code, format).toBe(3);
        expect(r.stdout, format).toBe('');
        expect(r.stderr, format).toMatch(/^error: could not construct output printer: /);
        expect(r.stderr, format).toMatch(message);
        const kind = format.split('=')[0];
        expect(r.stderr, format).toContain(`hint: -o/--output ${kind}=…: parsing stops at ${where}`);
        expect(r.stderr, format).not.toMatch(/nonexistent|\bat .+:\d+:\d+\)/);
      }
    });
  }

  it('no template, a missing file: kubeadm\'s words, no hint', async () => {
    for (const [format, message] of [
      ['jsonpath', 'template format specified but no template given'],
      ['go-template=', 'template format specified but no template given'],
      ['go-template-file=/nonexistent/t.tmpl', 'error reading --template /nonexistent/t.tmpl, open /nonexistent/t.tmpl: no such file or directory'],
      ['templatefile=/', 'error reading --template /, read /: is a directory'],
    ]) {
      const r = await cli([...COMMANDS[0]![1], '-o', format!]);
      expect(r.code, format).toBe(3);
      expect(r.stderr, format).toContain(`error: could not construct output printer: ${message}\n`);
      expect(r.stderr, format).not.toContain('hint:');
    }
  });
});

describe('a template file', () => {
  it('is read from the real filesystem, also under --rootfs, and printed through', async () => {
    const dir = tmpDir('tsk-tmpl-');
    const file = path.join(dir, 't.tmpl');
    fs.writeFileSync(file, '{{len .images}} images, the first {{index .images 0}}\n');
    const jp = path.join(dir, 't.jsonpath');
    fs.writeFileSync(jp, '{.images[-1]}');
    const root = tmpDir('tsk-root-');
    for (const extra of [[], ['--rootfs', root]]) {
      const r = await cli([...COMMANDS[0]![1], '-o', `go-template-file=${file}`, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('7 images, the first registry.k8s.io/kube-apiserver:v1.37.2\n');
      const j = await cli([...COMMANDS[0]![1], '-o', `jsonpath-file=${jp}`, ...extra]);
      expect(j.stdout).toBe('registry.k8s.io/etcd:3.7.0-0');
    }
  });
});
