#!/usr/bin/env bash
# test/lab/install-cni.sh [-h N] [--own-ipam] — the lab's "network add-on": after init (or join),
# give host N a bridge + host-local CNI config. Pods of the host get addresses on bridge cni0 inside
# the host's network namespace.
#   default      the pod CIDR the controller-manager allocated to the node (node.spec.podCIDR), as
#                flannel or kindnet do: waits until the controller-manager has started its node IPAM
#   --own-ipam   a block the add-on picks itself, as Calico's IPAM does: /24 number N-1 of the
#                cluster's podSubnet (an IPv4 /16, read from the kubeadm-config ConfigMap); no wait
#                for the controller-manager (bench/init-lab.mjs measures Ready both ways)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"
n=1
own=
while [ $# -gt 0 ]; do
  case $1 in
    -h) n=$2; shift 2 ;;
    --own-ipam) own=1; shift ;;
    *) die "install-cni.sh: unknown argument $1" ;;
  esac
done
host_exists "$n" || die "lab host $(host_name "$n") is not up"
node=$(host_exec "$n" hostname)
# ask the control plane (host 1, or TSK_LAB_CP_HOST) — a worker has no admin.conf
cp=${TSK_LAB_CP_HOST:-1}

# the add-on's own block for host m: /24 number m-1 of the podSubnet
own_block() {
  local m=$1 a b c d
  IFS=./ read -r a b c d len <<<"$subnet"
  echo "$a.$b.$((m - 1)).0/24"
}
cidr=
if [ -n "$own" ]; then
  subnet=$(host_exec "$cp" kubectl -n kube-system get configmap kubeadm-config -o 'jsonpath={.data.ClusterConfiguration}' | sed -n 's/^ *podSubnet: *//p' | head -1)
  [[ $subnet =~ ^[0-9]+\.[0-9]+\.0\.0/16$ ]] || die "--own-ipam needs an IPv4 /16 podSubnet, the cluster has '${subnet}'"
  cidr=$(own_block "$n")
else
  for _ in $(seq 1 120); do
    cidr=$(host_exec "$cp" kubectl get node "$node" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true)
    [ -n "$cidr" ] && break; sleep 0.5
  done
  [ -n "$cidr" ] || die "node $node has no podCIDR (is the cluster's podSubnet set?)"
fi
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

# a bridge left by an earlier cluster in which this node had another pod CIDR carries that CIDR's
# gateway address, and the bridge plugin refuses to add pods to it ("cni0 already has an IP address
# different from ..."): remove it, the plugin makes it anew (as a network add-on does when the node's
# CIDR changes)
want_gw="$(echo "$cidr" | awk -F'[./]' '{print $1"."$2"."$3"."$4+1"/"$5}')"
have=$(host_exec "$n" ip -4 -o addr show dev cni0 2>/dev/null | awk '{print $4}' || true)
if [ -n "$have" ] && ! grep -qx "$want_gw" <<<"$have"; then
  host_exec "$n" ip link del cni0
  log "removed bridge cni0 of an earlier cluster ($(echo $have), this node's is $want_gw)"
fi

# this node's own pod CIDR is local (cni0): a route for it through another host, left by an earlier
# cluster in which that host had this CIDR, would send its pods' traffic away
while read -r via; do
  [ -n "$via" ] && host_exec "$n" ip route del "$cidr" via "$via" dev eth0
done < <(host_exec "$n" ip route show "$cidr" | sed -n 's/.* via \([0-9.]*\).*/\1/p')

# routes between the lab hosts' pod CIDRs (what a real network add-on would program), over the lab bridge
for hd in "$LAB_STATE"/hosts/h*; do
  m=${hd##*/h}
  [ "$m" = "$n" ] && continue
  host_exists "$m" || continue
  other=$(host_name "$m")
  if [ -n "$own" ]; then ocidr=$(own_block "$m")
  else ocidr=$(host_exec "$cp" kubectl get node "$other" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true); fi
  [ -n "$ocidr" ] || continue
  host_exec "$n" ip route replace "$ocidr" via "$(host_addr "$m")" dev eth0
  host_exec "$m" ip route replace "$cidr" via "$(host_addr "$n")" dev eth0
  log "routes: $cidr <-> $ocidr between $node and $other"
done
