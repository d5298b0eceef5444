// Reading cobra-style help output (tskubeadm's and upstream kubeadm's): a workflow command's phase
// list, its subcommands and its flags.

import { expect } from 'vitest';

export interface ListedPhase {
  level: number;
  name: string;
  short: string;
  /** column where the description starts */
  column: number;
}

/** The phase block of a workflow command's help, parsed. */
export function phaseList(help: string, command: string): { lines: string[]; phases: ListedPhase[] } {
  const head = `The "${command}" command executes the following phases:\n\`\`\`\n`;
  const start = help.indexOf(head);
  expect(start, `no phase list in:\n${help}`).toBeGreaterThanOrEqual(0);
  const body = help.slice(start + head.length);
  const end = body.indexOf('```');
  expect(end).toBeGreaterThan(0);
  const lines = body.slice(0, end).split('\n').filter((l) => l !== '');
  const phases = lines.map((l) => {
    const m = /^( *)(\/?)([a-z0-9-]+)( +)(.+)$/.exec(l);
    expect(m, `phase line "${l}"`).not.toBeNull();
    const indent = m![1]!.length;
    return { level: indent / 2, name: m![3]!, short: m![5]!, column: indent + m![2]!.length + m![3]!.length + m![4]!.length };
  });
  return { lines, phases };
}

/** "Available Commands:" of a cobra/commander help text: command names. */
export function subcommands(help: string): string[] {
  const m = /(?:Available Commands|Commands):\n([\s\S]*?)(?:\n\n|$)/.exec(help);
  if (!m) return [];
  // entry lines start with two spaces and the name; wrapped descriptions are indented further
  return m[1]!
    .split('\n')
    .filter((l) => /^ {2}\S/.test(l))
    .map((l) => l.trim().split(/\s+/)[0]!.split('|')[0]!) // commander writes "name|alias"
    .filter((n) => n !== 'help');
}

/** Long flag names a help text lists, without help and the global flags. */
export function flagNames(help: string): string[] {
  const names = new Set<string>();
  for (const m of help.matchAll(/^\s+(?:-\w, )?--([a-z0-9-]+)/gm)) names.add(m[1]!);
  for (const g of ['help', 'v', 'rootfs', 'vmodule']) names.delete(g);
  return [...names].sort();
}

/** The global-flags section of a cobra help is not the command's own; cut it off. */
export const ownFlags = (help: string) => flagNames(help.split('\nGlobal Flags:')[0]!);

/** the phase paths of a parsed list, e.g. "certs/apiserver" */
export const pathsOf = (list: ListedPhase[]) => {
  const out: string[] = [];
  const stack: string[] = [];
  for (const p of list) {
    stack.length = p.level;
    stack.push(p.name);
    out.push(stack.join('/'));
  }
  return out;
};
