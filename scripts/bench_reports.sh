#!/usr/bin/env bash
# bench_reports.sh — every report (--traces, --tags, --raw, --proto, --tree,
# --dot, --callgrind, --list, and --top --diff-base against a second profile
# of the same shape) against `ppt --top` and against `go tool pprof`, with
# hyperfine (each comparison in one run, so the machine's load hits both).
#
# Usage: scripts/bench_reports.sh [PROFILE]
#   With no PROFILE, writes the generator's default profile (60,000
#   functions, 600,000 samples) to a temporary directory.
# Environment:
#   RUNS         hyperfine runs of ppt against ppt (default 5)
#   PPROF_RUNS   runs of each ppt/pprof pair (default 2: pprof takes a
#                minute per -traces run on the default profile)
#   NO_PPROF=1   skip go tool pprof
#   OUT          directory for hyperfine's markdown tables (default: the
#                temporary directory, printed at the end)
# Needs: cargo, hyperfine, go (for pprof).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin ppt --example gen_profile
target=${CARGO_TARGET_DIR:-$root/target}
ppt="$target/release/ppt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile=${1:-}
if [[ -z "$profile" ]]; then
  profile="$work/default.pb.gz"
  "$target/release/examples/gen_profile" "$profile" >/dev/null
fi
# The base of the comparisons: the same shape, another seed.
base="$work/base.pb.gz"
"$target/release/examples/gen_profile" --seed 2 "$base" >/dev/null
# --list of the heaviest function (the first row of --top), as a regex
# (single-quoted in hyperfine's commands, which it splits as a shell would).
hot=$("$ppt" --top "$profile" | awk 'found {print $6; exit} / flat% / {found=1}' | sed 's/[][().*+?^$|\\{}]/\\&/g')
out=${OUT:-$work}
mkdir -p "$out"
export TZ=UTC PPROF_BINARY_PATH=/nonexistent-pprof-binaries

hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-markdown "$out/ppt.md" \
  -n top "$ppt --top $profile" \
  -n traces "$ppt --traces $profile" \
  -n tags "$ppt --tags $profile" \
  -n raw "$ppt --raw $profile" \
  -n proto "$ppt --proto $work/out.pb.gz $profile" \
  -n tree "$ppt --tree $profile" \
  -n dot "$ppt --dot $profile" \
  -n callgrind "$ppt --callgrind $profile" \
  -n list "$ppt --list '^$hot\$' $profile" \
  -n diff_base "$ppt --top --diff-base $base $profile"

if [[ -z "${NO_PPROF:-}" ]]; then
  for report in traces tags raw proto tree dot callgrind list diff_base; do
    args="-$report"
    ppt_args="--$report"
    case $report in
      proto) args="-proto -output $work/pprof.pb.gz"; ppt_args="--proto $work/out.pb.gz" ;;
      diff_base) args="-top -diff_base $base"; ppt_args="--top --diff-base $base" ;;
      list) args="-list '^$hot\$'"; ppt_args="--list '^$hot\$'" ;;
    esac
    hyperfine -N --runs "${PPROF_RUNS:-2}" --export-markdown "$out/pprof-$report.md" \
      -n "ppt $report" "$ppt $ppt_args $profile" \
      -n "pprof $report" "go tool pprof -symbolize=none $args $profile"
  done
fi
cat "$out"/*.md
