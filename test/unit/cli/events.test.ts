// --events: the runner's phase events (order, nesting, durations, skips and their reasons), the sink's
// lines (warnings, the error with its file/object/request, done/failed), and the CLI end to end on a
// rootfs: every line a JSON object, the human output byte-identical with and without the flag.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_CONDITION_NOT_MET, runWorkflow, type Phase, type WorkflowEvent } from '../../../src/phases/workflow.js';
import { createOutput, memoryOutput, tapWarnings } from '../../../src/output.js';
import { errorSubject, openEvents } from '../../../src/cli/events.js';
import { PhaseError, TskError } from '../../../src/errors.js';
import { KubeStatusError } from '../../../src/kube/errors.js';
import { cleanupTmp, cli, tmpDir } from '../../helpers/cli.js';
import { initConfig } from '../../helpers/configs.js';

afterAll(cleanupTmp);

interface D {
  flag: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tree(): Phase<D>[] {
  const leaf = (name: string, extra: Partial<Phase<D>> = {}): Phase<D> => ({ name, short: name, run: () => sleep(5), ...extra });
  return [
    leaf('preflight'),
    {
      name: 'certs',
      short: 'certs',
      run: () => undefined,
      phases: [{ name: 'all', short: 'all', runAllSiblings: true }, leaf('ca'), leaf('apiserver'), { name: 'etcd', short: 'etcd', phases: [leaf('etcd-ca')] }],
    },
    leaf('conditional', { runIf: (d) => d.flag }),
    { name: 'addon', short: 'addon', phases: [leaf('coredns'), leaf('kube-proxy')] },
    leaf('last'),
  ];
}

async function events(opts: { only?: string[]; skip?: string[]; skipReasons?: Map<string, string>; fail?: string }): Promise<WorkflowEvent[]> {
  const seen: WorkflowEvent[] = [];
  let phases = tree();
  if (opts.fail) {
    const boom = opts.fail;
    const patch = (ps: Phase<D>[]): Phase<D>[] =>
      ps.map((p) => ({ ...p, ...(p.name === boom ? { run: () => Promise.reject(new Error('boom')) } : {}), ...(p.phases ? { phases: patch(p.phases) } : {}) }));
    phases = patch(phases);
  }
  await runWorkflow(phases, { ...opts, out: memoryOutput(), data: async () => ({ flag: false }), onEvent: (e) => seen.push(e) }).catch(() => undefined);
  return seen;
}

const compact = (es: WorkflowEvent[]) => es.map((e) => `${e.type} ${e.path}${e.type === 'skip' ? ` (${e.reason})` : ''}`);

describe('the runner reports phase events', () => {
  it('in order: a parent starts before its children and ends after the last of them', async () => {
    expect(compact(await events({}))).toEqual([
      'start preflight',
      'end preflight',
      'start certs',
      'start certs/ca',
      'end certs/ca',
      'start certs/apiserver',
      'end certs/apiserver',
      'start certs/etcd',
      'start certs/etcd/etcd-ca',
      'end certs/etcd/etcd-ca',
      'end certs/etcd',
      'end certs',
      `skip conditional (${RUN_CONDITION_NOT_MET})`,
      'start addon',
      'start addon/coredns',
      'end addon/coredns',
      'start addon/kube-proxy',
      'end addon/kube-proxy',
      'end addon',
      'start last',
      'end last',
    ]);
  });

  it('with durations: a leaf its own, a parent at least the sum of its children', async () => {
    const es = await events({});
    const ms = (p: string) => (es.find((e) => e.type === 'end' && e.path === p) as { ms: number }).ms;
    expect(ms('certs/ca')).toBeGreaterThanOrEqual(4);
    // each figure is rounded to 0.1 ms
    expect(ms('certs')).toBeGreaterThanOrEqual(ms('certs/ca') + ms('certs/apiserver') + ms('certs/etcd') - 0.2);
    for (const e of es) if (e.type === 'end') expect(Number.isFinite(e.ms) && e.ms >= 0, e.path).toBe(true);
  });

  it('a skipped subtree once, at its place, with the reason of the skip that covers it', async () => {
    const reasons = new Map([['certs/etcd', '--skip-phases'], ['addon', 'skipPhases in the InitConfiguration'], ['addon/coredns', 'dns.disabled in the ClusterConfiguration']]);
    const got = compact(await events({ skip: ['certs/etcd', 'addon', 'addon/coredns'], skipReasons: reasons }));
    expect(got).toContain('skip certs/etcd (--skip-phases)');
    expect(got).toContain('skip addon (skipPhases in the InitConfiguration)');
    // addon/coredns is inside the skipped addon: not reported again
    expect(got.filter((l) => l.includes('coredns'))).toEqual([]);
    expect(got.indexOf('skip certs/etcd (--skip-phases)')).toBeGreaterThan(got.indexOf('end certs/apiserver'));
    expect(got.indexOf('skip certs/etcd (--skip-phases)')).toBeLessThan(got.indexOf('end certs'));
    expect(got.slice(-3)).toEqual(['skip addon (skipPhases in the InitConfiguration)', 'start last', 'end last']);
  });

  it('a skip of a child alone carries its own reason', async () => {
    const got = compact(await events({ skip: ['addon/coredns'], skipReasons: new Map([['addon/coredns', 'dns.disabled in the ClusterConfiguration']]) }));
    expect(got).toContain('skip addon/coredns (dns.disabled in the ClusterConfiguration)');
    expect(got).toContain('end addon');
  });

  it('a phase command reports only what it selects', async () => {
    expect(compact(await events({ only: ['certs/etcd'] }))).toEqual(['start certs/etcd', 'start certs/etcd/etcd-ca', 'end certs/etcd/etcd-ca', 'end certs/etcd']);
  });

  it('a failing phase starts and does not end, and nothing after it starts', async () => {
    const got = compact(await events({ fail: 'apiserver' }));
    expect(got.slice(-2)).toEqual(['end certs/ca', 'start certs/apiserver']);
  });
});

describe('the event sink', () => {
  const lines = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes one JSON object a line with time, pid and command; appends to an existing file', () => {
    const file = path.join(tmpDir(), 'ev.jsonl');
    fs.writeFileSync(file, '{"earlier":true}\n');
    const s = openEvents(file, 'init phase certs all', { write: () => true });
    s.emit('start');
    s.phase({ type: 'start', path: 'certs/ca' });
    s.phase({ type: 'end', path: 'certs/ca', ms: 12.5 });
    s.phase({ type: 'skip', path: 'addon', reason: '--skip-phases' });
    s.warning('something odd', 'Swap');
    s.done();
    s.close();
    const got = lines(file);
    expect(got[0]).toEqual({ earlier: true });
    expect(got.slice(1).map((l) => l.event)).toEqual(['start', 'phase-start', 'phase-end', 'phase-skip', 'warning', 'done']);
    for (const l of got.slice(1)) {
      expect(l.command).toBe('init phase certs all');
      expect(l.pid).toBe(process.pid);
      expect(new Date(l.ts as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(got[3]).toMatchObject({ phase: 'certs/ca', durationMs: 12.5 });
    expect(got[4]).toMatchObject({ phase: 'addon', reason: '--skip-phases' });
    expect(got[5]).toMatchObject({ check: 'Swap', message: 'something odd' });
    expect(got[6]).toMatchObject({ exitCode: 0 });
    expect(fs.statSync(path.join(path.dirname(file), 'ev.jsonl')).size).toBeGreaterThan(0);
  });

  it('"-" writes to stderr, and an unwritable file is a usage error naming the flag', () => {
    let err = '';
    const s = openEvents('-', 'reset', { write: (x: string) => (err += x) });
    s.emit('start');
    expect(JSON.parse(err.trim())).toMatchObject({ command: 'reset', event: 'start' });
    const missing = path.join(tmpDir(), 'missing', 'ev.jsonl');
    expect(() => openEvents(missing, 'init', { write: () => true })).toThrow(new RegExp(`invalid argument "${missing}" for "--events" flag: cannot open it for writing: ENOENT`));
  });

  it('an error names its phase, the file, the object and the request, then "failed" with the exit code', () => {
    const file = path.join(tmpDir(), 'ev.jsonl');
    const s = openEvents(file, 'init', { write: () => true });
    const write = new TskError('unable to write "/etc/kubernetes/pki/ca.crt": no space left on device', 1, { file: '/etc/kubernetes/pki/ca.crt' });
    s.failed(new PhaseError('certs/ca', write));
    const api = new KubeStatusError('create', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' }, undefined, 'Timeout', 'no answer within 10000ms', undefined, 'POST https://10.0.0.1:6443/api/v1/namespaces/kube-system/configmaps');
    s.failed(new PhaseError('upload-config/kubeadm', new TskError(`wrapped: ${api.message}`, 1, { cause: api })));
    s.close();
    const got = lines(file);
    expect(got.map((l) => l.event)).toEqual(['error', 'failed', 'error', 'failed']);
    expect(got[0]).toMatchObject({ phase: 'certs/ca', file: '/etc/kubernetes/pki/ca.crt', message: expect.stringContaining('no space left on device') });
    expect(got[1]).toMatchObject({ exitCode: 1 });
    expect(got[2]).toMatchObject({
      phase: 'upload-config/kubeadm',
      object: 'ConfigMap "kube-system/kubeadm-config"',
      request: 'POST https://10.0.0.1:6443/api/v1/namespaces/kube-system/configmaps',
    });
    expect(api.message).toBe(
      'unable to create ConfigMap "kube-system/kubeadm-config": Timeout: no answer within 10000ms (POST https://10.0.0.1:6443/api/v1/namespaces/kube-system/configmaps)',
    );
  });

  it('errorSubject finds nothing in an error that names nothing', () => {
    expect(errorSubject(new Error('x'))).toEqual({});
  });

  it('tapWarnings passes out.warn and preflight warning lines on, the output unchanged', () => {
    let err = '';
    const out = createOutput({ stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
    const seen: string[] = [];
    const untap = tapWarnings(out, (m, check) => seen.push(`${check ?? '-'}: ${m}`));
    out.warn('first');
    out.stderr.write('\t[WARNING Swap]: swap is on\n\t[WARN');
    out.stderr.write('ING Port-10250]: port in use\nplain text\n');
    untap();
    out.warn('after');
    expect(seen).toEqual(['-: first', 'Swap: swap is on', 'Port-10250: port in use']);
    expect(err).toContain('\t[WARNING Swap]: swap is on\n\t[WARNING Port-10250]: port in use\nplain text\n');
    expect(err).toMatch(/first\n/);
    expect(err).toMatch(/after\n/);
  });
});

describe('--events on the command line', () => {
  const CFG = initConfig({ nodeName: 'cp-1', address: '192.0.2.10', cluster: false });
  const read = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; phase?: string; reason?: string; durationMs?: number; exitCode?: number; file?: string; message?: string });

  it('init with --skip-phases on a rootfs: the phases that ran, the skips, done; the human output unchanged', async () => {
    const cfg = path.join(tmpDir(), 'c.yaml');
    fs.writeFileSync(cfg, CFG);
    const skip = ['preflight', 'kubelet-start', 'wait-control-plane', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize', 'addon', 'show-join-command'];
    const file = path.join(tmpDir(), 'events.jsonl');
    const a = await cli(['init', '--config', cfg, '--skip-phases', skip.join(','), '--rootfs', tmpDir(), '--events', file]);
    const b = await cli(['init', '--config', cfg, '--skip-phases', skip.join(','), '--rootfs', tmpDir()]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(0);
    const mask = (s: string) => s.replace(/--token \S+/g, '').replace(/"[^"]*tsk-cli-[^"]*"/g, '');
    expect(mask(a.stdout)).toBe(mask(b.stdout));
    const klog = (s: string) => s.replace(/^W\d{4} [\d:.]+/gm, 'W');
    expect(klog(a.stderr)).toBe(klog(b.stderr));
    const ev = read(file);
    expect(ev[0]!.event).toBe('start');
    expect(ev.at(-1)).toMatchObject({ event: 'done', exitCode: 0 });
    expect(ev.filter((e) => e.event === 'phase-skip').map((e) => `${e.phase}: ${e.reason}`)).toEqual(skip.map((p) => `${p}: --skip-phases`));
    const top = ev.filter((e) => e.event === 'phase-start' && !e.phase!.includes('/')).map((e) => e.phase);
    expect(top).toEqual(['certs', 'kubeconfig', 'etcd', 'control-plane']);
    // every start has its end, after it
    for (const [i, e] of ev.entries()) {
      if (e.event !== 'phase-start') continue;
      const j = ev.findIndex((x, k) => k > i && x.event === 'phase-end' && x.phase === e.phase);
      expect(j, e.phase).toBeGreaterThan(i);
    }
  });

  it('the config file skipPhases are reported with that reason, and its deprecation warning as a warning', async () => {
    const cfg = path.join(tmpDir(), 'c.yaml');
    const v1beta3 = CFG.replace('kubeadm.k8s.io/v1beta4', 'kubeadm.k8s.io/v1beta3');
    const others = ['preflight', 'kubeconfig', 'etcd', 'control-plane', 'kubelet-start', 'wait-control-plane', 'upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize', 'addon', 'show-join-command'];
    fs.writeFileSync(cfg, v1beta3 + 'skipPhases:\n' + others.map((p) => `- ${p}\n`).join(''));
    const file = path.join(tmpDir(), 'events.jsonl');
    const r = await cli(['init', '--config', cfg, '--rootfs', tmpDir(), '--events', file]);
    expect(r.code, r.stderr).toBe(0);
    const ev = read(file);
    expect(ev.filter((e) => e.event === 'phase-skip').map((e) => e.reason)).toEqual(others.map(() => 'skipPhases in the InitConfiguration'));
    const warnings = ev.filter((e) => e.event === 'warning');
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(r.stderr).toContain(w.message!);
  });

  it('a failed write: the error names the phase and the file, then "failed" with exit 1', async () => {
    const root = tmpDir();
    // a regular file where the etcd certificate directory belongs
    fs.mkdirSync(path.join(root, 'etc/kubernetes/pki'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc/kubernetes/pki/etcd'), 'not a directory');
    const file = path.join(tmpDir(), 'events.jsonl');
    const r = await cli(['init', 'phase', 'certs', 'all', '--kubernetes-version', 'v1.37.2', '--rootfs', root, '--events', file]);
    expect(r.code).toBe(1);
    const ev = read(file);
    const err = ev.find((e) => e.event === 'error')!;
    expect(err.phase).toBe('certs/etcd-ca');
    expect(err.file).toBe('/etc/kubernetes/pki/etcd/ca.key');
    expect(r.stderr).toContain(err.message!.split('\n')[0]!);
    expect(ev.at(-1)).toMatchObject({ event: 'failed', exitCode: 1 });
    // the phases before it ended, the failing one started
    expect(ev.filter((e) => e.event === 'phase-end').map((e) => e.phase)).toContain('certs/ca');
    expect(ev.filter((e) => e.event === 'phase-start').at(-1)!.phase).toBe('certs/etcd-ca');
  });

  it('invalid input: an error event and "failed" with exit 3', async () => {
    const cfg = path.join(tmpDir(), 'c.yaml');
    fs.writeFileSync(cfg, CFG + 'bogusField: 1\n');
    const file = path.join(tmpDir(), 'events.jsonl');
    const r = await cli(['init', 'phase', 'certs', 'all', '--config', cfg, '--rootfs', tmpDir(), '--events', file]);
    expect(r.code).toBe(3);
    const ev = read(file);
    expect(ev.map((e) => e.event)).toEqual(['start', 'error', 'failed']);
    expect(ev[1]).toMatchObject({ file: cfg });
    expect(ev[2]).toMatchObject({ exitCode: 3 });
  });
});
