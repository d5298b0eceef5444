// `tskubeadm config`: print defaults, validate and migrate configuration files.

import type { Command } from 'commander';
import * as path from 'node:path';
import { TskError, UsageError, ValidationError, formatProblem } from '../errors.js';
import type { CliContext } from './context.js';
import { addConfigImagesCommand } from './images.js';

async function readInput(ctx: CliContext, file: string, flag: string): Promise<string> {
  try {
    const { NodeHost } = await import('../host/node-host.js');
    return await new NodeHost({ env: ctx.env }).readText(path.resolve(file));
  } catch (e) {
    throw new TskError(`--${flag}: ${(e as Error).message}`, 3, { cause: e });
  }
}

export function addConfigCommand(program: Command, ctx: CliContext): void {
  const config = program
    .command('config')
    .description('Print default configuration, validate a configuration file, or migrate it to the current API version');
  config.action(() => {
    config.outputHelp();
    throw new UsageError('"config" requires a subcommand');
  });

  const print = config.command('print').description('Print default configuration documents');
  print.action(() => {
    print.outputHelp();
    throw new UsageError('"config print" requires a subcommand');
  });
  const kinds = [
    ['init-defaults', 'InitConfiguration and ClusterConfiguration for `tskubeadm init`', 'printInitDefaults'],
    ['join-defaults', 'JoinConfiguration for `tskubeadm join`', 'printJoinDefaults'],
    ['reset-defaults', 'ResetConfiguration for `tskubeadm reset`', 'printResetDefaults'],
  ] as const;
  for (const [name, what, fn] of kinds) {
    const c = print.command(name).description(`Print the default ${what}`);
    if (fn === 'printInitDefaults') {
      // kubeadm offers --component-configs on init-defaults only; join/reset-defaults reject it as unknown
      c.option(
        '--component-configs <kinds>',
        'comma-separated component configs whose defaults follow the kubeadm documents (KubeletConfiguration, KubeProxyConfiguration); may be repeated',
        (v: string, prev: string[] | undefined) => [...(prev ?? []), ...(v === '' ? [] : v.split(','))],
      );
    }
    c.action(async (opts: { componentConfigs?: string[] }) => {
      const mod = await import('../config/index.js');
      const text = fn === 'printInitDefaults' ? mod.printInitDefaults({ componentConfigs: opts.componentConfigs ?? [] }) : mod[fn]();
      ctx.streams.stdout.write(text);
    });
  }

  addConfigImagesCommand(config, ctx);

  config
    .command('validate')
    .description('Read a configuration file and report every problem found; exits 0 when it is valid')
    .requiredOption('--config <path>', 'path to the kubeadm configuration file to check')
    .option('--allow-experimental-api', 'accept unreleased API versions (kept for compatibility; has no effect)', false)
    .action(async (opts: { config: string }) => {
      const text = await readInput(ctx, opts.config, 'config');
      const { validateConfigFile } = await import('../config/index.js');
      const res = validateConfigFile(text, opts.config);
      for (const w of res.warnings) ctx.out().warn(w);
      if (res.problems.length) throw new ValidationError(res.problems);
      ctx.streams.stdout.write('ok\n');
    });

  config
    .command('migrate')
    .description('Convert a configuration file from an older API version (v1beta3) to kubeadm.k8s.io/v1beta4')
    .requiredOption('--old-config <path>', 'path to the configuration file to convert')
    .option('--new-config <path>', 'write the result to this file instead of standard output')
    .option('--allow-experimental-api', 'accept unreleased API versions (kept for compatibility; has no effect)', false)
    .action(async (opts: { oldConfig: string; newConfig?: string }) => {
      const text = await readInput(ctx, opts.oldConfig, 'old-config');
      const { migrateConfig } = await import('../config/index.js');
      const res = migrateConfig(text, opts.oldConfig);
      for (const w of res.warnings) ctx.out().warn(w);
      if (opts.newConfig) {
        const { NodeHost } = await import('../host/node-host.js');
        await new NodeHost({ env: ctx.env }).writeFileAtomic(path.resolve(opts.newConfig), res.text, 0o600);
      } else {
        ctx.streams.stdout.write(res.text);
      }
    });
}

export { formatProblem };
