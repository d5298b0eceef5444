// Membership changes as kubeadm's etcdutil.Client makes them: AddMember / AddMemberAsLearner and
// RemoveMember (MemberPromote is in promote.ts). Each attempt is idempotent (it looks at the member
// list first), so a retry after a lost answer does not add or remove twice.

import { TskError } from '../errors.js';
import type { EtcdClientCore as EtcdClient } from './core.js';
import { timeoutError } from './poll.js';
import { clientURLByIP, EtcdServerError, hexId, type EtcdMember, type Member } from './types.js';
import { msg, toMembers } from './wire.js';

export const hostOf = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, '$1');

/** addMember: announce a new member (as a learner or voting), returning the member list kubeadm builds the initial cluster from */
export async function addMember(c: EtcdClient, name: string, peerAddrs: string, isLearner: boolean): Promise<Member[]> {
  let parsed: URL;
  try {
    parsed = new URL(peerAddrs);
  } catch (e) {
    throw new TskError(`error parsing peer address ${peerAddrs}: ${msg(e)}`, 1, { cause: e });
  }
  let last: unknown;
  let members: EtcdMember[] = [];
  const r = await c.poll(async () => {
    const left = c.attemptDeadline();
    let list: EtcdMember[];
    try {
      list = await c.memberList(left());
    } catch (e) {
      c.log(5, `Failed to check whether the member ${JSON.stringify(peerAddrs)} exists: ${msg(e)}`);
      last = e;
      return undefined;
    }
    if (list.some((m) => m.peerURLs[0] === peerAddrs)) {
      c.log(5, `The peer URL ${JSON.stringify(peerAddrs)} for the added etcd member already exists. Skipping etcd member addition`);
      members = list;
      return { value: true };
    }
    try {
      c.log(1, isLearner ? `[etcd] Adding etcd member ${JSON.stringify(peerAddrs)} as learner` : `[etcd] Adding etcd member ${JSON.stringify(peerAddrs)}`);
      members = toMembers(await c.request('/v3/cluster/member/add', { peerURLs: [peerAddrs], isLearner }, 'nonRepeatable', c.endpoints, left()));
      return { value: true };
    } catch (e) {
      if (e instanceof EtcdServerError && /Peer URLs already exists/.test(e.message)) {
        c.log(5, 'The peer URL for the added etcd member already exists. Fetching the existing etcd members');
        try {
          members = await c.memberList(left());
          return { value: true };
        } catch (e2) {
          e = e2;
        }
      }
      c.log(5, `Failed to add etcd member: ${msg(e)}`);
      last = e;
      return undefined;
    }
  });
  if (!r) throw timeoutError(last);
  const ret = members.map((m): Member => {
    if (m.peerURLs[0] === peerAddrs) return { name, peerURL: peerAddrs };
    // members added concurrently may have no name yet: kubeadm names them by their ID
    return { name: m.name || hexId(m.id), peerURL: m.peerURLs[0] ?? '' };
  });
  if (!isLearner) c.addEndpoint(clientURLByIP(hostOf(parsed)));
  return ret;
}

/** RemoveMember: a member that is already gone counts as removed; returns the members left */
export async function removeMember(c: EtcdClient, id: string): Promise<Member[]> {
  const hex = hexId(id);
  let last: unknown;
  let members: EtcdMember[] = [];
  const r = await c.poll(async () => {
    const left = c.attemptDeadline();
    let list: EtcdMember[];
    try {
      list = await c.memberList(left());
    } catch (e) {
      c.log(5, `Failed to check whether the member ${hex} exists: ${msg(e)}`);
      last = e;
      return undefined;
    }
    if (!list.some((m) => m.id === id)) {
      c.log(5, `Member ${hex} was not found; assuming it was already removed`);
      members = list;
      return { value: true };
    }
    try {
      members = toMembers(await c.request('/v3/cluster/member/remove', { ID: id }, 'nonRepeatable', c.endpoints, left()));
      return { value: true };
    } catch (e) {
      if (e instanceof EtcdServerError && /member not found/.test(e.message)) {
        c.log(5, `Member was already removed, because member ${hex} was not found`);
        try {
          members = await c.memberList(left());
          return { value: true };
        } catch (e2) {
          e = e2;
        }
      }
      c.log(5, `Failed to remove etcd member: ${msg(e)}`);
      last = e;
      return undefined;
    }
  });
  if (!r) throw timeoutError(last);
  return members.map((m) => ({ name: m.name, peerURL: m.peerURLs[0] ?? '' }));
}
