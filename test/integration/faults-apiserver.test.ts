// Fault: the API server stops answering in the middle of a cluster phase of init, on lab host 1 (a
// cluster from tskubeadm init, timeouts.kubernetesAPICall: 10s). The phase command is followed through
// --events: when its first phase starts, tskubeadm is stopped (SIGSTOP), the kube-apiserver frozen
// (SIGSTOP) or killed (SIGKILL: the kubelet starts it again), and tskubeadm let go on. A frozen API
// server: the phase retries as kubeadm does, within timeouts.kubernetesAPICall, then fails (exit 1)
// naming the request it was making (method, URL, object), in its message and its --events error; once
// the API server answers again, the same phase command completes. A killed one: the phase completes
// once the kubelet has it back, or fails the same way. kubelet-finalize does not talk to the API: it
// completes either way.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLabLock } from '../lab/fixture/lablock.js';
import { LAB, LAB_KUBEADM_CONFIG, MIN, eventually, hostHasCluster, kubectl, labUp } from '../lab/fixture/labhost.js';
import { onHostResult, tskubeadm } from './helpers/lab.js';
import { killHard, resetLabHost, runFollowing, type Ev, type Followed } from './helpers/faults.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-faults-api-'));
const cfg = path.join(work, 'init.yaml');
const CERT_KEY = '0123456789abcdef'.repeat(4);
const API_CALL_TIMEOUT_S = 10;

/** the kube-apiserver of lab host 1 (other tests may run API servers of their own on this machine) */
function apiServerPid(): number | undefined {
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (cmd[0]!.endsWith('kube-apiserver') && cmd.includes('--advertise-address=10.231.0.11')) return Number(p);
    } catch {
      // gone
    }
  }
  return undefined;
}

/** the API server answers /livez again (after a restart by the kubelet, or SIGCONT) */
const apiServerBack = () => eventually('the API server', async () => ((await kubectl('get', '--raw', '/livez')).trim() === 'ok' ? true : undefined), 3 * MIN);

let frozen: number | undefined;

interface Case {
  /** the phase command's words after `init phase` */
  phase: string[];
  extra?: string[];
  /** an object the failing request may name */
  objects: RegExp;
  /** the phase makes no API request: it completes while the API server is frozen */
  noApi?: boolean;
}

