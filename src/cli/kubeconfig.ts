// `tskubeadm kubeconfig user`: registration; the PKI work is imported when it runs.

import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { noArgs, sliceFlag } from './cobraflags.js';
import { KUBECONFIG_DESCRIPTION } from './descriptions.js';

/** kubeadm's CertificateValidityPeriod: one year */
const YEAR_MS = 365 * 24 * 3_600_000;

export function addKubeconfigCommand(program: Command, ctx: CliContext): void {
  const kc = program.command('kubeconfig').description(KUBECONFIG_DESCRIPTION);
  kc.action(() => {
    kc.outputHelp();
    throw new UsageError('"kubeconfig" requires a subcommand');
  });
  const user = kc
    .command('user')
    .description('Output a kubeconfig file for an additional user')
    .addHelpText(
      'after',
      `
Examples:
  # Output a kubeconfig file for an additional user named foo
  tskubeadm kubeconfig user --client-name=foo

  # Output a kubeconfig file for an additional user named foo using a kubeadm config file bar
  tskubeadm kubeconfig user --client-name=foo --config=bar`,
    )
    .addOption(new Option('--config <string>', 'Path to a kubeadm configuration file.'))
    .addOption(
      new Option(
        '--token <string>',
        'The token that should be used as the authentication mechanism for this kubeconfig, instead of client certificates',
      ),
    )
    .addOption(new Option('--client-name <string>', 'The name of user. It will be used as the CN if client certificates are created'))
    .addOption(
      new Option('--validity-period <duration>', 'The validity period of the client certificate. It is an offset from the current time.').default(
        '8760h0m0s',
      ),
    );
  sliceFlag(user, 'org', 'The organizations of the client certificate. It will be used as the O if client certificates are created', []);
  user.argument('[args...]').action(async (args: string[], o: { config?: string; token?: string; clientName?: string; validityPeriod: string; org: string[] }) => {
    noArgs(user, args);
    // cobra's MarkFlagRequired: the flag must be given (an empty value passes)
    if (user.getOptionValueSource('clientName') !== 'cli') throw new UsageError('required flag(s) "client-name" not set');
    const { parseDuration, formatDuration } = await import('../config/duration.js');
    let validityMs: number;
    try {
      validityMs = parseDuration(o.validityPeriod);
    } catch (e) {
      throw new UsageError(`invalid argument "${o.validityPeriod}" for "--validity-period" flag: ${(e as Error).message}`);
    }
    const { NodeHost } = await import('../host/node-host.js');
    const g = ctx.globals();
    const host = new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env });
    const inputs = new NodeHost({ env: ctx.env });
    const { hostDefaults, readConfigFile } = await import('./input.js');
    const text = await readConfigFile(inputs, o.config);
    const { loadInitConfig } = await import('../config/index.js');
    const { generateBootstrapToken } = await import('../util/token.js');
    const cfg = await loadInitConfig({
      ...(text !== undefined ? { text, fileName: o.config! } : {}),
      flags: {},
      flagsSet: [],
      strict: true,
      dynamic: hostDefaults(host, generateBootstrapToken),
    });
    const out = ctx.out();
    for (const w of cfg.warnings) out.warn(w);
    if (validityMs > YEAR_MS) {
      out.warn(
        `WARNING: the specified certificate validity period ${formatDuration(validityMs)} is longer than the default duration ${formatDuration(YEAR_MS)}, this may increase security risks.`,
      );
    }
    const { userKubeconfig } = await import('../kubeconfig/user.js');
    const res = await userKubeconfig({
      host,
      cfg,
      clientName: o.clientName ?? '',
      organizations: o.org,
      ...(o.token ? { token: o.token } : {}),
      validityMs,
      now: host.now(),
    });
    for (const w of res.warnings) out.warn(w);
    // kubeadm's Fprintln of the file: one more newline
    ctx.streams.stdout.write(res.text + '\n');
  });
}
