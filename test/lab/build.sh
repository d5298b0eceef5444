#!/usr/bin/env bash
# npm run lab:build — build (or reuse from the cache) everything the lab runs.
# Idempotent. Cold: compiles Kubernetes, etcd, CoreDNS, crictl and containerd from the Go module
# proxy; warm: finds finished binaries in $TSK_LAB_CACHE/<k8s version>/ and only links them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root

T0=$(date +%s)
mkdir -p "$LAB_CACHE"/{gomod,gocache,bin,images,logs} "$LAB_BIN"

# ---------------------------------------------------------------- Debian packages
install_apt_packages() {
  local missing=() p
  for p in $(grep -v '^\s*#' "$LAB_DIR/apt-packages.txt"); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  }
}

# ---------------------------------------------------------------- Go
go_env() {
  export GOMODCACHE="$LAB_CACHE/gomod" GOCACHE="$LAB_CACHE/gocache" GOTOOLCHAIN=local \
         GOFLAGS=-modcacherw CGO_ENABLED=0 GOTELEMETRY=off
  [ -x "$GO" ] || die "Go not found at $GO (set TSK_LAB_GO)"
}

# module_version DIR MODULE -> version DIR's go.mod requires
module_version() { (cd "$1" && "$GO" mod edit -json | jq -r --arg m "$2" '.Require[] | select(.Path==$m) | .Version'); }

# Keep the checked-in go.mod files in step with src/versions.ts (versions.ts wins).
sync_pins() {
  local d="$LAB_DIR/go" cur
  cur=$(module_version "$d" k8s.io/kubernetes)
  if [ "$cur" != "$K8S_VERSION" ]; then
    log "test/lab/go: k8s.io/kubernetes $cur -> $K8S_VERSION"
    local edits=(-require="k8s.io/kubernetes@$K8S_VERSION") m
    for m in $(cd "$d" && "$GO" mod edit -json | jq -r '.Replace[]?.Old.Path'); do
      edits+=(-replace="$m=$m@$K8S_STAGING_VERSION")
    done
    (cd "$d" && "$GO" mod edit "${edits[@]}" && "$GO" mod tidy)
  fi
  cur=$(module_version "$LAB_DIR/go-etcd" go.etcd.io/etcd/server/v3)
  if [ "$cur" != "$ETCD_MODULE_VERSION" ]; then
    log "test/lab/go-etcd: etcd $cur -> $ETCD_MODULE_VERSION"
    (cd "$LAB_DIR/go-etcd" && "$GO" get "go.etcd.io/etcd/server/v3@$ETCD_MODULE_VERSION" \
        "go.etcd.io/etcd/etcdctl/v3@$ETCD_MODULE_VERSION" && "$GO" mod tidy)
  fi
  cur=$(module_version "$LAB_DIR/go-coredns" github.com/coredns/coredns)
  if [ "$cur" != "$COREDNS_VERSION" ]; then
    log "test/lab/go-coredns: coredns $cur -> $COREDNS_VERSION"
    (cd "$LAB_DIR/go-coredns" && "$GO" get "github.com/coredns/coredns@$COREDNS_VERSION" && "$GO" mod tidy)
  fi
}

