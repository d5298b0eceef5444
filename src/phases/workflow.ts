// The phase workflow: one tree of phases gives the ordered run of a command, its `phase` subcommands
// and the names accepted by --skip-phases. Paths such as "certs/apiserver" identify phases.

import { TskError, PhaseError, UsageError } from '../errors.js';
import type { Output } from '../output.js';
import type { FlagName } from '../cli/flags.js';

export interface PhaseContext {
  out: Output;
  /** the phase path being run, e.g. "certs/apiserver" */
  path: string;
  /** every phase path this invocation runs (so a phase can prepare shared work once) */
  selected: ReadonlySet<string>;
  /**
   * Leaves `work` running while the next phases run. The runner waits for it before the first
   * phase marked `settlesBackground` and at the end of the run; its failure is this phase's.
   */
  background?: (work: Promise<void>) => void;
}

export interface Phase<D> {
  name: string;
  aliases?: string[];
  short: string;
  long?: string;
  example?: string;
  /** hidden phases run but get no `phase` subcommand and are not listed in help */
  hidden?: boolean;
  /** ordered child phases */
  phases?: Phase<D>[];
  /** the `all` child: selecting it selects its parent and every sibling */
  runAllSiblings?: boolean;
  /** flags the generated phase command takes from the command's flag set */
  inheritFlags?: readonly FlagName[];
  /**
   * flags only this phase's own command takes (kubeadm's LocalFlags): the main command and other
   * phase commands do not offer them, so the phase sees their default when run by the main command
   */
  localFlags?: readonly FlagName[];
  /** phases (by name) that must have run before this one in the same invocation */
  dependencies?: string[];
  /** accepts positional arguments (e.g. join's API endpoint); default: none */
  acceptsArgs?: boolean;
  runIf?: (data: D) => boolean | Promise<boolean>;
  /**
   * Called once for every selected phase before the first phase runs, to start slow work early
   * (e.g. key generation while preflight runs). Must not change the host; failures are ignored here
   * and surface when the phase itself runs.
   */
  prepare?: (data: D, ctx: PhaseContext) => Promise<void> | void;
  run?: (data: D, ctx: PhaseContext) => Promise<void> | void;
  /** wait for the work earlier phases left running in the background (ctx.background) first */
  settlesBackground?: boolean;
}

export interface FlatPhase<D> {
  phase: Phase<D>;
  /** "certs/apiserver" */
  path: string;
  level: number;
  parent: FlatPhase<D> | undefined;
  /** paths of every descendant */
  descendants: string[];
}

/** An `all` child that runs its siblings, built once so every parent shares the same shape. */
export function allPhase<D>(short: string, inheritFlags?: readonly FlagName[]): Phase<D> {
  return { name: 'all', short, runAllSiblings: true, ...(inheritFlags ? { inheritFlags } : {}) };
}

function cleanName(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '-');
}

/** Pre-order flattening; top-level `all` phases are command-only and excluded. */
export function flatten<D>(phases: Phase<D>[]): FlatPhase<D>[] {
  const out: FlatPhase<D>[] = [];
  const visit = (p: Phase<D>, parent: FlatPhase<D> | undefined, level: number): FlatPhase<D> => {
    const path = parent ? `${parent.path}/${cleanName(p.name)}` : cleanName(p.name);
    const node: FlatPhase<D> = { phase: p, path, level, parent, descendants: [] };
    out.push(node);
    for (const c of p.phases ?? []) {
      const child = visit(c, node, level + 1);
      node.descendants.push(child.path, ...child.descendants);
    }
    return node;
  };
  for (const p of phases) {
    if (p.runAllSiblings) continue;
    visit(p, undefined, 0);
  }
  return out;
}

export interface SelectOptions {
  /** run only these phases (and their descendants) */
  only?: string[];
  /** skip these phases (and their descendants) */
  skip?: string[];
}

