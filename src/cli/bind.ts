// Binds flag specs and phase trees to commander commands.

import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { flagSpecs, type FlagName, type FlagValues } from './flags.js';
import { flatten, phaseHelp, runWorkflow, type Phase } from '../phases/workflow.js';
import { tapWarnings, type Output } from '../output.js';
import { openEvents, type EventSink } from './events.js';

const attr = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function parseBool(flag: string) {
  return (v: string | boolean | undefined): boolean => {
    if (v === undefined || v === true || v === '' || v === 'true') return true;
    if (v === 'false') return false;
    throw new UsageError(`invalid argument "${v}" for "--${flag}" flag: expected true or false`);
  };
}

function parseIntFlag(flag: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid argument "${v}" for "--${flag}" flag: not an integer`);
    return Number(v);
  };
}

function collectList(v: string, prev: string[] | undefined): string[] {
  const parts = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return [...(prev ?? []), ...parts];
}

/** Add the named flags (from the one registry) to a command. */
export function addFlags(cmd: Command, names: readonly FlagName[], overrides: Partial<Record<FlagName, string>> = {}): void {
  for (const name of names) {
    const spec = flagSpecs[name];
    const flags = `${spec.short ? `-${spec.short}, ` : ''}--${name}`;
    const desc = overrides[name] ?? spec.description;
    let opt: Option;
    switch (spec.kind) {
      case 'bool':
        opt = new Option(`${flags} [bool]`, desc).argParser(parseBool(name));
        opt.preset(true);
        break;
      case 'int':
        opt = new Option(`${flags} <${spec.arg ?? 'int'}>`, desc).argParser(parseIntFlag(name));
        break;
      case 'list':
        opt = new Option(`${flags} <${spec.arg ?? 'values'}>`, desc).argParser(collectList);
        break;
      default:
        opt = new Option(`${flags} <${spec.arg ?? 'string'}>`, desc);
    }
    if (spec.default !== undefined && !(Array.isArray(spec.default) && spec.default.length === 0)) {
      opt.default(spec.default);
    } else if (spec.kind === 'bool') {
      opt.default(false);
    }
    if (spec.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
}

export interface ReadFlags {
  values: FlagValues;
  /** flags the user gave on the command line */
  set: FlagName[];
}

export function readFlags(cmd: Command, names: readonly FlagName[]): ReadFlags {
  const values: FlagValues = {};
  const set: FlagName[] = [];
  for (const name of names) {
    const a = attr(name);
    const v = cmd.getOptionValue(a) as string | boolean | number | string[] | undefined;
    if (v !== undefined) values[name] = v;
    if (cmd.getOptionValueSource(a) === 'cli') set.push(name);
  }
  return { values, set };
}

/** "init", "init phase certs all": the words of a command, without the program's name */
function commandWords(cmd: Command): string {
  const words: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

/** a phase left out of a run, and why */
export interface PhaseSkip {
  phase: string;
  reason: string;
}

export const SKIP_PHASES_FLAG = '--skip-phases';

/** kubeadm's rule: the --skip-phases flag when given, else the configuration's skipPhases (named by `configField`). */
export function flagOrConfigSkips(fromFlag: string[], fromConfig: readonly string[], configField: string): PhaseSkip[] {
  if (fromFlag.length) return fromFlag.map((phase) => ({ phase, reason: SKIP_PHASES_FLAG }));
  return fromConfig.map((phase) => ({ phase, reason: configField }));
}

export interface WorkflowBinding<D> {
  phases: Phase<D>[];
  /** flag names the main command takes (phases may inherit from these) */
  flags: readonly FlagName[];
  /** extra flags only phases may inherit (kubeadm's "additional flags") */
  phaseOnlyFlags?: readonly FlagName[];
  /** builds the run data from the flags of whichever command was invoked (`accepted`: the flags it takes) */
  makeData: (flags: ReadFlags, args: string[], accepted: readonly FlagName[]) => Promise<D>;
  /**
   * the phases to skip given those from --skip-phases, each with the reason (for --events): kubeadm
   * falls back to the config's skipPhases when the flag is empty and adds derived skips (e.g. disabled
   * addons). Main command only: a `phase` command runs its phase whatever the config says, as kubeadm's does
   */
  skips?: (data: D, fromFlag: string[]) => PhaseSkip[];
  out: () => Output;
  /** the command's usage line in the phase list heading (kubeadm's cobra Use), default its name */
  use?: string;
  onDone?: (data: D, timings: [string, number][]) => void | Promise<void>;
  /** called when a phase fails, before the error is reported (e.g. to take back what the run added) */
  onError?: (data: D) => Promise<void>;
  /** called before the phases of the main command (not of a single `phase` command) run */
  onStart?: (data: D) => void | Promise<void>;
}

/**
 * Bind a workflow to a command: adds --skip-phases, the generated `phase` subcommands and
 * the phase list in the long help. Returns the action for the main command.
 */
export function bindWorkflow<D>(cmd: Command, b: WorkflowBinding<D>): void {
  const allFlags = [...b.flags];
  // options after a subcommand belong to that subcommand: `init phase certs all --cert-dir X`
  // must reach the phase command, which only accepts the flags its phase inherits
  cmd.enablePositionalOptions();
  addFlags(cmd, allFlags);
  addFlags(cmd, ['skip-phases', 'events']);
  cmd.addHelpText('after', '\n' + phaseHelp(b.use ?? cmd.name(), b.phases));

  const execute = async (only: string[] | undefined, flagCmd: Command, names: readonly FlagName[], args: string[]) => {
    const flags = readFlags(flagCmd, names);
    const out = b.out();
    const eventsSpec = readFlags(flagCmd, ['events']).values.events as string | undefined;
    const events = openEvents(eventsSpec, commandWords(flagCmd), out.stderr);
    const untap = tapWarnings(out, (m, check) => events.warning(m, check));
    events.emit('start');
    try {
      await runBound(only, flagCmd, names, flags, args, events);
      events.done();
    } catch (e) {
      events.failed(e);
      throw e;
    } finally {
      untap();
      events.close();
    }
  };

  const runBound = async (only: string[] | undefined, flagCmd: Command, names: readonly FlagName[], flags: ReadFlags, args: string[], events: EventSink) => {
    const cliSkips = only ? [] : ((readFlags(flagCmd, ['skip-phases']).values['skip-phases'] as string[] | undefined) ?? []);
    // validate phase names before any work
    const flat = flatten(b.phases);
    const known = new Set(flat.map((f) => f.path));
    for (const s of cliSkips) if (!known.has(s)) throw new UsageError(`invalid phase name: ${s}`, { hint: `valid phase names: ${[...known].filter((k) => !k.endsWith('/all')).join(', ')}` });
    const timings: [string, number][] = [];
    const d = await b.makeData(flags, args, names);
    // kubeadm's runner picks the phases of a `phase` command before its data (and with it the config's
    // skipPhases and disabled addons) exists, so those skips only apply to the main command
    const skip = only ? [] : b.skips ? b.skips(d, cliSkips) : cliSkips.map((phase) => ({ phase, reason: SKIP_PHASES_FLAG }));
    const skipReasons = new Map<string, string>();
    for (const s of skip) if (!skipReasons.has(s.phase)) skipReasons.set(s.phase, s.reason);
    if (!only) await b.onStart?.(d);
    try {
      await runWorkflow(b.phases, {
        ...(only ? { only } : {}),
        skip: [...skipReasons.keys()],
        skipReasons,
        out: b.out(),
        data: async () => d,
        onPhaseDone: (p, ms) => timings.push([p, ms]),
        onEvent: (e) => events.phase(e),
      });
    } catch (e) {
      if (b.onError) {
        try {
          await b.onError(d);
        } catch (undoError) {
          b.out().warn(`could not undo what the failed run did: ${undoError instanceof Error ? undoError.message : String(undoError)}`);
        }
      }
      throw e;
    }
    await b.onDone?.(d, timings);
  };

  cmd.action(async (...a: unknown[]) => {
    const self = a[a.length - 1] as Command;
    const args = (self.args ?? []) as string[];
    await execute(undefined, self, allFlags, args);
  });

  // the `phase` subcommand tree
  const phaseCmd = cmd
    .command('phase')
    .description(`Run one phase of the "${cmd.name()}" workflow on its own`)
    .enablePositionalOptions();
  phaseCmd.action(() => {
    phaseCmd.outputHelp();
    throw new UsageError(`"${cmd.name()} phase" requires a subcommand`);
  });
  const commands = new Map<string, Command>();
  const visit = (phases: Phase<D>[], parentCmd: Command, parentPath: string | undefined) => {
    for (const p of phases) {
      if (p.hidden) continue;
      const path = parentPath ? `${parentPath}/${p.name}` : p.name;
      const selector = p.runAllSiblings ? parentPath! : path;
      const c = parentCmd.command(p.name).description(p.short).enablePositionalOptions();
      for (const al of p.aliases ?? []) c.alias(al);
      if (p.long) c.addHelpText('after', '\n' + p.long);
      if (p.example) c.addHelpText('after', '\nExamples:\n' + p.example);
      const inherited = (p.inheritFlags ?? []).filter((f) => allFlags.includes(f) || (b.phaseOnlyFlags ?? []).includes(f));
      const own = [...inherited, ...(p.localFlags ?? []).filter((f) => !inherited.includes(f))];
      addFlags(c, own);
      if (!p.phases?.length) addFlags(c, ['events']);
      if (p.phases?.length) {
        c.action(() => {
          c.outputHelp();
          throw new UsageError(`"${path.replace(/\//g, ' ')}" requires a subcommand`);
        });
        visit(p.phases, c, path);
      } else {
        if (p.acceptsArgs) c.argument('[args...]');
        c.action(async (...a: unknown[]) => {
          const self = a[a.length - 1] as Command;
          await execute([selector], self, own, (self.args ?? []) as string[]);
        });
      }
      commands.set(path, c);
    }
  };
  visit(b.phases, phaseCmd, undefined);
}
