// The CLI: run(argv, streams) returns the exit code; only bin/tskubeadm calls process.exit.
// Heavy modules (Kubernetes client, crypto, gRPC) are imported lazily inside the commands that use them.

import { Command, CommanderError } from 'commander';
import { EXIT_ERROR, EXIT_OK, EXIT_VALIDATION, TskError, UsageError } from '../errors.js';
import { createOutput, type Output, type Streams } from '../output.js';
import type { CliContext, Globals } from './context.js';
import { addVersionCommand } from './version.js';
import { addCompletionCommand } from './completion.js';
import { addConfigCommand } from './config.js';
import { INIT_DESCRIPTION, JOIN_DESCRIPTION, KUBECONFIG_DESCRIPTION, TOKEN_DESCRIPTION } from './descriptions.js';
import { addCertsCommand } from './certs.js';

export type { CliContext, Globals } from './context.js';

/** Command modules that are costly to load (their phase trees pull in renderers); see `lazyModulesFor`. */
export interface LazyCommands {
  init?: typeof import('./init.js');
  reset?: typeof import('./reset.js');
  join?: typeof import('./join.js');
  token?: typeof import('./token.js');
  kubeconfig?: typeof import('./kubeconfig.js');
}

/**
 * Which costly command modules an argv needs. A workflow command's module (and its phase tree) is loaded
 * only when its name appears as a word, or for completion/help, which walk the whole tree. Otherwise the
 * command is registered by name and description alone: it cannot be the one invoked, and the top-level
 * help reads the same.
 */
export async function lazyModulesFor(argv: string[]): Promise<LazyCommands> {
  const words = new Set(argv);
  const all = words.has('completion') || words.has('help');
  return {
    ...(all || words.has('init') ? { init: await import('./init.js') } : {}),
    ...(all || words.has('reset') ? { reset: await import('./reset.js') } : {}),
    ...(all || words.has('join') ? { join: await import('./join.js') } : {}),
    ...(all || words.has('token') ? { token: await import('./token.js') } : {}),
    ...(all || words.has('kubeconfig') ? { kubeconfig: await import('./kubeconfig.js') } : {}),
  };
}

export function buildProgram(ctx: CliContext, onCommanderError?: (cmd: Command) => void, lazy: LazyCommands = {}): Command {
  const program = new Command('tskubeadm');
  program
    .description('Bootstrap a Kubernetes cluster the way kubeadm does: tskubeadm init on a control-plane host, tskubeadm join on the others')
    .addHelpText(
      'after',
      `
tskubeadm re-implements kubeadm in TypeScript and leaves the host exactly as kubeadm would.

Example:
  # on the control-plane host
  tskubeadm init
  # on each other host, with the command init printed
  tskubeadm join <endpoint> --token <token> --discovery-token-ca-cert-hash sha256:<hash>`,
    )
    .showHelpAfterError(false)
    .exitOverride((err) => {
      onCommanderError?.(program);
      throw err;
    })
    .configureOutput({
      writeOut: (s) => ctx.streams.stdout.write(s),
      writeErr: (s) => ctx.streams.stderr.write(s),
      outputError: () => undefined,
    });
  addGlobalOptions(program);
  program.enablePositionalOptions();
  if (lazy.init) lazy.init.addInitCommand(program, ctx);
  else program.command('init').description(INIT_DESCRIPTION);
  if (lazy.join) lazy.join.addJoinCommand(program, ctx);
  else program.command('join').description(JOIN_DESCRIPTION).argument('[api-server-endpoint...]');
  if (lazy.reset) lazy.reset.addResetCommand(program, ctx);
  else program.command('reset').description('Undo, as far as it can, what init or join did to this host');
  if (lazy.token) lazy.token.addTokenCommand(program, ctx);
  else program.command('token').description(TOKEN_DESCRIPTION);
  if (lazy.kubeconfig) lazy.kubeconfig.addKubeconfigCommand(program, ctx);
  else program.command('kubeconfig').description(KUBECONFIG_DESCRIPTION);
  addCertsCommand(program, ctx);
  addConfigCommand(program, ctx);
  addVersionCommand(program, ctx);
  addCompletionCommand(program, ctx);
  // kubeadm's global flags work anywhere on the command line: every command declares them, and
  // options after a subcommand belong to that subcommand (positional options all the way down)
  const inherit = (c: Command) => {
    addGlobalOptions(c);
    c.enablePositionalOptions();
    c.exitOverride((err) => {
      onCommanderError?.(c);
      throw err;
    }).configureOutput({
      writeOut: (s) => ctx.streams.stdout.write(s),
      writeErr: (s) => ctx.streams.stderr.write(s),
      outputError: () => undefined,
    });
    c.commands.forEach(inherit);
  };
  program.commands.forEach(inherit);
  return program;
}

function addGlobalOptions(c: Command): void {
  c.option(
    '-v, --v <level>',
    'log verbosity: 0..10; 5 or more also prints stack traces',
    (v: string) => {
      const n = parseVerbosity(v);
      if (n === undefined) throw new UsageError(`invalid argument "${v}" for "-v, --v" flag: expected a number from 0 to 10`);
      return n;
    },
    0,
  );
  c.option('--rootfs <dir>', 'treat this directory as the host root: every host path is confined under it (experimental)');
}

