#!/usr/bin/env bash
# npm run lab:status — what the lab runs, versions, last kubelet log lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"
echo "pinned: kubernetes $K8S_VERSION, etcd $ETCD_IMAGE_TAG, coredns $COREDNS_VERSION, pause $PAUSE_VERSION ($IMAGE_REPO)"
echo "cache:  $LAB_CACHE ($(du -sh "$LAB_CACHE" 2>/dev/null | cut -f1))"
echo "binaries ($LAB_BIN):"
v() { [ -x "$LAB_BIN/$1" ] && printf '  %-24s %s\n' "$1" "$("$LAB_BIN/$1" "${@:2}" 2>&1 | head -1)" || printf '  %-24s MISSING\n' "$1"; }
v kubeadm version -o short; v kubelet --version; v kube-apiserver --version; v kubectl version --client
v etcd --version; v coredns -version; v containerd --version; v crictl --version
printf '  %-24s %s\n' runc "$(runc --version 2>/dev/null | head -1)"
if ! ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then echo "lab: DOWN"; exit 0; fi
echo "bridge: $LAB_BRIDGE $(ip -br addr show "$LAB_BRIDGE" | awk '{print $3}')"
bash "$LAB_DIR/lb.sh" status
for hd in "$LAB_STATE"/hosts/h*; do
  [ -d "$hd" ] || continue
  n=${hd##*/h}; name=$(host_name "$n")
  echo "host $name ($(host_addr "$n")):"
  if ! host_exists "$n"; then echo "  namespaces missing"; continue; fi
  echo "  processes: $(host_pids "$n" | wc -l) in cgroup /$name"
  ps -o pid=,etime=,args= -p "$(host_pids "$n" | paste -sd, -)" 2>/dev/null | grep -E 'containerd |kubelet|kube-apiserver|etcd |kube-controller|kube-scheduler|kube-proxy|coredns' \
    | grep -v grep | cut -c1-150 | sed 's/^/    /'
  echo "  kubelet service: $(host_exec "$n" systemctl is-active kubelet 2>/dev/null) ($(host_exec "$n" systemctl is-enabled kubelet 2>/dev/null))"
  if host_exec "$n" test -f /etc/kubernetes/admin.conf; then
    echo "  nodes:"; host_exec "$n" kubectl get nodes -o wide 2>&1 | sed 's/^/    /'
    echo "  pods:";  host_exec "$n" kubectl get pods -A 2>&1 | sed 's/^/    /'
  fi
  echo "  last kubelet log lines ($hd/log/kubelet.log):"
  tail -n "${LINES_KUBELET:-15}" "$hd/log/kubelet.log" 2>/dev/null | cut -c1-240 | sed 's/^/    /'
done
