// join phase "preflight": kubeadm's join node checks, discovery (the cluster's configuration is read
// here, so a wrong endpoint, token or CA pin stops the join before anything is written), and for a
// control-plane join the checks init runs plus the image pulls.

import type { Phase } from '../workflow.js';
import type { JoinData } from './data.js';
import { DISCOVERY_FLAGS } from './flags.js';

export const preflightPhase: Phase<JoinData> = {
  name: 'preflight',
  short: 'Run join pre-flight checks',
  long: 'Run pre-flight checks for tskubeadm join.',
  example: '  # Run join pre-flight checks using a config file.\n  tskubeadm join phase preflight --config kubeadm-config.yaml',
  acceptsArgs: true,
  inheritFlags: [
    'config',
    'ignore-preflight-errors',
    'control-plane',
    'apiserver-advertise-address',
    'apiserver-bind-port',
    'cri-socket',
    'node-name',
    ...DISCOVERY_FLAGS,
    'certificate-key',
    'dry-run',
  ],
  run: async (d) => {
    const { makeCheckContext, runJoinPreflight } = await import('../../preflight/index.js');
    const { earlierJoin, DiscoveryFailed } = await import('../shared/earlier/join.js');
    const { reportEarlierRun } = await import('../shared/earlier/report.js');
    const ctx = makeCheckContext({ host: d.host, stdout: d.out.stdout });
    // better than kubeadm: what an earlier, unfinished join of this host left is continued from
    const earlier = earlierJoin(d);
    earlier.catch(() => undefined);
    ctx.earlier = earlier;
    await runJoinPreflight(d.cfg, ctx, {
      afterNodeChecks: () => earlier.then((s) => reportEarlierRun(s, d.out), () => undefined),
      ignore: d.ignorePreflightErrors,
      dryRun: d.dryRun,
      stderr: d.out.stderr,
      warn: (m) => d.out.warn(m),
      // when discovery failed while looking at the earlier join, that is the failure (no second wait)
      initCfg: async () => {
        const failed = await earlier.then(
          () => undefined,
          (e: unknown) => (e instanceof DiscoveryFailed ? e : undefined),
        );
        if (failed) throw failed.failure;
        return d.initCfg();
      },
      hasCertificateKey: d.certificateKey !== '',
      sharedCertificatesExist: async (cluster) => {
        const { sharedCertificatesExist } = await import('../../pki/verify.js');
        const { readPkiFiles } = await import('../shared/pki.js');
        const dir = cluster.certificatesDir;
        const files = await readPkiFiles(d.host, dir);
        const r = sharedCertificatesExist(cluster.etcd.local !== undefined, files, { dir, now: d.host.now() });
        if (!r.ok) throw new Error(r.error ?? r.errors.join('\n'));
        for (const w of r.warnings) d.out.warn(w);
      },
    });
  },
};
