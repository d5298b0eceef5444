// What the lab benchmarks share: running a command with its output lines time-stamped, and the median.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** run a command; resolve with its output lines stamped with ms since start, the total time and the whole output */
export function timed(cmd, args, env = {}) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const p = spawn(cmd, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const lines = [];
    let buf = '';
    let all = '';
    p.stdout.on('data', (d) => {
      buf += d;
      all += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push([ms(), buf.slice(0, i)]);
        buf = buf.slice(i + 1);
      }
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('close', (code) => (code === 0 ? res({ lines, total: ms(), out: all }) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${all.slice(-3000)}\n${err.slice(-3000)}`))));
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** stop with a message unless run as root and both tools are built (`tools`: name -> path) */
export function requireRootAndTools(bench, tools) {
  if (process.getuid?.() !== 0) {
    console.error(`${bench}: run as root (the lab hosts use namespaces and cgroups)`);
    process.exit(1);
  }
  for (const [n, p] of Object.entries(tools)) {
    if (!existsSync(p)) {
      console.error(`${bench}: ${n} missing at ${p}: run npm run build and npm run lab:build`);
      process.exit(1);
    }
  }
}

/**
 * Hold the lab lock (test/lab/lablock.mjs) until this process exits, so a bench never drives the lab
 * hosts while a lab test or the demo does.
 */
export async function holdLabLock() {
  const { LAB_LOCK, releaseLabLock, tryTakeLabLock } = await import('../test/lab/lablock.mjs');
  let told = false;
  for (;;) {
    const t = tryTakeLabLock();
    if (t.taken) break;
    if (!told) console.error(`the lab is in use by pid ${t.pid ?? '?'}; waiting for ${LAB_LOCK}`);
    told = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  process.on('exit', releaseLabLock);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
}
