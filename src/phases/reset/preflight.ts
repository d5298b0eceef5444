// reset phase "preflight": the confirmation prompt (unless --force or dry-run), then the root check.

import { TskError } from '../../errors.js';
import type { Phase } from '../workflow.js';
import type { ResetData } from './data.js';

/** kubeadm's error when the answer is anything but y/yes (or there is no answer) */
export const NOT_CONFIRMED = "won't proceed; the user didn't answer (Y|y) in order to continue";

/**
 * One line from a stream, without its line ending; "" at end of input. Stops listening once the
 * line is complete so the stream is left for whoever reads next.
 */
export function readLine(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (line: string) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      stream.pause();
      // a pipe or terminal left open by the caller must not keep the process alive once answered
      (stream as { unref?: () => void }).unref?.();
      resolve(line.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
    };
    const onEnd = () => done(buf);
    const onError = (e: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      reject(new TskError(`couldn't read from standard input: ${e.message}`, 1, { cause: e }));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/** kubeadm's InteractivelyConfirmAction */
export async function confirm(d: Pick<ResetData, 'out' | 'stdin'>, action: string, question: string): Promise<void> {
  d.out.stdout.write(`[${action}] ${question} [y/N]: `);
  const answer = (await readLine(d.stdin)).toLowerCase();
  if (answer === 'y' || answer === 'yes') return;
  throw new TskError(NOT_CONFIRMED);
}

export const preflightPhase: Phase<ResetData> = {
  name: 'preflight',
  aliases: ['pre-flight'],
  short: 'Run reset pre-flight checks',
  long: 'Run pre-flight checks for tskubeadm reset.',
  inheritFlags: ['ignore-preflight-errors', 'force', 'dry-run'],
  run: async (d) => {
    if (!d.force && !d.dryRun) {
      d.out.warn("[reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.");
      await confirm(d, 'reset', 'Are you sure you want to proceed?');
    }
    const { makeCheckContext, runResetPreflight } = await import('../../preflight/index.js');
    const ctx = makeCheckContext({ host: d.host, stdout: d.out.stdout });
    await runResetPreflight(ctx, { ignore: d.ignorePreflightErrors, stderr: d.out.stderr });
  },
};
