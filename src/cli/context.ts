// What every command module receives from the CLI entry (cli/main.ts): the streams, the global
// flags as parsed, the lazily made output and the environment. Its own module, so that command
// files never import their caller.

import type { Output, Streams } from '../output.js';

export interface Globals {
  verbosity: number;
  rootfs: string | undefined;
}

export interface CliContext {
  streams: Streams;
  globals: () => Globals;
  out: () => Output;
  /** stdin for prompts (reset's confirmation) */
  stdin?: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}
