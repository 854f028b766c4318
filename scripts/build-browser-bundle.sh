#!/usr/bin/env bash
# Builds static/safehold-bundle.js: Safehold's browser code (web/src) with the pinned
# age-encryption, @noble/hashes and @scure/base from web/package-lock.json, as one file served
# from our own origin with Subresource Integrity. The committed file must equal a fresh build:
#   scripts/build-browser-bundle.sh          rebuild it
#   scripts/build-browser-bundle.sh --check  fail if the committed file differs from a rebuild
set -euo pipefail
cd "$(dirname "$0")/../web"

# Exactly the locked tree; esbuild's platform binary comes as an optional dependency, so its
# install script is not needed.
if [ ! -d node_modules ] || ! npm ls --silent >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi

out=../static/safehold-bundle.js
target=$out
if [ "${1:-}" = "--check" ]; then
  target=$(mktemp)
  trap 'rm -f "$target"' EXIT
fi

node_modules/.bin/esbuild src/entry.js \
  --bundle --format=iife --global-name=safehold --minify --target=es2020 \
  --loader:.txt=text --legal-comments=eof --charset=utf8 \
  --outfile="$target" --log-level=warning

if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$target" "$out"; then
    echo "static/safehold-bundle.js differs from a fresh build: run scripts/build-browser-bundle.sh and commit" >&2
    exit 1
  fi
  echo "browser bundle: reproducible ($(wc -c <"$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1))"
else
  echo "built static/safehold-bundle.js ($(wc -c <"$out") bytes)"
fi
