import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectInitSystem, getInitSystem } from '../../../src/host/initsystem.js';
import { FakeHost } from '../../helpers/fake-host.js';

describe('init system', () => {
  let host: FakeHost;
  beforeEach(async () => {
    host = await FakeHost.create();
  });
  afterEach(() => host.cleanup());

  it('finds no init system when neither systemctl nor openrc is on PATH', async () => {
    expect(await detectInitSystem(host)).toBeUndefined();
    await expect(getInitSystem(host)).rejects.toThrow('no supported init system detected, skipping checking for services');
  });

  it('speaks systemctl: reload before start/restart, state from is-active output', async () => {
    host.command('systemctl', (args) => {
      if (args[0] === 'is-active') return { stdout: 'activating\n', exitCode: 3 };
      if (args[0] === 'is-enabled') return { stdout: 'disabled\n', exitCode: 1 };
      if (args[0] === 'status' && args[1] === 'nope') return { stdout: '○ nope.service\n     Loaded: not-found (Reason: ...)\n', exitCode: 4 };
      return {};
    });
    const s = (await detectInitSystem(host))!;
    expect(s.kind).toBe('systemd');
    await s.serviceStart('kubelet');
    await s.serviceRestart('kubelet');
    await s.serviceStop('kubelet');
    expect(await s.serviceIsActive('kubelet')).toBe(true);
    expect(await s.serviceIsEnabled('kubelet')).toBe(false);
    expect(await s.serviceExists('kubelet')).toBe(true);
    expect(await s.serviceExists('nope')).toBe(false);
    expect(s.enableCommand('kubelet')).toBe('systemctl enable kubelet.service');
    expect(host.execCalls.map((c) => c.line)).toEqual([
      'systemctl daemon-reload',
      'systemctl start kubelet',
      'systemctl daemon-reload',
      'systemctl restart kubelet',
      'systemctl stop kubelet',
      'systemctl is-active kubelet',
      'systemctl is-enabled kubelet',
      'systemctl status kubelet',
      'systemctl status nope',
    ]);
  });

  it('reports a failed daemon-reload with kubeadm wording', async () => {
    host.command('systemctl', (args) => (args[0] === 'daemon-reload' ? { exitCode: 1 } : {}));
    const s = await getInitSystem(host);
    await expect(s.serviceStart('kubelet')).rejects.toThrow('failed to reload systemd: exit status 1');
  });

  it('uses OpenRC when openrc, rc-service and rc-update exist', async () => {
    host.command('openrc').command('rc-update', { stdout: ' kubelet | default\n' });
    await expect(getInitSystem(host)).rejects.toThrow(
      'openrc detected, but missing required binary: rc-service: exec: "rc-service": executable file not found in $PATH',
    );
    host.command('rc-service', (args) => (args[0] === 'firewalld' ? { stderr: ' * rc-service: service `firewalld\' does not exist\n', exitCode: 1 } : { stdout: ' * status: started\n' }));
    const s = (await detectInitSystem(host))!;
    expect(s.kind).toBe('openrc');
    expect(await s.serviceExists('firewalld')).toBe(false);
    expect(await s.serviceIsActive('kubelet')).toBe(true);
    expect(await s.serviceIsEnabled('kubelet')).toBe(true);
    expect(s.enableCommand('kubelet')).toBe('rc-update add kubelet default');
    await s.serviceRestart('kubelet');
    expect(host.execCalls.at(-1)!.line).toBe('rc-service kubelet restart');
  });
});
