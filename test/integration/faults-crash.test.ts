// Fault: tskubeadm SIGKILLed in the middle of init, at points chosen from outside by following its
// --events (the kill lands when the phase-start line of a phase appears, or a few ms later, or while one
// of its temporary files exists). After every kill, each file on disk is complete and valid or absent,
// tskubeadm's only leftovers are recognisable temporaries, and the next write in that directory (or
// reset) removes them. Kubeadm itself writes in place: a kill there can leave a truncated file.
//
//   - file phases (certs, kubeconfig, etcd, control-plane, kubelet-start) on a --rootfs directory, a
//     fresh one per kill: fast, no lab;
//   - cluster phases (kubelet-start .. show-join-command) on lab host 1 with the real control plane,
//     `tskubeadm reset` between kills: every file checked, and every API object the killed run made
//     equal to the one a complete init makes (an object is written whole or not at all; the set may be
//     incomplete, as kubeadm's would be), the Node's label and taint together or neither.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB, LAB_KUBEADM_CONFIG, MIN, hostHasCluster, kubectl, labUp } from '../lab/fixture/labhost.js';
import { clusterSnapshot, tskubeadm } from './helpers/lab.js';
import { checkHostFiles, type Ev, type Followed, killHard, labRoot, resetLabHost, runFollowing } from './helpers/faults.js';
import { temporaryOwner } from '../../src/host/paths.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-faults-crash-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const DIRS = ['/etc/kubernetes', '/var/lib/kubelet'];

/** how a kill point is chosen from the events */
interface KillPoint {
  phase: string;
  /** ms after its phase-start line; 0: at once */
  afterMs?: number;
  /** instead: the moment a temporary file of tskubeadm exists in this directory (under the host root) */
  whileTemporaryIn?: string;
}

const label = (k: KillPoint) => `${k.phase}${k.afterMs ? ` +${k.afterMs}ms` : ''}${k.whileTemporaryIn ? ` with a temporary in ${k.whileTemporaryIn}` : ''}`;