function unknownPhase(name: string, known: string[]): UsageError {
  const close = known.filter((k) => k.endsWith('/' + name) || k.split('/').pop() === name.split('/').pop());
  const hint = close.length
    ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`
    : `valid phase names: ${known.filter((k) => !k.endsWith('/all')).join(', ')}`;
  return new UsageError(`invalid phase name: ${name}`, { hint });
}

/** Which phase paths will run, kubeadm's rules: a filter selects a subtree; skips remove subtrees. */
export function select<D>(flat: FlatPhase<D>[], opts: SelectOptions): Set<string> {
  const byPath = new Map(flat.map((f) => [f.path, f]));
  const known = flat.map((f) => f.path);
  const run = new Set<string>(opts.only && opts.only.length ? [] : known);
  for (const name of opts.only ?? []) {
    const node = byPath.get(name);
    if (!node) throw unknownPhase(name, known);
    run.add(name);
    node.descendants.forEach((d) => run.add(d));
  }
  for (const raw of opts.skip ?? []) {
    const name = raw.trim();
    if (!name) continue;
    const node = byPath.get(name);
    if (!node) throw unknownPhase(name, known);
    run.delete(name);
    node.descendants.forEach((d) => run.delete(d));
  }
  return run;
}

/**
 * What the runner reports as it goes (tskubeadm's --events): a phase starts, ends (a parent ends after
 * its last child; ms is its wall time), or is left out, with the reason.
 */
export type WorkflowEvent =
  | { type: 'start'; path: string }
  | { type: 'end'; path: string; ms: number }
  | { type: 'skip'; path: string; reason: string };

/** the reason given for a phase left out by a run condition (Phase.runIf) */
export const RUN_CONDITION_NOT_MET = 'its run condition is not met';

export interface RunWorkflowOptions<D> extends SelectOptions {
  out: Output;
  /** builds the shared data once, after phase selection has been validated */
  data: () => Promise<D>;
  /** called after each phase with its wall time (ms) */
  onPhaseDone?: (path: string, ms: number) => void;
  /** why each name in `skip` is skipped; default "--skip-phases" */
  skipReasons?: ReadonlyMap<string, string>;
  onEvent?: (e: WorkflowEvent) => void;
}

/** The phases `skip` removed from what `only` selects, each with the reason of the skip that covers it. */
function skippedPhases<D>(flat: FlatPhase<D>[], opts: RunWorkflowOptions<D>, toRun: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  if (!opts.skip?.length) return out;
  const chosen = select(flat, { ...(opts.only ? { only: opts.only } : {}) });
  for (const f of flat) {
    if (!chosen.has(f.path) || toRun.has(f.path) || f.phase.runAllSiblings) continue;
    // the top of a skipped subtree only: its children are implied
    if (f.parent && out.has(f.parent.path)) continue;
    let reason: string | undefined;
    for (let a: FlatPhase<D> | undefined = f; a && reason === undefined; a = a.parent) reason = opts.skipReasons?.get(a.path);
    out.set(f.path, reason ?? '--skip-phases');
  }
  return out;
}

export async function runWorkflow<D>(phases: Phase<D>[], opts: RunWorkflowOptions<D>): Promise<D> {
  const flat = flatten(phases);
  const toRun = select(flat, opts);

  // every dependency must be among the phases that run before, as kubeadm checks up front
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const f of flat) {
    if (!toRun.has(f.path)) continue;
    for (const dep of f.phase.dependencies ?? []) {
      if (!seen.has(dep)) missing.push(`\tmissing [${dep}] phase(s) needed by "${f.phase.name}" phase`);
    }
    seen.add(f.phase.name);
  }
  if (missing.length) throw new TskError(`unresolved dependencies:\n${missing.join('\n')}`);

  const data = await opts.data();
  await Promise.all(
    flat
      .filter((f) => toRun.has(f.path) && f.phase.prepare)
      .map(async (f) => {
        try {
          await f.phase.prepare!(data, { out: opts.out, path: f.path, selected: toRun });
        } catch {
          /* the phase reports its own failure when it runs */
        }
      }),
  );
  // work phases left running (ctx.background), awaited in order; a failure is its phase's
  const pending: { path: string; work: Promise<void> }[] = [];
  const settle = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      try {
        await next.work;
      } catch (e) {
        throw new PhaseError(next.path, e);
      }
    }
  };
  const contextFor = (path: string): PhaseContext => ({
    out: opts.out,
    path,
    selected: toRun,
    background: (work) => {
      // a rejection is reported when the runner awaits it, not as an unhandled one before that
      work.catch(() => undefined);
      pending.push({ path, work });
    },
  });
  const emit = opts.onEvent ?? (() => undefined);
  const skipped = skippedPhases(flat, opts, toRun);
  // phases started and not yet ended: a parent stays open while its children run
  const open: { f: FlatPhase<D>; t0: number }[] = [];
  const end = () => {
    const o = open.pop()!;
    emit({ type: 'end', path: o.f.path, ms: Math.round((performance.now() - o.t0) * 10) / 10 });
  };
  /** end the open phases that are not ancestors of `f` (all of them without `f`) */
  const closeUntil = (f: FlatPhase<D> | undefined) => {
    while (open.length && !(f && open[open.length - 1]!.f.descendants.includes(f.path))) end();
  };
  const byPath = new Map(flat.map((f) => [f.path, f]));
  const runsChildren = (f: FlatPhase<D>) => f.descendants.some((c) => toRun.has(c) && !byPath.get(c)!.phase.runAllSiblings);
  for (const f of flat) {
    const reason = skipped.get(f.path);
    if (reason !== undefined) {
      closeUntil(f);
      emit({ type: 'skip', path: f.path, reason });
    }
    if (!toRun.has(f.path)) continue;
    const p = f.phase;
    if (p.runAllSiblings) continue;
    closeUntil(f);
    if (p.settlesBackground) await settle();
    if (p.runIf) {
      let ok: boolean;
      try {
        ok = await p.runIf(data);
      } catch (e) {
        throw new PhaseError(f.path, e);
      }
      if (!ok) {
        opts.out.v(1, `[${f.path}] Skipping phase: ${RUN_CONDITION_NOT_MET}`);
        emit({ type: 'skip', path: f.path, reason: RUN_CONDITION_NOT_MET });
        continue;
      }
    }
    emit({ type: 'start', path: f.path });
    open.push({ f, t0: performance.now() });
    if (p.run) {
      const start = Date.now();
      try {
        await p.run(data, contextFor(f.path));
      } catch (e) {
        throw new PhaseError(f.path, e);
      }
      opts.onPhaseDone?.(f.path, Date.now() - start);
    }
    // a phase none of whose children run ends here; a parent ends when the next phase is not its child
    if (!runsChildren(f)) end();
  }
  closeUntil(undefined);
  await settle();
  return data;
}

/** kubeadm's phase list for a command's long help. */
export function phaseHelp<D>(commandUse: string, phases: Phase<D>[]): string {
  const flat = flatten(phases).filter((f) => !f.phase.hidden && !f.phase.runAllSiblings);
  const use = (f: FlatPhase<D>) => (f.level > 0 ? '/' : '') + cleanName(f.phase.name);
  const width = Math.max(...flat.map((f) => use(f).length));
  const lines = flat.map((f) => ' '.repeat(2 * f.level) + use(f).padEnd(width + 2) + f.phase.short);
  return `The "${commandUse}" command executes the following phases:\n\`\`\`\n${lines.join('\n')}\n\`\`\``;
}
