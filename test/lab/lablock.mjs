// The lab lock's protocol for the lab's plain-JavaScript tools (scripts/demo.mjs, bench/*.mjs): the
// same as test/lab/fixture/lablock.ts, the tests' side: a directory made with mkdir, holding the pid of
// its holder; a lock whose holder is gone is stale and taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export const LAB_LOCK = process.env.TSK_LAB_LOCK ?? '/run/tskubeadm-lab.lock';

/** the pid in the lock, if any */
export function labLockHolder() {
  try {
    const pid = Number(readFileSync(`${LAB_LOCK}/pid`, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** take the lock if it is free or stale; else the pid holding it ('starting' while it writes its pid) */
export function tryTakeLabLock() {
  for (;;) {
    try {
      mkdirSync(LAB_LOCK);
      writeFileSync(`${LAB_LOCK}/pid`, String(process.pid));
      return { taken: true };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const pid = labLockHolder();
    if (pid !== undefined && !alive(pid)) {
      rmSync(LAB_LOCK, { recursive: true, force: true }); // stale: its holder is gone
      continue;
    }
    return { taken: false, pid };
  }
}

/** give the lock back, if this process holds it */
export function releaseLabLock() {
  if (labLockHolder() === process.pid) rmSync(LAB_LOCK, { recursive: true, force: true });
}
