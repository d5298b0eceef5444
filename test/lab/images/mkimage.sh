#!/usr/bin/env bash
# mkimage.sh OUT.tar IMAGE-NAME ROOTFS-DIR CONFIG-JSON
# Packs ROOTFS-DIR as a single-layer OCI image and writes an OCI image-layout tarball that
# `ctr images import` understands. CONFIG-JSON is the image's runtime config object
# (Env/Entrypoint/Cmd/User/WorkingDir). No registry and no docker involved; output is reproducible.
set -euo pipefail
out=$1 name=$2 rootfs=$3 runcfg=$4
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"

blob() {  # blob FILE -> prints "digest size" after moving FILE into the blob store
  local d s; d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  mv "$1" "$work/blobs/sha256/$d"; echo "$d $s"
}

tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 --xattrs -C "$rootfs" -cf "$work/layer.tar" .
read -r layer_d layer_s < <(blob "$work/layer.tar")

jq -n --argjson cfg "$runcfg" --arg diff "sha256:$layer_d" '{
  architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
  config: $cfg,
  rootfs: { type: "layers", diff_ids: [$diff] },
  history: [ { created: "1970-01-01T00:00:00Z", created_by: "tskubeadm lab mkimage.sh" } ]
}' > "$work/config.json"
read -r cfg_d cfg_s < <(blob "$work/config.json")

jq -n --arg c "sha256:$cfg_d" --argjson cs "$cfg_s" --arg l "sha256:$layer_d" --argjson ls "$layer_s" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs },
  layers: [ { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls } ]
}' > "$work/manifest.json"
read -r man_d man_s < <(blob "$work/manifest.json")

jq -n --arg m "sha256:$man_d" --argjson ms "$man_s" --arg name "$name" --arg tag "${name##*:}" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [ { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
                 platform: { architecture: "amd64", os: "linux" },
                 annotations: { "io.containerd.image.name": $name, "org.opencontainers.image.ref.name": $tag } } ]
}' > "$work/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"

tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work" -cf "$out.tmp" oci-layout index.json blobs
mv "$out.tmp" "$out"
