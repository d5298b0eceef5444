#!/usr/bin/env bash
# test/lab/lb.sh up|down|status — the lab's load balancer for highly-available clusters: Debian's
# haproxy, configured as kubeadm's HA guide (kubernetes/kubeadm docs/ha-considerations.md,
# "keepalived and haproxy") shows it, in a network namespace of its own on the lab bridge:
#   tsklab-lb, 10.231.0.100:6443 (TCP mode) -> backends tsklab-hN 10.231.0.(10+N):6443,
#   health check GET /healthz over TLS (certificate not verified), expect 200; round robin.
# The backends are lab hosts TSK_LAB_LB_BACKENDS ("1 2 3"; default: hosts 1..TSK_LAB_HOSTS, or every
# host that exists). `up` is idempotent; with other backends it rewrites the config and restarts.
# `TSK_LAB_HOSTS=3 TSK_LAB_LB=1 npm run lab:up` calls `up`; `npm run lab:down` calls `down`.
# State in $LAB_STATE/lb/: ns/net (the namespace), haproxy.cfg, haproxy.sock (stats socket),
# log/haproxy.log (haproxy's own log and one line per proxied connection), log/haproxy.pid.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/host.sh"

lb_pid() {  # pid of the running haproxy, or nothing
  local p
  p=$(cat "$LB_DIR/log/haproxy.pid" 2>/dev/null) || return 0
  [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = haproxy ] && echo "$p"
  return 0
}
lb_ns_exists() { [ -f "$LB_DIR/ns/net" ] && mountpoint -q "$LB_DIR/ns/net"; }

lb_backends() {
  local list=${TSK_LAB_LB_BACKENDS:-} hd
  if [ -z "$list" ] && [ -n "${TSK_LAB_HOSTS:-}" ]; then list=$(seq 1 "$TSK_LAB_HOSTS"); fi
  if [ -z "$list" ]; then
    for hd in "$LAB_STATE"/hosts/h*; do [ -d "$hd" ] && list="$list ${hd##*/h}"; done
  fi
  [ -n "$list" ] || list=1
  echo "$list" | tr ', ' '\n\n' | grep -E '^[0-9]+$' | sort -n | uniq
}

lb_config() {  # the guide's haproxy.cfg, with the lab's backends
  local n
  cat <<EOF
# haproxy for the tskubeadm lab ($LB_NAME), as kubeadm's HA guide (docs/ha-considerations.md) configures it.
# Differences from the guide: no syslog here, so haproxy logs to stdout (lb.sh sends it to the lab's
# log directory) and runs in the foreground under lb.sh instead of "daemon"; a stats socket for lb.sh status.
global
    log stdout format raw local0
    stats socket $LB_DIR/haproxy.sock mode 600 level admin

defaults
    mode                    http
    log                     global
    option                  httplog
    option                  dontlognull
    option http-server-close
    option forwardfor       except 127.0.0.0/8
    option                  redispatch
    retries                 1
    timeout http-request    10s
    timeout queue           20s
    timeout connect         5s
    timeout client          20s
    timeout server          20s
    timeout http-keep-alive 10s
    timeout check           10s

frontend apiserver
    bind *:$LB_PORT
    mode tcp
    option tcplog
    default_backend apiserverbackend

backend apiserverbackend
    option httpchk

    http-check connect ssl
    http-check send meth GET uri /healthz
    http-check expect status 200

    mode tcp
    balance     roundrobin

EOF
  for n in $(lb_backends); do
    printf '    server %s %s:6443 check verify none\n' "$(host_name "$n")" "$(host_addr "$n")"
  done
}

lb_stop_haproxy() {
  local p i
  p=$(lb_pid)
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 50); do [ -n "$(lb_pid)" ] || break; sleep 0.1; done
  [ -z "$(lb_pid)" ] || kill -KILL "$p" 2>/dev/null || true
  rm -f "$LB_DIR/log/haproxy.pid"
}

