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
 * Hold the lab lock (the protocol of test/lab/fixture/lablock.ts: mkdir, then our pid in it) until
 * this process exits, so a bench never drives the lab hosts while a lab test or the demo does.
 */
export async function holdLabLock() {
  const { mkdirSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
  const LOCK = process.env.TSK_LAB_LOCK ?? '/run/tskubeadm-lab.lock';
  const holder = () => {
    try {
      const pid = Number(readFileSync(`${LOCK}/pid`, 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  let told = false;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(`${LOCK}/pid`, String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const pid = holder();
    let alive = false;
    try {
      if (pid !== undefined) alive = process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (pid !== undefined && !alive) {
      rmSync(LOCK, { recursive: true, force: true }); // stale: its holder is gone
      continue;
    }
    if (!told) console.error(`the lab is in use by pid ${pid ?? '?'}; waiting for ${LOCK}`);
    told = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const release = () => {
    if (holder() === process.pid) rmSync(LOCK, { recursive: true, force: true });
  };
  process.on('exit', release);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
}
