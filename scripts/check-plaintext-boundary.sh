#!/usr/bin/env bash
# The plaintext boundary, readable from `use` lines (SECURITY.md, "Design notes for reviewers"):
#   1. `envelope` and `crypto` (where plaintext lives) are named only in `use` lines, never as
#      inline `crate::crypto::…` paths that a reviewer's grep of `use` lines would miss;
#   2. only src/http/plaintext/, src/cli/, src/envelope/ and src/crypto/ name them at all;
#   3. no grouped `crate::{…}` imports, which would hide a name from both checks.
# Exits non-zero, naming each offending line, when one of these breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:-src}
failed=0

report() {
  echo "plaintext boundary: $1" >&2
  echo "$2" | sed 's/^/  /' >&2
  failed=1
}

named='(crate|super|safehold)::(crypto|envelope)\b'
use_line='^[^:]+:[0-9]+:[[:space:]]*(pub(\([a-z]+\))?[[:space:]]+)?use[[:space:]]'

inline=$(grep -rnE "$named" "$root" --include='*.rs' | grep -vE "$use_line" || true)
[ -z "$inline" ] || report "inline paths to envelope/crypto; import them with a \`use\` line instead:" "$inline"

outside=$(grep -rnE "$named" "$root" --include='*.rs' \
  | grep -vE "^$root/(http/plaintext|cli|envelope|crypto)/" || true)
[ -z "$outside" ] || report "envelope/crypto named outside http/plaintext, cli, envelope and crypto; this module must handle only ciphertext, ids and codes:" "$outside"

grouped=$(grep -rnE 'crate::\{' "$root" --include='*.rs' || true)
[ -z "$grouped" ] || report "grouped imports hide what a module uses; write one path per \`use\` line:" "$grouped"

if [ "$failed" = 0 ]; then
  echo "plaintext boundary: ok (envelope and crypto are named only in use lines of http/plaintext, cli, envelope and crypto)"
fi
exit "$failed"