function temporaryIn(dir: string): string | undefined {
  try {
    return fs.readdirSync(dir).find((n) => temporaryOwner(n) !== undefined);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL once `dir` holds a temporary: the process is stopped first, the temporary looked for again, and
 * only then killed (else let go on), so the kill really leaves it. Gives up (kills anyway) after 5 s.
 */
function killWhileTemporary(pid: number, dir: string): void {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (temporaryIn(dir)) {
      process.kill(pid, 'SIGSTOP');
      if (temporaryIn(dir)) {
        killHard(pid);
        return;
      }
      process.kill(pid, 'SIGCONT');
    }
  }
  killHard(pid);
}

/** run `cmd` with --events, and SIGKILL tskubeadm at the kill point */
async function runAndKill(cmd: string, args: string[], k: KillPoint, root: string): Promise<Followed & { killed: boolean }> {
  const events = path.join(work, `events-${Date.now()}.jsonl`);
  let killed = false;
  const r = await runFollowing(cmd, [...args, '--events', events], events, (e: Ev) => {
    if (killed || e.event !== 'phase-start' || e.phase !== k.phase) return;
    killed = true;
    if (k.whileTemporaryIn) killWhileTemporary(e.pid, path.join(root, k.whileTemporaryIn));
    else if (k.afterMs) setTimeout(() => killHard(e.pid), k.afterMs);
    else killHard(e.pid);
  });
  return { ...r, killed };
}

// ---------------------------------------------------------------------------------------------

describe('SIGKILL during the file phases of init (--rootfs)', () => {
  const cfg = path.join(work, 'init.yaml');
  const SKIP = ['preflight', 'wait-control-plane', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize', 'addon', 'show-join-command'];
  const args = (root: string) => ['init', '--config', cfg, '--rootfs', root, '--skip-phases', SKIP.join(',')];
  let phases: string[] = [];
  const leftovers: { root: string; temporaries: string[] }[] = [];

  beforeAll(async () => {
    // ECDSA keys: the runs are about the writes, and RSA key generation would make each run ~1 s
    fs.writeFileSync(cfg, fs.readFileSync(LAB_KUBEADM_CONFIG, 'utf8').replace(/^kind: ClusterConfiguration$/m, '$&\nencryptionAlgorithm: ECDSA-P256'));
    // a complete run: the phases to kill at, and the files a complete run leaves
    const root = fs.mkdtempSync(path.join(work, 'full-'));
    const events = path.join(work, 'full.jsonl');
    const r = await runFollowing(tskubeadm, [...args(root), '--events', events], events, () => undefined);
    expect(r.code, r.stderr).toBe(0);
    phases = r.events.filter((e) => e.event === 'phase-start').map((e) => e.phase!);
    const check = checkHostFiles(root, DIRS);
    expect(check.problems).toEqual([]);
    expect(check.files.length).toBeGreaterThan(30);
  }, 60_000);

  it('at the start of every phase, a few ms into the writing ones, and while a temporary exists: files whole or absent', async () => {
    expect(phases).toEqual(expect.arrayContaining(['certs/ca', 'certs/sa', 'kubeconfig/admin', 'etcd/local', 'control-plane/scheduler', 'kubelet-start']));
    const points: KillPoint[] = [
      ...phases.map((phase) => ({ phase })),
      ...['certs/ca', 'certs/apiserver', 'certs/sa', 'kubeconfig/admin', 'kubeconfig/kubelet', 'control-plane/apiserver', 'kubelet-start'].flatMap((phase) =>
        [2, 6].map((afterMs) => ({ phase, afterMs })),
      ),
      { phase: 'certs/front-proxy-ca', whileTemporaryIn: 'etc/kubernetes/pki' },
      { phase: 'certs/etcd-ca', whileTemporaryIn: 'etc/kubernetes/pki/etcd' },
      { phase: 'kubeconfig/controller-manager', whileTemporaryIn: 'etc/kubernetes' },
      { phase: 'control-plane/apiserver', whileTemporaryIn: 'etc/kubernetes/manifests' },
      { phase: 'kubelet-start', whileTemporaryIn: 'var/lib/kubelet' },
    ];
    const problems: string[] = [];
    for (const k of points) {
      const root = fs.mkdtempSync(path.join(work, 'kill-'));
      const r = await runAndKill(tskubeadm, args(root), k, root);
      if (!r.killed || r.signal !== 'SIGKILL') {
        problems.push(`${label(k)}: not killed (exit ${r.code}, ${r.signal}): ${r.stderr}`);
        continue;
      }
      const check = checkHostFiles(root, DIRS);
      problems.push(...check.problems.map((p) => `${label(k)}: ${p}`));
      if (k.whileTemporaryIn && !check.temporaries.some((t) => path.posix.dirname(t) === k.whileTemporaryIn)) {
        problems.push(`${label(k)}: the kill left no temporary in ${k.whileTemporaryIn}: ${JSON.stringify(check.temporaries)}`);
      }
      if (check.temporaries.length) leftovers.push({ root, temporaries: check.temporaries });
    }
    expect(problems).toEqual([]);
    expect(leftovers.length).toBeGreaterThanOrEqual(5);
  }, 5 * MIN);

  it('a later write in the same directory removes the temporaries of the killed run', async () => {
    for (const { root, temporaries } of leftovers) {
      const dirs = new Set(temporaries.map((t) => path.posix.dirname(t)));
      // a phase that writes in that directory, once the file it writes is gone
      const writer: Record<string, { remove: string[]; phase: string[] }> = {
        'etc/kubernetes/pki': { remove: ['sa.key', 'sa.pub'], phase: ['certs', 'sa'] },
        'etc/kubernetes/pki/etcd': { remove: ['ca.crt', 'ca.key'], phase: ['certs', 'etcd-ca'] },
        'etc/kubernetes': { remove: ['scheduler.conf'], phase: ['kubeconfig', 'scheduler'] },
        'etc/kubernetes/manifests': { remove: [], phase: ['control-plane', 'scheduler'] },
        'var/lib/kubelet': { remove: [], phase: ['kubelet-start'] },
      };
      for (const d of dirs) {
        const w = writer[d];
        expect(w, d).toBeDefined();
        for (const f of w!.remove) fs.rmSync(path.join(root, d, f), { force: true });
        const again = path.join(work, 'again.jsonl');
        const r = await runFollowing(tskubeadm, ['init', 'phase', ...w!.phase, '--config', cfg, '--rootfs', root, '--events', again], again, () => undefined);
        expect(r.code, `${w!.phase.join(' ')}: ${r.stderr}`).toBe(0);
        expect(fs.readdirSync(path.join(root, d)).filter((n) => temporaryOwner(n) !== undefined), `${root}/${d}`).toEqual([]);
      }
    }
    expect(leftovers.length).toBeGreaterThan(0);
  }, 5 * MIN);
});

// ---------------------------------------------------------------------------------------------

/**
 * A cluster snapshot whose bootstrap-token Secrets are keyed by what they are for (their data keys), not
 * by their random ids: init --upload-certs makes two, and their order by id changes from run to run.
 */
async function objectsOf(): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [key, obj] of await clusterSnapshot()) {
    if (!/\/Secret\/bootstrap-token-<token\d+>$/.test(key)) out.set(key, obj);
    else {
      const data = Object.keys((obj.data as Record<string, unknown> | undefined) ?? {}).sort();
      out.set(`kube-system/Secret/bootstrap-token(${data.join(',')})`, JSON.parse(JSON.stringify(obj).replace(/<token\d+>/g, '<token>')) as Record<string, unknown>);
    }
  }
  return out;
}

const INIT = ['init', '--config', LAB_KUBEADM_CONFIG, '--upload-certs', '--ignore-preflight-errors=SystemVerification'];
const onHost1 = (args: string[]) => [path.join(LAB, 'exec.sh'), '-h', '1', ...args] as const;


