// The preflight check model and runner: every check runs, warnings are printed as they come,
// errors of ignored checks are demoted to warnings, and the remaining errors are printed as one
// block before failing — all on the error stream, as kubeadm does.
import type { CriClient, CriClientOptions } from '../cri/client.js';
import { PreflightError, ValidationError } from '../errors.js';
import type { Host } from '../host/types.js';

export interface Writer {
  write(s: string): unknown;
}

export interface CheckResult {
  warnings: string[];
  errors: string[];
}

export interface CheckContext {
  host: Host;
  /** standard output (SystemVerification prints its report here when it fails) */
  stdout: Writer;
  /** opens a CRI client for an endpoint; tests swap it */
  cri(endpoint: string, opts?: CriClientOptions): CriClient;
  /** name resolution for the Hostname check (/etc/hosts, then DNS) */
  lookupHost(name: string): Promise<string[]>;
  /** the kubeadm (Kubernetes) version this tool stands for, e.g. v1.37.2 */
  kubeadmVersion: string;
  /** what an earlier run of this command on the host left, when the command looked (see earlier.ts) */
  earlier?: Promise<EarlierRun | undefined>;
  /** results shared by the checks of one run (runChecks makes it), e.g. one `kubelet --version` for two checks */
  shared?: Map<string, Promise<unknown>>;
}

/** What an earlier, unfinished run of the command left on the host (see earlier.ts). */
export interface EarlierRun {
  /** which command left it, for messages: "init" or "join" */
  readonly command: string;
  /** why this configuration cannot continue from what is on disk: one line each, naming the file and what differs */
  readonly conflicts: readonly string[];
  /** whether a file or directory is the earlier run's (FileAvailable and DirAvailable accept it) */
  owns(path: string): boolean;
  /** whether a port in use is held by the kubelet or a control-plane component the earlier run started */
  ownsPort(port: number): Promise<boolean>;
}

export interface Check {
  name: string;
  run(ctx: CheckContext): Promise<CheckResult>;
  /** starts before the others (it waits on a slow process, e.g. `kubelet --version`); reported in its place */
  startFirst?: boolean;
}

export interface RunChecksOptions {
  /** lower-cased check names to demote to warnings, or "all" */
  ignore: ReadonlySet<string> | readonly string[];
  /** where warnings and the error block go (kubeadm: stderr) */
  out: Writer;
}

export const FATAL_HEADER = '[preflight] Some fatal errors occurred:';
export const IGNORE_HINT =
  '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`';

/** Preflight failure; the printed block is kept on the error for callers that need it. */
export class PreflightChecksFailed extends PreflightError {
  readonly report: string;
  readonly failedChecks: string[];
  constructor(report: string, failedChecks: string[]) {
    super('preflight checks failed');
    this.report = report;
    this.failedChecks = failedChecks;
  }
}

function ignored(set: ReadonlySet<string>, name: string): boolean {
  return set.has('all') || set.has(name.toLowerCase());
}

export const result = (warnings: string[] = [], errors: string[] = []): CheckResult => ({ warnings, errors });

export async function runChecks(checks: readonly Check[], ctx: CheckContext, opts: RunChecksOptions): Promise<void> {
  const ignore = opts.ignore instanceof Set ? (opts.ignore as ReadonlySet<string>) : new Set([...(opts.ignore as readonly string[])].map((s) => s.toLowerCase()));
  let errBlock = '';
  const failed: string[] = [];
  // The checks are independent (files, ports, commands, the CRI): run them all at once, then
  // report in kubeadm's order.
  const run = { ...ctx, shared: new Map<string, Promise<unknown>>() };
  const start = async (c: Check): Promise<CheckResult> => {
    try {
      return await c.run(run);
    } catch (e) {
      // a check that blows up is a failed check, not a crash
      return result([], [e instanceof Error ? e.message : String(e)]);
    }
  };
  // the checks that wait on a slow process start first, before the others' process spawns and module loads
  const pending: Promise<CheckResult>[] = [];
  checks.forEach((c, i) => {
    if (c.startFirst) pending[i] = start(c);
  });
  checks.forEach((c, i) => {
    pending[i] ??= start(c);
  });
  const results = await Promise.all(pending);
  for (const [i, c] of checks.entries()) {
    const r = results[i]!;
    let warnings = r.warnings;
    let errors = r.errors;
    if (ignored(ignore, c.name)) {
      warnings = [...warnings, ...errors];
      errors = [];
    }
    for (const w of warnings) opts.out.write(`\t[WARNING ${c.name}]: ${w}\n`);
    for (const e of errors) errBlock += `\t[ERROR ${c.name}]: ${e}\n`;
    if (errors.length > 0 && !failed.includes(c.name)) failed.push(c.name);
  }
  if (errBlock !== '') {
    const report = `${FATAL_HEADER}\n${errBlock}${IGNORE_HINT}\n`;
    opts.out.write(report);
    throw new PreflightChecksFailed(report, failed);
  }
}

/**
 * Merge --ignore-preflight-errors with the config's list: lower-cased, de-duplicated, sorted.
 * "all" together with anything else is a validation error (kubeadm's wording).
 */
export function validateIgnorePreflightErrors(fromCli: readonly string[], fromConfig: readonly string[] = []): Set<string> {
  const set = new Set<string>();
  for (const s of [...fromConfig, ...fromCli]) set.add(s.toLowerCase());
  const sorted = [...set].sort();
  if (set.has('all') && set.size > 1) {
    throw new ValidationError([
      {
        path: 'ignore-preflight-errors',
        message: `Invalid value: "${sorted.join(',')}": don't specify individual checks if 'all' is used`,
      },
    ]);
  }
  return new Set(sorted);
}
