#!/usr/bin/env bash
# test/lab/exec.sh [-h N] <cmd...> — run a command inside lab host N (default 1): its mount, network
# and UTS namespaces, with .lab/bin and the systemctl stand-in on PATH and KUBECONFIG=/etc/kubernetes/admin.conf.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"
n=1
if [ "${1:-}" = -h ]; then n=$2; shift 2; fi
host_exists "$n" || die "lab host $(host_name "$n") is not up (npm run lab:up)"
[ $# -gt 0 ] || set -- bash
host_exec "$n" "$@"
