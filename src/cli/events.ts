// --events FILE|-: the progress of a workflow command (init, join, reset and their phase commands) as
// JSON Lines, one object per line: the command's start, each phase's start, end (durationMs) or skip
// (reason), every warning, the error (phase, message, and the file, object and request concerned when
// known), and a final "done" or "failed" with the exit code. The human output is unchanged: events go
// to FILE, or to stderr with "-", never to stdout. Each line reaches the file with one write(2) on an
// O_APPEND descriptor, so a reader tailing it, or a run killed with SIGKILL, keeps every complete line.

import * as fs from 'node:fs';
import { EXIT_ERROR, TskError, UsageError } from '../errors.js';
import type { WorkflowEvent } from '../phases/workflow.js';

export interface EventSink {
  /** one event: a line with the time, the pid and the command before the given fields */
  emit(event: string, fields?: Record<string, unknown>): void;
  phase(e: WorkflowEvent): void;
  /** a warning; `check` names the preflight check that gave it */
  warning(message: string, check?: string): void;
  /** the error that ends the run, then "failed" with its exit code */
  failed(e: unknown): void;
  done(): void;
  close(): void;
}

/** The file, object and request an error (or one of its causes) is about. */
export function errorSubject(e: unknown): { file?: string; object?: string; request?: string } {
  const s: { file?: string; object?: string; request?: string } = {};
  for (let cur = e, depth = 0; cur instanceof Error && depth < 20; cur = (cur as { cause?: unknown }).cause, depth++) {
    const c = cur as { file?: unknown; object?: unknown; request?: unknown };
    if (s.file === undefined && typeof c.file === 'string') s.file = c.file;
    if (s.object === undefined && typeof c.object === 'string') s.object = c.object;
    if (s.request === undefined && typeof c.request === 'string') s.request = c.request;
  }
  return s;
}

/** the preflight checks that failed, when the error (or a cause) is a preflight failure */
function failedChecks(e: unknown): { failedChecks?: string[] } {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 20; cur = (cur as { cause?: unknown }).cause, depth++) {
    const checks = (cur as { failedChecks?: unknown }).failedChecks;
    if (Array.isArray(checks)) return { failedChecks: checks as string[] };
  }
  return {};
}

/**
 * Open the sink `spec` names: "-" writes to `stderr`, anything else is a file opened for appending
 * (created 0600: a run's events can name its files and objects). `undefined`: a sink that drops everything.
 */
export function openEvents(spec: string | undefined, command: string, stderr: { write(s: string): unknown }): EventSink {
  let write: ((line: string) => void) | undefined;
  let fd: number | undefined;
  if (spec === '-') write = (line) => stderr.write(line);
  else if (spec !== undefined) {
    if (spec === '') throw new UsageError('invalid argument "" for "--events" flag: give a file, or - for stderr');
    try {
      fd = fs.openSync(spec, 'a', 0o600);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UsageError(`invalid argument "${spec}" for "--events" flag: cannot open it for writing: ${err.code ?? err.message}`);
    }
    const out = fd;
    write = (line) => {
      const b = Buffer.from(line);
      for (let off = 0; off < b.length; ) off += fs.writeSync(out, b, off);
    };
  }
  let broken = false;
  const emit = (event: string, fields: Record<string, unknown> = {}) => {
    if (!write || broken) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), pid: process.pid, command, event, ...fields }) + '\n';
    try {
      write(line);
    } catch (e) {
      // the run goes on without its events (e.g. the disk holding FILE is full); say so once
      broken = true;
      stderr.write(`warning: --events ${spec}: no more events are written: ${(e as Error).message}\n`);
    }
  };
  return {
    emit,
    phase: (e) => {
      if (e.type === 'end') emit('phase-end', { phase: e.path, durationMs: e.ms });
      else if (e.type === 'skip') emit('phase-skip', { phase: e.path, reason: e.reason });
      else emit('phase-start', { phase: e.path });
    },
    warning: (message, check) => emit('warning', { ...(check !== undefined ? { check } : {}), message }),
    failed: (e) => {
      const phase = (e as { phase?: unknown }).phase;
      emit('error', {
        ...(typeof phase === 'string' ? { phase } : {}),
        message: e instanceof Error ? e.message : String(e),
        ...(e instanceof TskError && e.hint ? { hint: e.hint } : {}),
        ...errorSubject(e),
        ...failedChecks(e),
      });
      emit('failed', { exitCode: e instanceof TskError ? e.exitCode : EXIT_ERROR });
    },
    done: () => emit('done', { exitCode: 0 }),
    close: () => {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      write = undefined;
    },
  };
}
