// Go-compatible durations: parsing like time.ParseDuration, printing like time.Duration.String().
// Internally exact nanoseconds (bigint), since 87600h in ns exceeds 2^53.

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

/** Parse a Go duration string ("1h30m", "4m0s", "1.5s", "0") into nanoseconds. Throws on bad input. */
export function parseDurationNs(input: string): bigint {
  const orig = input;
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new Error(`time: invalid duration "${orig}"`);
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const intPart = m[1] ?? '';
    const fracPart = m[2];
    if (intPart === '' && (fracPart === undefined || fracPart === '')) {
      throw new Error(`time: invalid duration "${orig}"`);
    }
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration "${orig}"`);
    const unit = u[0];
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${orig}"`);
    s = s.slice(unit.length);
    let v = BigInt(intPart === '' ? '0' : intPart) * scale;
    if (fracPart) {
      // fraction * scale, truncated toward zero like Go
      const denom = 10n ** BigInt(fracPart.length);
      v += (BigInt(fracPart) * scale) / denom;
    }
    total += v;
    if (total > MAX_INT64 + (negative ? 1n : 0n)) throw new Error(`time: invalid duration "${orig}"`);
  }
  return negative ? -total : total;
}

/** Parse a Go duration string into milliseconds (may be fractional for sub-ms values). */
export function parseDuration(s: string): number {
  const ns = parseDurationNs(s);
  return Number(ns) / 1e6;
}

export function isValidDuration(s: string): boolean {
  try {
    parseDurationNs(s);
    return true;
  } catch {
    return false;
  }
}

function fracString(value: bigint, digits: number): string {
  // value < 10^digits; print as ".ddd" with trailing zeros removed, or '' when zero
  if (value === 0n) return '';
  let str = value.toString().padStart(digits, '0');
  str = str.replace(/0+$/, '');
  return '.' + str;
}

/** Format nanoseconds the way Go's time.Duration.String() does ("24h0m0s", "500ms", "0s"). */
export function formatDurationNs(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${u / 1_000n}${fracString(u % 1_000n, 3)}µs`;
    else out = `${u / 1_000_000n}${fracString(u % 1_000_000n, 6)}ms`;
  } else {
    const secNs = u % 60_000_000_000n;
    const sec = `${secNs / 1_000_000_000n}${fracString(secNs % 1_000_000_000n, 9)}s`;
    u = u / 60_000_000_000n; // minutes
    if (u === 0n) out = sec;
    else {
      const min = u % 60n;
      const hours = u / 60n;
      out = hours > 0n ? `${hours}h${min}m${sec}` : `${min}m${sec}`;
    }
  }
  return neg ? '-' + out : out;
}

/** Format milliseconds as a Go duration string. */
export function formatDuration(ms: number): string {
  return formatDurationNs(BigInt(Math.round(ms * 1e6)));
}

/** Re-print a Go duration string in canonical form ("24h" -> "24h0m0s"). Throws on bad input. */
export function normalizeDuration(s: string): string {
  return formatDurationNs(parseDurationNs(s));
}
