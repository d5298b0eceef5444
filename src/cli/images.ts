// `tskubeadm config images list|pull`: registration; the work is imported when a command runs.

import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { noArgs } from './cobraflags.js';
import { addOutputFlags, outputPrinter, type OutputOpts } from './output-flags.js';

function addCommonFlags(c: Command): void {
  c.addOption(
    new Option('--kubernetes-version <string>', 'Choose a specific Kubernetes version for the control plane.').default('stable-1'),
  )
    .addOption(
      new Option(
        '--feature-gates <string>',
        'A set of key=value pairs that describe feature gates for various features. No feature gates are available in this release.',
      ),
    )
    .addOption(new Option('--image-repository <string>', 'Choose a container registry to pull control plane images from').default('registry.k8s.io'))
    .addOption(new Option('--config <string>', 'Path to a kubeadm configuration file.'));
}

interface CommonOpts {
  kubernetesVersion: string;
  featureGates?: string;
  imageRepository: string;
  config?: string;
  criSocket?: string;
}

async function input(ctx: CliContext, cmd: Command, o: CommonOpts, detectCRI: boolean) {
  const { NodeHost } = await import('../host/node-host.js');
  const g = ctx.globals();
  const host = new NodeHost({ ...(g.rootfs ? { rootfs: g.rootfs } : {}), env: ctx.env });
  const inputs = new NodeHost({ env: ctx.env });
  const { readConfigFile } = await import('./input.js');
  const configText = await readConfigFile(inputs, o.config);
  const set = (a: string) => cmd.getOptionValueSource(a) === 'cli';
  return {
    host,
    out: ctx.out(),
    ...(configText !== undefined ? { configText, configPath: o.config! } : {}),
    ...(set('kubernetesVersion') ? { kubernetesVersion: o.kubernetesVersion } : {}),
    ...(set('imageRepository') ? { imageRepository: o.imageRepository } : {}),
    ...(o.featureGates ? { featureGates: o.featureGates } : {}),
    ...(set('criSocket') ? { criSocket: o.criSocket ?? '' } : {}),
    detectCRI,
  };
}

export function addConfigImagesCommand(config: Command, ctx: CliContext): void {
  const images = config.command('images').description('Interact with container images used by kubeadm');
  images.action(() => {
    images.outputHelp();
    throw new UsageError('"config images" requires a subcommand');
  });

  const stolen: string[] = [];
  const list = addOutputFlags(
    images
      .command('list')
      .description(
        'Print a list of images kubeadm will use. The configuration file is used in case any images or image repositories are customized',
      ),
    stolen,
  );
  addCommonFlags(list);
  list.action(async (o: CommonOpts & OutputOpts) => {
    noArgs(list, stolen);
    const { parseFeatureGates } = await import('../config/flags.js');
    // kubeadm: feature gates, then the printer, then the configuration
    if (o.featureGates) parseFeatureGates(o.featureGates, []);
    const printer = await outputPrinter(ctx, o);
    const { runImagesList } = await import('../images/commands.js');
    await runImagesList(await input(ctx, list, o, false), printer);
  });

  const pull = images.command('pull').description('Pull images used by kubeadm');
  addCommonFlags(pull);
  pull.addOption(
    new Option(
      '--cri-socket <string>',
      'Path to the CRI socket to connect. If empty kubeadm will try to auto-detect this value; use this option only if you have more than one CRI installed or if you have non-standard CRI socket.',
    ),
  );
  pull.action(async (o: CommonOpts) => {
    const { runImagesPull } = await import('../images/commands.js');
    await runImagesPull(await input(ctx, pull, o, true));
  });
}