# bin_name PKG -> the file name go build gives the package's binary (a /vN suffix is skipped)
bin_name() {
  local p=$1 b=${1##*/}
  if [[ $b =~ ^v[0-9]+$ ]]; then p=${p%/*}; b=${p##*/}; fi
  echo "$b"
}

# go_build NAME MODDIR "LDFLAGS" "TAGS" PKG... : one `go build` for all PKGs into $LAB_CACHE/bin/NAME,
# skipped when the stamp (go.mod, go.sum, flags, Go version) matches and every output exists.
go_build() {
  local name=$1 dir=$2 ldflags=$3 tags=$4; shift 4
  local out="$LAB_CACHE/bin/$name" stamp want p ok=1
  want=$( { cat "$dir/go.mod" "$dir/go.sum"; echo "$ldflags|$tags|$*"; "$GO" version; } | sha256sum | cut -c1-16)
  for p in "$@"; do [ -x "$out/$(bin_name "$p")" ] || ok=0; done
  stamp=$(cat "$out/.stamp" 2>/dev/null || true)
  if [ $ok = 1 ] && [ "$stamp" = "$want" ]; then log "$name: cached"; return 0; fi
  log "$name: building ($*) — log in $LAB_CACHE/logs/$name.log"
  local t=$(date +%s)
  rm -rf "$out.tmp"; mkdir -p "$out.tmp"
  if ! (cd "$dir" && "$GO" build -trimpath ${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$out.tmp/" "$@") \
        >"$LAB_CACHE/logs/$name.log" 2>&1; then
    tail -30 "$LAB_CACHE/logs/$name.log" >&2; die "$name: go build failed"
  fi
  echo "$want" > "$out.tmp/.stamp"
  rm -rf "$out"; mv "$out.tmp" "$out"
  log "$name: built in $(( $(date +%s) - t ))s"
}

build_go_components() {
  go_env
  sync_pins
  local date ld p
  date=$(date -u +%Y-%m-%dT00:00:00Z)
  # Version stamps so /version, `kubelet --version` and `kubeadm version` report the pinned release.
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=$K8S_MAJOR -X $p.gitMinor=$K8S_MINOR"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  # buildDate is part of the stamp only through the day; keep a built tree from being rebuilt daily:
  if [ -f "$LAB_CACHE/bin/kubernetes/.ldflags" ]; then ld=$(cat "$LAB_CACHE/bin/kubernetes/.ldflags"); fi
  go_build kubernetes "$LAB_DIR/go" "$ld" "" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy \
    k8s.io/kubernetes/cmd/kubectl k8s.io/kubernetes/cmd/kubeadm
  [ -f "$LAB_CACHE/bin/kubernetes/.ldflags" ] || echo "$ld" > "$LAB_CACHE/bin/kubernetes/.ldflags"

  go_build etcd "$LAB_DIR/go-etcd" "-s -w" "" go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3
  # go names the server binary after its module directory ("server"); give it its usual name
  ln -sfn server "$LAB_CACHE/bin/etcd/etcd"

  go_build coredns "$LAB_DIR/go-coredns" "-s -w" "" github.com/coredns/coredns

  local crictl_v; crictl_v=$(module_version "$LAB_DIR/go-crictl" sigs.k8s.io/cri-tools)
  go_build crictl "$LAB_DIR/go-crictl" "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$crictl_v" "" \
    sigs.k8s.io/cri-tools/cmd/crictl

  local ctd_v; ctd_v=$(module_version "$LAB_DIR/go-containerd" github.com/containerd/containerd/v2)
  go_build containerd "$LAB_DIR/go-containerd" \
    "-s -w -X github.com/containerd/containerd/v2/version.Version=$ctd_v -X github.com/containerd/containerd/v2/version.Revision=module-proxy" \
    "no_btrfs no_devmapper no_zfs" \
    github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/v2/cmd/ctr
}

# ---------------------------------------------------------------- pause (our own, static C)
build_pause() {
  local out="$LAB_CACHE/bin/pause"
  if [ -x "$out/pause" ] && [ "$out/pause" -nt "$LAB_DIR/images/pause.c" ]; then return 0; fi
  mkdir -p "$out"
  gcc -static -Os -s -o "$out/pause" "$LAB_DIR/images/pause.c"
  log "pause: built"
}

link_bins() {
  local f
  for f in "$LAB_CACHE"/bin/*/*; do
    [ -x "$f" ] && [ -f "$f" ] || continue
    ln -sfn "$f" "$LAB_BIN/$(basename "$f")"
  done
}

install_apt_packages
build_go_components
build_pause
link_bins
bash "$LAB_DIR/images/build-images.sh"
log "build done in $(( $(date +%s) - T0 ))s; binaries in $LAB_BIN, cache in $LAB_CACHE"
