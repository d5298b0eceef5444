#!/usr/bin/env node
// npm run demo — the whole job on real lab hosts, from a fresh clone:
//   install and build (npm ci when needed, tskubeadm, the lab from its cache), lab hosts 1–3 and the
//   lab's haproxy load balancer (10.231.0.100:6443) in front of the API servers, then
//   host 1: tskubeadm init --upload-certs            (controlPlaneEndpoint = the balancer)
//   host 2: tskubeadm join ... --control-plane       (the command init printed)
//   host 3: tskubeadm join ...                       (the worker command init printed)
//   the pod network on each host, every node and kube-system pod Ready, the cluster, and how long
//   each command and each of its phases took on each host.
// A re-run first resets what an earlier run left (worker, then host 2, then host 1).
// npm run demo -- --down: removes everything the lab started (load balancer included).
// The lab is shared with lab tests: the demo holds the lab lock (/run/tskubeadm-lab.lock, as
// test/lab/fixture/lablock.ts) while it drives the hosts. Full logs: /tmp/tskubeadm-demo/.
// Only Node's own modules: it runs before `npm ci` on a fresh clone.
import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LAB_LOCK as LOCK, releaseLabLock as releaseLock, tryTakeLabLock } from '../test/lab/lablock.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAB = join(REPO, 'test/lab');
const TSKUBEADM = join(REPO, 'bin/tskubeadm');
const LOG_DIR = process.env.TSK_DEMO_LOGS ?? '/tmp/tskubeadm-demo';
const LB_ENDPOINT = '10.231.0.100:6443';
const IGNORE = '--ignore-preflight-errors=SystemVerification';
const CNI_CONF = '/etc/cni/net.d/10-tsklab.conflist';
const MIN = 60_000;
export const hostName = (n) => `tsklab-h${n}`;
export const hostAddr = (n) => `10.231.0.${10 + n}`;

// ---------------------------------------------------------------------------------------------
// pure helpers (test/unit/scripts/demo.test.ts)

/** test/lab/kubeadm-config.yaml with controlPlaneEndpoint set (as test/lab/fixture/ha.ts renders it) */
export function renderHaConfig(base, endpoint = LB_ENDPOINT) {
  const marker = 'kind: ClusterConfiguration\n';
  if (!base.includes(marker)) throw new Error('the lab configuration has no ClusterConfiguration');
  return base.replace(marker, `${marker}controlPlaneEndpoint: ${endpoint}\n`);
}

