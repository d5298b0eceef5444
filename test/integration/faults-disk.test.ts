// Fault: the disk fills up while init writes its files. The rootfs is a small tmpfs (mounted in a private
// mount namespace, `unshare -m`, so nothing outlives the run) filled beforehand so that only K more files
// fit, for every K from 0 to the number of files the phase writes: `init phase certs all`, `kubeconfig
// all`, `etcd local`, `control-plane all` and `kubelet-start`. Every run that runs out of space exits 1
// with a message naming the file and "no space left on device" (and an --events error with that file),
// and leaves every file whole or absent: no truncated file, no temporary, not a key without its
// certificate. Upstream kubeadm, for reference, leaves an empty certificate file behind.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_KUBEADM_CONFIG, REPO } from '../lab/fixture/labhost.js';
import { tskubeadm } from './helpers/lab.js';
import { checkHostFiles, type Ev } from './helpers/faults.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-faults-disk-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const DIRS = ['/etc/kubernetes', '/var/lib/kubelet'];
/** the tmpfs: 64 pages of 4 KiB; tmpfs directories take no pages, each small file one */
const TMPFS_KB = 256;

interface DiskRun {
  code: number;
  stdout: string;
  stderr: string;
  /** the rootfs as the run left it, copied out of the tmpfs */
  out: string;
  events: Ev[];
}

/**
 * In a private mount namespace: a tmpfs holding a copy of `base`, filled so that `freePages` pages are
 * left, then `command` (run with R set to the tmpfs), then the tmpfs copied out (the filler left behind).
 */
function onFullDisk(base: string, freePages: number, command: string, name: string): Promise<DiskRun> {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  const root = path.join(dir, 'root');
  const out = path.join(dir, 'out');
  const events = path.join(dir, 'events.jsonl');
  fs.mkdirSync(root);
  fs.mkdirSync(out);
  const script = [
    'set -u',
    `mount -t tmpfs -o size=${TMPFS_KB}k,mode=0755 tsk-faults-disk "$R"`,
    'cp -a "$BASE"/. "$R"/',
    'free=$(stat -f -c %a "$R")',
    'dd if=/dev/zero of="$R/.filler" bs=4096 count=$((free - FREE)) status=none',
    `${command}`,
    'rc=$?',
    'rm -f "$R/.filler"',
    'cp -a "$R"/. "$OUT"/',
    'exit $rc',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], {
      cwd: REPO,
      env: { ...process.env, R: root, BASE: base, OUT: out, FREE: String(freePages), EVENTS: events, TSK: tskubeadm },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const evs = fs.existsSync(events) ? fs.readFileSync(events, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev) : [];
      resolve({ code: code ?? -1, stdout, stderr, out, events: evs });
    });
  });
}

const cfg = path.join(work, 'init.yaml');
/** rootfs contents a phase needs before it runs (the PKI for kubeconfig), built once */
let withPki: string;
const empty = path.join(work, 'empty');

const PHASES: { name: string; args: string[]; base: () => string }[] = [
  { name: 'certs', args: ['certs', 'all'], base: () => empty },
  { name: 'kubeconfig', args: ['kubeconfig', 'all'], base: () => withPki },
  { name: 'etcd', args: ['etcd', 'local'], base: () => empty },
  { name: 'control-plane', args: ['control-plane', 'all'], base: () => empty },
  { name: 'kubelet-start', args: ['kubelet-start'], base: () => empty },
];

const phaseCommand = (args: string[]) => `"$TSK" init phase ${args.join(' ')} --config ${cfg} --rootfs "$R" --events "$EVENTS"`;

/** files under the rootfs, relative, without the filler */
function filesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (r !== '.filler') out.push(r);
    }
  };
  walk('');
  return out.sort();
}

beforeAll(async () => {
  // ECDSA keys: the runs are about the writes, and make the 40 runs take seconds
  fs.writeFileSync(cfg, fs.readFileSync(LAB_KUBEADM_CONFIG, 'utf8').replace(/^kind: ClusterConfiguration$/m, '$&\nencryptionAlgorithm: ECDSA-P256'));
  fs.mkdirSync(empty);
  const r = await onFullDisk(empty, 64, phaseCommand(['certs', 'all']), 'pki');
  expect(r.code, r.stderr).toBe(0);
  withPki = r.out;
}, 60_000);

describe('a disk that fills up during a file phase (tmpfs rootfs)', () => {
  for (const p of PHASES) {
    it(`init phase ${p.args.join(' ')}: exit 1 naming the file, every file whole or absent, no temporary, at every point`, async () => {
      const before = filesIn(p.base());
      const full = await onFullDisk(p.base(), 64, phaseCommand(p.args), `${p.name}-room`);
      expect(full.code, full.stderr).toBe(0);
      const written = filesIn(full.out).filter((f) => !before.includes(f));
      expect(written.length).toBeGreaterThan(0);
      const problems: string[] = [];
      const failedOn = new Set<string>();
      for (let k = 0; k < written.length; k++) {
        const r = await onFullDisk(p.base(), k, phaseCommand(p.args), `${p.name}-${k}`);
        const where = `${p.name} with room for ${k} of ${written.length} files`;
        const line = r.stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
        const m = /^error: error execution phase (\S+): unable to write "(\/[^"]+)": no space left on device$/.exec(line);
        if (r.code !== 1 || !m) {
          problems.push(`${where}: exit ${r.code}: ${r.stderr}`);
          continue;
        }
        const [, phase, file] = m;
        failedOn.add(file!);
        const err = r.events.find((e) => e.event === 'error');
        if (err?.file !== file || err.phase !== phase) problems.push(`${where}: the error event says ${JSON.stringify(err)}`);
        if (r.events.at(-1)?.event !== 'failed' || r.events.at(-1)?.exitCode !== 1) problems.push(`${where}: the last event is ${JSON.stringify(r.events.at(-1))}`);
        const check = checkHostFiles(r.out, DIRS);
        problems.push(...check.problems.map((x) => `${where}: ${x}`));
        if (check.temporaries.length) problems.push(`${where}: temporaries left: ${check.temporaries.join(', ')}`);
        const now = filesIn(r.out).filter((f) => !before.includes(f));
        if (now.includes(file!.slice(1))) problems.push(`${where}: ${file} is there`);
        if (now.length > k) problems.push(`${where}: ${now.length} files in the room of ${k}`);
        // a key never without its certificate, sa.key never without sa.pub
        for (const f of now) {
          const pair = f.endsWith('.key') ? f.replace(/sa\.key$/, 'sa.pub').replace(/(?<!sa)\.key$/, '.crt') : undefined;
          if (pair && written.includes(pair) && !now.includes(pair)) problems.push(`${where}: ${f} without ${pair}`);
        }
      }
      expect(problems).toEqual([]);
      // each run stopped at a different file: the room really moved through the phase
      expect(failedOn.size).toBe(written.length);
    }, 120_000);
  }
});

describe('upstream kubeadm on the same full disk, for reference', () => {
  it('leaves an empty certificate file behind (it writes in place)', async () => {
    // kubeadm chroots into --rootfs and reads --config there
    const base = fs.mkdtempSync(path.join(work, 'upstream-base-'));
    fs.copyFileSync(cfg, path.join(base, 'init.yaml'));
    const r = await onFullDisk(base, 3, `${path.join(REPO, '.lab/bin/kubeadm')} init phase certs all --config /init.yaml --rootfs "$R"`, 'upstream');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no space left on device');
    const check = checkHostFiles(r.out, DIRS);
    expect(check.problems.some((p) => p.endsWith(': empty'))).toBe(true);
  }, 60_000);
});
