#!/usr/bin/env bash
# Builds the server binary reproducibly: the same commit gives the same bytes on any
# machine. The toolchain is fixed by go.mod, paths and build ids are stripped, and the
# module graph must match go.mod/go.sum exactly (-mod=readonly), like a lockfile install.
#
#   scripts/build.sh [output-dir]     default: dist
#
# With VERIFY_REPRODUCIBLE=1 it builds twice in separate directories and fails when the
# two binaries differ.
set -euo pipefail

out="${1:-dist}"
export CGO_ENABLED=0 GOOS="${GOOS:-linux}" GOARCH="${GOARCH:-amd64}" GOFLAGS=-mod=readonly
# Never use a toolchain other than the one go.mod names.
export GOTOOLCHAIN="$(sed -n 's/^toolchain //p' go.mod)"

build() {
  mkdir -p "$1"
  go build -trimpath -buildvcs=false -ldflags='-s -w -buildid=' -o "$1/server" ./cmd/server
}

go mod verify
build "$out"
if [ "${VERIFY_REPRODUCIBLE:-0}" = 1 ]; then
  again="$(mktemp -d)"
  go clean -cache
  build "$again"
  if ! cmp -s "$out/server" "$again/server"; then
    echo "build is not reproducible: two builds of the same commit differ" >&2
    exit 1
  fi
fi
sha256sum "$out/server"
