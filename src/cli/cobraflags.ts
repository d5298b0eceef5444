// Flag shapes of cobra/pflag that commander lacks, for the day-2 commands.

import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';

const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/**
 * A pflag bool: `--name`, `--name=true|false`. Commander's optional value would swallow the next
 * word (`token create --dry-run abcdef.0123456789abcdef`); a word that is not a Go bool is handed
 * back through `stolen` and the command treats it as a positional argument.
 */
export function boolFlag(cmd: Command, name: string, description: string, stolen: string[], dflt = false): void {
  cmd.addOption(
    new Option(`--${name} [bool]`, description)
      .preset('true')
      .default(dflt)
      .argParser((v: string) => {
        if (GO_TRUE.includes(v)) return true;
        if (GO_FALSE.includes(v)) return false;
        stolen.push(v);
        return true;
      }),
  );
}

/**
 * A pflag StringSlice: comma-separated, may be repeated; the first use replaces the default.
 */
export function sliceFlag(cmd: Command, name: string, description: string, dflt: readonly string[]): void {
  const attr = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  cmd.addOption(
    new Option(`--${name} <strings>`, description)
      .default([...dflt], dflt.length ? dflt.join(',') : undefined)
      .argParser((v: string, prev: string[]) => {
        const items = v === '' ? [] : v.split(',').map((s) => s.trim());
        // commander hands the default in as `prev` on the first use
        return cmd.getOptionValueSource(attr) === 'cli' ? [...prev, ...items] : items;
      }),
  );
}

/** Whether the user gave the option on the command line. */
export function given(cmd: Command, attr: string): boolean {
  return cmd.getOptionValueSource(attr) === 'cli';
}

/** A word a command with no positional arguments was given (cobra: unknown command). */
export function noArgs(cmd: Command, words: string[]): void {
  if (words.length > 0) {
    const path: string[] = [];
    for (let c: Command | null = cmd; c; c = c.parent) path.unshift(c.name());
    throw new UsageError(`unknown command ${JSON.stringify(words[0])} for ${JSON.stringify(path.join(' '))}`);
  }
}
