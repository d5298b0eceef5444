import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeHost } from '../../../src/host/node-host.js';
import { spawnSync } from 'node:child_process';
import { RootfsEscapeError, shellQuote, staleTemporary, temporaryName, temporaryOwner } from '../../../src/host/paths.js';
import { TskError } from '../../../src/errors.js';

let dir: string;
let outside: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-rootfs-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tsk-outside-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe('NodeHost under --rootfs', () => {
  it('confines absolute host paths under the rootfs', async () => {
    const h = new NodeHost({ rootfs: dir });
    await h.writeFileAtomic('/etc/kubernetes/pki/ca.key', 'secret', 0o600);
    const real = path.join(dir, 'etc/kubernetes/pki/ca.key');
    expect(fs.readFileSync(real, 'utf8')).toBe('secret');
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
    expect(await h.readText('/etc/kubernetes/pki/ca.key')).toBe('secret');
    expect(fs.existsSync('/etc/kubernetes/pki/ca.key') && fs.readFileSync('/etc/kubernetes/pki/ca.key', 'utf8') === 'secret').toBe(false);
  });

  it('applies modes exactly, whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      const h = new NodeHost({ rootfs: dir });
      await h.writeFileAtomic('/a/b/cert.crt', 'x', 0o644);
      await h.mkdirp('/etc/kubernetes/manifests', 0o700);
      expect(fs.statSync(path.join(dir, 'a/b/cert.crt')).mode & 0o777).toBe(0o644);
      expect(fs.statSync(path.join(dir, 'a/b')).mode & 0o777).toBe(0o755);
      expect(fs.statSync(path.join(dir, 'etc/kubernetes/manifests')).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(old);
    }
  });

  it('refuses ".." that climbs out of the rootfs', async () => {
    const h = new NodeHost({ rootfs: dir });
    await expect(h.writeFileAtomic('/../../etc/evil', 'x', 0o600)).rejects.toBeInstanceOf(RootfsEscapeError);
    expect(() => h.resolve('/etc/../../x')).toThrow(RootfsEscapeError);
    // ".." that stays inside is fine
    expect(h.resolve('/etc/kubernetes/../hosts')).toBe(path.join(fs.realpathSync(dir), 'etc/hosts'));
  });

  it('refuses symlinks that lead outside, existing or dangling', async () => {
    fs.mkdirSync(path.join(dir, 'etc'));
    fs.symlinkSync(outside, path.join(dir, 'etc/kubernetes'));
    const h = new NodeHost({ rootfs: dir });
    await expect(h.writeFileAtomic('/etc/kubernetes/admin.conf', 'x', 0o600)).rejects.toBeInstanceOf(RootfsEscapeError);
    expect(fs.readdirSync(outside)).toEqual([]);
    fs.symlinkSync('/nonexistent-target-dir/x', path.join(dir, 'dangling'));
    expect(() => h.resolve('/dangling')).toThrow(RootfsEscapeError);
    // a symlink that stays inside is followed
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    await h.writeFileAtomic('/link/f', 'ok', 0o644);
    expect(fs.readFileSync(path.join(dir, 'real/f'), 'utf8')).toBe('ok');
  });

  it('writes atomically: no temp files left, old content intact on failure', async () => {
    const h = new NodeHost({ rootfs: dir });
    await h.writeFileAtomic('/f', 'one', 0o600);
    await h.writeFileAtomic('/f', 'two', 0o600);
    expect(fs.readdirSync(dir)).toEqual(['f']);
    expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('two');
    // a failing rename (the target is a non-empty directory) leaves no temp file and the target intact
    fs.mkdirSync(path.join(dir, 'd'));
    fs.writeFileSync(path.join(dir, 'd/keep'), 'old');
    await expect(h.writeFileAtomic('/d', 'new', 0o600)).rejects.toThrow(/unable to write "\/d"/);
    expect(fs.readdirSync(dir).sort()).toEqual(['d', 'f']);
    expect(fs.readFileSync(path.join(dir, 'd/keep'), 'utf8')).toBe('old');
  });

  it('the next write in a directory removes the temporaries a killed tskubeadm left there, and only those', async () => {
    const h = new NodeHost({ rootfs: dir });
    const dead = spawnSync('true').pid!;
    fs.mkdirSync(path.join(dir, 'pki'));
    const stale = temporaryName('ca.key', dead, 'a1b2c3');
    const live = temporaryName('ca.crt', process.ppid, 'a1b2c3');
    for (const n of [stale, live, '.ca.key.swp', 'x.tmp']) fs.writeFileSync(path.join(dir, 'pki', n), 'half');
    expect(temporaryOwner(stale)).toBe(dead);
    expect(staleTemporary(stale)).toBe(true);
    expect(staleTemporary(live)).toBe(false);
    expect(staleTemporary('.ca.key.swp')).toBe(false);
    await h.writeFileAtomic('/pki/sa.pub', 'pub', 0o600);
    expect(fs.readdirSync(path.join(dir, 'pki')).sort()).toEqual(['.ca.key.swp', live, 'sa.pub', 'x.tmp'].sort());
    // reset's way: without writing anything
    fs.writeFileSync(path.join(dir, stale), 'half');
    await h.removeStaleTemporaries('/');
    expect(fs.existsSync(path.join(dir, stale))).toBe(false);
  });

  it('writes a set of files all or none: a failed write of the second leaves neither, nor a temporary', async () => {
    const h = new NodeHost({ rootfs: dir });
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    await expect(
      h.writeFilesAtomic([
        { path: '/pki/ca.key', data: 'key', mode: 0o600 },
        { path: '/blocker/ca.crt', data: 'crt', mode: 0o644 },
      ]),
    ).rejects.toThrow('unable to write "/blocker/ca.crt": a parent is not a directory');
    expect(fs.readdirSync(path.join(dir, 'pki'))).toEqual([]);
    await h.writeFilesAtomic([
      { path: '/pki/ca.key', data: 'key', mode: 0o600 },
      { path: '/pki/ca.crt', data: 'crt', mode: 0o644 },
    ]);
    expect(fs.readdirSync(path.join(dir, 'pki')).sort()).toEqual(['ca.crt', 'ca.key']);
    expect(fs.statSync(path.join(dir, 'pki/ca.key')).mode & 0o777).toBe(0o600);
  });

  it('a failed write names the file, on the error too (for --events), in words', async () => {
    const h = new NodeHost({ rootfs: dir });
    fs.writeFileSync(path.join(dir, 'notadir'), '');
    const e = (await h.writeFileAtomic('/notadir/f', 'x', 0o600).catch((x: unknown) => x)) as TskError;
    expect(e.message).toBe('unable to write "/notadir/f": a parent is not a directory');
    expect(e.file).toBe('/notadir/f');
  });

  it('a path through a regular file gives a clear error naming the path', async () => {
    const h = new NodeHost({ rootfs: dir });
    await h.writeFileAtomic('/file', 'x', 0o644);
    await expect(h.readText('/file/inner')).rejects.toThrow(/unable to read "\/file\/inner"/);
  });

  it('rejects a rootfs that does not exist', () => {
    expect(() => new NodeHost({ rootfs: path.join(dir, 'missing') })).toThrow(/does not exist/);
  });

  it('reports missing files as undefined / empty', async () => {
    const h = new NodeHost({ rootfs: dir });
    expect(await h.stat('/nope')).toBeUndefined();
    expect(await h.exists('/nope')).toBe(false);
    expect(await h.readDir('/nope')).toEqual([]);
    await h.remove('/nope');
  });

  it('looks commands up inside the rootfs only', async () => {
    const h = new NodeHost({ rootfs: dir, env: { PATH: '/usr/bin:/bin' } });
    expect(await h.lookPath('sh')).toBeUndefined();
    const r = await h.exec('systemctl', ['stop', 'kubelet']);
    expect(r.notFound).toBe(true);
  });
});

describe('NodeHost without rootfs', () => {
  it('runs commands and reports exit codes with a pasteable command line', async () => {
    const h = new NodeHost();
    const ok = await h.exec('sh', ['-c', 'echo hi; echo err >&2; exit 3']);
    expect(ok.exitCode).toBe(3);
    expect(ok.stdout).toBe('hi\n');
    expect(ok.stderr.trim()).toBe('err');
    expect(ok.command).toBe("sh -c 'echo hi; echo err >&2; exit 3'");
    const missing = await h.exec('definitely-not-a-command-xyz', []);
    expect(missing.notFound).toBe(true);
  });

  it('tells whether a port is free', async () => {
    const net = await import('node:net');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    const h = new NodeHost();
    expect(await h.portFree(port, '127.0.0.1')).toBe(false);
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await h.portFree(port, '127.0.0.1')).toBe(true);
  });

  it('quotes shell words', () => {
    expect(shellQuote(['a', 'b c', "it's"])).toBe(`a 'b c' 'it'\\''s'`);
  });
});