/** the two join commands `init --upload-certs` prints ("tskubeadm join ... \" over several lines), as argv */
export function parseJoinCommands(initOutput) {
  const cmds = [];
  const lines = initOutput.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^(ts)?kubeadm join /.test(lines[i].trim())) continue;
    let text = lines[i].trim();
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i].trim()}`;
    cmds.push(text.split(/\s+/).filter((t) => t !== ''));
  }
  const controlPlane = cmds.find((c) => c.includes('--control-plane'));
  const worker = cmds.find((c) => !c.includes('--control-plane'));
  if (!controlPlane || !worker) throw new Error("init printed no control-plane and worker join commands");
  return { controlPlane, worker };
}

/** a command line for people: the bootstrap token and the certificate key are not shown */
export function maskSecrets(argv) {
  return argv.map((a, i) => (i > 0 && ['--token', '--certificate-key'].includes(argv[i - 1]) ? '<hidden>' : a)).join(' ');
}

/** the "[init] phase X took N ms" / "[join] phase X took N ms" lines the CLI logs at --v=1, in order */
export function parsePhaseTimings(log) {
  return [...log.matchAll(/\[(?:init|join)\] phase (\S+) took (\d+) ms/g)].map((m) => [m[1], Number(m[2])]);
}

export const fmtMs = (ms) => (ms === undefined ? '' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** rows under a header, columns padded; columns after the first right-aligned */
export function formatTable(header, rows) {
  const all = [header, ...rows];
  const w = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) => r.map((v, c) => (c === 0 ? String(v ?? '').padEnd(w[c]) : String(v ?? '').padStart(w[c]))).join('   ').trimEnd();
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

/**
 * Phase times of several commands side by side (a column each): a row per top-level phase (the sum
 * of its sub-phases), under it the sub-phases of `detailMs` or more on some host, then the sum of
 * the phases and the whole command's wall time; empty where a command has no such phase. Phases of
 * a later command that the earlier ones lack go just before the next phase they share.
 * cols: [{ title, timings: [[path, ms]], wallMs }]
 */
export function phaseRows(cols, detailMs = 1000) {
  const order = [];
  for (const c of cols) {
    let pending = [];
    let last = -1;
    for (const top of new Set(c.timings.map(([p]) => p.split('/')[0]))) {
      const at = order.indexOf(top);
      if (at < 0) {
        pending.push(top);
        continue;
      }
      order.splice(at, 0, ...pending);
      last = at + pending.length;
      pending = [];
    }
    order.splice(last + 1, 0, ...pending);
  }
  const sum = (c, pred) => {
    const xs = c.timings.filter(([p]) => pred(p));
    return xs.length ? xs.reduce((a, [, ms]) => a + ms, 0) : undefined;
  };
  const rows = [];
  for (const top of order) {
    rows.push([top, ...cols.map((c) => fmtMs(sum(c, (p) => p === top || p.startsWith(`${top}/`))))]);
    const subs = [...new Set(cols.flatMap((c) => c.timings.map(([p]) => p).filter((p) => p.startsWith(`${top}/`))))];
    for (const s of subs) {
      const vals = cols.map((c) => sum(c, (p) => p === s));
      if (vals.some((v) => v !== undefined && v >= detailMs)) rows.push([`  ${s.slice(top.length + 1)}`, ...vals.map(fmtMs)]);
    }
  }
  rows.push(['sum of the phases', ...cols.map((c) => fmtMs(sum(c, () => true) ?? 0))]);
  rows.push(['whole command', ...cols.map((c) => fmtMs(c.wallMs))]);
  return rows;
}

export const phaseTable = (cols, detailMs) => formatTable(['phase', ...cols.map((c) => c.title)], phaseRows(cols, detailMs));

// ---------------------------------------------------------------------------------------------
// running steps: each logs to its own file; a failure names the step and its log

const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const red = (s) => (tty ? `\x1b[31m${s}\x1b[0m` : s);
const say = (s = '') => process.stdout.write(`${s}\n`);
let stepNo = 0;
const heading = (s) => say(`\n${bold(`== ${++stepNo}. ${s}`)}`);
const steps = []; // [title, ms] for the table of steps
const children = new Set(); // running commands, stopped with the demo

class StepFailed extends Error {
  constructor(step, detail, log) {
    super(`${step}: ${detail}`);
    Object.assign(this, { step, detail, log });
  }
}

/** the logs hold what init prints, the bootstrap token and certificate key included: root's eyes only */
function openLogDir() {
  mkdirSync(LOG_DIR, { recursive: true, mode: 0o700 });
  chmodSync(LOG_DIR, 0o700);
}
let logNo = 0;
const logFile = (slug) => join(LOG_DIR, `${String(++logNo).padStart(2, '0')}-${slug}.log`);

/** a transient status line (TTY only) with the command's latest output line */
function status(text) {
  if (!tty) return;
  const width = (process.stdout.columns || 100) - 6;
  process.stdout.write(`\r\x1b[K${text ? `  … ${text.length > width ? `${text.slice(0, width - 1)}…` : text}` : ''}`);
}

/**
 * Run cmd; its stdout and stderr go to `log` (appended, in arrival order). Resolves with both
 * streams and the wall time; a non-zero exit (or `timeoutMs`) throws StepFailed for `step`.
 */
function run(step, cmd, args, { log, env = {}, timeoutMs = 15 * MIN, quiet = false, allowFail = false } = {}) {
  return new Promise((res, rej) => {
    const out = createWriteStream(log, { flags: 'a', mode: 0o600 });
    out.write(`$ ${maskSecrets([cmd, ...args])}\n`);
    const t0 = Date.now();
    const p = spawn(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(p);
    let stdout = '';
    let stderr = '';
    let partial = '';
    p.stdout.on('data', (d) => {
      stdout += d;
      out.write(d);
      if (quiet) return;
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      const last = lines.filter((l) => l.trim() !== '').pop();
      if (last) status(last.trim());
    });
    p.stderr.on('data', (d) => {
      stderr += d;
      out.write(d);
    });
    const timer = setTimeout(() => p.kill('SIGTERM'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      out.end(() => rej(new StepFailed(step, `cannot run ${cmd}: ${e.message}`, log)));
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(p);
      status('');
      const ms = Date.now() - t0;
      out.write(`# exit ${code ?? signal} after ${ms} ms\n`);
      out.end(() => {
        if (code === 0 || allowFail) res({ code, stdout, stderr, ms });
        else rej(new StepFailed(step, code === null ? `killed (${signal}) after ${fmtMs(ms)}` : `exit code ${code}`, log));
      });
    });
  });
}

