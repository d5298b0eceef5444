// kubeadm's output flags on a command (-o/--output, --show-managed-fields,
// --allow-missing-template-keys) and the printer they choose. The printers are imported when a
// command runs.

import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError, errorMessage } from '../errors.js';
import { ALLOW_MISSING_HELP, OUTPUT_FLAG_HELP, SHOW_MANAGED_FIELDS_HELP } from '../printers/formats.js';
import type { ObjectPrinter } from '../printers/printer.js';
import { boolFlag } from './cobraflags.js';
import type { CliContext } from './context.js';

export interface OutputOpts {
  output: string;
  allowMissingTemplateKeys: boolean;
  showManagedFields: boolean;
}

/** The flags in kubeadm's order; bool words that are not Go bools go to `stolen` (positional). */
export function addOutputFlags(cmd: Command, stolen: string[]): Command {
  cmd.addOption(new Option('-o, --output <string>', OUTPUT_FLAG_HELP).default('text'));
  boolFlag(cmd, 'show-managed-fields', SHOW_MANAGED_FIELDS_HELP, stolen);
  boolFlag(cmd, 'allow-missing-template-keys', ALLOW_MISSING_HELP, stolen, true);
  return cmd;
}

/** Go's words for a failed os.ReadFile of a template file */
function goReadError(file: string, e: unknown): Error {
  const why = errorMessage(e).replace(/^unable to read "[^"]*": /, '');
  return new Error(`${why === 'is a directory' ? 'read' : 'open'} ${file}: ${why}`);
}

/**
 * The printer -o names ('text': the command's own). A format or template kubeadm refuses is
 * invalid usage (exit 3), with kubeadm's message. Template files are the user's input: read from
 * the real filesystem, as --config is.
 */
export async function outputPrinter(ctx: CliContext, o: OutputOpts): Promise<ObjectPrinter | 'text'> {
  if (o.output === 'text') return 'text';
  const { printerFor, PrinterError } = await import('../printers/printer.js');
  try {
    return await printerFor(o.output, {
      allowMissingTemplateKeys: o.allowMissingTemplateKeys,
      readFile: async (file) => {
        const { NodeHost } = await import('../host/node-host.js');
        try {
          return await new NodeHost({ env: ctx.env }).readText(path.resolve(file));
        } catch (e) {
          throw goReadError(file, e);
        }
      },
    });
  } catch (e) {
    if (!(e instanceof PrinterError)) throw e;
    const hint = e.at ? whereItStops(o.output.split('=')[0]!, e.at.template, e.at.pos) : undefined;
    throw new UsageError(`could not construct output printer: ${e.message}`, { cause: e, ...(hint ? { hint } : {}) });
  }
}

/** The flag, the line and column where a template's parser stopped, and that line with a caret under it. */
export function whereItStops(format: string, template: string, pos: number): string {
  const before = template.slice(0, pos);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = [...before.slice(lineStart)].length + 1;
  const text = template.slice(lineStart).split('\n')[0]!;
  return `-o/--output ${format}=…: parsing stops at line ${line}, column ${column}:\n  ${text}\n  ${' '.repeat(column - 1)}^`;
}
