#!/usr/bin/env bash
# Runs every fuzz target for a bounded time from its kept seeds (fuzz/seeds/<target>) with
# cargo-fuzz on the stable toolchain (RUSTC_BOOTSTRAP=1 enables the sanitizer flags), and
# prints executions and crashes per target. New inputs go to a scratch directory, so the
# kept seeds change only when someone copies an interesting input into them on purpose.
#   scripts/fuzz.sh [seconds per target, default 60]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# Sanitizer builds of their own, kept apart from the test build.
export CARGO_TARGET_DIR="${SAFEHOLD_FUZZ_TARGET_DIR:-$HOME/.cache/safehold-target-fuzz}"
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^safehold-fuzz$')
(cd fuzz && cargo fuzz build --release --debug-assertions)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
total=0
for target in $targets; do
  mkdir -p "$scratch/$target" "$scratch/$target-artifacts"
  log="$scratch/$target.log"
  seeds=()
  [ -d "$PWD/fuzz/seeds/$target" ] && seeds=("$PWD/fuzz/seeds/$target")
  if (cd fuzz && cargo fuzz run --release --debug-assertions "$target" "$scratch/$target" "${seeds[@]}" -- \
        -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$scratch/$target-artifacts/") >"$log" 2>&1; then
    outcome="no crash"
  else
    outcome="CRASH (input kept in $scratch/$target-artifacts; log below)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  total=$((total + ${runs:-0}))
  echo "fuzz: $target: ${runs:-0} executions in ${seconds}s, $outcome"
  if [ "$status" != 0 ]; then tail -40 "$log"; trap - EXIT; exit 1; fi
done
echo "fuzz: $total executions in all, 0 crashes"
