#!/usr/bin/env bash
# Runs once inside a new lab host's mount, network and UTS namespaces (called by host.sh).
# Makes the host look like a fresh machine without touching the real one:
#   /etc  -> overlay (writes land in the host's state dir), with the host's own hosts/resolv.conf/machine-id
#   /run  -> fresh tmpfs;  /var/lib/{kubelet,etcd,containerd,cni}, /var/log/{pods,containers} -> bind mounts
#   /usr/bin/systemctl -> the lab's stand-in;  / -> rshared (for the kubelet's mount propagation)
set -euo pipefail
HD=$1 NAME=$2 ADDR=$3 LAB_DIR=$4 BIN=$5 CGROUP=$6 LB_ADDR=${7:-} LB_NAME=${8:-}

hostname "$NAME"

mount -t overlay tsklab-etc -o "lowerdir=/etc,upperdir=$HD/etc-upper,workdir=$HD/etc-work" /etc
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n' "$ADDR" "$NAME" > /etc/hosts
# the lab's load balancer (lb.sh) by name, as a DNS record for a controlPlaneEndpoint would give it
[ -z "$LB_ADDR" ] || printf '%s\t%s\n' "$LB_ADDR" "$LB_NAME" >> /etc/hosts
echo "$NAME" > /etc/hostname
# Upstream DNS for the cluster: the host itself (nothing listens there), so CoreDNS never forwards
# queries out of the lab and its loop check stays quiet.
printf 'nameserver %s\noptions ndots:1\n' "$ADDR" > /etc/resolv.conf
head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n' > /etc/machine-id
rm -rf /etc/kubernetes /etc/cni/net.d /etc/default/kubelet /etc/systemd/system/multi-user.target.wants/kubelet.service
mkdir -p /etc/cni/net.d /etc/containerd /etc/default

mount -t tmpfs -o mode=0755,nosuid,nodev tsklab-run /run
mkdir -p /run/tsklab /run/lock
cat > /run/tsklab/host.env <<ENV
TSKLAB_HOST=$NAME
TSKLAB_ADDR=$ADDR
TSKLAB_HOST_DIR=$HD
TSKLAB_LOG_DIR=$HD/log
TSKLAB_BIN=$BIN
TSKLAB_LAB_DIR=$LAB_DIR
TSKLAB_CGROUP=$CGROUP
TSKLAB_RESTART_SEC=2
ENV

for d in var/lib/kubelet var/lib/etcd var/lib/containerd var/lib/cni var/log/pods var/log/containers; do
  mkdir -p "$HD/fs/$d"
  mount --bind "$HD/fs/$d" "/$d"
done
mount --bind "$LAB_DIR/host/bin/systemctl" /usr/bin/systemctl
mount --make-rshared /

# network namespace basics (per-namespace sysctls)
ip link set lo up
sysctl -qw net.ipv4.ip_forward=1
sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 2>/dev/null || true
