// kubeadm's output flags (cmd/kubeadm/app/util/output over cli-runtime's genericclioptions): the
// -o value picks the command's own text printer ("text"), JSONYamlPrintFlags (json, yaml, kyaml,
// in any case) or KubeTemplatePrintFlags (jsonpath, jsonpath-as-json, jsonpath-file, go-template,
// go-template-file, template, templatefile, each as "<format>=<template or file>"). The printers
// print kubeadm's output API objects as cli-runtime's printers do, one PrintObj per object.

import { TskError } from '../errors.js';
import { ALLOWED_OUTPUT_FORMATS, GO_TEMPLATE_FORMATS as GO_TEMPLATE, JSONPATH_FORMATS as JSONPATH } from './formats.js';
import { goJson } from './gojson.js';
import { goQuote } from './goquote.js';
import { formatValue } from './gofmt.js';
import { fromJson, type GoMap } from './govalue.js';
import { JsonPath } from './jsonpath/eval.js';
import { JsonPathExecError } from './jsonpath/errors.js';
import { JsonPathParseError } from './jsonpath/parser.js';
import { toKyaml } from './kyaml.js';
import { execute } from './template/exec.js';
import { FUNC_NAMES, TEMPLATE_FUNCS } from './template/funcs.js';
import { parseTemplate, TemplateParseError, type Tree } from './template/parse.js';


/** -o was not understood, or its template is bad: kubeadm's message (it adds "could not construct output printer: ") */
export class PrinterError extends Error {
  constructor(
    message: string,
    /** a template that does not parse, and where its parser stopped */
    readonly at?: { template: string; pos: number },
  ) {
    super(message);
  }
}

/** PrintObj failed: the message is kubeadm's, `written` what went to stdout before it failed */
export class PrintError extends Error {
  constructor(
    message: string,
    readonly written: string,
  ) {
    super(message);
  }
}

/** Prints one object per call (a printer keeps state between objects, as cli-runtime's do). */
export interface ObjectPrinter {
  print(obj: Record<string, unknown>): string;
}

export interface PrinterOptions {
  allowMissingTemplateKeys: boolean;
  /** reads a template file for the *-file formats; throws with the reason as Go words it */
  readFile: (path: string) => Promise<string>;
}

function noPrinter(format: string): PrinterError {
  const allowed = [...ALLOWED_OUTPUT_FORMATS].sort().join(',');
  return new PrinterError(`unable to match a printer suitable for the output format ${goQuote(format)}, allowed formats are: ${allowed}`);
}

/** "<name>=<value>" for one of names; client-go's prefix match */
function split(format: string, names: string[]): { name: string; value: string } | undefined {
  for (const n of names) if (format.startsWith(n + '=')) return { name: n, value: format.slice(n.length + 1) };
  if (names.includes(format)) return { name: format, value: '' };
  return undefined;
}

async function templateText(t: { name: string; value: string }, fileFormats: string[], o: PrinterOptions): Promise<string> {
  if (t.value === '') throw new PrinterError('template format specified but no template given');
  if (!fileFormats.includes(t.name)) return t.value;
  try {
    return await o.readFile(t.value);
  } catch (e) {
    throw new PrinterError(`error reading --template ${t.value}, ${(e as Error).message}`);
  }
}

function jsonPathPrinter(text: string, asJson: boolean, allowMissing: boolean): ObjectPrinter {
  let jp: JsonPath;
  try {
    jp = new JsonPath(text);
  } catch (e) {
    if (e instanceof JsonPathParseError) throw new PrinterError(`error parsing jsonpath ${text}, ${e.message}`, { template: text, pos: e.pos ?? 0 });
    throw e;
  }
  jp.allowMissingKeys = allowMissing;
  jp.outputJson = asJson;
  return {
    print(obj) {
      const data = fromJson(obj, false);
      try {
        return jp.execute(data);
      } catch (e) {
        if (!(e instanceof JsonPathExecError)) throw e;
        const buf =
          `Error executing template: ${e.message}. Printing more information for debugging the template:\n` +
          `\ttemplate was:\n\t\t${text}\n` +
          `\tobject given to jsonpath engine was:\n\t\t${formatValue(data, '#')}\n\n`;
        throw new PrintError(`error executing jsonpath ${goQuote(text)}: ${buf}\n`, '');
      }
    },
  };
}

function goTemplatePrinter(text: string, allowMissing: boolean): ObjectPrinter {
  let trees: Map<string, Tree>;
  try {
    trees = parseTemplate('output', text, FUNC_NAMES);
  } catch (e) {
    if (e instanceof TemplateParseError) throw new PrinterError(`error parsing template ${text}, ${e.message}`, { template: text, pos: e.pos });
    throw e;
  }
  return {
    print(obj) {
      const raw = goJson(obj);
      const data = fromJson(obj, true) as GoMap;
      const r = execute({ trees, funcs: TEMPLATE_FUNCS, missingKeyError: !allowMissing }, 'output', data);
      if (!r.error) return r.out;
      const written =
        r.out +
        `Error executing template: ${r.error.message}. Printing more information for debugging the template:\n` +
        `\ttemplate was:\n\t\t${text}\n` +
        `\traw data was:\n\t\t${raw}\n` +
        `\tobject given to template engine was:\n\t\t${formatValue(data, '+')}\n\n`;
      throw new PrintError(`error executing template ${goQuote(text)}: ${r.error.message}`, written);
    },
  };
}

/**
 * The printer for an --output value, chosen as kubeadm's PrintFlags.ToPrinter does; 'text' when
 * the command's own printer applies. Throws PrinterError with kubeadm's reason.
 */
export async function printerFor(format: string, o: PrinterOptions): Promise<ObjectPrinter | 'text'> {
  if (format === 'text') return 'text';
  const lower = format.toLowerCase();
  if (lower === 'json') return { print: (obj) => goJson(obj, '    ') + '\n' };
  if (lower === 'yaml') {
    const { toGoYaml } = await import('../manifests/goyaml.js');
    let count = 0;
    return { print: (obj) => (++count > 1 ? '---\n' : '') + toGoYaml(obj) };
  }
  if (lower === 'kyaml') return { print: (obj) => toKyaml(obj) };
  if (format === '') throw noPrinter(format);
  const jp = split(format, JSONPATH);
  if (jp) {
    const text = await templateText(jp, ['jsonpath-file'], o);
    return jsonPathPrinter(text, jp.name === 'jsonpath-as-json', o.allowMissingTemplateKeys);
  }
  const gt = split(format, GO_TEMPLATE);
  if (gt) {
    const text = await templateText(gt, ['go-template-file', 'templatefile'], o);
    return goTemplatePrinter(text, o.allowMissingTemplateKeys);
  }
  throw noPrinter(format);
}

/**
 * A failed PrintObj as the command reports it: what the printer wrote goes to stdout first (a
 * go-template prints its debugging text there), then the error, worded as kubeadm wraps it; exit 1.
 */
export function printFailure(e: PrintError, prefix: string, stdout: { write(s: string): unknown }): TskError {
  stdout.write(e.written);
  // kubeadm prints "error: <message>\n" even when the message ends with a newline
  const msg = prefix + e.message;
  return new TskError(msg.endsWith('\n') ? msg + '\n' : msg, 1, { cause: e });
}
