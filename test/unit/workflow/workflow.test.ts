import { describe, expect, it } from 'vitest';
import { allPhase, flatten, phaseHelp, runWorkflow, select, type Phase } from '../../../src/phases/workflow.js';
import { memoryOutput } from '../../../src/output.js';
import { PhaseError, TskError, UsageError } from '../../../src/errors.js';

interface D {
  log: string[];
  flag: boolean;
}

function tree(): Phase<D>[] {
  const leaf = (name: string, extra: Partial<Phase<D>> = {}): Phase<D> => ({
    name,
    short: `the ${name} phase`,
    run: (d) => {
      d.log.push(name);
    },
    ...extra,
  });
  return [
    leaf('preflight'),
    {
      name: 'certs',
      short: 'Certificate generation',
      phases: [allPhase('all certs'), leaf('ca'), leaf('apiserver'), { name: 'etcd', short: 'etcd certs', phases: [leaf('etcd-ca'), leaf('etcd-server')] }],
    },
    leaf('conditional', { runIf: (d) => d.flag }),
    leaf('secret', { hidden: true }),
    leaf('last'),
  ];
}

const run = async (opts: { only?: string[]; skip?: string[]; flag?: boolean }) => {
  const d: D = { log: [], flag: opts.flag ?? false };
  await runWorkflow(tree(), { ...opts, out: memoryOutput(), data: async () => d });
  return d.log;
};

describe('workflow runner', () => {
  it('flattens in pre-order with slash paths, leaving out top-level all', () => {
    expect(flatten(tree()).map((f) => f.path)).toEqual([
      'preflight',
      'certs',
      'certs/all',
      'certs/ca',
      'certs/apiserver',
      'certs/etcd',
      'certs/etcd/etcd-ca',
      'certs/etcd/etcd-server',
      'conditional',
      'secret',
      'last',
    ]);
  });

  it('runs every phase in order, hidden ones included, runIf false skipped', async () => {
    expect(await run({})).toEqual(['preflight', 'ca', 'apiserver', 'etcd-ca', 'etcd-server', 'secret', 'last']);
    expect(await run({ flag: true })).toContain('conditional');
  });

  it('skipping a parent skips its whole subtree', async () => {
    expect(await run({ skip: ['certs/etcd', 'preflight'] })).toEqual(['ca', 'apiserver', 'secret', 'last']);
    expect(await run({ skip: ['certs'] })).toEqual(['preflight', 'secret', 'last']);
  });

  it('selecting one phase runs it and its descendants only', async () => {
    expect(await run({ only: ['certs/etcd'] })).toEqual(['etcd-ca', 'etcd-server']);
    expect(await run({ only: ['certs'] })).toEqual(['ca', 'apiserver', 'etcd-ca', 'etcd-server']);
  });

  it('an unknown phase name is a usage error (exit 3) with a hint', () => {
    const flat = flatten(tree());
    expect(() => select(flat, { skip: ['cert'] })).toThrow(UsageError);
    try {
      select(flat, { skip: ['apiserver'] });
    } catch (e) {
      expect((e as UsageError).message).toBe('invalid phase name: apiserver');
      expect((e as UsageError).hint).toContain('certs/apiserver');
      expect((e as UsageError).exitCode).toBe(3);
    }
  });

  it('wraps a failure as "error execution phase <path>" and keeps the exit code', async () => {
    const phases: Phase<D>[] = [
      { name: 'a', short: 'a', run: () => undefined },
      {
        name: 'b',
        short: 'b',
        phases: [
          {
            name: 'c',
            short: 'c',
            run: () => {
              throw new TskError('boom', 2);
            },
          },
        ],
      },
    ];
    const err = await runWorkflow(phases, { out: memoryOutput(), data: async () => ({ log: [], flag: false }) }).catch((e) => e);
    expect(err).toBeInstanceOf(PhaseError);
    expect(err.message).toBe('error execution phase b/c: boom');
    expect(err.exitCode).toBe(2);
  });

  it('checks dependencies before running anything', async () => {
    const ran: string[] = [];
    const phases: Phase<D>[] = [
      { name: 'a', short: 'a', run: () => void ran.push('a') },
      { name: 'b', short: 'b', dependencies: ['a'], run: () => void ran.push('b') },
    ];
    const err = await runWorkflow(phases, { only: ['b'], out: memoryOutput(), data: async () => ({ log: [], flag: false }) }).catch((e) => e);
    expect(err.message).toContain('missing [a] phase(s) needed by "b" phase');
    expect(ran).toEqual([]);
  });

  it('does not build the data when a phase name is invalid', async () => {
    let built = false;
    await expect(
      runWorkflow(tree(), {
        skip: ['nope'],
        out: memoryOutput(),
        data: async () => {
          built = true;
          return { log: [], flag: false };
        },
      }),
    ).rejects.toThrow('invalid phase name: nope');
    expect(built).toBe(false);
  });

  it('help lists visible phases indented by level, without all/hidden', () => {
    const help = phaseHelp('init', tree());
    const lines = help.split('\n');
    expect(lines[0]).toBe('The "init" command executes the following phases:');
    expect(help).not.toContain('secret');
    expect(help).not.toContain('all certs');
    // kubeadm pads every name to the longest visible one ("/etcd-server", 12) plus two spaces
    expect(lines).toContain('    /etcd-ca      the etcd-ca phase');
    expect(lines).toContain('preflight     the preflight phase');
    expect(lines.at(-1)).toBe('```');
  });
});

