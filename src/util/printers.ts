// `-o/--output` of kubeadm's listing commands (kubeadm's util/output over cli-runtime's printers):
// "text" (the command's own printer), "json" (Go's json.MarshalIndent, four spaces), "yaml"
// (JSON re-encoded by go-yaml, keys sorted, "---" between objects). kubeadm also accepts kyaml and the
// go-template/jsonpath families; tskubeadm names them and refuses them (no Go template engine here).

import { UsageError } from '../errors.js';
import { toGoYaml } from '../manifests/goyaml.js';

export const OUTPUT_API_VERSION = 'output.kubeadm.k8s.io/v1alpha3';

const JSON_YAML = ['json', 'yaml', 'kyaml'];
const GO_TEMPLATE = ['go-template', 'go-template-file', 'template', 'templatefile'];
const JSONPATH = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file'];
/** kubeadm's AllowedFormats, in its order (the --output help text) */
export const ALLOWED_OUTPUT_FORMATS = ['text', ...JSON_YAML, ...GO_TEMPLATE, ...JSONPATH];
/** what tskubeadm prints */
export const SUPPORTED_OUTPUT_FORMATS = ['text', 'json', 'yaml'];

export const OUTPUT_FLAG_HELP = `Output format. One of: ${ALLOWED_OUTPUT_FORMATS.join('|')}.`;

export type OutputFormat = 'text' | 'json' | 'yaml';

/** Prints a stream of objects in one format; `text` is the command's own line printer. */
export interface Printer {
  print(obj: Record<string, unknown>): string;
}

function noPrinter(format: string): UsageError {
  const allowed = [...ALLOWED_OUTPUT_FORMATS].sort().join(',');
  return new UsageError(
    `could not construct output printer: unable to match a printer suitable for the output format ${JSON.stringify(format)}, allowed formats are: ${allowed}`,
  );
}

function templateFamily(format: string, names: string[]): { name: string; value: string | undefined } | undefined {
  if (format === '') return undefined;
  for (const n of names) {
    if (format === n) return { name: n, value: undefined };
    if (format.startsWith(n + '=')) return { name: n, value: format.slice(n.length + 1) };
  }
  return undefined;
}

/**
 * The printer format for an --output value, decided as kubeadm's PrintFlags.ToPrinter does: the text
 * printer for exactly "text", json/yaml case-insensitively, then the template families (a bare name
 * with no template is kubeadm's own error). Formats kubeadm accepts and tskubeadm does not print are
 * refused by name.
 */
export function resolveOutputFormat(format: string): OutputFormat {
  if (format === 'text') return 'text';
  const lower = format.toLowerCase();
  if (lower === 'json' || lower === 'yaml') return lower;
  if (lower === 'kyaml') {
    throw new UsageError('could not construct output printer: the output format "kyaml" is accepted by kubeadm but not supported by tskubeadm; use -o yaml or -o json');
  }
  const t = templateFamily(format, JSONPATH) ?? templateFamily(format, GO_TEMPLATE);
  if (t) {
    if (t.value === undefined || t.value === '') throw new UsageError('could not construct output printer: template format specified but no template given');
    throw new UsageError(
      `could not construct output printer: the output format ${JSON.stringify(t.name)} is accepted by kubeadm but not supported by tskubeadm (no Go template or JSONPath engine); use -o json or -o yaml`,
    );
  }
  throw noPrinter(format);
}

/** encoding/json's string escaping on top of JSON.stringify: <, >, & and U+2028/9 as \u escapes */
function goJsonEscape(s: string): string {
  return s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** json.MarshalIndent(obj, "", "    ") plus the newline cli-runtime's JSONPrinter adds */
export function goJsonIndent(obj: unknown): string {
  return goJsonEscape(JSON.stringify(obj, null, 4)) + '\n';
}

/** A json/yaml printer; the YAML one separates objects with "---" as cli-runtime's YAMLPrinter does. */
export function structuredPrinter(format: 'json' | 'yaml'): Printer {
  let count = 0;
  return {
    print(obj) {
      if (format === 'json') return goJsonIndent(obj);
      count++;
      return (count > 1 ? '---\n' : '') + toGoYaml(obj);
    },
  };
}

/**
 * Go's text/tabwriter with flags 0 for a block of lines written and flushed together: every cell but
 * a line's last is padded to its column's width (the widest cell + padding, at least minWidth).
 */
export function tabwrite(lines: string[][], minWidth: number, padding: number): string {
  const widths: number[] = [];
  for (const cells of lines) {
    for (let i = 0; i < cells.length - 1; i++) {
      const w = Math.max(minWidth, [...cells[i]!].length + padding);
      widths[i] = Math.max(widths[i] ?? 0, w);
    }
  }
  return lines
    .map((cells) => cells.map((c, i) => (i < cells.length - 1 ? c + ' '.repeat(widths[i]! - [...c].length) : c)).join(''))
    .map((l) => l + '\n')
    .join('');
}
