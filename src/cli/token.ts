// `tskubeadm token`: create, list, delete and generate bootstrap tokens (kubeadm's cmd/token.go).
// Registration only: the work (and the Kubernetes client) is imported when a subcommand runs.

import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { boolFlag, given, noArgs, sliceFlag } from './cobraflags.js';
import { TOKEN_DESCRIPTION } from './descriptions.js';
import { addOutputFlags, outputPrinter, type OutputOpts } from './output-flags.js';

const KUBECONFIG_HELP =
  'The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file.';
const DRY_RUN_HELP = 'Whether to enable dry-run mode or not';

interface Persistent {
  kubeconfig?: string;
  dryRun: boolean;
}

/** The persistent flags of `token`, given on the subcommand or on `token` itself. */
function persistent(sub: Command): Persistent {
  const parent = sub.parent!;
  const kubeconfig = given(sub, 'kubeconfig') ? sub.getOptionValue('kubeconfig') : parent.getOptionValue('kubeconfig');
  const dryRun = given(sub, 'dryRun') ? sub.getOptionValue('dryRun') : parent.getOptionValue('dryRun');
  return { ...(kubeconfig ? { kubeconfig: kubeconfig as string } : {}), dryRun: dryRun === true };
}

function addPersistent(c: Command, stolen: string[]): void {
  c.addOption(new Option('--kubeconfig <string>', KUBECONFIG_HELP + ' (default "/etc/kubernetes/admin.conf")'));
  boolFlag(c, 'dry-run', DRY_RUN_HELP, stolen);
}

async function hosts(ctx: CliContext) {
  const { NodeHost } = await import('../host/node-host.js');
  const g = ctx.globals();
  return {
    host: new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env }),
    inputs: new NodeHost({ env: ctx.env }),
  };
}

