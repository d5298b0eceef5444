// Which processes listen on a port: the kernel's socket tables and the processes' open files, read
// from a /proc laid out as Linux lays it out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenInodes, parseCmdline, portHolders } from '../../../src/host/procnet.js';
import { tmpDir } from '../phases/helpers.js';

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 127.0.0.1:10257 LISTEN (inode 111), 10.231.0.11:6443 ESTABLISHED (inode 222), 0.0.0.0:6443 LISTEN (inode 333)
const TCP =
  HEAD +
  '   0: 0100007F:2811 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0\n' +
  '   1: 0B00E70A:192B 0100E70A:C350 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 20 4 30 10 -1\n' +
  '   2: 00000000:192B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 100 0 0 10 0\n';
const TCP6 = HEAD + '   0: 00000000000000000000000000000000:280A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0000000000000000 100 0 0 10 0\n';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('port holders from /proc', () => {
  it('finds the LISTEN sockets of a port in tcp and tcp6 tables', () => {
    expect(listenInodes(TCP, 6443)).toEqual(['333']);
    expect(listenInodes(TCP, 10257)).toEqual(['111']);
    expect(listenInodes(TCP6, 10250)).toEqual(['444']);
    expect(listenInodes(TCP, 2379)).toEqual([]);
  });

  it('splits a command line at NUL bytes', () => {
    expect(parseCmdline(Buffer.from('kube-apiserver\0--advertise-address=10.0.0.1\0--x=a b\0'))).toEqual(['kube-apiserver', '--advertise-address=10.0.0.1', '--x=a b']);
  });

  it('names the processes whose open files include the socket', async () => {
    const proc = tmpDir('tsk-proc-');
    dirs.push(proc);
    fs.mkdirSync(path.join(proc, 'net'));
    fs.writeFileSync(path.join(proc, 'net/tcp'), TCP);
    fs.writeFileSync(path.join(proc, 'net/tcp6'), TCP6);
    const proc1 = (pid: number, argv: string[], fds: string[]) => {
      fs.mkdirSync(path.join(proc, String(pid), 'fd'), { recursive: true });
      fs.writeFileSync(path.join(proc, String(pid), 'cmdline'), argv.join('\0') + '\0');
      fds.forEach((t, i) => fs.symlinkSync(t, path.join(proc, String(pid), 'fd', String(i))));
    };
    proc1(10, ['kube-apiserver', '--secure-port=6443'], ['/dev/null', 'socket:[333]', 'socket:[222]']);
    proc1(20, ['kube-controller-manager'], ['socket:[111]']);
    proc1(30, ['bash'], ['/dev/pts/0']);
    expect(await portHolders(6443, proc)).toEqual([{ pid: 10, argv: ['kube-apiserver', '--secure-port=6443'] }]);
    expect(await portHolders(10257, proc)).toEqual([{ pid: 20, argv: ['kube-controller-manager'] }]);
    expect(await portHolders(2379, proc)).toEqual([]);
  });
});
