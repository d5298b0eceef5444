// Error types carry the exit code kubeadm would use; one renderer in src/cli/main.ts prints them.
// 0 success, 1 generic failure, 2 preflight failure, 3 invalid configuration or usage.

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_PREFLIGHT = 2;
export const EXIT_VALIDATION = 3;

export interface TskErrorOptions {
  hint?: string;
  cause?: unknown;
  /** the file the error is about (a target-host path), when there is one: reported in --events */
  file?: string;
}

export class TskError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  readonly file?: string;
  constructor(message: string, exitCode = EXIT_ERROR, opts: TskErrorOptions = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
    this.exitCode = exitCode;
    if (opts.hint !== undefined) this.hint = opts.hint;
    if (opts.file !== undefined) this.file = opts.file;
  }
}

/** One problem in a configuration: where (document/field path, optional line) and what. */
export interface FieldProblem {
  /** e.g. `ClusterConfiguration.networking.serviceSubnet` */
  path: string;
  message: string;
  /** file the document came from, when known */
  file?: string;
  /** 1-based line in that file, when known */
  line?: number;
}

export function formatProblem(p: FieldProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
  return `${where}${p.path}: ${p.message}`;
}

/** Invalid configuration (file, flags or defaults): exit 3. Carries every problem found. */
export class ValidationError extends TskError {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[] | string, opts: TskErrorOptions = {}) {
    const list = typeof problems === 'string' ? [{ path: '', message: problems }] : problems;
    const msg =
      list.length === 1
        ? formatProblem(list[0]!).replace(/^: /, '')
        : `invalid configuration (${list.length} problems):\n` + list.map((p) => '\t' + formatProblem(p)).join('\n');
    const file = list.find((p) => p.file)?.file;
    super(msg, EXIT_VALIDATION, { ...(file !== undefined ? { file } : {}), ...opts });
    this.problems = list;
  }
}

/** Bad command-line usage (unknown flag, bad value, forbidden mix): exit 3. */
export class UsageError extends TskError {
  constructor(message: string, opts: TskErrorOptions = {}) {
    super(message, EXIT_VALIDATION, opts);
  }
}

/** Preflight failure: exit 2. */
export class PreflightError extends TskError {
  constructor(message: string, opts: TskErrorOptions = {}) {
    super(message, EXIT_PREFLIGHT, opts);
  }
}

/** A phase failed: keeps the inner error's exit code; message gets kubeadm's prefix. */
export class PhaseError extends TskError {
  readonly phase: string;
  constructor(phase: string, inner: unknown) {
    const innerMsg = inner instanceof Error ? inner.message : String(inner);
    const code = inner instanceof TskError ? inner.exitCode : EXIT_ERROR;
    const hint = inner instanceof TskError ? inner.hint : undefined;
    super(`error execution phase ${phase}: ${innerMsg}`, code, { cause: inner, ...(hint ? { hint } : {}) });
    this.phase = phase;
  }
}

/** A host command failed; the message holds a pasteable command line and its output. */
export class ExecError extends TskError {
  readonly command: string;
  readonly exitStatus: number | undefined;
  readonly stderr: string;
  constructor(command: string, exitStatus: number | undefined, stderr: string, stdout = '') {
    const out = (stderr || stdout).trim();
    super(
      `command failed${exitStatus !== undefined ? ` with exit code ${exitStatus}` : ''}: ${command}${out ? `\n${indent(out)}` : ''}`,
      EXIT_ERROR,
    );
    this.command = command;
    this.exitStatus = exitStatus;
    this.stderr = stderr;
  }
}

/** A Kubernetes API call failed. */
export class KubeApiError extends TskError {
  readonly status: number | undefined;
  constructor(message: string, status?: number, opts: TskErrorOptions = {}) {
    super(message, EXIT_ERROR, opts);
    this.status = status;
  }
}

/** A bug in tskubeadm itself. */
export class InternalError extends TskError {
  constructor(message: string, opts: TskErrorOptions = {}) {
    super(message, EXIT_ERROR, {
      hint: 'this is a bug in tskubeadm; please report it with the output of the same command at --v=5',
      ...opts,
    });
  }
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '\t' + l)
    .join('\n');
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
