#!/usr/bin/env bash
# Runs the browser modules' unit tests in Node, bundled first so the wordlist import resolves.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund --ignore-scripts >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_modules/.bin/esbuild test/vectors.test.mjs --bundle --platform=node --format=esm \
  --loader:.txt=text --outfile="$out/vectors.test.mjs" --log-level=warning \
  --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);"
SAFEHOLD_REPO="$(cd .. && pwd)" node --test "$out/vectors.test.mjs"
