# Shared settings for the lab scripts. Source it; do not run it.
# Everything version-related is read from src/versions.ts, the one place the project pins versions.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LAB_DIR/../.." && pwd)
VERSIONS_TS="$REPO_ROOT/src/versions.ts"

# pinned NAME -> value of `export const NAME = '...'` in src/versions.ts
pinned() {
  local v
  v=$(sed -n "s/^export const $1 = '\([^']*\)';.*/\1/p" "$VERSIONS_TS")
  [ -n "$v" ] || { echo "lab: cannot read $1 from $VERSIONS_TS" >&2; exit 1; }
  printf '%s\n' "$v"
}

K8S_VERSION=$(pinned KUBERNETES_VERSION)     # e.g. v1.37.2
ETCD_IMAGE_TAG=$(pinned ETCD_VERSION)        # e.g. 3.7.0-0
COREDNS_VERSION=$(pinned COREDNS_VERSION)    # e.g. v1.14.6
PAUSE_VERSION=$(pinned PAUSE_VERSION)        # e.g. 3.10.2
IMAGE_REPO=$(pinned DEFAULT_IMAGE_REPOSITORY)

K8S_MINOR=${K8S_VERSION#v}; K8S_MINOR=${K8S_MINOR#*.}; K8S_MINOR=${K8S_MINOR%%.*}
K8S_MAJOR=${K8S_VERSION#v}; K8S_MAJOR=${K8S_MAJOR%%.*}
K8S_STAGING_VERSION="v0.${K8S_VERSION#v*.}"   # v1.37.2 -> v0.37.2
ETCD_MODULE_VERSION="v${ETCD_IMAGE_TAG%-*}"   # 3.7.0-0 -> v3.7.0

# Images, named exactly as kubeadm pulls them for the default repository.
IMG_APISERVER="$IMAGE_REPO/kube-apiserver:${K8S_VERSION//+/_}"
IMG_CONTROLLER_MANAGER="$IMAGE_REPO/kube-controller-manager:${K8S_VERSION//+/_}"
IMG_SCHEDULER="$IMAGE_REPO/kube-scheduler:${K8S_VERSION//+/_}"
IMG_PROXY="$IMAGE_REPO/kube-proxy:${K8S_VERSION//+/_}"
IMG_ETCD="$IMAGE_REPO/etcd:$ETCD_IMAGE_TAG"
IMG_COREDNS="$IMAGE_REPO/coredns/coredns:$COREDNS_VERSION"
IMG_PAUSE="$IMAGE_REPO/pause:$PAUSE_VERSION"
# Our own test image (busybox from Debian's busybox-static); never pulled, only imported.
IMG_BUSYBOX="tsklab.local/busybox:1"

LAB_CACHE_BASE=${TSK_LAB_CACHE:-/var/cache/tskubeadm-lab}
LAB_CACHE="$LAB_CACHE_BASE/$K8S_VERSION"
LAB_BIN="$REPO_ROOT/.lab/bin"
# Runtime state of the lab hosts (removed by lab:down).
LAB_STATE=${TSK_LAB_STATE:-/var/lib/tskubeadm-lab}

GO=${TSK_LAB_GO:-/usr/local/go/bin/go}

# Lab network: a bridge in the root namespace; each host gets its own netns with a veth on it.
LAB_BRIDGE=tsklab0
LAB_NET_PREFIX=10.231.0         # /24 that only the lab uses
LAB_BRIDGE_ADDR=$LAB_NET_PREFIX.1
# Host N (1, 2, 3...) -> name tsklab-hN, address 10.231.0.(10+N)
host_name() { echo "tsklab-h$1"; }
host_addr() { echo "$LAB_NET_PREFIX.$((10 + $1))"; }
host_dir()  { echo "$LAB_STATE/hosts/h$1"; }
# The load balancer in front of the control-plane hosts (lb.sh; TSK_LAB_LB=1 npm run lab:up): a
# network namespace of its own on the lab bridge, running Debian's haproxy as kubeadm's HA guide does.
LB_NAME=tsklab-lb
LB_ADDR=$LAB_NET_PREFIX.100     # far above the hosts' .11, .12, ...
LB_PORT=6443
LB_DIR="$LAB_STATE/lb"

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "the lab needs root"; }
