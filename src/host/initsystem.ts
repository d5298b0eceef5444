// The service manager, spoken to through host.exec the way kubeadm does it: systemd via
// `systemctl`, or OpenRC via `rc-service`/`rc-update`. Detection follows kubeadm: systemctl on
// PATH means systemd; otherwise an `openrc` binary (plus rc-service and rc-update) means OpenRC;
// otherwise there is no supported init system and callers warn and carry on.
import { TskError } from '../errors.js';
import type { ExecResult, Host } from './types.js';

export type InitSystemKind = 'systemd' | 'openrc';

export interface InitSystem {
  readonly kind: InitSystemKind;
  /** the command a user should run to enable the service, e.g. "systemctl enable kubelet.service" */
  enableCommand(service: string): string;
  /** systemd: daemon-reload first */
  serviceStart(service: string): Promise<void>;
  serviceStop(service: string): Promise<void>;
  /** systemd: daemon-reload first */
  serviceRestart(service: string): Promise<void>;
  /** enable at boot (kubeadm itself never does this; offered for completeness) */
  serviceEnable(service: string): Promise<void>;
  serviceExists(service: string): Promise<boolean>;
  serviceIsEnabled(service: string): Promise<boolean>;
  /** running or trying to (a crash-looping kubelet counts as active) */
  serviceIsActive(service: string): Promise<boolean>;
  /** systemd only; a no-op under OpenRC */
  daemonReload(): Promise<void>;
}

/** Go's exec error text for a command that did not succeed */
function execErrorText(cmd: string, r: ExecResult): string {
  if (r.notFound) return `exec: "${cmd}": executable file not found in $PATH`;
  if (r.exitCode === undefined) return 'signal: killed';
  return `exit status ${r.exitCode}`;
}

async function run(host: Host, cmd: string, args: string[], prefix?: string): Promise<void> {
  const r = await host.exec(cmd, args);
  if (r.exitCode === 0) return;
  const text = execErrorText(cmd, r);
  throw new TskError(prefix ? `${prefix}: ${text}` : text);
}

class Systemd implements InitSystem {
  readonly kind = 'systemd' as const;
  constructor(private readonly host: Host) {}

  enableCommand(service: string): string {
    return `systemctl enable ${service}.service`;
  }
  daemonReload(): Promise<void> {
    return run(this.host, 'systemctl', ['daemon-reload'], 'failed to reload systemd');
  }
  async serviceStart(service: string): Promise<void> {
    await this.daemonReload();
    await run(this.host, 'systemctl', ['start', service]);
  }
  async serviceRestart(service: string): Promise<void> {
    await this.daemonReload();
    await run(this.host, 'systemctl', ['restart', service]);
  }
  serviceStop(service: string): Promise<void> {
    return run(this.host, 'systemctl', ['stop', service]);
  }
  serviceEnable(service: string): Promise<void> {
    return run(this.host, 'systemctl', ['enable', `${service}.service`]);
  }
  async serviceExists(service: string): Promise<boolean> {
    // kubeadm reads stdout only (Output()), whatever the exit code
    const r = await this.host.exec('systemctl', ['status', service]);
    return !r.stdout.includes('Loaded: not-found') && !r.stdout.includes('could not be found');
  }
  async serviceIsEnabled(service: string): Promise<boolean> {
    const r = await this.host.exec('systemctl', ['is-enabled', service]);
    return r.exitCode === 0;
  }
  async serviceIsActive(service: string): Promise<boolean> {
    // exits non-zero while "activating", so only the printed state counts
    const r = await this.host.exec('systemctl', ['is-active', service]);
    const state = r.stdout.trim();
    return state === 'active' || state === 'activating';
  }
}

class OpenRC implements InitSystem {
  readonly kind = 'openrc' as const;
  constructor(private readonly host: Host) {}

  enableCommand(service: string): string {
    return `rc-update add ${service} default`;
  }
  async daemonReload(): Promise<void> {}
  serviceStart(service: string): Promise<void> {
    return run(this.host, 'rc-service', [service, 'start']);
  }
  serviceStop(service: string): Promise<void> {
    return run(this.host, 'rc-service', [service, 'stop']);
  }
  serviceRestart(service: string): Promise<void> {
    return run(this.host, 'rc-service', [service, 'restart']);
  }
  serviceEnable(service: string): Promise<void> {
    return run(this.host, 'rc-update', ['add', service, 'default']);
  }
  async serviceExists(service: string): Promise<boolean> {
    const r = await this.host.exec('rc-service', [service, 'status']);
    return !(r.stdout + r.stderr).includes('does not exist');
  }
  async serviceIsEnabled(service: string): Promise<boolean> {
    const r = await this.host.exec('rc-update', ['show', 'default']);
    return r.stdout.includes(service);
  }
  async serviceIsActive(service: string): Promise<boolean> {
    const r = await this.host.exec('rc-service', [service, 'status']);
    const out = r.stdout + r.stderr;
    return !out.includes('stopped') && !out.includes('does not exist');
  }
}

/** kubeadm's message when neither systemd nor OpenRC is found */
export const NO_INIT_SYSTEM_MESSAGE = 'no supported init system detected, skipping checking for services';

/**
 * The host's init system, or a TskError carrying kubeadm's wording: "no supported init system
 * detected, skipping checking for services", or "openrc detected, but missing required binary: X".
 */
export async function getInitSystem(host: Host): Promise<InitSystem> {
  if (await host.lookPath('systemctl')) return new Systemd(host);
  if (await host.lookPath('openrc')) {
    for (const bin of ['rc-service', 'rc-update']) {
      if (!(await host.lookPath(bin))) {
        throw new TskError(`openrc detected, but missing required binary: ${bin}: exec: "${bin}": executable file not found in $PATH`);
      }
    }
    return new OpenRC(host);
  }
  throw new TskError(NO_INIT_SYSTEM_MESSAGE);
}

/** The host's init system, or undefined when there is none kubeadm supports (callers warn and continue). */
export async function detectInitSystem(host: Host): Promise<InitSystem | undefined> {
  try {
    return await getInitSystem(host);
  } catch {
    return undefined;
  }
}
