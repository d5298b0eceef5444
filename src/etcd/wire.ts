// The gateway's JSON for etcdserverpb messages, as the client uses them: uint64 fields (IDs) are
// decimal strings, and fields at their zero value are left out (a member that has not started has
// no name and no client URLs).

import type { EtcdMember, EtcdStatus } from './types.js';

export interface RawMember {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

export function toMember(m: RawMember): EtcdMember {
  return { id: String(m.ID ?? '0'), name: m.name ?? '', peerURLs: m.peerURLs ?? [], clientURLs: m.clientURLs ?? [], isLearner: m.isLearner === true };
}

export const toMembers = (r: unknown): EtcdMember[] => ((r as { members?: RawMember[] }).members ?? []).map(toMember);

export function toStatus(raw: unknown): EtcdStatus {
  const r = raw as {
    version?: string;
    header?: { member_id?: string; memberId?: string };
    leader?: string;
    isLearner?: boolean;
    errors?: string[];
  };
  const memberId = String(r.header?.member_id ?? r.header?.memberId ?? '0');
  return { version: r.version ?? '', memberId, leader: String(r.leader ?? '0'), isLearner: r.isLearner === true, errors: r.errors ?? [] };
}

export function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
