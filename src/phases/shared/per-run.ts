// Work done once per run: the phases of one invocation share one data object (InitData, JoinData...),
// and what several phases need (a plan, a key pool, an API client) is computed by whichever asks first.

/**
 * `make` memoized on its first argument, the run's data object: every later call with the same object
 * gets the first call's promise (its other arguments are the first caller's). With `forgetFailure`,
 * a rejected promise is dropped so that the next call tries again.
 */
export function perRun<D extends object, A extends unknown[], T>(
  make: (d: D, ...rest: A) => Promise<T>,
  opts: { forgetFailure?: boolean } = {},
): (d: D, ...rest: A) => Promise<T> {
  const memo = new WeakMap<D, Promise<T>>();
  return (d, ...rest) => {
    let p = memo.get(d);
    if (!p) {
      p = make(d, ...rest);
      memo.set(d, p);
      if (opts.forgetFailure) p.catch(() => memo.delete(d));
    }
    return p;
  };
}
