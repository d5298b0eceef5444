// Membership changes as kubeadm's etcdutil.Client makes them: AddMember / AddMemberAsLearner,
// MemberPromote (wait until the learner started, then promote, skipping members already voting),
// RemoveMember. Each attempt is idempotent (it looks at the member list first), so a retry after a
// lost answer does not add or remove twice.

import { TskError } from '../errors.js';
import type { EtcdClient } from './client.js';
import { msg, toMembers } from './client.js';
import { timeoutError } from './poll.js';
import { EtcdServerError } from './transport.js';
import { clientURLByIP, hexId, type EtcdMember, type Member } from './types.js';

const hostOf = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, '$1');

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

/** MemberPromote: wait (up to the API call timeout) until the learner started, then promote it (same timeout) */
export async function memberPromote(c: EtcdClient, learnerID: string): Promise<void> {
  const hex = hexId(learnerID);
  let last: unknown;
  let isLearner = false;
  c.log(1, `[etcd] Waiting for a learner to start: ${hex}`);
  const started = await c.poll(async () => {
    let m: EtcdMember | undefined;
    try {
      m = (await c.listMembersOnce()).find((x) => x.id === learnerID);
      if (!m) throw new TskError(`member ${hex} not found`);
    } catch (e) {
      last = new TskError(`failed to get member ${hex} status: ${msg(e)}`, 1, { cause: e });
      return undefined;
    }
    isLearner = m.isLearner;
    if (!isLearner) {
      c.log(1, `[etcd] Member ${hex} was already promoted.`);
      return { value: true };
    }
    // a member that has not started has no name (and no client URLs) yet
    if (m.name === '') {
      c.log(1, `[etcd] Member ${hex} is not started yet. Waiting for it to be started.`);
      last = new TskError(`the etcd member ${hex} is not started`);
      return undefined;
    }
    return { value: true };
  });
  if (!started) throw timeoutError(last);
  if (!isLearner) return;

  c.log(1, `[etcd] Promoting a learner as a voting member: ${hex}`);
  let members: EtcdMember[] = [];
  const promoted = await c.poll(async () => {
    // a promotion whose answer was lost may have happened: look before promoting again
    let list: EtcdMember[];
    try {
      list = await c.listMembersOnce();
    } catch (e) {
      c.log(5, `[etcd] Failed to list members before promoting learner ${hex}: ${msg(e)}`);
      last = e;
      return undefined;
    }
    if (list.some((m) => m.id === learnerID && !m.isLearner)) {
      c.log(1, `[etcd] Member ${hex} is already a voting member, treating promotion as successful`);
      members = list;
      return { value: true };
    }
    try {
      members = toMembers(await c.request('/v3/cluster/member/promote', { ID: learnerID }, 'nonRepeatable'));
      c.log(1, `[etcd] The learner was promoted as a voting member: ${hex}`);
      return { value: true };
    } catch (e) {
      c.log(5, `[etcd] Promoting the learner ${hex} failed: ${msg(e)}`);
      last = e;
      return undefined;
    }
  });
  if (!promoted) throw timeoutError(last);
  const me = members.find((m) => m.id === learnerID);
  if (me?.peerURLs[0] !== undefined) {
    let u: URL;
    try {
      u = new URL(me.peerURLs[0]);
    } catch (e) {
      throw new TskError(`error parsing peer address ${me.peerURLs[0]}: ${msg(e)}`, 1, { cause: e });
    }
    c.addEndpoint(clientURLByIP(hostOf(u)));
  }
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
