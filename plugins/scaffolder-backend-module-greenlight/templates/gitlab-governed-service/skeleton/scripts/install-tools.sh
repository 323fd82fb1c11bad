#!/usr/bin/env bash
# Installs the pipeline's tools at fixed versions into /usr/local/bin, so that every
# job (and its after_script, which runs in a fresh shell) finds them:
#   - Go, from the official archive, checked against its published SHA-256;
#   - crane, syft and cosign with `go install module@version`, which checks every module
#     against the Go checksum database;
#   - the greenlight CLI from your npm registry.
set -euo pipefail

GO_VERSION=1.23.4
GO_SHA256=6924efde5de86fe277676e929dc9917d466efa02fb934197bc2eba35d5680971 # linux-amd64
CRANE_VERSION=v0.20.2
SYFT_VERSION=v1.18.1
COSIGN_VERSION=v2.4.1

if [ "$(go env GOVERSION 2>/dev/null || true)" != "go$GO_VERSION" ]; then
  curl -fsSLo /tmp/go.tar.gz "https://go.dev/dl/go$GO_VERSION.linux-amd64.tar.gz"
  echo "$GO_SHA256  /tmp/go.tar.gz" | sha256sum -c -
  rm -rf /usr/local/go && tar -C /usr/local -xzf /tmp/go.tar.gz && rm /tmp/go.tar.gz
  ln -sf /usr/local/go/bin/go /usr/local/bin/go
fi

export GOBIN=/usr/local/bin GOFLAGS=
for tool in "$@"; do
  case "$tool" in
    crane) go install "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION" ;;
    syft) go install "github.com/anchore/syft/cmd/syft@$SYFT_VERSION" ;;
    cosign) go install "github.com/sigstore/cosign/v2/cmd/cosign@$COSIGN_VERSION" ;;
    go-junit-report) go install github.com/jstemmer/go-junit-report/v2@v2.1.0 ;;
    greenlight) npm install --global --no-fund --no-audit "@greenlight/cli@${GREENLIGHT_CLI_VERSION:?}" ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
done
