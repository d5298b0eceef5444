// `tskubeadm certs` (alias `certificates`): day-2 certificate commands. check-expiration, renew,
// certificate-key and generate-csr. Only the command tree lives here; the work is in ./certs-run.ts,
// loaded when a command runs.

import { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { RENEW_TARGETS, type CommonCertFlags } from './certs-flags.js';
import { noArgs } from './cobraflags.js';
import { addOutputFlags, type OutputOpts } from './output-flags.js';

function requireSubcommand(c: Command, name: string): void {
  c.action(() => {
    c.outputHelp();
    throw new UsageError(`"${name}" requires a subcommand`);
  });
}

function commonFlags(c: Command): Command {
  return c
    .option('--config <path>', 'path to a kubeadm configuration file (otherwise the cluster\'s kubeadm-config ConfigMap, else the defaults)')
    .option('--cert-dir <path>', 'directory where the certificates are kept', '/etc/kubernetes/pki')
    .option('--kubeconfig <path>', 'kubeconfig file used to read the configuration from the cluster', '/etc/kubernetes/admin.conf');
}

export function addCertsCommand(program: Command, ctx: CliContext): void {
  const certs = program.command('certs').alias('certificates').description('Check, renew and prepare the certificates of a control-plane node');
  requireSubcommand(certs, 'certs');

  const renew = certs.command('renew').description('Renew the certificates of this control-plane node with the CAs on disk');
  requireSubcommand(renew, 'certs renew');
  const renewAction = (name: string) => async (opts: CommonCertFlags) => {
    const { runRenew } = await import('./certs-run.js');
    await runRenew(ctx, name, opts);
  };
  for (const [name, long] of RENEW_TARGETS) {
    commonFlags(renew.command(name).description(`Renew the ${long}`).addHelpText(
      'after',
      `
The certificate is renewed whatever its expiration date, keeping its subject, SANs and usages; it gets a
new key and is signed by its CA in the certificate directory. Restart the control-plane components
afterwards (and copy the file wherever else it is used).`,
    )).action(renewAction(name));
  }
  commonFlags(
    renew
      .command('all')
      .description('Renew every certificate this control-plane node uses (all or none are written)'),
  ).action(renewAction('all'));

  const expirationStolen: string[] = [];
  const expiration = addOutputFlags(
    commonFlags(certs.command('check-expiration').description('Show when the certificates of this control-plane node expire')),
    expirationStolen,
  );
  expiration.action(async (opts: CommonCertFlags & OutputOpts) => {
    noArgs(expiration, expirationStolen);
    const { runCheckExpiration } = await import('./certs-run.js');
    await runCheckExpiration(ctx, opts);
  });

  certs
    .command('certificate-key')
    .description('Print a new random certificate key (64 hex digits) for `init --upload-certs --certificate-key`')
    .action(async () => {
      const { randomBytes } = await import('node:crypto');
      ctx.streams.stdout.write(randomBytes(32).toString('hex') + '\n');
    });

  certs
    .command('generate-csr')
    .description('Write keys and certificate signing requests for every control-plane certificate and kubeconfig file (external CA mode)')
    .option('--config <path>', 'path to a kubeadm configuration file (its names and addresses go into the requests)')
    .option('--cert-dir <path>', 'directory for the keys and requests (default: the configuration\'s certificatesDir)', '')
    .option('--kubeconfig-dir <dir>', 'directory for the kubeconfig files and their requests', '/etc/kubernetes')
    .addHelpText(
      'after',
      `
Each certificate gets <name>.key and <name>.csr in the certificate directory; each kubeconfig file is
written with its client key and gets <file>.csr beside it. Have the requests signed by your CA, save each
certificate as <name>.crt, and put each kubeconfig certificate, base64-encoded, in its
users[].user.client-certificate-data.

Example:
  tskubeadm certs generate-csr --kubeconfig-dir /tmp/etc-k8s --cert-dir /tmp/etc-k8s/pki`,
    )
    .action(async (opts: { config?: string; certDir: string; kubeconfigDir: string }) => {
      const { runGenerateCsr } = await import('./certs-run.js');
      await runGenerateCsr(ctx, opts);
    });
}
