// init phase "etcd": the local etcd static Pod manifest and its data directory (0700).
// With external etcd nothing is written.

import type { Phase } from '../workflow.js';
import type { FlagName } from '../../cli/flags.js';
import type { InitData } from './data.js';
import { MANIFESTS_DIR } from '../../config/constants.js';
import { MANIFEST_DIR_MODE, patchPod, writeStaticPod } from '../shared/staticpod.js';

const FLAGS: readonly FlagName[] = ['cert-dir', 'config', 'image-repository', 'patches', 'dry-run'];
export const ETCD_DATA_DIR_MODE = 0o700;

const localPhase: Phase<InitData> = {
  name: 'local',
  short: 'Generate the static Pod manifest file for a local, single-node local etcd instance',
  example:
    '  # Writes the etcd static Pod manifest using the options in a configuration file\n  tskubeadm init phase etcd local --config config.yaml',
  inheritFlags: FLAGS,
  run: async (d) => {
    const local = d.cfg.cluster.etcd.local;
    if (!local) {
      d.out.v(1, '[etcd] External etcd mode. Skipping the creation of a manifest for local etcd');
      return;
    }
    if (d.dryRun) {
      d.out.print('etcd', `Would ensure that "${local.dataDir}" directory is present`);
    } else {
      // the manifest directory first: when it cannot be made, no etcd data directory is left behind
      await d.host.mkdirp(d.manifestWriteDir, MANIFEST_DIR_MODE);
      await d.host.mkdirp(local.dataDir, ETCD_DATA_DIR_MODE);
      // an existing directory keeps its contents but gets the mode etcd insists on
      await d.host.chmod(local.dataDir, ETCD_DATA_DIR_MODE);
    }
    d.out.print('etcd', `Creating static Pod manifest for local etcd in "${d.manifestWriteDir}"`);
    const { renderEtcdPod } = await import('../../manifests/staticpods.js');
    const pod = await patchPod(d, 'etcd', renderEtcdPod(d.cfg));
    const file = await writeStaticPod(d.host, d.manifestWriteDir, 'etcd', pod);
    if (d.dryRun) {
      // kubeadm prints the etcd manifest it would write, under its real path
      d.out.print('dryrun', `Would write file "${MANIFESTS_DIR}/etcd.yaml" with content:`);
      d.out.stdout.write(await d.host.readText(file));
    }
  },
};

export const etcdPhase: Phase<InitData> = {
  name: 'etcd',
  short: 'Generate static Pod manifest file for local etcd',
  phases: [localPhase],
};
