// The parsing and table code of `npm run demo` (scripts/demo.mjs): the join commands init prints,
// the phase timing lines the CLI logs at --v=1, secrets kept off the screen, and the time tables.
// The demo itself runs on the lab (`npm run demo`); lab-join.test.ts covers the same cluster in CI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script (Node's own modules only: it runs before `npm ci`)
import * as demo from '../../../scripts/demo.mjs';
import { REPO } from '../../helpers/cli.js';

const TOKEN = 'abcdef.0123456789abcdef';
const PIN = `sha256:${'7'.repeat(64)}`;
const KEY = 'e'.repeat(64);

// the end of `init --upload-certs` as upstream's templates lay it out (cmd/kubeadm/app/cmd/util/join.go:
// "kubeadm join <endpoint> --token <t> \" then "\t--discovery-token-ca-cert-hash <pin> \" then
// "\t--control-plane --certificate-key <key>"; phases/init/showjoincommand.go around them)
const INIT_TAIL = [
  'You can now join any number of control-plane nodes running the following command on each as root:',
  '',
  `  tskubeadm join 10.231.0.100:6443 --token ${TOKEN} \\`,
  `\t--discovery-token-ca-cert-hash ${PIN} \\`,
  `\t--control-plane --certificate-key ${KEY}`,
  '',
  'Please note that the certificate-key gives access to cluster sensitive data, keep it secret!',
  '',
  'Then you can join any number of worker nodes by running the following on each as root:',
  '',
  `tskubeadm join 10.231.0.100:6443 --token ${TOKEN} \\`,
  `\t--discovery-token-ca-cert-hash ${PIN} `,
  '',
].join('\n');

describe('demo: what init printed', () => {
  it('reads both join commands, continuation lines included, as argv', () => {
    const { controlPlane, worker } = demo.parseJoinCommands(INIT_TAIL);
    expect(controlPlane).toEqual([
      'tskubeadm', 'join', '10.231.0.100:6443', '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN, '--control-plane', '--certificate-key', KEY,
    ]);
    expect(worker).toEqual(['tskubeadm', 'join', '10.231.0.100:6443', '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN]);
  });

  it('fails when init printed no worker command (e.g. it stopped early)', () => {
    expect(() => demo.parseJoinCommands(INIT_TAIL.split('Then you can')[0])).toThrow(/no control-plane and worker join commands/);
  });

  it('shows command lines without the bootstrap token and the certificate key', () => {
    const { controlPlane } = demo.parseJoinCommands(INIT_TAIL);
    const shown = demo.maskSecrets(controlPlane);
    expect(shown).toBe(`tskubeadm join 10.231.0.100:6443 --token <hidden> --discovery-token-ca-cert-hash ${PIN} --control-plane --certificate-key <hidden>`);
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(KEY);
  });

  it('renders the lab configuration with the balancer as controlPlaneEndpoint', () => {
    const base = readFileSync(join(REPO, 'test/lab/kubeadm-config.yaml'), 'utf8');
    const out = demo.renderHaConfig(base);
    expect(out).toContain('kind: ClusterConfiguration\ncontrolPlaneEndpoint: 10.231.0.100:6443\n');
    expect(out.replace('controlPlaneEndpoint: 10.231.0.100:6443\n', '')).toBe(base);
    expect(() => demo.renderHaConfig('kind: InitConfiguration\n')).toThrow(/no ClusterConfiguration/);
  });
});

describe('demo: phase times', () => {
  // klog lines as tskubeadm writes them at --v=1 (src/output.ts), among other lines
  const klog = (cmd: string, phase: string, ms: number) => `I1205 17:21:42.925000    8437 tskubeadm] [${cmd}] phase ${phase} took ${ms} ms`;
  const initLog = [
    'I1205 17:21:30.000000    8437 tskubeadm] [certs] loading the CA',
    klog('init', 'preflight', 800),
    klog('init', 'certs/ca', 700),
    klog('init', 'certs/apiserver', 40),
    klog('init', 'wait-control-plane', 10042),
    klog('init', 'addon/coredns', 417),
    klog('init', 'addon/kube-proxy', 163),
  ].join('\n');
  const joinLog = [
    klog('join', 'preflight', 1100),
    klog('join', 'control-plane-prepare/download-certs', 300),
    klog('join', 'control-plane-prepare/certs', 1200),
    klog('join', 'etcd-join', 5000),
    klog('join', 'wait-control-plane', 47),
  ].join('\n');

  it('reads the "[init|join] phase X took N ms" lines in order and nothing else', () => {
    expect(demo.parsePhaseTimings(initLog)).toEqual([
      ['preflight', 800],
      ['certs/ca', 700],
      ['certs/apiserver', 40],
      ['wait-control-plane', 10042],
      ['addon/coredns', 417],
      ['addon/kube-proxy', 163],
    ]);
    expect(demo.parsePhaseTimings(joinLog).map(([p]: [string, number]) => p)).toEqual([
      'preflight', 'control-plane-prepare/download-certs', 'control-plane-prepare/certs', 'etcd-join', 'wait-control-plane',
    ]);
  });

  it('formats milliseconds below a second and seconds above', () => {
    expect([demo.fmtMs(0), demo.fmtMs(999), demo.fmtMs(1000), demo.fmtMs(10042), demo.fmtMs(undefined)]).toEqual(['0 ms', '999 ms', '1.0 s', '10.0 s', '']);
  });

  it("one row per top-level phase (summed), the later command's own phases before the next shared one, long sub-phases under theirs, totals last", () => {
    const rows = demo.phaseRows([
      { title: 'h1 init', timings: demo.parsePhaseTimings(initLog), wallMs: 13000 },
      { title: 'h2 join', timings: demo.parsePhaseTimings(joinLog), wallMs: 8000 },
    ]);
    expect(rows).toEqual([
      ['preflight', '800 ms', '1.1 s'],
      ['certs', '740 ms', ''], // ca 700 + apiserver 40, neither listed on its own (< 1 s)
      ['control-plane-prepare', '', '1.5 s'],
      ['  certs', '', '1.2 s'], // download-certs (300 ms) only in the sum
      ['etcd-join', '', '5.0 s'],
      ['wait-control-plane', '10.0 s', '47 ms'],
      ['addon', '580 ms', ''],
      ['sum of the phases', '12.2 s', '7.6 s'],
      ['whole command', '13.0 s', '8.0 s'],
    ]);
    const table = demo.phaseTable([{ title: 'h1 init', timings: [['preflight', 5]], wallMs: 9 }]);
    expect(table.split('\n')[0]).toBe('phase               h1 init');
  });

  it('aligns columns: the first to the left, the others to the right', () => {
    expect(demo.formatTable(['step', 'time'], [['a', '1 ms'], ['longer step', '10.0 s']])).toBe(
      [`step${' '.repeat(7 + 3 + 2)}time`, `${'-'.repeat(11)}   ${'-'.repeat(6)}`, `a${' '.repeat(10 + 3 + 2)}1 ms`, 'longer step   10.0 s'].join('\n'),
    );
  });
});
