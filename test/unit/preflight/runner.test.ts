import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_PREFLIGHT, EXIT_VALIDATION, TskError } from '../../../src/errors.js';
import { makeCheckContext } from '../../../src/preflight/index.js';
import { PreflightChecksFailed, runChecks, validateIgnorePreflightErrors, type Check } from '../../../src/preflight/runner.js';
import { FakeHost } from '../../helpers/fake-host.js';

class Buf {
  text = '';
  write(s: string) {
    this.text += s;
  }
}

const check = (name: string, warnings: string[], errors: string[]): Check => ({
  name,
  run: async () => ({ warnings, errors }),
});

describe('runChecks', () => {
  let host: FakeHost;
  beforeEach(async () => {
    host = await FakeHost.create();
  });
  afterEach(() => host.cleanup());

  it('prints warnings, then the fatal block, and fails with exit code 2', async () => {
    const out = new Buf();
    const ctx = makeCheckContext({ host, stdout: new Buf() });
    const err = await runChecks(
      [check('Swap', ['swap is on'], []), check('Port-6443', [], ['Port 6443 is in use']), check('Mem', ['w2'], ['too little', 'really'])],
      ctx,
      { ignore: [], out },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(PreflightChecksFailed);
    expect(err.exitCode).toBe(EXIT_PREFLIGHT);
    expect(err.message).toBe('preflight checks failed');
    expect(err.failedChecks).toEqual(['Port-6443', 'Mem']);
    expect(out.text).toBe(
      '\t[WARNING Swap]: swap is on\n' +
        '\t[WARNING Mem]: w2\n' +
        '[preflight] Some fatal errors occurred:\n' +
        '\t[ERROR Port-6443]: Port 6443 is in use\n' +
        '\t[ERROR Mem]: too little\n' +
        '\t[ERROR Mem]: really\n' +
        '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n',
    );
    expect(err.report).toBe(out.text.slice(out.text.indexOf('[preflight]')));
  });

  it('demotes errors of ignored checks (case-insensitive) to warnings', async () => {
    const out = new Buf();
    const ctx = makeCheckContext({ host, stdout: new Buf() });
    await runChecks([check('Port-6443', ['first'], ['Port 6443 is in use'])], ctx, { ignore: ['PORT-6443'], out });
    expect(out.text).toBe('\t[WARNING Port-6443]: first\n\t[WARNING Port-6443]: Port 6443 is in use\n');
  });

  it('"all" ignores everything', async () => {
    const out = new Buf();
    const ctx = makeCheckContext({ host, stdout: new Buf() });
    await runChecks([check('A', [], ['x']), check('B', [], ['y'])], ctx, { ignore: new Set(['all']), out });
    expect(out.text).toBe('\t[WARNING A]: x\n\t[WARNING B]: y\n');
  });

  it('starts the checks marked startFirst before the others, and reports every check in its own place', async () => {
    const out = new Buf();
    const ctx = makeCheckContext({ host, stdout: new Buf() });
    const started: string[] = [];
    const mk = (name: string, startFirst = false): Check => ({
      name,
      ...(startFirst ? { startFirst } : {}),
      run: async () => {
        started.push(name);
        return { warnings: [`${name} says so`], errors: [] };
      },
    });
    await runChecks([mk('A'), mk('KubeletVersion', true), mk('B'), mk('SystemVerification', true)], ctx, { ignore: [], out });
    expect(started).toEqual(['KubeletVersion', 'SystemVerification', 'A', 'B']);
    expect(out.text).toBe('\t[WARNING A]: A says so\n\t[WARNING KubeletVersion]: KubeletVersion says so\n\t[WARNING B]: B says so\n\t[WARNING SystemVerification]: SystemVerification says so\n');
  });

  it('turns a check that throws into an error line', async () => {
    const out = new Buf();
    const ctx = makeCheckContext({ host, stdout: new Buf() });
    const boom: Check = { name: 'Boom', run: async () => Promise.reject(new Error('kaput')) };
    await expect(runChecks([boom], ctx, { ignore: [], out })).rejects.toBeInstanceOf(PreflightChecksFailed);
    expect(out.text).toContain('\t[ERROR Boom]: kaput\n');
  });
});

describe('validateIgnorePreflightErrors', () => {
  it('merges, lower-cases and de-duplicates', () => {
    expect([...validateIgnorePreflightErrors(['Swap', 'NumCPU'], ['swap', 'Mem'])]).toEqual(['mem', 'numcpu', 'swap']);
  });

  it('rejects "all" mixed with names, listing them sorted', () => {
    let err: unknown;
    try {
      validateIgnorePreflightErrors(['all', 'Swap'], ['Mem']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TskError);
    expect((err as TskError).exitCode).toBe(EXIT_VALIDATION);
    expect((err as TskError).message).toBe(
      `ignore-preflight-errors: Invalid value: "all,mem,swap": don't specify individual checks if 'all' is used`,
    );
    expect([...validateIgnorePreflightErrors(['ALL'])]).toEqual(['all']);
  });
});
