#!/usr/bin/env bash
# Packages dist/server as a one-layer OCI image with no base image, pushes it and prints
# its digest. Every timestamp is SOURCE_DATE_EPOCH (the commit time) and file owners are
# fixed, so the same binary always gives the same digest.
#
#   scripts/package-image.sh <image-repository> <tag>
set -euo pipefail

repository="$1"
tag="$2"
: "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH to the commit time}"

root="$(mktemp -d)"
install -D -m 0555 dist/server "$root/server"
tar --format=gnu --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  -C "$root" -cf layer.tar server

crane append --oci-empty-base --new_layer layer.tar --new_tag "$repository:$tag-layer" >/dev/null
crane mutate "$repository:$tag-layer" \
  --entrypoint=/server --user=65532:65532 \
  --label "org.opencontainers.image.revision=${SOURCE_COMMIT:-unknown}" \
  --tag "$repository:$tag" >/dev/null
crane digest "$repository:$tag"
