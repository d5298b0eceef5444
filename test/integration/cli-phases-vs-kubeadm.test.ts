// The init phase tree against upstream kubeadm v1.37.2 (the lab's build): the phase list of
// `init --help` (names, nesting, order, layout) and the flags of every generated phase command.

import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { flagNames, ownFlags, pathsOf, phaseList, type ListedPhase } from '../helpers/help.js';
import { upstream } from './helpers/upstream.js';

/**
 * Upstream phase-local flags tskubeadm does not offer yet (reported, not hidden: the test fails when one
 * appears without this list being updated). Empty: every upstream phase flag is offered.
 */
const KNOWN_FLAG_GAPS: Record<string, string[]> = {};
/** tskubeadm's own flags on every phase command (README: deliberate differences) */
const TSKUBEADM_ONLY = ['events'];

let ours: { lines: string[]; phases: ListedPhase[] };
let theirs: { lines: string[]; phases: ListedPhase[] };
/** our phase paths, e.g. "certs/apiserver" */
let ourPaths: string[];

beforeAll(async () => {
  const r = await cli(['init', '--help']);
  expect(r.code).toBe(0);
  ours = phaseList(r.stdout, 'init');
  const u = upstream(['init', '--help']);
  theirs = phaseList(u.stdout, 'init');
  ourPaths = pathsOf(ours.phases);
});

describe('init --help phase list against upstream', () => {
  it('lists phases with upstream names, nesting and order (a subsequence of kubeadm v1.37.2)', () => {
    const upstreamPaths = pathsOf(theirs.phases);
    expect(ourPaths.length).toBeGreaterThanOrEqual(10);
    let j = 0;
    for (const p of ourPaths) {
      while (j < upstreamPaths.length && upstreamPaths[j] !== p) j++;
      expect(j, `"${p}" is not in upstream's list, or out of order`).toBeLessThan(upstreamPaths.length);
    }
  });

  it("the layout rule tskubeadm follows reproduces upstream's own block", () => {
    const upLongest = Math.max(...theirs.phases.map((p) => (p.level > 0 ? 1 : 0) + p.name.length));
    for (const p of theirs.phases) expect(p.column - 2 * p.level).toBe(upLongest + 2);
  });
});

describe('generated phase commands against upstream', () => {
  it('each phase command takes exactly the flags the upstream phase command takes', async () => {
    const parents = new Set(ourPaths.filter((p) => ourPaths.some((q) => q.startsWith(p + '/'))));
    const commands = [...ourPaths.filter((p) => !parents.has(p)), ...[...parents].map((p) => `${p}/all`)];
    const mismatches: string[] = [];
    let compared = 0;
    for (const p of commands) {
      const words = p.split('/');
      const u = upstream(['init', 'phase', ...words, '--help']);
      if (u.code !== 0) continue; // e.g. a parent without an "all" child upstream
      const r = await cli(['init', 'phase', ...words, '--help']);
      expect(r.code, p).toBe(0);
      const a = flagNames(r.stdout).filter((f) => !TSKUBEADM_ONLY.includes(f));
      const b = ownFlags(u.stdout);
      // a known gap must still be one (so the list shrinks when it is fixed), and nothing else may differ
      const gap = KNOWN_FLAG_GAPS[p] ?? [];
      for (const g of gap) expect(a, `${p} gained --${g}: drop it from KNOWN_FLAG_GAPS`).not.toContain(g);
      const expected = b.filter((f) => !gap.includes(f));
      if (a.join(',') !== expected.join(',')) mismatches.push(`${p}: ours [${a}] upstream [${b}]`);
      if (b.includes('config')) compared++;
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(15);
  });
});