describe('work a phase leaves running in the background (ctx.background)', () => {
  /** a promise settled from outside, and whether anyone has awaited past it */
  const gate = () => {
    let open!: () => void;
    let fail!: (e: Error) => void;
    const p = new Promise<void>((res, rej) => ((open = res), (fail = rej)));
    return { p, open, fail };
  };
  const phases = (g: ReturnType<typeof gate>, settleAt: 'last' | 'none'): Phase<D>[] => [
    {
      name: 'starter',
      short: 'starts background work',
      run: (d, ctx) => {
        d.log.push('starter');
        ctx.background!(g.p.then(() => void d.log.push('background done')));
      },
    },
    { name: 'middle', short: 'runs meanwhile', run: (d) => void d.log.push('middle') },
    { name: 'last', short: 'waits for it', settlesBackground: settleAt === 'last', run: (d) => void d.log.push('last') },
  ];

  /** the three phases running, the background work pending; `done` settles with the run */
  const start = (settleAt: 'last' | 'none') => {
    const g = gate();
    const d: D = { log: [], flag: false };
    const done = runWorkflow(phases(g, settleAt), { out: memoryOutput(), data: async () => d });
    return { g, d, done };
  };
  /** let the runner go as far as it can while the work is pending */
  const letRun = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  it('overlaps the phases after it, and is over before a settlesBackground phase runs', async () => {
    const { g, d, done } = start('last');
    await letRun();
    expect(d.log).toEqual(['starter', 'middle']);
    g.open();
    await done;
    expect(d.log).toEqual(['starter', 'middle', 'background done', 'last']);
  });

  it('is awaited at the end of the run when no phase settles it (a phase run on its own)', async () => {
    const { g, d, done } = start('none');
    let finished = false;
    void done.then(() => (finished = true));
    await letRun();
    expect(d.log).toEqual(['starter', 'middle', 'last']);
    expect(finished).toBe(false);
    g.open();
    await done;
    expect(d.log).toEqual(['starter', 'middle', 'last', 'background done']);
  });

  it('fails the run as the phase that started it, with no unhandled rejection in between', async () => {
    const { g, d, done } = start('last');
    g.fail(new Error('the service manager said no'));
    const err = await done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhaseError);
    expect((err as PhaseError).phase).toBe('starter');
    expect((err as Error).message).toMatch(/the service manager said no/);
    expect(d.log).toEqual(['starter', 'middle']);
  });
});
