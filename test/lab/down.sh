#!/usr/bin/env bash
# npm run lab:down — stop everything the lab started and leave the machine as before
# (the build cache in $TSK_LAB_CACHE stays).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"
need_root
lock=${TSK_LAB_LOCK:-/run/tskubeadm-lab.lock}
if [ -f "$lock/pid" ] && kill -0 "$(cat "$lock/pid")" 2>/dev/null && [ "${TSK_LAB_FORCE:-}" != 1 ]; then
  die "a test (pid $(cat "$lock/pid")) is using the lab; wait for it or set TSK_LAB_FORCE=1"
fi
TSK_LAB_FORCE=1 bash "$LAB_DIR/lb.sh" down
for hd in "$LAB_STATE"/hosts/h*; do
  [ -d "$hd" ] || continue
  n=${hd##*/h}
  host_destroy "$n"
  log "host $(host_name "$n"): removed"
done
# leftover cgroups of hosts whose state dir is already gone
for h in $(CG_ALL); do
  for d in "$h"/tsklab-h*; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
done
ip link del "$LAB_BRIDGE" 2>/dev/null && log "bridge $LAB_BRIDGE removed"
# network namespaces of test processes that were killed before they could remove them
# (fixture/netns.ts names them tsk-<tag>-<pid>; its veth pair goes with the namespace)
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^tsk-[a-z]+-[0-9]+$'); do
  kill -0 "${ns##*-}" 2>/dev/null && continue
  ip netns delete "$ns" 2>/dev/null && log "stale test network namespace $ns removed"
done
if [ -f "$LAB_STATE/sysctl.orig" ]; then
  while IFS= read -r kv; do sysctl -qw "$kv" 2>/dev/null || true; done < "$LAB_STATE/sysctl.orig"
fi
if [ -f "$LAB_STATE/created-dirs" ]; then
  tac "$LAB_STATE/created-dirs" | while read -r d; do rmdir "$d" 2>/dev/null || true; done
fi
rm -rf "$LAB_STATE"
log "lab down"
