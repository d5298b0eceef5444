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
cidr=
for _ in $(seq 1 120); do
  cidr=$(host_exec "$n" kubectl get node "$node" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true)
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