const onHost = (step, n, args, opts) => run(step, join(LAB, 'exec.sh'), ['-h', String(n), ...args], opts);

/** poll `probe` (resolves a value when done, undefined otherwise) every second until `timeoutMs` */
async function until(step, probe, timeoutMs, log) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new StepFailed(step, `not done after ${fmtMs(timeoutMs)}`, log);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function timedStep(title, fn) {
  const t0 = Date.now();
  const v = await fn();
  steps.push([title, Date.now() - t0]);
  return v;
}

// ---------------------------------------------------------------------------------------------
// the lab lock (test/lab/lablock.mjs)

const commandOf = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
  } catch {
    return '?';
  }
};

let lockHeld = false;
async function takeLabLock() {
  let told = false;
  for (;;) {
    const t = tryTakeLabLock();
    if (t.taken) {
      lockHeld = true;
      if (told) status('');
      return;
    }
    if (!told) say(`  the lab is in use by pid ${t.pid ?? '?'} (${t.pid ? commandOf(t.pid) : 'starting'}); waiting for ${LOCK}`);
    told = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
function releaseLabLock() {
  if (lockHeld) releaseLock();
  lockHeld = false;
}
/** the lock goes with the demo, however it ends; so do the commands it started */
function releaseOnExit() {
  process.on('exit', releaseLabLock);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      for (const c of children) c.kill(sig);
      status('');
      say(`\ndemo: interrupted (${sig}); logs in ${LOG_DIR}/`);
      process.exit(130);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// the demo

async function build() {
  heading('installing and building (npm packages, tskubeadm, the lab binaries from their cache)');
  const log = logFile('build');
  const t0 = Date.now();
  let tools = true;
  try {
    readFileSync(join(REPO, 'node_modules/.bin/tsc'));
  } catch {
    tools = false;
  }
  if (!tools) await run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { log });
  await run('npm run build', 'npm', ['run', 'build'], { log });
  say('  tskubeadm built (bin/tskubeadm)');
  say('  lab binaries and images: built from Go modules the first time (15–25 minutes), cached afterwards');
  await run('npm run lab:build', 'npm', ['run', 'lab:build'], { log, timeoutMs: 90 * MIN });
  say(`  done in ${fmtMs(Date.now() - t0)}${tools ? '' : ' (npm ci included)'}`);
  steps.push(['install and build', Date.now() - t0]);
}

async function labUp() {
  heading(`lab hosts ${hostName(1)}..${hostName(3)} and the load balancer (haproxy on ${LB_ENDPOINT})`);
  await takeLabLock();
  const log = logFile('lab-up');
  const r = await timedStep('lab:up (3 hosts + load balancer)', () =>
    run('lab:up', 'bash', [join(LAB, 'up.sh')], { log, env: { TSK_LAB_HOSTS: '3', TSK_LAB_LB: '1', TSK_LAB_LB_BACKENDS: '' }, timeoutMs: 10 * MIN }),
  );
  for (const n of [1, 2, 3]) say(`  ${hostName(n)}  ${hostAddr(n)}  containerd running, kubelet service enabled`);
  say(`  tsklab-lb  ${LB_ENDPOINT} -> ${[1, 2, 3].map((n) => `${hostAddr(n)}:6443`).join(', ')}`);
  say(`  up in ${fmtMs(r.ms)}`);
}

/** true when host n holds something of an earlier cluster */
const LEFTOVERS =
  '[ -n "$(ls -A /etc/kubernetes/manifests 2>/dev/null)" ] || [ -e /etc/kubernetes/kubelet.conf ] || [ -e /etc/kubernetes/admin.conf ] || [ -n "$(ls -A /var/lib/etcd 2>/dev/null)" ] || [ -e /var/lib/kubelet/config.yaml ]';

async function resetEarlierRun() {
  const log = logFile('reset');
  const dirty = [];
  for (const n of [3, 2, 1]) {
    const r = await onHost('looking for an earlier cluster', n, ['sh', '-c', LEFTOVERS], { log, allowFail: true });
    if (r.code === 0) dirty.push(n);
  }
  if (!dirty.length) return;
  heading(`resetting what an earlier run left on ${dirty.map(hostName).join(', ')} (the worker first, host 1 last)`);
  await timedStep('reset of an earlier cluster', async () => {
    const host1HasApi = dirty.includes(1);
    for (const n of dirty) {
      const step = `reset of ${hostName(n)}`;
      const t0 = Date.now();
      const r = await onHost(step, n, [TSKUBEADM, 'reset', '--force'], { log, allowFail: true, timeoutMs: 5 * MIN });
      // a cluster tskubeadm cannot take apart (e.g. half-made by something else): upstream's reset
      if (r.code !== 0) await onHost(step, n, ['kubeadm', 'reset', '-f'], { log, timeoutMs: 5 * MIN });
      // what reset leaves to the user: the network add-on's config and bridge; and the old pods' logs,
      // from which the kubelet would count "restarts" of the new static pods (same names and UIDs)
      await onHost(step, n, ['sh', '-c', `rm -f ${CNI_CONF}; ip link del cni0 2>/dev/null; rm -rf /var/log/pods/* /var/log/containers/*; true`], { log });
      // the Node object of a host that left, while host 1's API server still answers
      if (n !== 1 && host1HasApi) {
        await onHost(step, 1, ['kubectl', 'delete', 'node', hostName(n), '--ignore-not-found', '--request-timeout=20s'], { log, allowFail: true, quiet: true });
      }
      say(`  ${hostName(n)}: reset in ${fmtMs(Date.now() - t0)}${r.code !== 0 ? ' (tskubeadm reset failed; upstream kubeadm reset -f did it)' : ''}`);
    }
  });
}

/** haproxy's view of host n's backend (lb.sh servers), until it is UP */
async function lbBackendUp(n, log) {
  await until(
    `load balancer backend ${hostName(n)} UP`,
    async () => {
      const r = await run('lb.sh servers', 'bash', [join(LAB, 'lb.sh'), 'servers'], { log, quiet: true, allowFail: true });
      // "tsklab-h1 10.231.0.11:6443 UP L7OK/200 sessions=3" (not "UP 1/3": failing checks)
      return new RegExp(`^${hostName(n)} \\S+ UP \\S*/`, 'm').test(r.stdout) ? true : undefined;
    },
    2 * MIN,
    log,
  );
}

async function installCni(n) {
  const log = logFile(`cni-h${n}`);
  const r = await timedStep(`pod network on ${hostName(n)}`, () =>
    run(`pod network on ${hostName(n)}`, 'bash', [join(LAB, 'install-cni.sh'), '-h', String(n)], { log, timeoutMs: 3 * MIN }),
  );
  const cidr = /pod CIDR (\S+)/.exec(r.stderr + r.stdout)?.[1];
  say(`  pod network on ${hostName(n)}: bridge cni0, pod CIDR ${cidr ?? '?'} (${fmtMs(r.ms)})`);
}

/** show a tskubeadm command's warnings (klog W lines) and its closing line; returns the run */
async function tskubeadm(title, n, argv, slug, doneLine) {
  const log = logFile(slug);
  say(`  $ ${maskSecrets(argv)}`);
  const r = await timedStep(title, () => onHost(title, n, [TSKUBEADM, ...argv.slice(1)], { log, timeoutMs: 15 * MIN }));
  for (const w of r.stderr.split('\n').filter((l) => /^W\d{4} /.test(l))) say(`  warning: ${w.replace(/^W\S+ \S+\s+\d+ \S+\] /, '')}`);
  say(`  ${doneLine.test(r.stdout) ? r.stdout.match(doneLine)[0] : 'done'} (${fmtMs(r.ms)}; its output: ${log})`);
  return { ...r, log, timings: parsePhaseTimings(r.stderr) };
}

async function initHost1() {
  heading(`${hostName(1)}: tskubeadm init --upload-certs, controlPlaneEndpoint ${LB_ENDPOINT}`);
  const config = join(LOG_DIR, 'kubeadm-config.yaml');
  writeFileSync(config, renderHaConfig(readFileSync(join(LAB, 'kubeadm-config.yaml'), 'utf8')), { mode: 0o600 });
  say(`  configuration: test/lab/kubeadm-config.yaml + controlPlaneEndpoint: ${LB_ENDPOINT} (${config})`);
  const r = await tskubeadm(
    `tskubeadm init on ${hostName(1)}`,
    1,
    ['tskubeadm', 'init', '--config', config, '--upload-certs', IGNORE, '--v=1'],
    'init-h1',
    /Your Kubernetes control-plane has initialized successfully!/,
  );
  let cmds;
  try {
    cmds = parseJoinCommands(r.stdout);
  } catch (e) {
    throw new StepFailed(`tskubeadm init on ${hostName(1)}`, e.message, r.log);
  }
  say('  join commands init printed (token and certificate key hidden here, in full in its output):');
  say(`    ${maskSecrets(cmds.controlPlane)}`);
  say(`    ${maskSecrets(cmds.worker)}`);
  await lbBackendUp(1, r.log);
  say(`  load balancer: ${hostName(1)} UP`);
  await installCni(1);
  return { ...cmds, init: r };
}

async function joinHosts(cmds) {
  heading(`${hostName(2)}: tskubeadm join --control-plane (the command init printed)`);
  const cp = await tskubeadm(
    `tskubeadm join --control-plane on ${hostName(2)}`,
    2,
    [...cmds.controlPlane, '--apiserver-advertise-address', hostAddr(2), IGNORE, '--v=1'],
    'join-h2',
    /This node has joined the cluster and a new control plane instance was created/,
  );
  await lbBackendUp(2, cp.log);
  say(`  load balancer: ${hostName(2)} UP`);
  await installCni(2);

  heading(`${hostName(3)}: tskubeadm join (the worker command init printed)`);
  const worker = await tskubeadm(`tskubeadm join on ${hostName(3)}`, 3, [...cmds.worker, IGNORE, '--v=1'], 'join-h3', /This node has joined the cluster(?=:)/);
  await installCni(3);
  return { cp, worker };
}

/** `kubectl get` on host 1 as "name label Ready-status" lines (short enough to log every poll) */
async function readiness(what, args, log) {
  const jp = '{range .items[*]}{.metadata.name} {.metadata.labels.k8s-app} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}';
  const r = await onHost(`kubectl get ${what}`, 1, ['kubectl', 'get', ...args, '-o', `jsonpath=${jp}`], { log, quiet: true });
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [name, app, ready] = l.split(' ');
      return { name, app, ready: ready === 'True' };
    });
}

