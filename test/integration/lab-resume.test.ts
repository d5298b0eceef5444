// tskubeadm init and join continue after a failure, with no reset (three lab hosts behind haproxy):
//   host 1: upstream `kubeadm init` first, as the reference, then reset; then `tskubeadm init` stopped
//           after every phase in turn (--skip-phases of the rest), failed by faults from outside (the
//           kube-scheduler image removed from containerd, a SIGKILL in the middle of a phase, a stopped
//           API server) and run again with the same configuration each time, until it succeeds: the
//           cluster and the files are then the same as after upstream's single init. The same init
//           with another advertise address, or over another CA, is refused with the differences named
//           and nothing changed.
//   host 3: a worker join killed once its kubelet started, run again.
//   host 2: a control-plane join killed as soon as it announced its etcd member, run again: two
//           voting members, the node Ready.
// Needs root and `npm run lab:build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB_STATE, MIN, eventually, installCni, kubectl, onHost } from '../lab/fixture/labhost.js';
import {
  etcdMembers,
  hostAddr,
  KUBELET_OWN,
  parseJoinCommands,
  renderHaKubeadmConfig,
  snapshotHostFiles,
  stopApiserver,
  twoVotingMembers,
  type JoinCommands,
} from '../lab/fixture/ha.js';
import { stopwatch, tskReset, useHaHosts } from './helpers/ha-hosts.js';
import { clusterSnapshot, diffMaps, hostFilesSnapshot, kubeadm, networkAndReady, onHostResultN, runKilledAt, tskubeadm } from './helpers/lab.js';

const IGNORE = '--ignore-preflight-errors=SystemVerification';
/** init's phases in order (tskubeadm init --help) */
const PHASES = [
  'preflight',
  'certs',
  'kubeconfig',
  'etcd',
  'control-plane',
  'kubelet-start',
  'wait-control-plane',
  'upload-config',
  'upload-certs',
  'mark-control-plane',
  'bootstrap-token',
  'kubelet-finalize',
  'addon',
  'show-join-command',
];
const after = (phase: string): string => `--skip-phases=${PHASES.slice(PHASES.indexOf(phase) + 1).join(',')}`;

/** The HA configuration with short waits, so that a failing run fails quickly (InitConfiguration is not uploaded). */
function writeConfig(name: string, address = hostAddr(1)): string {
  const text = renderHaKubeadmConfig()
    .replace(`advertiseAddress: ${hostAddr(1)}`, `advertiseAddress: ${address}`)
    .replace(/^(nodeRegistration:\n(?: .*\n)+)/m, '$1timeouts:\n  controlPlaneComponentHealthCheck: 20s\n  kubernetesAPICall: 10s\n');
  mkdirSync(LAB_STATE, { recursive: true });
  const file = joinPath(LAB_STATE, name);
  writeFileSync(file, text, { mode: 0o644 });
  return file;
}

const watch = stopwatch();
const { timed } = watch;

