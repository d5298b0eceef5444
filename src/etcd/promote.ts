// kubeadm's MemberPromote: wait (up to the etcd API call timeout) until the learner has started, then
// promote it (again up to that timeout, retrying while etcd says the learner is not in sync yet).
// A member that already votes is left alone, before and during the promotion loop (an answer lost
// after a promotion that happened must not make the retry fail), and the promoted member's client
// URL joins the client's endpoints.

import { TskError } from '../errors.js';
import type { EtcdClientCore as EtcdClient } from './core.js';
import { hostOf } from './membership.js';
import { timeoutError } from './poll.js';
import { clientURLByIP, hexId, type EtcdMember } from './types.js';
import { msg, toMembers } from './wire.js';

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