const CASES: Case[] = [
  { phase: ['upload-config', 'all'], objects: /ConfigMap "kube-system\/(kubeadm-config|kubelet-config)"|ClusterRoleBinding "kubeadm:cluster-admins"|R(ole|oleBinding) "kube-system\/kubeadm:/ },
  { phase: ['upload-certs'], extra: ['--upload-certs'], objects: /Secret "kube-system\/kubeadm-certs"|R(ole|oleBinding) "kube-system\/kubeadm:kubeadm-certs"|ClusterRoleBinding "kubeadm:cluster-admins"|Secret "kube-system\/bootstrap-token-/ },
  { phase: ['mark-control-plane'], objects: /Node "tsklab-h1"|ClusterRoleBinding "kubeadm:cluster-admins"/ },
  { phase: ['bootstrap-token'], objects: /Secret "kube-system\/bootstrap-token-|ClusterRoleBinding "kubeadm:|ConfigMap "kube-public\/cluster-info"|R(ole|oleBinding) "kube-public\/kubeadm:|ClusterRoleBinding "kubeadm:cluster-admins"/ },
  { phase: ['kubelet-finalize', 'all'], objects: /^$/, noApi: true },
  { phase: ['addon', 'all'], objects: /ConfigMap "kube-system\/(coredns|kube-proxy)"|ServiceAccount|Deployment|DaemonSet|Service "kube-system\/kube-dns"|ClusterRole|R(ole|oleBinding) "kube-system\/|ClusterRoleBinding "kubeadm:cluster-admins"/ },
];

/** run `init phase <c.phase>` and, when its first phase starts, do `fault` to the API server while tskubeadm is held still */
async function phaseWithFault(c: Case, fault: 'SIGSTOP' | 'SIGKILL' | undefined): Promise<Followed & { faultAt?: number }> {
  const events = path.join(work, `${c.phase[0]}-${fault ?? 'none'}.jsonl`);
  let faultAt: number | undefined;
  const r = await runFollowing(
    path.join(LAB, 'exec.sh'),
    ['-h', '1', tskubeadm, 'init', 'phase', ...c.phase, '--config', cfg, ...(c.extra ?? []), '--events', events],
    events,
    (e: Ev) => {
      if (!fault || faultAt !== undefined || e.event !== 'phase-start') return;
      faultAt = Date.now();
      process.kill(e.pid, 'SIGSTOP');
      try {
        const api = apiServerPid();
        if (!api) throw new Error('no kube-apiserver process for lab host 1');
        if (fault === 'SIGSTOP') {
          frozen = api;
          process.kill(api, 'SIGSTOP');
        } else killHard(api);
      } finally {
        process.kill(e.pid, 'SIGCONT');
      }
    },
    { timeoutMs: 5 * MIN },
  );
  return { ...r, ...(faultAt !== undefined ? { faultAt } : {}) };
}

const firstError = (r: Followed) => r.stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
const REQUEST = /\((GET|POST|PUT|PATCH|DELETE) https:\/\/10\.231\.0\.11:6443\/[^)\s]+\)/;

describe('lab: the API server frozen or killed in the middle of a cluster phase', () => {
  let release: (() => void) | undefined;
  const took: Record<string, number | string> = {};

  beforeAll(async () => {
    release = await acquireLabLock();
    await labUp(1);
    if (await hostHasCluster(1)) await resetLabHost();
    fs.writeFileSync(
      cfg,
      fs.readFileSync(LAB_KUBEADM_CONFIG, 'utf8').replace(/^kind: InitConfiguration$/m, `$&\ncertificateKey: ${CERT_KEY}\ntimeouts:\n  kubernetesAPICall: ${API_CALL_TIMEOUT_S}s`),
    );
    const r = await onHostResult([tskubeadm, 'init', '--config', cfg, '--upload-certs', '--ignore-preflight-errors=SystemVerification'], 10 * MIN);
    expect(r.code, r.stderr).toBe(0);
  }, 40 * MIN);

  afterAll(async () => {
    try {
      if (frozen) process.kill(frozen, 'SIGCONT');
      await resetLabHost().catch(() => undefined);
    } finally {
      release?.();
      fs.rmSync(work, { recursive: true, force: true });
      console.log(`[faults-apiserver] seconds from the fault to the end of the phase: ${JSON.stringify(took)}`);
    }
  }, 5 * MIN);

  for (const c of CASES) {
    it(`init phase ${c.phase.join(' ')}: a frozen API server`, async () => {
      let r: Followed & { faultAt?: number };
      try {
        r = await phaseWithFault(c, 'SIGSTOP');
      } finally {
        if (frozen) process.kill(frozen, 'SIGCONT');
        frozen = undefined;
      }
      expect(r.faultAt, 'the fault was made').toBeDefined();
      const after = (r.startedAt + r.ms - r.faultAt!) / 1000;
      took[`${c.phase[0]} frozen`] = Math.round(after * 10) / 10;
      if (c.noApi) {
        expect(r.code, r.stderr).toBe(0);
        return;
      }
      expect(r.code, r.stderr).toBe(1);
      const line = firstError(r);
      expect(line).toMatch(new RegExp(`^error: error execution phase ${c.phase[0]}`));
      expect(line).toMatch(REQUEST);
      expect(line).toMatch(c.objects);
      expect(line).toMatch(/no answer within|timed out|Timeout/i);
      // retried within timeouts.kubernetesAPICall: one request cut at that deadline, a second at most
      expect(after).toBeGreaterThanOrEqual(API_CALL_TIMEOUT_S - 1);
      expect(after).toBeLessThan(2 * API_CALL_TIMEOUT_S + 5);
      const err = r.events.find((e) => e.event === 'error')!;
      expect(err.request).toMatch(/^(GET|POST|PUT|PATCH|DELETE) https:\/\/10\.231\.0\.11:6443\//);
      expect(err.object).toMatch(c.objects);
      expect(r.events.at(-1)).toMatchObject({ event: 'failed', exitCode: 1 });
      // back: the same phase command completes
      await apiServerBack();
      const again = await phaseWithFault(c, undefined);
      expect(again.code, again.stderr).toBe(0);
    }, 3 * MIN);
  }

  for (const c of CASES.filter((x) => ['upload-config', 'addon'].includes(x.phase[0]!))) {
    it(`init phase ${c.phase.join(' ')}: a killed API server, restarted by the kubelet`, async () => {
      const r = await phaseWithFault(c, 'SIGKILL');
      expect(r.faultAt).toBeDefined();
      took[`${c.phase[0]} killed`] = `${Math.round((r.startedAt + r.ms - r.faultAt!) / 100) / 10} (exit ${r.code})`;
      if (r.code !== 0) {
        // not back within timeouts.kubernetesAPICall: the failure names the request
        expect(r.code, r.stderr).toBe(1);
        expect(firstError(r)).toMatch(REQUEST);
      }
      await apiServerBack();
      const again = await phaseWithFault(c, undefined);
      expect(again.code, again.stderr).toBe(0);
    }, 5 * MIN);
  }
});
