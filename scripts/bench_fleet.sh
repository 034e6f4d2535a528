#!/usr/bin/env bash
# bench_fleet.sh — `ppt --top` of a fleet's heap profiles merged, against
# decompressing them all (libdeflate-gunzip, one process a file) and against
# `go tool pprof -top` of the same files, with hyperfine.
#
# Usage: scripts/bench_fleet.sh [PODS]
#   Writes PODS profiles (default 1000) of one service with
#   `examples/gen_fleet.rs` (3,000 functions, 6,000 locations, up to 4,000
#   samples each: about 250 MB gzipped for 1000) to a temporary directory,
#   removed at exit.
# Environment:
#   RUNS        hyperfine runs of ppt and of the decompression (default 5)
#   PPROF_RUNS  runs of go tool pprof (default 1: 40 s a run for 1000 pods)
#   NO_PPROF=1  skip go tool pprof
# Needs: cargo, hyperfine, libdeflate-gunzip, go (for pprof).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin ppt --example gen_fleet
target=${CARGO_TARGET_DIR:-$root/target}
ppt="$target/release/ppt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$target/release/examples/gen_fleet" --pods "${1:-1000}" "$work/pods/"
cd "$work"
export TZ=UTC PPROF_BINARY_PATH=/nonexistent-pprof-binaries

hyperfine --warmup 1 --runs "${RUNS:-5}" \
  -n "ppt --top" "$ppt --top pods/*.pb.gz" \
  -n "libdeflate-gunzip each" "for f in pods/*; do libdeflate-gunzip -c \$f; done > /dev/null"
if [[ -z "${NO_PPROF:-}" ]]; then
  hyperfine --runs "${PPROF_RUNS:-1}" \
    -n "go tool pprof -top" "go tool pprof -symbolize=none -top pods/*.pb.gz"
  # The same report, Time: line aside.
  diff <("$ppt" --top pods/*.pb.gz | grep -v '^Time:') \
    <(go tool pprof -symbolize=none -top pods/*.pb.gz 2>/dev/null | grep -v '^Time:') &&
    echo "ppt --top and go tool pprof -top print the same report"
fi