describe('lab: SIGKILL during the cluster phases of init', () => {
  let release: (() => void) | undefined;
  let reference: Map<string, Record<string, unknown>>;
  const took: Record<string, string> = {};

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await resetLabHost();
    // the objects and files of a complete init, to hold the killed runs against
    const [cmd, ...rest] = onHost1([tskubeadm, ...INIT]);
    const r = await runFollowing(cmd, rest.concat('--events', path.join(work, 'lab-full.jsonl')), path.join(work, 'lab-full.jsonl'), () => undefined, { timeoutMs: 10 * MIN });
    expect(r.code, r.stderr).toBe(0);
    reference = await objectsOf();
    expect(reference.size).toBeGreaterThan(30);
    expect(checkHostFiles(labRoot(), DIRS).problems).toEqual([]);
    await resetLabHost();
  }, 40 * MIN);

  afterAll(async () => {
    try {
      await resetLabHost().catch(() => undefined);
    } finally {
      release?.();
      console.log(`[faults-crash] lab kill points (s): ${JSON.stringify(took)}`);
    }
  }, 5 * MIN);

  // every top-level phase from kubelet-start on, a few inside one (each point is an init and a reset)
  const POINTS: KillPoint[] = [
    { phase: 'kubelet-start' },
    { phase: 'wait-control-plane' },
    { phase: 'wait-control-plane', afterMs: 2500 },
    { phase: 'upload-config' },
    { phase: 'upload-certs' },
    { phase: 'mark-control-plane' },
    { phase: 'bootstrap-token' },
    { phase: 'bootstrap-token', afterMs: 15 },
    { phase: 'kubelet-finalize' },
    { phase: 'kubelet-finalize', whileTemporaryIn: 'etc/kubernetes' },
    { phase: 'addon' },
    { phase: 'addon/kube-proxy' },
    { phase: 'show-join-command' },
  ];

  it('every file whole or absent, every object made whole, reset leaves no temporary', async () => {
    const problems: string[] = [];
    for (const k of POINTS) {
      const t0 = Date.now();
      const root = labRoot();
      const [cmd, ...rest] = onHost1([tskubeadm, ...INIT]);
      const r = await runAndKill(cmd, rest, k, root);
      if (!r.killed || !r.events.some((e) => e.event === 'phase-start' && e.phase === k.phase) || r.events.some((e) => e.event === 'done' || e.event === 'failed')) {
        problems.push(`${label(k)}: not killed there (exit ${r.code}): ${r.stderr.slice(-500)}`);
      }
      const tKilled = Date.now();
      const files = checkHostFiles(root, DIRS);
      problems.push(...files.problems.map((p) => `${label(k)}: ${p}`));
      if (k.whileTemporaryIn && !files.temporaries.length) problems.push(`${label(k)}: no temporary left to clean up`);
      // the API objects, once there is an API server to ask
      if (r.events.some((e) => e.event === 'phase-end' && e.phase === 'wait-control-plane')) {
        // super-admin.conf: admin.conf's group gets its binding only in the first cluster phase
        const prev = process.env.KUBECONFIG;
        process.env.KUBECONFIG = '/etc/kubernetes/super-admin.conf';
        const objects = await objectsOf().finally(() => (prev === undefined ? delete process.env.KUBECONFIG : (process.env.KUBECONFIG = prev)));
        for (const [key, obj] of objects) {
          const want = reference.get(key);
          if (want && JSON.stringify(want) !== JSON.stringify(obj)) problems.push(`${label(k)}: ${key} differs from a complete init's:\n${JSON.stringify(obj)}\n${JSON.stringify(want)}`);
        }
        const node = JSON.parse(await kubectl('--kubeconfig', '/etc/kubernetes/super-admin.conf', 'get', 'node', 'tsklab-h1', '-o', 'json')) as { metadata: { labels: Record<string, string> }; spec: { taints?: { key: string }[] } };
        const labelled = 'node-role.kubernetes.io/control-plane' in node.metadata.labels;
        const tainted = (node.spec.taints ?? []).some((t) => t.key === 'node-role.kubernetes.io/control-plane');
        if (labelled !== tainted) problems.push(`${label(k)}: the Node has the control-plane ${labelled ? 'label without the taint' : 'taint without the label'}`);
      }
      const tChecked = Date.now();
      await resetLabHost();
      const after = checkHostFiles(root, DIRS);
      if (after.temporaries.length) problems.push(`${label(k)}: reset left ${JSON.stringify(after.temporaries)}`);
      const s = (ms: number) => Math.round(ms / 100) / 10;
      took[label(k)] = `run ${s(tKilled - t0)}, checks ${s(tChecked - tKilled)}, reset ${s(Date.now() - tChecked)}`;
    }
    expect(problems).toEqual([]);
  }, 30 * MIN);
});
