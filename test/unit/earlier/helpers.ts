// Shared by the earlier-run tests: a FakeHost whose rootfs holds what `tskubeadm init` phases wrote
// (run in-process with --rootfs), InitData for a configuration, a write-ahead log as etcd starts
// one, and a preflight CheckContext that knows the earlier run.

import { FakeHost } from '../../helpers/fake-host.js';
import { tsk, writeTmp, tmpDir } from '../phases/helpers.js';
import { buildInitData } from '../../../src/cli/init.js';
import { NodeHost } from '../../../src/host/node-host.js';
import { memoryOutput } from '../../../src/output.js';
import type { InitData } from '../../../src/phases/init/data.js';
import { makeCheckContext, type CheckContext, type EarlierRun } from '../../../src/preflight/index.js';

export const scratch = tmpDir('tsk-earlier-');

let n = 0;
/** a config file (test/helpers/configs.ts text) on the real file system */
export const configFile = (text: string): string => writeTmp(scratch, `cfg-${n++}.yaml`, text);

/** run `tskubeadm init phase <words...>` against the host's rootfs */
export async function phase(host: FakeHost, cfg: string, words: string[]): Promise<void> {
  const r = await tsk(['init', 'phase', ...words, '--rootfs', host.rootfs, '--config', cfg]);
  if (r.code !== 0) throw new Error(`init phase ${words.join(' ')}: ${r.stderr}`);
}

/** the file phases of init: certs, kubeconfig, etcd, control-plane */
export async function filePhases(host: FakeHost, cfg: string): Promise<void> {
  for (const p of [['certs', 'all'], ['kubeconfig', 'all'], ['etcd', 'local'], ['control-plane', 'all']]) await phase(host, cfg, p);
}

export function initData(host: FakeHost, cfg: string): Promise<InitData> {
  return buildInitData({ flags: { values: { config: cfg }, set: ['config'] }, host, inputs: new NodeHost(), out: memoryOutput(), env: {} });
}

export function checkContext(host: FakeHost, earlier: Promise<EarlierRun | undefined>): CheckContext {
  const ctx = makeCheckContext({ host, stdout: { write: () => true }, lookupHost: async () => ['127.0.0.1'] });
  ctx.earlier = earlier;
  return ctx;
}

function varint(v: bigint): Buffer {
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

/** one walpb.Record frame: type, crc, data; length field with etcd's 8-byte padding */
function frame(type: bigint, data?: Buffer): Buffer {
  const rec = Buffer.concat([varint(8n), varint(type), varint(16n), varint(0n), ...(data ? [varint(26n), varint(BigInt(data.length)), data] : [])]);
  const pad = (8 - (rec.length % 8)) % 8;
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(rec.length) | (pad ? BigInt(0x80 | pad) << 56n : 0n));
  return Buffer.concat([len, rec, Buffer.alloc(pad)]);
}

/** the start of a WAL segment as etcd writes it: a CRC record, then Metadata{NodeID, ClusterID} */
export function walHead(memberId: bigint, clusterId: bigint): Buffer {
  const md = Buffer.concat([varint(8n), varint(memberId), varint(16n), varint(clusterId)]);
  return Buffer.concat([frame(4n), frame(1n, md), Buffer.alloc(64)]);
}
