#!/usr/bin/env bash
# Supervisor for the kubelet on a lab host, started by the systemctl stand-in.
# Mirrors a packaged kubelet.service with kubeadm's 10-kubeadm.conf drop-in:
#   Environment=KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf
#   Environment=KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml
#   EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env     (KUBELET_KUBEADM_ARGS)
#   EnvironmentFile=-/etc/default/kubelet                   (KUBELET_EXTRA_ARGS)
#   ExecStart=kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
#   Restart=always (RestartSec: $TSKLAB_RESTART_SEC, default 2s instead of 10s to keep tests quick)
set -uo pipefail
. /run/tsklab/host.env
RUN=/run/tsklab/kubelet
echo $$ > "$RUN/supervisor.pid"
# like a systemd unit: run in the host's own cgroup (lab:down finds and stops everything there)
for h in /sys/fs/cgroup/*; do
  [ -f "$h$TSKLAB_CGROUP/system/cgroup.procs" ] && echo $$ > "$h$TSKLAB_CGROUP/system/cgroup.procs"
done
RESTART_SEC=${TSKLAB_RESTART_SEC:-2}

# read_env FILE: KEY=VALUE lines the way systemd's EnvironmentFile= does (comments, optional quotes)
read_env() {
  local f=$1 line k v
  [ -r "$f" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case $line in ''|'#'*|';'*) continue ;; esac
    k=${line%%=*}; v=${line#*=}
    case $v in \"*\") v=${v#\"}; v=${v%\"} ;; \'*\') v=${v#\'}; v=${v%\'} ;; esac
    printf -v "$k" '%s' "$v"; export "$k"
  done < "$f"
}

stopping() { [ -f "$RUN/stop" ]; }
trap 'touch "$RUN/stop"; [ -f "$RUN/kubelet.pid" ] && kill -TERM "$(cat "$RUN/kubelet.pid")" 2>/dev/null' TERM INT

while ! stopping; do
  KUBELET_KUBEADM_ARGS= KUBELET_EXTRA_ARGS=
  read_env /var/lib/kubelet/kubeadm-flags.env
  read_env /etc/default/kubelet
  # word splitting of the variables is intended, as systemd does for $VAR (not ${VAR}) in ExecStart
  # shellcheck disable=SC2086
  set -- --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf \
         --config=/var/lib/kubelet/config.yaml $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
  echo "[systemd-standin] $(date -u +%FT%TZ) Started kubelet: kubelet $*"
  "$TSKLAB_BIN/kubelet" "$@" &
  echo $! > "$RUN/kubelet.pid"
  wait $!; rc=$?
  # `wait` returns early when a trapped signal arrives; make sure the kubelet is really gone
  while kill -0 "$(cat "$RUN/kubelet.pid")" 2>/dev/null; do sleep 0.2; done
  rm -f "$RUN/kubelet.pid"
  echo "[systemd-standin] $(date -u +%FT%TZ) kubelet.service: Main process exited, status=$rc"
  stopping && break
  for _ in $(seq 1 $((RESTART_SEC * 5))); do stopping && break; sleep 0.2; done
  stopping || echo "[systemd-standin] kubelet.service: Scheduled restart job."
done
echo "[systemd-standin] $(date -u +%FT%TZ) Stopped kubelet."
rm -f "$RUN/supervisor.pid"
