// The invalid configuration files of the CLI tests (test/helpers/invalid-files.ts) fed to upstream
// kubeadm v1.37.2's `config validate` (the lab's build): it must reject each one too, unless the case
// is marked as a rule upstream checks later.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTmp, tmpDir } from '../helpers/cli.js';
import { FILE_CASES } from '../helpers/invalid-files.js';
import { upstream } from './helpers/upstream.js';

afterAll(cleanupTmp);

function writeCase(text: string): string {
  const f = path.join(tmpDir('tsk-case-'), 'kubeadm.yaml');
  fs.writeFileSync(f, text);
  return f;
}

describe('invalid configuration files through upstream kubeadm config validate', () => {
  for (const c of FILE_CASES) {
    if (c.upstreamAccepts) {
      it(`${c.name}: upstream accepts it (rule checked later upstream)`, () => {
        expect(upstream(['config', 'validate', '--config', writeCase(c.text)]).code).toBe(0);
      });
    } else {
      it(`${c.name}: upstream rejects it too`, () => {
        const r = upstream(['config', 'validate', '--config', writeCase(c.text)]);
        expect(r.code, r.stdout + r.stderr).not.toBe(0);
      });
    }
  }
});
