#!/usr/bin/env bash
# npm run lab:up — bring lab host 1 up, ready for `kubeadm init`: its namespaces and network,
# containerd (with the lab images imported), and the kubelet stand-in service (enabled, not started:
# kubeadm starts it, as on a packaged host). Idempotent. `TSK_LAB_HOSTS=3` brings up h1..h3;
# `TSK_LAB_LB=1` also the load balancer tsklab-lb in front of them (lb.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"
need_root
for b in kubelet kubeadm kubectl containerd containerd-shim-runc-v2 ctr crictl etcd; do
  [ -x "$LAB_BIN/$b" ] || die "$LAB_BIN/$b missing: run npm run lab:build first"
done
[ -f "$LAB_CACHE/images/pause.tar" ] || die "lab images missing: run npm run lab:build first"

T0=$(date +%s)
lab_prepare_machine
for n in $(seq 1 "${TSK_LAB_HOSTS:-1}"); do
  host_create "$n"
  host_start_containerd "$n"
  host_import_images "$n"
  host_exec "$n" systemctl enable kubelet 2>/dev/null
done
# the load balancer for HA clusters (lb.sh): TSK_LAB_LB=1
if [ "${TSK_LAB_LB:-}" = 1 ]; then bash "$LAB_DIR/lb.sh" up; fi
log "lab up in $(( $(date +%s) - T0 ))s. Run commands on the host with: test/lab/exec.sh <cmd...>"
log "e.g. test/lab/exec.sh kubeadm init --config test/lab/kubeadm-config.yaml --ignore-preflight-errors=SystemVerification"