# every lab host knows the balancer by name (new hosts get it from setup-ns.sh)
lb_hosts_entries() {
  local hd n
  for hd in "$LAB_STATE"/hosts/h*; do
    [ -d "$hd" ] || continue
    n=${hd##*/h}
    host_exists "$n" || continue
    host_exec "$n" sh -c "grep -q '[[:space:]]$LB_NAME\$' /etc/hosts || printf '%s\t%s\n' $LB_ADDR $LB_NAME >> /etc/hosts"
  done
}

lb_up() {
  need_root
  command -v haproxy >/dev/null || die "haproxy missing: apt-get install haproxy (listed in test/lab/apt-packages.txt)"
  lab_prepare_machine
  mkdir -p "$LB_DIR"/{ns,log}
  if ! lb_ns_exists; then
    if ! mountpoint -q "$LB_DIR/ns"; then mount --bind "$LB_DIR/ns" "$LB_DIR/ns"; mount --make-private "$LB_DIR/ns"; fi
    touch "$LB_DIR/ns/net"
    unshare --net="$LB_DIR/ns/net" true
    ip link del "$LB_NAME" 2>/dev/null || true
    ip link add "$LB_NAME" type veth peer name eth0 netns "$LB_DIR/ns/net"
    ip link set "$LB_NAME" master "$LAB_BRIDGE" up
    # no default route: the balancer only ever reaches the lab hosts on the bridge's /24
    nsenter --net="$LB_DIR/ns/net" sh -e -c "ip link set lo up; ip addr add $LB_ADDR/24 dev eth0; ip link set eth0 up"
    log "load balancer $LB_NAME: network namespace ready ($LB_ADDR)"
  fi
  local cfg="$LB_DIR/haproxy.cfg" new
  new=$(lb_config)
  if [ -n "$(lb_pid)" ] && [ "$new" = "$(cat "$cfg" 2>/dev/null)" ]; then
    lb_hosts_entries
    log "load balancer $LB_NAME: haproxy already running ($LB_ADDR:$LB_PORT)"
    return 0
  fi
  lb_stop_haproxy
  printf '%s\n' "$new" > "$cfg"
  haproxy -c -q -f "$cfg" || die "haproxy rejects $cfg"
  rm -f "$LB_DIR/haproxy.sock"
  # detached, in the balancer's namespace; no descriptor of the caller kept open
  setsid nsenter --net="$LB_DIR/ns/net" sh -c 'echo $$ > "$1"; exec haproxy -db -f "$2" >>"$3" 2>&1 </dev/null' \
    sh "$LB_DIR/log/haproxy.pid" "$cfg" "$LB_DIR/log/haproxy.log" </dev/null >/dev/null 2>&1 &
  local i
  for i in $(seq 1 50); do
    [ -S "$LB_DIR/haproxy.sock" ] && nsenter --net="$LB_DIR/ns/net" ss -Hltn "sport = :$LB_PORT" | grep -q . && break
    sleep 0.1
  done
  [ -n "$(lb_pid)" ] && [ -S "$LB_DIR/haproxy.sock" ] || { tail -20 "$LB_DIR/log/haproxy.log" >&2; die "haproxy did not start"; }
  lb_hosts_entries
  log "load balancer $LB_NAME: haproxy on $LB_ADDR:$LB_PORT -> $(lb_backends | while read -r n; do printf '%s ' "$(host_addr "$n"):6443"; done)(log $LB_DIR/log/haproxy.log)"
}

lb_down() {
  need_root
  local hd n
  lb_stop_haproxy
  ip link del "$LB_NAME" 2>/dev/null || true
  umount "$LB_DIR/ns/net" 2>/dev/null || true
  umount "$LB_DIR/ns" 2>/dev/null || true
  for hd in "$LAB_STATE"/hosts/h*; do
    [ -d "$hd" ] || continue
    n=${hd##*/h}
    host_exists "$n" && host_exec "$n" sed -i "/[[:space:]]$LB_NAME\$/d" /etc/hosts 2>/dev/null || true
  done
  if [ -d "$LB_DIR" ]; then rm -rf "$LB_DIR"; log "load balancer $LB_NAME: removed"; fi
}

# backend states from haproxy's stats socket: "tsklab-h1 10.231.0.11:6443 UP L7OK/200 ..."
lb_servers() {
  [ -S "$LB_DIR/haproxy.sock" ] || return 1
  echo "show stat" | socat stdio "unix-connect:$LB_DIR/haproxy.sock" | awk -F, '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == "apiserverbackend" && $2 != "BACKEND" {
      printf "%s %s %s %s/%s sessions=%s\n", $2, $col["addr"], $col["status"], $col["check_status"], $col["check_code"], $col["stot"]
    }'
}

lb_status() {
  if [ ! -d "$LB_DIR" ]; then echo "load balancer $LB_NAME: not set up (TSK_LAB_LB=1 npm run lab:up, or test/lab/lb.sh up)"; return 0; fi
  local p; p=$(lb_pid)
  echo "load balancer $LB_NAME ($LB_ADDR:$LB_PORT): haproxy $([ -n "$p" ] && echo "pid $p" || echo "NOT RUNNING"), log $LB_DIR/log/haproxy.log"
  [ -n "$p" ] || return 0
  echo "  backends:"
  lb_servers | sed 's/^/    /'
}

case ${1:-} in
  up) lb_up ;;
  down)
    lock=${TSK_LAB_LOCK:-/run/tskubeadm-lab.lock}
    # a test holding the lab lock may take its balancer down; nobody else while it runs
    holder=$(cat "$lock/pid" 2>/dev/null || true)
    if [ -n "$holder" ] && [ "$holder" != "$PPID" ] && kill -0 "$holder" 2>/dev/null && [ "${TSK_LAB_FORCE:-}" != 1 ]; then
      die "a test (pid $holder) is using the lab; wait for it or set TSK_LAB_FORCE=1"
    fi
    lb_down ;;
  status) lb_status ;;
  servers) lb_servers ;;
  *) echo "usage: test/lab/lb.sh up|down|status|servers" >&2; exit 2 ;;
esac
