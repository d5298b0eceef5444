// Builds test/helpers/go-jws (a tiny Go program against the pinned k8s.io/cluster-bootstrap in the
// lab's Go module cache, offline) in a temporary directory and asks it questions in one batch; the
// builder serves the other Go oracles too.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KUBERNETES_VERSION } from '../../src/versions.js';

const run = promisify(execFile);
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), 'go-jws');
const LAB_CACHE = process.env.TSK_LAB_CACHE ?? '/var/cache/tskubeadm-lab';

export const GOMODCACHE = join(LAB_CACHE, KUBERNETES_VERSION, 'gomod');

export interface OracleRequest {
  op: 'sign' | 'valid' | 'cainfo';
  content?: string;
  id?: string;
  secret?: string;
  jws?: string;
  pem?: string;
}

export interface Oracle {
  ask(reqs: OracleRequest[]): Promise<string[]>;
  cleanup(): void;
}

/** A Go program built offline against the lab's module cache; asked with JSON lines on stdin, one answer line each. */
export interface GoProgram {
  askLines(reqs: unknown[]): Promise<string[]>;
  cleanup(): void;
}

/**
 * Builds `main.go` with the given go.mod (and go.sum) in a temporary directory, offline: only
 * modules already in the pinned module cache are used.
 */
export async function buildGoProgram(o: { name: string; mainGo: string; goMod: string; goSum?: string }): Promise<GoProgram> {
  const dir = mkdtempSync(join(tmpdir(), `tsk-${o.name}-`));
  copyFileSync(o.mainGo, join(dir, 'main.go'));
  writeFileSync(join(dir, 'go.mod'), o.goMod);
  if (o.goSum !== undefined) writeFileSync(join(dir, 'go.sum'), o.goSum);
  const gocache = join(LAB_CACHE, KUBERNETES_VERSION, 'gocache');
  const env = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOMODCACHE,
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    GOCACHE: existsSync(gocache) ? gocache : join(tmpdir(), 'tsk-go-oracle-gocache'),
  };
  const goBin = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  await run(goBin, ['build', '-o', join(dir, 'oracle'), '.'], { cwd: dir, env, maxBuffer: 1 << 24 });
  return {
    async askLines(reqs) {
      const child = execFile(join(dir, 'oracle'), { maxBuffer: 1 << 26 });
      const out = new Promise<string>((res, rej) => {
        let s = '';
        child.stdout!.on('data', (c: Buffer) => (s += c.toString('utf8')));
        child.on('error', rej);
        child.on('close', (code) => (code === 0 ? res(s) : rej(new Error(`${o.name} exited ${code}`))));
      });
      child.stdin!.end(reqs.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const lines = (await out).split('\n');
      lines.pop();
      return lines;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function buildOracle(): Promise<Oracle> {
  if (!existsSync(join(GOMODCACHE, 'k8s.io', 'cluster-bootstrap@v0.37.2'))) {
    throw new Error(`the pinned Go module cache ${GOMODCACHE} lacks k8s.io/cluster-bootstrap@v0.37.2 (the lab build fills it)`);
  }
  const p = await buildGoProgram({ name: 'jws-oracle', mainGo: join(SRC, 'main.go'), goMod: readFileSync(join(SRC, 'go.mod.in'), 'utf8') });
  return { ask: (reqs) => p.askLines(reqs), cleanup: () => p.cleanup() };
}