/** The global flags as given on the command line, wherever they appeared (leaf command first). */
export function globalsOf(cmd: Command | undefined): Globals {
  let verbosity: number | undefined;
  let rootfs: string | undefined;
  for (let c = cmd; c; c = c.parent ?? undefined) {
    if (verbosity === undefined && c.getOptionValueSource('v') === 'cli') verbosity = c.getOptionValue('v') as number;
    if (rootfs === undefined && c.getOptionValueSource('rootfs') === 'cli') rootfs = c.getOptionValue('rootfs') as string;
  }
  return { verbosity: verbosity ?? 0, rootfs };
}

/** Renders an error once: message, hint, and the stack at --v=5 or higher. Returns the exit code. */
export function renderError(e: unknown, streams: Streams, verbosity: number): number {
  const code = e instanceof TskError ? e.exitCode : EXIT_ERROR;
  const msg = e instanceof Error ? e.message : String(e);
  // kubeadm prints every fatal error as "error: <message>"
  streams.stderr.write('error: ' + (msg.endsWith('\n') ? msg : msg + '\n'));
  if (e instanceof TskError && e.hint) streams.stderr.write(`hint: ${e.hint}\n`);
  if (verbosity >= 5) {
    let cur: unknown = e;
    while (cur instanceof Error) {
      if (cur.stack) streams.stderr.write(cur.stack + '\n');
      cur = (cur as { cause?: unknown }).cause;
    }
  } else if (!(e instanceof TskError) || e.exitCode === EXIT_ERROR) {
    streams.stderr.write('To see the stack trace of this error execute with --v=5 or higher\n');
  }
  return code;
}

export async function run(argv: string[], streams: Streams, opts: { stdin?: NodeJS.ReadableStream; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  let program: Command | undefined;
  let failedCommand: Command | undefined;
  let actionCommand: Command | undefined;
  const globals = (): Globals => globalsOf(actionCommand);
  let output: Output | undefined;
  const ctx: CliContext = {
    streams,
    globals,
    out: () => (output ??= createOutput(streams, globals().verbosity)),
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    env: opts.env ?? process.env,
  };
  try {
    const lazy = await lazyModulesFor(argv);
    program = buildProgram(
      ctx,
      (c) => {
        failedCommand ??= c;
      },
      lazy,
    );
    program.hook('preAction', (_self, action) => {
      actionCommand = action;
    });
    if (argv.length === 0) {
      // bare `tskubeadm`: the help, on stdout, as a success (cobra's behaviour)
      program.outputHelp();
      return EXIT_OK;
    }
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      if (e.code === 'commander.executeSubCommandAsync') return EXIT_OK;
      let msg = e.message.replace(/^error: /, '');
      const where = failedCommand ? commandPath(failedCommand) : 'tskubeadm';
      // a word no command takes: cobra calls it an unknown command ("unknown command "x" for "kubeadm init"")
      if (e.code === 'commander.excessArguments' && failedCommand) {
        msg = `unknown command ${JSON.stringify(failedCommand.args[0] ?? '')} for ${JSON.stringify(where)}`;
      }
      msg = cobraWording(e.code, msg);
      streams.stderr.write(`error: ${msg}\nSee '${where} --help' for usage.\n`);
      return EXIT_VALIDATION;
    }
    return renderError(e, streams, globals().verbosity || verbosityFromArgv(argv));
  }
}

/** commander's wording of a flag error in cobra's (pflag's) words, as kubeadm prints it. */
export function cobraWording(code: string, msg: string): string {
  const flag = /'(-[^' ]+)/.exec(msg)?.[1];
  if (!flag) return msg;
  const hint = /\n\(Did you mean [^)]*\)/.exec(msg)?.[0] ?? '';
  if (code === 'commander.unknownOption') {
    return (/^-[^-]/.test(flag) ? `unknown shorthand flag: '${flag[1]}' in ${flag}` : `unknown flag: ${flag}`) + hint;
  }
  if (code === 'commander.optionMissingArgument') {
    const long = /'[^']*?(--[\w-]+)/.exec(msg)?.[1];
    return `flag needs an argument: ${long ?? flag}`;
  }
  return msg;
}

function commandPath(cmd: Command): string {
  const words: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

/** A --v value: an integer from 0 to 10, else undefined. */
function parseVerbosity(v: string): number | undefined {
  if (!/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 10 ? n : undefined;
}

/**
 * The verbosity asked for on the command line, for errors raised before commander stored it
 * (e.g. while parsing another flag). An invalid value counts as 0: it must not switch on stack traces.
 */
function verbosityFromArgv(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const m = /^(?:--v|-v)(?:=(.*))?$/.exec(a) ?? /^-v(\d+)$/.exec(a);
    if (m) return parseVerbosity(m[1] ?? argv[i + 1] ?? '') ?? 0;
  }
  return 0;
}
