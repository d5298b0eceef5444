// Builds test/helpers/go-printers (a small Go program against the pinned k8s.io/cli-runtime in the
// lab's Go module cache, offline; its go.mod is the lab module's, so every version is the release's)
// in a temporary directory and asks it, in one batch, what kubeadm's printers print for an object.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoProgram, GOMODCACHE } from './go-oracle.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LAB_MODULE = resolve(HERE, '../lab/go');

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
  const goMod = readFileSync(join(LAB_MODULE, 'go.mod'), 'utf8')
    .replace(/^module .*$/m, 'module tskubeadm/printersoracle')
    .replace(/^tool \([\s\S]*?^\)\n?/m, '');
  const p = await buildGoProgram({ name: 'printers-oracle', mainGo: join(HERE, 'go-printers', 'main.go'), goMod, goSum: readFileSync(join(LAB_MODULE, 'go.sum'), 'utf8') });
  return {
    ask: async (reqs) => (await p.askLines(reqs)).map((l) => JSON.parse(l) as PrintAnswer),
    cleanup: () => p.cleanup(),
  };
}