async function waitReady() {
  heading('waiting for every node and every kube-system pod to be Ready');
  const log = logFile('wait-ready');
  const t0 = Date.now();
  await timedStep('3 nodes Ready', () =>
    until(
      'three nodes Ready',
      async () => {
        const nodes = await readiness('nodes', ['nodes'], log);
        return nodes.length === 3 && nodes.every((x) => x.ready) ? true : undefined;
      },
      10 * MIN,
      log,
    ),
  );
  say(`  3 nodes Ready after ${fmtMs(Date.now() - t0)}`);
  const want = [1, 2].flatMap((n) => ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `${c}-${hostName(n)}`));
  const pods = await timedStep('kube-system pods Ready', () =>
    until(
      'every kube-system pod Ready (etcd, API server, controller-manager and scheduler on hosts 1 and 2, kube-proxy on all three, CoreDNS)',
      async () => {
        const ps = await readiness('pods', ['pods', '-n', 'kube-system'], log);
        const names = ps.map((p) => p.name);
        const count = (app) => ps.filter((p) => p.app === app).length;
        return want.every((w) => names.includes(w)) && count('kube-proxy') === 3 && count('kube-dns') > 0 && ps.every((p) => p.ready) ? ps : undefined;
      },
      10 * MIN,
      log,
    ),
  );
  say(`  all ${pods.length} kube-system pods Ready after ${fmtMs(Date.now() - t0)}`);
}

