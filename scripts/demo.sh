#!/usr/bin/env bash
# npm run demo: install, build the lab (cached), bring the lab host up, run `tskubeadm init` on it with
# the lab's configuration, install the pod network, wait for the node to be Ready and show the cluster.
# npm run demo -- --down: stop everything the lab started.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --down ]; then exec bash test/lab/down.sh; fi
[ "$(id -u)" = 0 ] || { echo "demo: run as root (the lab creates namespaces, mounts and cgroups)" >&2; exit 1; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say "installing and building"
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund
npm run build --silent
npm run lab:build --silent
say "bringing the lab host up"
npm run lab:up --silent
on() { bash test/lab/exec.sh "$@"; }
if [ "$(on sh -c 'ls /etc/kubernetes/manifests 2>/dev/null | wc -l')" != 0 ]; then
  say "resetting the cluster left from an earlier run"
  on "$PWD/bin/tskubeadm" reset --force >/dev/null
  on rm -f /etc/cni/net.d/10-tsklab.conflist
fi

say "tskubeadm init --config test/lab/kubeadm-config.yaml"
log=$(mktemp)
start=$(date +%s%N)
on "$PWD/bin/tskubeadm" init --config "$PWD/test/lab/kubeadm-config.yaml" \
  --ignore-preflight-errors=SystemVerification --v=1 2> >(tee "$log" | grep -v '^I' >&2)
end=$(date +%s%N)

say "installing the pod network (bridge + host-local CNI)"
bash test/lab/install-cni.sh
say "waiting for the node to be Ready"
on kubectl wait --for=condition=Ready node --all --timeout=300s
# the Deployment and DaemonSet get their pods once the controller-manager has settled in
for l in k8s-app=kube-dns k8s-app=kube-proxy; do
  for _ in $(seq 1 120); do [ -n "$(on kubectl -n kube-system get pods -l "$l" -o name 2>/dev/null)" ] && break; sleep 1; done
  on kubectl -n kube-system wait --for=condition=Ready pod -l "$l" --timeout=300s
done

say "kubectl get nodes -o wide"
on kubectl get nodes -o wide
say "kubectl get pods -A"
on kubectl get pods -A

say "time per phase"
grep -oE 'phase [a-z/-]+ took [0-9]+ ms' "$log" | awk '{printf "  %-45s %6d ms\n", $2, $4}'
printf '  %-45s %6d ms\n' "whole tskubeadm init" $(( (end - start) / 1000000 ))
rm -f "$log"
echo
echo "Clean up with: npm run demo -- --down"
