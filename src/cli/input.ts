// Files the user names on the command line (--config) are read from the real filesystem.

import * as path from 'node:path';
import { TskError, errorMessage } from '../errors.js';
import type { Host } from '../host/types.js';

/** The text of --config, or undefined without one; an unreadable file is invalid input (exit 3). */
export async function readConfigFile(inputs: Host, configPath: string | undefined): Promise<string | undefined> {
  if (!configPath) return undefined;
  try {
    return await inputs.readText(path.resolve(configPath));
  } catch (e) {
    // kubeadm's wording, with its space before the colon
    throw new TskError(`unable to read config from "${configPath}" : ${errorMessage(e).replace(/^unable to read "[^"]*": /, '')}`, 3, { cause: e });
  }
}

/** The configuration defaults that depend on this host (its name and default-route address). */
export function hostDefaults(host: Host, generateToken: () => string): { hostname: () => string; defaultAddress: () => Promise<string | undefined>; generateToken: () => string } {
  return { hostname: () => host.hostname(), defaultAddress: () => host.defaultRouteAddress(4), generateToken };
}

/**
 * kubeadm's GetDryRunDir: the directory named by `envVar`, else a new /etc/kubernetes/tmp/<prefix><n>
 * (0700), announced with kubeadm's warning.
 */
export async function makeDryRunDir(host: Host, env: NodeJS.ProcessEnv, envVar: string, prefix: string, warn: (msg: string) => void): Promise<string> {
  const fromEnv = env[envVar];
  if (fromEnv) return fromEnv;
  const { randomBytes } = await import('node:crypto');
  const tmp = '/etc/kubernetes/tmp';
  await host.mkdirp(tmp, 0o700);
  const dir = path.posix.join(tmp, `${prefix}${randomBytes(5).readUInt32BE(0)}`);
  await host.mkdirp(dir, 0o700);
  warn(`Using dry-run directory ${dir}. To override it, set the environment variable ${envVar}`);
  return dir;
}