/** the files tskubeadm writes and reads on a host, with contents (the kubelet's own files and pods left out) */
async function hostState(n: number): Promise<Map<string, string>> {
  const snap = await snapshotHostFiles(n, ['/etc/kubernetes', '/var/lib/kubelet'], { exclude: /^\/var\/lib\/kubelet\/pods\// });
  const out = new Map<string, string>();
  for (const [p, e] of snap) {
    if (KUBELET_OWN.test(p) || p.startsWith('/etc/kubernetes/tmp')) continue;
    out.set(p, `${e.type} ${e.mode} ${e.uid}:${e.gid} ${e.content?.toString('base64') ?? ''}`);
  }
  return out;
}

describe('lab: init and join continue where a failure stopped them', () => {
  let config = '';
  let upstream: { objects: Map<string, Record<string, unknown>>; files: Map<string, { mode: string; content: string }> } | undefined;
  let join: JoinCommands | undefined;
  const init = (...extra: string[]) => onHostResultN(1, [tskubeadm, 'init', '--config', config, '--upload-certs', IGNORE, ...extra], 5 * MIN);

  useHaHosts('lab-resume', watch);
  beforeAll(() => {
    config = writeConfig('resume-config.yaml');
  });

  it('reference: upstream kubeadm init with the same configuration, in one run', async () => {
    const r = await timed('upstream: init', () => onHostResultN(1, [kubeadm, 'init', '--config', config, '--upload-certs', IGNORE], 10 * MIN));
    expect(r.code, r.stderr).toBe(0);
    await timed('upstream: network and Ready', () => networkAndReady());
    upstream = await timed('upstream: snapshots', async () => ({ objects: await clusterSnapshot(), files: await hostFilesSnapshot() }));
    await timed('upstream: reset', () => tskReset(1));
  }, 15 * MIN);

  it('stopped after each of preflight, certs, kubeconfig, etcd and control-plane: the next run goes on from there', async () => {
    await timed('init: file phases', async () => {
      for (const p of ['preflight', 'certs', 'kubeconfig', 'etcd', 'control-plane']) {
        const r = await init(after(p));
        expect(r.code, `stopped after ${p}:\n${r.stdout}\n${r.stderr}`).toBe(0);
      }
    });
    const r = await init(after('control-plane'));
    // the earlier run's manifests pass preflight, and say so
    expect(r.stdout).toContain('[preflight] Continuing the earlier init of this host: /etc/kubernetes/manifests/etcd.yaml, /etc/kubernetes/manifests/kube-apiserver.yaml');
    expect(r.stdout).toContain('[certs] Using existing apiserver certificate and key on disk');
    expect(r.stdout).toContain('[kubeconfig] Using existing kubeconfig file: "/etc/kubernetes/admin.conf"');
  }, 10 * MIN);

  it('kubelet-start, then the kube-scheduler image missing: wait-control-plane fails; with the image back the next run goes on', async () => {
    const image = (await onHost(1, ['crictl', 'images', '-o', 'json'])).match(/"(registry\.k8s\.io\/kube-scheduler:[^"]+)"/)?.[1];
    expect(image).toBeDefined();
    const tar = '/tmp/tsk-resume-scheduler.tar';
    await onHost(1, ['ctr', '-n', 'k8s.io', 'images', 'export', tar, image!]);
    await onHost(1, ['crictl', 'rmi', image!]);
    try {
      const failed = await timed('init: image fault', () => init(after('wait-control-plane'), `${IGNORE},ImagePull`));
      expect(failed.code, failed.stdout).toBe(1);
      expect(failed.stdout).toContain('[kubelet-start] Starting the kubelet');
      expect(failed.stderr).toContain('kube-scheduler');
    } finally {
      await onHost(1, ['ctr', '-n', 'k8s.io', 'images', 'import', tar]);
      await onHost(1, ['rm', '-f', tar]);
    }
    const r = await timed('init: after the image fault', () => init(after('wait-control-plane')));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/\[preflight\] Continuing the earlier init of this host: .*the ports 2379, 2380, 6443, 10250, 10257/);
    expect(r.stdout).toContain('[control-plane-check] kube-scheduler is healthy');
  }, 10 * MIN);

  it('the cluster phases: stopped after each, killed in the middle of two, failed by a stopped API server; then one run finishes', async () => {
    const steps: [string, () => Promise<void>][] = [
      ['after upload-config', async () => expect((await init(after('upload-config'))).code).toBe(0)],
      // the pod network, now that admin.conf may read the Node's pod CIDR: CoreDNS runs as soon as a run creates it
      ['pod network', () => installCni(1).then(() => undefined)],
      ['killed in upload-certs', async () => {
        // killed while upload-certs stores the Secret and its token
        const k = await runKilledAt(1, [tskubeadm, 'init', '--config', config, '--upload-certs', IGNORE], '[upload-certs] Storing the certificates');
        expect(k.killed, k.output).toBe(true);
      }],
      ['after upload-certs', async () => expect((await init(after('upload-certs'))).code).toBe(0)],
      ['after mark-control-plane', async () => expect((await init(after('mark-control-plane'))).code).toBe(0)],
      ['killed in bootstrap-token', async () => {
        const k = await runKilledAt(1, [tskubeadm, 'init', '--config', config, '--upload-certs', IGNORE], '[bootstrap-token] Configuring bootstrap tokens');
        expect(k.killed, k.output).toBe(true);
      }],
      ['after bootstrap-token', async () => expect((await init(after('bootstrap-token'))).code).toBe(0)],
      ['after kubelet-finalize', async () => expect((await init(after('kubelet-finalize'))).code).toBe(0)],
      ['stopped API server', async () => {
        // the API server stops; the cluster phases alone fail on it ...
        await stopApiserver(1);
        const apiOnly = await init(`--skip-phases=${PHASES.slice(0, PHASES.indexOf('upload-config')).join(',')}`);
        expect(apiOnly.code).toBe(1);
        expect(apiOnly.stderr).toMatch(/upload-config|10\.231\.0\.(11|100):6443/);
        await onHost(1, ['rm', '-f', '/run/tsklab/kube-apiserver.yaml.stopped']);
      }],
    ];
    for (const [name, step] of steps) await timed(`init: ${name}`, step);
    // ... and init, run again, writes its manifest back and finishes
    const r = await timed('init: the last run', () => init());
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('Your Kubernetes control-plane has initialized successfully!');
    expect(r.stdout).toContain('[control-plane-check] kube-apiserver is healthy');
    join = parseJoinCommands(r.stdout);
  }, 15 * MIN);

  it('the resumed cluster and host are the same as after upstream kubeadm init in one run', async () => {
    await timed('network and Ready', () => networkAndReady());
    await timed('compare', async () => {
      const objects = await clusterSnapshot();
      const files = await hostFilesSnapshot();
      const diffs = [...diffMaps(objects, upstream!.objects), ...diffMaps(files, upstream!.files)];
      if (diffs.length) console.log(diffs.join('\n'));
      expect(diffs).toEqual([]);
    });
    // one bootstrap token for joining (the earlier run's, kept) and one owner of kubeadm-certs
    const tokens = await kubectl('-n', 'kube-system', 'get', 'secrets', '--field-selector', 'type=bootstrap.kubernetes.io/token', '-o', 'name');
    expect(tokens.trim().split('\n')).toHaveLength(2);
  }, 10 * MIN);

  it('another advertise address, or another CA in the certificates directory: refused, each difference named, nothing changed', async () => {
    const before = await hostState(1);
    const other = writeConfig('resume-other-address.yaml', '10.231.0.99');
    const r = await timed('refusals', () => onHostResultN(1, [tskubeadm, 'init', '--config', other, '--upload-certs', IGNORE], 5 * MIN));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[ERROR EarlierRun]: this host has files of an earlier init that this configuration cannot continue from:');
    expect(r.stderr).toContain("/etc/kubernetes/manifests/kube-apiserver.yaml: --advertise-address is 10.231.0.11, this configuration's is 10.231.0.99");
    expect(r.stderr).toContain('certificate apiserver (/etc/kubernetes/pki/apiserver.crt) does not include the IP address 10.231.0.99');
    expect(r.stderr).toContain("/etc/kubernetes/kubelet.conf: server is https://10.231.0.11:6443, this configuration's is https://10.231.0.99:6443");
    expect(r.stderr).toMatch(/\/var\/lib\/etcd: holds the data of etcd member [0-9a-f]+ of cluster [0-9a-f]+; the etcd this configuration starts \(--name=tsklab-h1, --initial-advertise-peer-urls=https:\/\/10\.231\.0\.99:2380\)/);
    expect(r.stderr).toContain("run 'tskubeadm reset'");
    expect(diffMaps(await hostState(1), before)).toEqual([]);

    // another CA: ca.crt and ca.key replaced by a CA of their own
    await onHost(1, ['sh', '-c', `rm -rf /tmp/tsk-other-ca && ${tskubeadm} init phase certs ca --cert-dir /tmp/tsk-other-ca >/dev/null && mkdir -p /tmp/tsk-saved-ca && cp -p /etc/kubernetes/pki/ca.crt /etc/kubernetes/pki/ca.key /tmp/tsk-saved-ca/ && cp /tmp/tsk-other-ca/ca.crt /tmp/tsk-other-ca/ca.key /etc/kubernetes/pki/`]);
    try {
      const swapped = await hostState(1);
      const c = await timed('refusals', () => init());
      expect(c.code).toBe(2);
      expect(c.stderr).toMatch(/\/etc\/kubernetes\/admin\.conf: certificate-authority-data is the CA sha256:[0-9a-f]{64}, \/etc\/kubernetes\/pki\/ca\.crt is the CA sha256:[0-9a-f]{64}/);
      expect(c.stderr).toContain('certificate apiserver (/etc/kubernetes/pki/apiserver.crt) is not signed by corresponding CA');
      expect(diffMaps(await hostState(1), swapped)).toEqual([]);
    } finally {
      await onHost(1, ['sh', '-c', 'cp -p /tmp/tsk-saved-ca/ca.crt /tmp/tsk-saved-ca/ca.key /etc/kubernetes/pki/ && rm -rf /tmp/tsk-other-ca /tmp/tsk-saved-ca']);
    }
  }, 10 * MIN);

  it('host 3: a worker join killed once its kubelet started, run again, joins', async () => {
    const args = [tskubeadm, ...join!.worker.slice(1), IGNORE];
    const k = await timed('worker join killed', () => runKilledAt(3, args, '[kubelet-check] Waiting for a healthy kubelet'));
    expect(k.killed, k.output).toBe(true);
    await installCni(3);
    const r = await timed('worker join again', () => onHostResultN(3, args, 5 * MIN));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/\[preflight\] Continuing the earlier join of this host: .*\/etc\/kubernetes\/pki\/ca\.crt/);
    expect(r.stdout).toContain('This node has joined the cluster:');
    await eventually('tsklab-h3 Ready', async () => ((await kubectl('get', 'node', 'tsklab-h3')).match(/tsklab-h3\s+Ready\s/) ? true : undefined), 3 * MIN);
  }, 10 * MIN);

  it('host 2: a control-plane join killed right after it announced its etcd member, run again: two voting members, the node Ready', async () => {
    const args = [tskubeadm, ...join!.controlPlane.slice(1), '--apiserver-advertise-address', hostAddr(2), IGNORE];
    const k = await timed('control-plane join killed', () => runKilledAt(2, args, '[etcd] Announced new etcd member'));
    expect(k.killed, k.output).toBe(true);
    // the member stays: nothing took it back
    expect((await etcdMembers(1)).map((m) => m.peerURLs[0]).sort()).toEqual([`https://${hostAddr(1)}:2380`, `https://${hostAddr(2)}:2380`]);
    const r = await timed('control-plane join again', () => onHostResultN(2, args, 10 * MIN));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`[etcd] Continuing with the etcd member https://${hostAddr(2)}:2380 an earlier join of this node added`);
    expect(r.stdout).toContain('This node has joined the cluster and a new control plane instance was created:');
    const members = await twoVotingMembers();
    expect(members.map((m) => [m.name, m.peerURLs]).sort()).toEqual([
      ['tsklab-h1', [`https://${hostAddr(1)}:2380`]],
      ['tsklab-h2', [`https://${hostAddr(2)}:2380`]],
    ]);
    await installCni(2);
    await eventually('tsklab-h2 Ready', async () => ((await kubectl('get', 'node', 'tsklab-h2')).match(/tsklab-h2\s+Ready\s+control-plane/) ? true : undefined), 3 * MIN);
  }, 15 * MIN);
});
