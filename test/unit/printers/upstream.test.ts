// Every -o format kubeadm offers, printed by tskubeadm and by upstream's own printers on the same
// objects: k8s.io/cli-runtime v0.37.2 (JSON, YAML, KYAML, JSONPath over client-go's jsonpath,
// go-template over Go's text/template) built from the lab's module cache by
// test/helpers/go-printers. The expected output, errors and partial output all come from Go.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrintError, PrinterError, printerFor } from '../../../src/printers/printer.js';
import { buildPrintersOracle, type PrintAnswer, type PrintersOracle } from '../../helpers/go-printers.js';
import { JSONPATH, RANGES, STRUCTURED, TEMPLATES, type Case } from './cases.js';

let oracle: PrintersOracle;
beforeAll(async () => {
  oracle = await buildPrintersOracle();
}, 600_000);
afterAll(() => oracle?.cleanup());

/** what tskubeadm's printer does with the case, in the oracle's terms */
async function ours(c: Case): Promise<PrintAnswer> {
  let p;
  try {
    p = await printerFor(c.output, {
      allowMissingTemplateKeys: c.allowMissing ?? true,
      readFile: async (f) => {
        throw new Error(`open ${f}: no such file or directory`);
      },
    });
  } catch (e) {
    if (e instanceof PrinterError) return { stage: 'printer', out: '', err: e.message };
    throw e;
  }
  if (p === 'text') throw new Error('text is the command’s own printer');
  let out = '';
  for (let i = 0; i < (c.count ?? 1); i++) {
    try {
      out += p.print(c.data);
    } catch (e) {
      if (e instanceof PrintError) return { stage: 'print', out: out + e.written, err: e.message };
      throw e;
    }
  }
  return { stage: 'ok', out, err: '' };
}

async function compare(cases: Case[]): Promise<void> {
  const want = await oracle.ask(cases);
  expect(want).toHaveLength(cases.length);
  const mismatches: string[] = [];
  for (const [i, c] of cases.entries()) {
    const got = await ours(c);
    try {
      expect(got).toEqual(want[i]);
    } catch {
      mismatches.push(`-o ${JSON.stringify(c.output)} on ${c.data.kind}${c.allowMissing === false ? ' (missing keys refused)' : ''}:\n  upstream: ${JSON.stringify(want[i])}\n  ours:     ${JSON.stringify(got)}`);
    }
  }
  expect(mismatches.join('\n')).toBe('');
}

describe('printed as upstream’s cli-runtime printers print', () => {
  it('json, yaml and kyaml (any case), two objects in a row', async () => {
    await compare(STRUCTURED);
  });

  it('jsonpath and jsonpath-as-json: values, slices, filters, ranges, literals, errors', async () => {
    await compare(JSONPATH);
  });

  it('go-template: fields, pipelines, control structures, functions, fmt verbs, errors', async () => {
    await compare(TEMPLATES);
  });

  it('a {range}: every object is printed from the whole template (upstream fails at the second object)', async () => {
    const once = await oracle.ask(RANGES);
    const twice = await oracle.ask(RANGES.map((c) => ({ ...c, count: 2 })));
    for (const [i, c] of RANGES.entries()) {
      expect(once[i]!.stage, c.output).toBe('ok');
      // upstream: client-go's {range} rewrote its parse tree; the second object starts inside the range
      expect(twice[i]!.stage, c.output).toBe('print');
      expect(twice[i]!.err, c.output).toMatch(/not in range, nothing to end|is not found|is not array or slice/);
      expect(twice[i]!.out, c.output).toBe(once[i]!.out);
      expect(await ours({ ...c, count: 3 }), c.output).toEqual({ stage: 'ok', out: once[i]!.out.repeat(3), err: '' });
    }
  });

  it('the cases cover success and every failure stage', async () => {
    const answers = await oracle.ask([...JSONPATH, ...TEMPLATES]);
    const stages = new Set(answers.map((a) => a.stage));
    expect([...stages].sort()).toEqual(['ok', 'print', 'printer']);
  });
});