export function addTokenCommand(program: Command, ctx: CliContext): void {
  const token = program
    .command('token')
    .description(TOKEN_DESCRIPTION)
    .addHelpText(
      'after',
      `
Bootstrap tokens are Secrets of type "bootstrap.kubernetes.io/token" named "bootstrap-token-<token-id>" in
kube-system. A token has the form "[a-z0-9]{6}.[a-z0-9]{16}": the public token ID, then the secret part,
which must be kept private. See https://kubernetes.io/docs/admin/bootstrap-tokens/`,
    );
  token.addOption(new Option('--kubeconfig <string>', KUBECONFIG_HELP + ' (default "/etc/kubernetes/admin.conf")'));
  token.option('--dry-run', DRY_RUN_HELP, false);
  token.action(() => {
    token.outputHelp();
    throw new UsageError('"token" requires a subcommand');
  });

  // ---- create ----
  const createStolen: string[] = [];
  const create = token
    .command('create')
    .argument('[token]', 'the token to write ("[a-z0-9]{6}.[a-z0-9]{16}"); a random one when not given')
    .description('Create bootstrap tokens on the server')
    .addOption(new Option('--config <string>', 'Path to a kubeadm configuration file.'))
    .addOption(
      new Option(
        '--certificate-key <string>',
        "When used together with '--print-join-command', print the full 'tskubeadm join' flag needed to join the cluster as a control-plane. To create a new certificate key you must use 'tskubeadm init phase upload-certs --upload-certs'.",
      ),
    )
    .addOption(
      new Option(
        '--ttl <duration>',
        "The duration before the token is automatically deleted (e.g. 1s, 2m, 3h). If set to '0', the token will never expire",
      ).default('24h0m0s'),
    )
    .addOption(new Option('--description <string>', 'A human friendly description of how this token is used.'));
  boolFlag(
    create,
    'print-join-command',
    "Instead of printing only the token, print the full 'tskubeadm join' flag needed to join the cluster using the token.",
    createStolen,
  );
  sliceFlag(
    create,
    'usages',
    'Describes the ways in which this token can be used. You can pass --usages multiple times or provide a comma separated list of options. Valid options: [signing,authentication]',
    ['signing', 'authentication'],
  );
  sliceFlag(
    create,
    'groups',
    'Extra groups that this token will authenticate as when used for authentication. Must match "\\\\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\\\z"',
    ['system:bootstrappers:kubeadm:default-node-token'],
  );
  addPersistent(create, createStolen);
  create.action(async (tokenArg: string | undefined, opts: Record<string, unknown>) => {
    const args = [...createStolen, ...(tokenArg !== undefined ? [tokenArg] : [])];
    // cobra takes the first word; more are ignored by kubeadm as well
    const { normalizeDuration } = await import('../config/duration.js');
    let ttl: string;
    try {
      ttl = normalizeDuration(String(opts.ttl));
    } catch (e) {
      throw new UsageError(`invalid argument "${String(opts.ttl)}" for "--ttl" flag: ${(e as Error).message}`);
    }
    const p = persistent(create);
    const { host, inputs } = await hosts(ctx);
    const configPath = opts.config as string | undefined;
    const { readConfigFile } = await import('./input.js');
    const configText = await readConfigFile(inputs, configPath);
    const flagsSet = ['config', 'print-join-command', 'certificate-key', 'ttl', 'usages', 'groups', 'description', 'kubeconfig', 'dry-run'].filter(
      (f) => given(create, f.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())) || (f === 'kubeconfig' && p.kubeconfig) || (f === 'dry-run' && p.dryRun),
    );
    const { runCreateToken } = await import('../token/create.js');
    await runCreateToken({
      host,
      inputs,
      out: ctx.out(),
      env: ctx.env,
      ...(args[0] !== undefined ? { token: args[0] } : {}),
      ...(configPath ? { configPath } : {}),
      ...(configText !== undefined ? { configText } : {}),
      ttl,
      usages: opts.usages as string[],
      groups: opts.groups as string[],
      description: (opts.description as string | undefined) ?? '',
      printJoinCommand: opts.printJoinCommand === true,
      certificateKey: (opts.certificateKey as string | undefined) ?? '',
      ...(p.kubeconfig ? { kubeconfig: p.kubeconfig } : {}),
      dryRun: p.dryRun,
      flagsSet,
    });
  });

  // ---- generate ----
  token
    .command('generate')
    .description('Generate and print a bootstrap token, but do not create it on the server')
    .action(async () => {
      const { generateBootstrapToken } = await import('../util/token.js');
      ctx.streams.stdout.write(generateBootstrapToken() + '\n');
    });

  // ---- list ----
  const listStolen: string[] = [];
  const list = addOutputFlags(token.command('list').description('List bootstrap tokens on the server'), listStolen);
  addPersistent(list, listStolen);
  list.action(async (opts: OutputOpts) => {
    noArgs(list, listStolen);
    // the format and template are checked before the kubeconfig is read (kubeadm reads the kubeconfig first)
    const printer = await outputPrinter(ctx, opts);
    const p = persistent(list);
    const { host } = await hosts(ctx);
    const { kubeconfigPath, tokenClient } = await import('../token/client.js');
    const file = await kubeconfigPath(host, p.kubeconfig, ctx.env);
    const client = await tokenClient({ host, file, dryRun: p.dryRun, out: ctx.out() });
    const { runListTokens } = await import('../token/list.js');
    await runListTokens({ client, printer, stdout: ctx.streams.stdout, stderr: ctx.streams.stderr });
  });

  // ---- delete ----
  const deleteStolen: string[] = [];
  const del = token
    .command('delete')
    .argument('[token-value...]', 'a whole token "[a-z0-9]{6}.[a-z0-9]{16}" or a token ID "[a-z0-9]{6}"')
    .description('Delete bootstrap tokens on the server');
  addPersistent(del, deleteStolen);
  del.action(async (values: string[]) => {
    const { tokenIdsOf, runDeleteTokens } = await import('../token/delete.js');
    const ids = tokenIdsOf([...deleteStolen, ...values]);
    const p = persistent(del);
    const { host } = await hosts(ctx);
    const { kubeconfigPath, tokenClient } = await import('../token/client.js');
    const file = await kubeconfigPath(host, p.kubeconfig, ctx.env);
    const client = await tokenClient({ host, file, dryRun: p.dryRun, out: ctx.out() });
    await runDeleteTokens(client, ctx.out(), ids);
  });
}
