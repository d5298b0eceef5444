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
