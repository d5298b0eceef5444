// Builds test/helpers/go-printers (a small Go program against the pinned k8s.io/cli-runtime in the
// lab's Go module cache, offline; its go.mod is the lab module's, so every version is the release's)
// in a temporary directory and asks it, in one batch, what kubeadm's printers print for an object.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GOMODCACHE } from './go-oracle.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const LAB_MODULE = resolve(HERE, '../lab/go');
const LAB_CACHE = dirname(GOMODCACHE);

export interface PrintRequest {
  /** the object, as tskubeadm marshals it */
  data: unknown;
  /** the -o value */
  output: string;
  allowMissing?: boolean;
  /** PrintObj calls with the same printer (token list prints one object per token) */
  count?: number;
}

export interface PrintAnswer {
  /** "printer": ToPrinter failed; "print": PrintObj failed; "ok" */
  stage: 'ok' | 'printer' | 'print';
  out: string;
  err: string;
}

export interface PrintersOracle {
  ask(reqs: PrintRequest[]): Promise<PrintAnswer[]>;
  cleanup(): void;
}

export async function buildPrintersOracle(): Promise<PrintersOracle> {
  if (!existsSync(join(GOMODCACHE, 'k8s.io', 'cli-runtime@v0.37.2'))) {
    throw new Error(`the pinned Go module cache ${GOMODCACHE} lacks k8s.io/cli-runtime@v0.37.2 (the lab build fills it)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsk-printers-oracle-'));
  copyFileSync(join(HERE, 'go-printers', 'main.go'), join(dir, 'main.go'));
  const mod = readFileSync(join(LAB_MODULE, 'go.mod'), 'utf8')
    .replace(/^module .*$/m, 'module tskubeadm/printersoracle')
    .replace(/^tool \([\s\S]*?^\)\n?/m, '');
  writeFileSync(join(dir, 'go.mod'), mod);
  copyFileSync(join(LAB_MODULE, 'go.sum'), join(dir, 'go.sum'));
  const gocache = join(LAB_CACHE, 'gocache');
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOMODCACHE,
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    CGO_ENABLED: '0',
    GOCACHE: existsSync(gocache) ? gocache : join(tmpdir(), 'tsk-printers-oracle-gocache'),
  };
  const goBin = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  await run(goBin, ['build', '-o', join(dir, 'oracle'), '.'], { cwd: dir, env, maxBuffer: 1 << 24 });
  return {
    async ask(reqs) {
      const child = execFile(join(dir, 'oracle'), { maxBuffer: 1 << 26 });
      const out = new Promise<string>((res, rej) => {
        let s = '';
        child.stdout!.on('data', (c: Buffer) => (s += c.toString('utf8')));
        child.on('error', rej);
        child.on('close', (code) => (code === 0 ? res(s) : rej(new Error(`printers oracle exited ${code}`))));
      });
      child.stdin!.end(reqs.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const lines = (await out).split('\n');
      lines.pop();
      return lines.map((l) => JSON.parse(l) as PrintAnswer);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
