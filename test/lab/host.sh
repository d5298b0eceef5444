# Lab host management (sourced by up.sh, down.sh, status.sh, exec.sh). Host N lives in:
#   $LAB_STATE/hosts/hN/ns/{mnt,net,uts}   persistent namespaces (nsfs bind mounts)
#   $LAB_STATE/hosts/hN/{etc-upper,fs,log} its /etc changes, /var/lib/... data, logs
#   cgroup /tsklab-hN in every v1 hierarchy  (system/ for containerd+kubelet, kubepods/ by the kubelet)
#   veth tsklab-hN on bridge tsklab0; inside: eth0 = 10.231.0.(10+N)/24
# Nothing else on the machine is changed, apart from the global sysctls the kubelet sets (restored
# by down.sh) and empty mount points created for the bind mounts (removed by down.sh).

CG_HIERARCHIES() { local d; for d in /sys/fs/cgroup/*; do [ "$(stat -fc %T "$d")" = cgroupfs ] && echo "$d"; done; }
# every cgroup mount, including the (controller-less) cgroup2 one runc also uses in hybrid mode
CG_ALL() { local d; for d in /sys/fs/cgroup/*; do case $(stat -fc %T "$d") in cgroupfs|cgroup2fs) echo "$d";; esac; done; }
# mount points that must exist on the real file system for the host's bind mounts
HOST_MOUNTPOINTS="/var/lib/kubelet /var/lib/etcd /var/lib/containerd /var/lib/cni /var/log/pods /var/log/containers /usr/lib/modules"
KUBELET_SYSCTLS="kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.netfilter.nf_conntrack_max"

host_ns_args() { local ns; ns="$(host_dir "$1")/ns"; echo "--mount=$ns/mnt --net=$ns/net --uts=$ns/uts"; }
host_exists() { [ -f "$(host_dir "$1")/ns/mnt" ] && mountpoint -q "$(host_dir "$1")/ns/mnt"; }

# run a command inside host N with the lab PATH (cwd kept when it exists there)
host_exec() {
  local n=$1; shift
  # shellcheck disable=SC2046
  nsenter $(host_ns_args "$n") -- env PATH="$LAB_DIR/host/bin:$LAB_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH" \
    KUBECONFIG="${KUBECONFIG:-/etc/kubernetes/admin.conf}" CONTAINER_RUNTIME_ENDPOINT=unix:///run/containerd/containerd.sock \
    sh -c 'cd "$1" 2>/dev/null || cd /; shift; exec "$@"' sh "$PWD" "$@"
}

lab_prepare_machine() {
  mkdir -p "$LAB_STATE"
  # remember the global sysctls the kubelet/kube-proxy will change, once
  if [ ! -f "$LAB_STATE/sysctl.orig" ]; then
    local k; for k in $KUBELET_SYSCTLS; do sysctl -n "$k" >/dev/null 2>&1 && echo "$k=$(sysctl -n "$k")"; done > "$LAB_STATE/sysctl.orig"
  fi
  local d; for d in $HOST_MOUNTPOINTS; do
    if [ ! -e "$d" ]; then mkdir -p "$d"; echo "$d" >> "$LAB_STATE/created-dirs"; fi
  done
  if ! ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
    ip link add "$LAB_BRIDGE" type bridge
    ip addr add "$LAB_BRIDGE_ADDR/24" dev "$LAB_BRIDGE"
    ip link set "$LAB_BRIDGE" up
  fi
}

host_create() {
  local n=$1 hd name addr cg h
  hd=$(host_dir "$n"); name=$(host_name "$n"); addr=$(host_addr "$n"); cg="/$name"
  host_exists "$n" && return 0
  mkdir -p "$hd"/{ns,etc-upper,etc-work,fs,log}
  if ! mountpoint -q "$hd/ns"; then mount --bind "$hd/ns" "$hd/ns"; mount --make-private "$hd/ns"; fi
  touch "$hd/ns/mnt" "$hd/ns/net" "$hd/ns/uts"
  unshare --mount="$hd/ns/mnt" --net="$hd/ns/net" --uts="$hd/ns/uts" --propagation private \
    bash "$LAB_DIR/host/setup-ns.sh" "$hd" "$name" "$addr" "$LAB_DIR" "$LAB_BIN" "$cg" "$LB_ADDR" "$LB_NAME"
  # veth: tsklab-hN on the lab bridge <-> eth0 inside the host
  ip link add "$name" type veth peer name eth0 netns "$hd/ns/net"
  ip link set "$name" master "$LAB_BRIDGE" up
  nsenter --net="$hd/ns/net" sh -e -c "
    ip addr add $addr/24 dev eth0; ip link set eth0 up
    # default route to an address nobody owns: the kubelet finds its node IP, nothing leaves the lab
    ip route add default via $LAB_NET_PREFIX.254 dev eth0"
  # cgroups for the host's daemons and pods
  for h in $(CG_HIERARCHIES); do
    mkdir -p "$h$cg/system"
    if [ -f "$h/cpuset.cpus" ]; then
      cat "$h/cpuset.cpus" > "$h$cg/cpuset.cpus"; cat "$h/cpuset.mems" > "$h$cg/cpuset.mems"
      cat "$h/cpuset.cpus" > "$h$cg/system/cpuset.cpus"; cat "$h/cpuset.mems" > "$h$cg/system/cpuset.mems"
    fi
  done
  # per-host kubelet settings, the way an admin would set them on a real node
  host_exec "$n" sh -c "echo 'KUBELET_EXTRA_ARGS=\"--cgroup-root=$cg\"' > /etc/default/kubelet"
  log "host $name: namespaces ready ($addr)"
}

# start a daemon inside host N, in its system cgroup, detached; pid in $hd/log/NAME.pid
host_daemon() {
  local n=$1 tag=$2; shift 2
  local hd cg; hd=$(host_dir "$n"); cg="/$(host_name "$n")/system"
  # the subshell must not keep the caller's stdout/stderr open (pipes would never reach EOF)
  host_exec "$n" setsid sh -c '
    cg=$1 log=$2 pidfile=$3; shift 3
    for h in /sys/fs/cgroup/*; do [ -f "$h$cg/cgroup.procs" ] && echo $$ > "$h$cg/cgroup.procs"; done
    echo $$ > "$pidfile"
    exec "$@" >>"$log" 2>&1 </dev/null' sh "$cg" "$hd/log/$tag.log" "$hd/log/$tag.pid" "$@" </dev/null >/dev/null 2>&1 &
}

host_start_containerd() {
  local n=$1 hd i; hd=$(host_dir "$n")
  host_exec "$n" crictl --runtime-endpoint unix:///run/containerd/containerd.sock info >/dev/null 2>&1 && return 0
  sed "s|@PAUSE_IMAGE@|$IMG_PAUSE|" "$LAB_DIR/host/containerd.toml.in" > "$hd/containerd.toml"
  host_daemon "$n" containerd "$LAB_BIN/containerd" --config "$hd/containerd.toml"
  for i in $(seq 1 100); do
    host_exec "$n" ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1 && break; sleep 0.2
  done
  host_exec "$n" ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1 || { tail -20 "$hd/log/containerd.log" >&2; die "containerd did not start"; }
  log "host $(host_name "$n"): containerd running"
}

host_import_images() {
  local n=$1 t have
  have=$(host_exec "$n" ctr -n k8s.io images ls -q 2>/dev/null)
  for t in "$LAB_CACHE"/images/*.tar; do
    local want; want=$(tar xOf "$t" index.json | jq -r '.manifests[0].annotations["io.containerd.image.name"]')
    grep -qxF "$want" <<<"$have" && continue
    host_exec "$n" ctr -n k8s.io images import "$t" >/dev/null 2>"$(host_dir "$n")/log/import.err" || { cat "$(host_dir "$n")/log/import.err" >&2; die "import of $t failed"; }
  done
  log "host $(host_name "$n"): images imported"
}

# processes of host N = everything in its cgroup subtree (pids hierarchy)
host_pids() { local n=$1; cat $(find "/sys/fs/cgroup/pids/$(host_name "$n")" -name cgroup.procs 2>/dev/null) 2>/dev/null | sort -un; }

host_destroy() {
  local n=$1 hd name cg h p i
  hd=$(host_dir "$n"); name=$(host_name "$n"); cg="/$name"
  if host_exists "$n"; then
    host_exec "$n" systemctl stop kubelet >/dev/null 2>&1 || true
  fi
  # stop everything in the host's cgroups: TERM, then KILL
  for p in $(host_pids "$n"); do kill -TERM "$p" 2>/dev/null || true; done
  for i in $(seq 1 50); do [ -z "$(host_pids "$n")" ] && break; sleep 0.2; done
  for i in 1 2 3 4 5; do
    [ -z "$(host_pids "$n")" ] && break
    for p in $(host_pids "$n"); do kill -KILL "$p" 2>/dev/null || true; done; sleep 0.5
  done
  for h in $(CG_ALL); do
    [ -d "$h$cg" ] && find "$h$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  ip link del "$name" 2>/dev/null || true
  for f in mnt net uts; do umount "$hd/ns/$f" 2>/dev/null || true; done
  umount "$hd/ns" 2>/dev/null || true
  rm -rf "$hd"
}
