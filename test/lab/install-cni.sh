#!/usr/bin/env bash
# test/lab/install-cni.sh [-h N] — the lab's "network add-on": after init (or join), give host N a
# bridge + host-local CNI config for the pod CIDR the controller-manager allocated to its node.
# Pods of the host get addresses on bridge cni0 inside the host's network namespace.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"
n=1
if [ "${1:-}" = -h ]; then n=$2; fi
host_exists "$n" || die "lab host $(host_name "$n") is not up"
node=$(host_exec "$n" hostname)
# ask the control plane (host 1, or TSK_LAB_CP_HOST) — a worker has no admin.conf
cp=${TSK_LAB_CP_HOST:-1}
cidr=
for _ in $(seq 1 120); do
  cidr=$(host_exec "$cp" kubectl get node "$node" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true)
  [ -n "$cidr" ] && break; sleep 0.5
done
[ -n "$cidr" ] || die "node $node has no podCIDR (is the cluster's podSubnet set?)"
host_exec "$n" sh -c 'cat > /etc/cni/net.d/10-tsklab.conflist' <<EOF2
{
  "cniVersion": "1.0.0",
  "name": "tsklab",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$cidr" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF2
log "CNI config for $node: bridge cni0, pod CIDR $cidr"

# routes between the lab hosts' pod CIDRs (what a real network add-on would program), over the lab bridge
for hd in "$LAB_STATE"/hosts/h*; do
  m=${hd##*/h}
  [ "$m" = "$n" ] && continue
  host_exists "$m" || continue
  other=$(host_name "$m")
  ocidr=$(host_exec "$cp" kubectl get node "$other" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true)
  [ -n "$ocidr" ] || continue
  host_exec "$n" ip route replace "$ocidr" via "$(host_addr "$m")" dev eth0
  host_exec "$m" ip route replace "$cidr" via "$(host_addr "$n")" dev eth0
  log "routes: $cidr <-> $ocidr between $node and $other"
done
