// Program output. Phases never write to process streams directly: they get an Output.
// `print` is the normal `[phase] message` stream (stdout, like kubeadm's fmt.Printf lines);
// `warn` goes to stderr in klog's warning shape; `v(n, ...)` prints only at --v >= n.

export interface Streams {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export interface Output {
  readonly verbosity: number;
  /** a whole line to stdout (a newline is added) */
  println(line?: string): void;
  /** `[tag] message` to stdout */
  print(tag: string, message: string): void;
  /** a warning line to stderr */
  warn(message: string): void;
  /** a detail line to stderr, only at the given verbosity or higher */
  v(level: number, message: string): void;
  /** raw text to stdout / stderr (for modules that format whole blocks themselves) */
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

function klogPrefix(kind: 'W' | 'I', now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${kind}${p(now.getMonth() + 1)}${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:` +
    `${p(now.getSeconds())}.${p(now.getMilliseconds() * 1000, 6)} ${String(process.pid).padStart(7)} tskubeadm]`
  );
}

export function createOutput(streams: Streams, verbosity = 0): Output {
  return {
    verbosity,
    stdout: streams.stdout,
    stderr: streams.stderr,
    println(line = '') {
      streams.stdout.write(line + '\n');
    },
    print(tag, message) {
      streams.stdout.write(`[${tag}] ${message}\n`);
    },
    warn(message) {
      streams.stderr.write(`${klogPrefix('W', new Date())} ${message}\n`);
    },
    v(level, message) {
      if (verbosity >= level) streams.stderr.write(`${klogPrefix('I', new Date())} ${message}\n`);
    },
  };
}

/** An Output that records lines, for tests and for capturing phase output. */
export function memoryOutput(verbosity = 0): Output & { lines: string[]; errLines: string[]; text(): string } {
  const lines: string[] = [];
  const errLines: string[] = [];
  let partOut = '';
  let partErr = '';
  return {
    verbosity,
    stdout: {
      write(s: string) {
        const parts = (partOut + s).split('\n');
        partOut = parts.pop()!;
        lines.push(...parts);
      },
    },
    stderr: {
      write(s: string) {
        const parts = (partErr + s).split('\n');
        partErr = parts.pop()!;
        errLines.push(...parts);
      },
    },
    lines,
    errLines,
    text: () => lines.join('\n'),
    println(line = '') {
      lines.push(line);
    },
    print(tag, message) {
      lines.push(`[${tag}] ${message}`);
    },
    warn(message) {
      errLines.push(`W ${message}`);
    },
    v(level, message) {
      if (verbosity >= level) errLines.push(`I ${message}`);
    },
  };
}

/** kubeadm's line for a preflight warning (or an ignored preflight error): "\t[WARNING Name]: message" */
const PREFLIGHT_WARNING = /^\t\[WARNING ([^\]]+)\]: (.*)$/;

/**
 * Calls `listener` with every warning `out` gives until the returned function is called: each
 * `out.warn`, and each preflight warning line written to `out.stderr`. The output itself is unchanged.
 */
export function tapWarnings(out: Output, listener: (message: string, check?: string) => void): () => void {
  const o = out as { warn: Output['warn']; stderr: Output['stderr'] };
  const warn = o.warn;
  const stderr = o.stderr;
  let partial = '';
  o.warn = (message) => {
    warn.call(out, message);
    listener(message);
  };
  o.stderr = {
    write(s: string) {
      const r = stderr.write(s);
      const lines = (partial + s).split('\n');
      partial = lines.pop()!;
      for (const l of lines) {
        const m = PREFLIGHT_WARNING.exec(l);
        if (m) listener(m[2]!, m[1]!);
      }
      return r;
    },
  };
  return () => {
    o.warn = warn;
    o.stderr = stderr;
  };
}