async function showCluster() {
  const log = logFile('cluster');
  for (const args of [
    ['get', 'nodes', '-o', 'wide'],
    ['get', 'pods', '-A', '-o', 'wide'],
  ]) {
    heading(`kubectl ${args.join(' ')}`);
    const r = await onHost(`kubectl ${args.join(' ')}`, 1, ['kubectl', ...args], { log, quiet: true });
    say(r.stdout.trimEnd());
  }
  heading('the load balancer and etcd');
  const lb = await run('lb.sh servers', 'bash', [join(LAB, 'lb.sh'), 'servers'], { log, quiet: true });
  for (const l of lb.stdout.trim().split('\n')) {
    const [name, addr, state] = l.split(' ');
    say(`  ${LB_ENDPOINT} -> ${name} ${addr} ${state}${name === hostName(3) ? ' (a worker: no API server)' : ''}`);
  }
  const pki = '/etc/kubernetes/pki/etcd';
  const etcd = await onHost('etcdctl member list', 1, [
    'etcdctl', '--endpoints', 'https://127.0.0.1:2379', '--cacert', `${pki}/ca.crt`, '--cert', `${pki}/healthcheck-client.crt`, '--key', `${pki}/healthcheck-client.key`, 'member', 'list',
  ], { log, quiet: true });
  say(`  etcd members: ${etcd.stdout.trim().split('\n').map((l) => l.split(', ').slice(2, 4).join(' ')).join(', ')}`);
}

