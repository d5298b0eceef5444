#!/usr/bin/env bash
# Assembles the lab's OCI image tarballs (cached in $LAB_CACHE/images) from the built binaries
# and a few host files. up.sh imports them into containerd's k8s.io namespace.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
B="$LAB_CACHE/bin"
IMGDIR="$LAB_CACHE/images"
mkdir -p "$IMGDIR"
PATHENV='"PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"'

# new_rootfs DIR: an empty Debian-like (merged /usr) root
new_rootfs() {
  rm -rf "$1"; mkdir -p "$1"/{usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/bin,etc,tmp,run,var/run,dev,proc,sys}
  chmod 1777 "$1/tmp"
  ln -s usr/bin "$1/bin"; ln -s usr/sbin "$1/sbin"; ln -s usr/lib "$1/lib"; ln -s usr/lib64 "$1/lib64"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$1/etc/group"
  echo 'hosts: files dns' > "$1/etc/nsswitch.conf"
}
# copy_host_file ROOTFS PATH: copy a host file to the same path (its canonical copy, plus the symlink)
copy_host_file() {
  local r=$1 p=$2 c in_r; c=$(realpath "$p")
  if [ ! -e "$r$c" ]; then mkdir -p "$r$(dirname "$c")"; cp -a "$c" "$r$c"; fi
  # where p lands inside the image, given its merged-/usr top-level links
  in_r=$(sed -E 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#' <<<"$p")
  if [ "$in_r" != "$c" ] && [ ! -e "$r$in_r" ]; then mkdir -p "$r$(dirname "$in_r")"; ln -s "$c" "$r$in_r"; fi
}
# copy_elf ROOTFS BIN...: a dynamically linked host program with the shared libraries it needs
copy_elf() {
  local r=$1 f lib; shift
  for f in "$@"; do
    copy_host_file "$r" "$f"
    for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do copy_host_file "$r" "$lib"; done
  done
}

# image NAME TARBALL-BASENAME CONFIG-JSON INPUT... (built by fill_<basename> when inputs change)
image() {
  local name=$1 base=$2 cfg=$3; shift 3
  local out="$IMGDIR/$base.tar" want
  want=$( { echo "$name $cfg"; cat "$0" "$LAB_DIR/images/mkimage.sh"; stat -L -c '%n %s %Y' "$@"; } | sha256sum | cut -c1-16)
  if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  local r; r=$(mktemp -d); new_rootfs "$r/rootfs"
  "fill_$base" "$r/rootfs"
  bash "$LAB_DIR/images/mkimage.sh" "$out" "$name" "$r/rootfs" "$cfg"
  rm -rf "$r"; echo "$want" > "$out.stamp"
  log "image $name -> $out ($(du -h "$out" | cut -f1))"
}

fill_kube-apiserver()          { cp "$B/kubernetes/kube-apiserver" "$1/usr/local/bin/"; }
fill_kube-controller-manager() { cp "$B/kubernetes/kube-controller-manager" "$1/usr/local/bin/"; }
fill_kube-scheduler()          { cp "$B/kubernetes/kube-scheduler" "$1/usr/local/bin/"; }
fill_etcd() {
  cp "$B/etcd/server" "$1/usr/local/bin/etcd"; cp "$B/etcd/etcdctl" "$1/usr/local/bin/"
  mkdir -p "$1/var/lib/etcd"
}
fill_coredns() { cp "$B/coredns/coredns" "$1/coredns"; }
fill_pause()   { cp "$B/pause/pause" "$1/pause"; }
fill_busybox() {
  cp /bin/busybox "$1/usr/bin/busybox"
  local a; for a in $("$1/usr/bin/busybox" --list); do [ -e "$1/usr/bin/$a" ] || ln -s busybox "$1/usr/bin/$a"; done
}
fill_kube-proxy() {
  local r=$1 x t
  cp "$B/kubernetes/kube-proxy" "$r/usr/local/bin/"
  # iptables in its nf_tables flavour only (the host's default; legacy tables must never be touched)
  copy_elf "$r" /usr/sbin/xtables-nft-multi /usr/sbin/conntrack
  for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sfn xtables-nft-multi "$r/usr/sbin/$t"; ln -sfn xtables-nft-multi "$r/usr/sbin/$t-nft"
  done
  mkdir -p "$r/usr/lib/x86_64-linux-gnu/xtables"
  for x in /usr/lib/x86_64-linux-gnu/xtables/*.so; do copy_elf "$r" "$x"; done
  cp /etc/protocols /etc/services /etc/ethertypes "$r/etc/" 2>/dev/null || true
  mkdir -p "$r/var/lib/kube-proxy" "$r/lib/modules"
}

cmdcfg() { jq -nc --argjson e "$1" "{Env: [$PATHENV], Entrypoint: \$e, WorkingDir: \"/\"}"; }
nocmd='{"Env":['"$PATHENV"'],"WorkingDir":"/"}'

image "$IMG_APISERVER"          kube-apiserver          "$(cmdcfg '["/usr/local/bin/kube-apiserver"]')" "$B/kubernetes/kube-apiserver"
image "$IMG_CONTROLLER_MANAGER" kube-controller-manager "$(cmdcfg '["/usr/local/bin/kube-controller-manager"]')" "$B/kubernetes/kube-controller-manager"
image "$IMG_SCHEDULER"          kube-scheduler          "$(cmdcfg '["/usr/local/bin/kube-scheduler"]')" "$B/kubernetes/kube-scheduler"
image "$IMG_PROXY"              kube-proxy              "$nocmd" "$B/kubernetes/kube-proxy" /usr/sbin/xtables-nft-multi /usr/sbin/conntrack
image "$IMG_ETCD"               etcd                    "$nocmd" "$B/etcd/server" "$B/etcd/etcdctl"
image "$IMG_COREDNS"            coredns                 "$(cmdcfg '["/coredns"]')" "$B/coredns/coredns"
image "$IMG_PAUSE"              pause                   "$(cmdcfg '["/pause"]')" "$B/pause/pause"
image "$IMG_BUSYBOX"            busybox                 "$(jq -nc "{Env: [$PATHENV], Cmd: [\"sh\"], WorkingDir: \"/\"}")" /bin/busybox
