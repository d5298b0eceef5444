// `tskubeadm version`: the Kubernetes release this build implements (and deploys by default),
// shaped like kubeadm's version.Info so scripts that read `kubeadm version -o json|short` keep working.

import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { KUBERNETES_VERSION, TSKUBEADM_VERSION } from '../versions.js';
import type { CliContext } from './context.js';

export function versionInfo() {
  const m = /^v(\d+)\.(\d+)\./.exec(KUBERNETES_VERSION);
  return {
    major: m?.[1] ?? '',
    minor: m?.[2] ?? '',
    gitVersion: KUBERNETES_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: '',
    compiler: `node ${process.version}`,
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    tskubeadmVersion: TSKUBEADM_VERSION,
  };
}

export function addVersionCommand(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('Print the version of tskubeadm and of the Kubernetes release it deploys')
    .option('-o, --output <format>', "output format: '' (Go-like struct), short, json or yaml", '')
    .action(async (opts: { output: string }) => {
      const info = versionInfo();
      const w = (s: string) => ctx.streams.stdout.write(s);
      switch (opts.output) {
        case '': {
          const fields = [
            ['Major', info.major],
            ['Minor', info.minor],
            ['GitVersion', info.gitVersion],
            ['GitTreeState', info.gitTreeState],
            ['Compiler', info.compiler],
            ['Platform', info.platform],
            ['TskubeadmVersion', info.tskubeadmVersion],
          ];
          w(`tskubeadm version: &version.Info{${fields.map(([k, v]) => `${k}:${JSON.stringify(v)}`).join(', ')}}\n`);
          break;
        }
        case 'short':
          w(info.gitVersion + '\n');
          break;
        case 'json':
          w(JSON.stringify({ clientVersion: info }, null, 2) + '\n');
          break;
        case 'yaml': {
          // sigs.k8s.io/yaml form, as kubeadm prints it: keys sorted, Go's quoting; then a blank line (Println)
          const { toGoYaml } = await import('../manifests/goyaml.js');
          w(toGoYaml({ clientVersion: info }) + '\n');
          break;
        }
        default:
          throw new UsageError(`invalid output format: ${opts.output} (--output accepts '', short, json or yaml)`);
      }
    });
}