function showTimes(init, cp, worker, t0) {
  heading('how long each command and each phase took');
  say(formatTable(['step', 'time'], [...steps.map(([t, ms]) => [t, fmtMs(ms)]), ['whole demo', fmtMs(Date.now() - t0)]]));
  say('');
  say(
    phaseTable([
      { title: `${hostName(1)} init`, timings: init.timings, wallMs: init.ms },
      { title: `${hostName(2)} join --control-plane`, timings: cp.timings, wallMs: cp.ms },
      { title: `${hostName(3)} join`, timings: worker.timings, wallMs: worker.ms },
    ]),
  );
  say('  (sub-phases of 1 s or more under their phase; every one in the commands\' logs: "phase ... took ... ms")');
}

async function down() {
  heading('removing the lab (hosts, load balancer, network, state)');
  openLogDir();
  await takeLabLock();
  // we hold the lock: lab:down's own check would see a live holder (us)
  await run('lab:down', 'bash', [join(LAB, 'down.sh')], { log: join(LOG_DIR, 'down.log'), env: { TSK_LAB_FORCE: '1' }, timeoutMs: 10 * MIN });
  say(`  lab down (log: ${join(LOG_DIR, 'down.log')}); the build cache in /var/cache/tskubeadm-lab stays`);
}

async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    say('npm run demo            a 3-node highly available cluster made by tskubeadm on the lab hosts');
    say('npm run demo -- --down  remove everything the lab started');
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--down');
  if (unknown.length) {
    process.stderr.write(`demo: unknown argument ${unknown[0]} (only --down)\n`);
    return 3;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('demo: run as root (the lab creates namespaces, mounts and cgroups)\n');
    return 1;
  }
  releaseOnExit();
  try {
    if (argv.includes('--down')) {
      await down();
      return 0;
    }
    const t0 = Date.now();
    openLogDir();
    for (const f of readdirSync(LOG_DIR)) if (/^\d\d-.*\.log$|^kubeadm-config\.yaml$/.test(f)) rmSync(join(LOG_DIR, f));
    say(bold(`tskubeadm demo: a highly available cluster on three lab hosts (logs in ${LOG_DIR}/)`));
    await build();
    await labUp();
    await resetEarlierRun();
    const joins = await initHost1();
    const { cp, worker } = await joinHosts(joins);
    await waitReady();
    await showCluster();
    showTimes(joins.init, cp, worker, t0);
    say(`\nLogs of every step: ${LOG_DIR}/`);
    say('Look around: test/lab/exec.sh kubectl get nodes   (or -h 2 / -h 3 for the other hosts)');
    say('Clean up:    npm run demo -- --down');
    return 0;
  } catch (e) {
    status('');
    if (!(e instanceof StepFailed)) throw e;
    say('');
    say(red(bold(`demo FAILED at: ${e.step} (${e.detail})`)));
    try {
      const tail = readFileSync(e.log, 'utf8').trimEnd().split('\n').slice(-25);
      say(`  last lines of its log:\n${tail.map((l) => `    ${l}`).join('\n')}`);
    } catch {
      /* no log yet */
    }
    say(`  full log: ${e.log}`);
    say(`  all logs: ${LOG_DIR}/   (npm run lab:status shows the hosts; npm run demo runs again from a reset)`);
    return 1;
  } finally {
    releaseLabLock();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
