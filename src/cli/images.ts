// `tskubeadm config images list|pull`: registration; the work is imported when a command runs.

import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { boolFlag, noArgs } from './cobraflags.js';

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
  const list = images
    .command('list')
    .description(
      'Print a list of images kubeadm will use. The configuration file is used in case any images or image repositories are customized',
    )
    .addOption(
      new Option(
        '-o, --output <string>',
        'Output format. One of: text|json|yaml|kyaml|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file (tskubeadm prints text, json and yaml).',
      ).default('text'),
    );
  boolFlag(list, 'show-managed-fields', 'If true, keep the managedFields when printing objects in JSON or YAML format.', stolen);
  boolFlag(
    list,
    'allow-missing-template-keys',
    'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.',
    stolen,
    true,
  );
  addCommonFlags(list);
  list.action(async (o: CommonOpts & { output: string }) => {
    noArgs(list, stolen);
    const { resolveOutputFormat } = await import('../util/printers.js');
    const { parseFeatureGates } = await import('../config/flags.js');
    // kubeadm: feature gates, then the printer, then the configuration
    if (o.featureGates) parseFeatureGates(o.featureGates, []);
    const format = resolveOutputFormat(o.output);
    const { runImagesList } = await import('../images/commands.js');
    await runImagesList(await input(ctx, list, o, false), format);
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
