#!/usr/bin/env bash
# compare_pprof.sh — wall time and peak memory of `ppt --top` against
# `go tool pprof -top` on the same profiles.
#
# Usage:
#   scripts/compare_pprof.sh [options] [PROFILE...]
#
# For each PROFILE, runs (stdout to /dev/null, under /usr/bin/time -v):
#   zcat PROFILE                  just decompressing the file
#                                 (`cat` for a profile that is not gzipped)
#   libdeflate-gunzip -c PROFILE  the floor: the fastest inflater there is
#                                 (when installed; package libdeflate-tools)
#   ppt --top PROFILE
#   go tool pprof -top PROFILE
# RUNS times each, and prints the median wall time, peak RSS and CPU time
# (user + system) of each, and the ratios pprof/ppt. Timings are only as
# quiet as the machine: run it with nothing else busy.
#
# With no PROFILE, builds the generator and writes the profiles into a
# temporary directory (removed at exit): the default shape
# (`cargo run --release --example gen_profile`, ~40 MB raw, ~25 MB gzipped)
# and, with --with-10x, the same shape at --scale 10 (~400 MB raw, ~270 MB
# gzipped; go tool pprof 1.19 then needs ~12 minutes and ~19 GB of RAM per
# run, ppt ~25 s and 3.5 GB: consider --runs 1).
#
# ppt is always built first (`cargo build --release`) unless --ppt is given.
#
# Options:
#   --runs N      runs per command (default 3)
#   --with-10x    also generate and measure the 10x profile (no PROFILE only)
#   --ppt PATH    use this ppt binary instead of building one
#   --keep DIR    write generated profiles to DIR and keep them
#   --no-pprof    skip go tool pprof (ppt and zcat only)
#   -h, --help    this text
#
# Environment:
#   CARGO_TARGET_DIR  where cargo builds (default: the repository's target/)
#   GO                the go command (default: go)
#
# Needs: cargo, go (for pprof), GNU time at /usr/bin/time
# (`apt-get install -y time` if missing), zcat, awk; libdeflate-gunzip
# for the floor (optional).
#
# Exits non-zero if any command fails (pprof or ppt rejecting a profile
# included): a comparison of a failed run would be meaningless.

set -euo pipefail

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }

die() {
    echo "compare_pprof.sh: $*" >&2
    exit 1
}

runs=3
with_10x=0
ppt_bin=""
keep_dir=""
do_pprof=1
profiles=()

while (($#)); do
    case "$1" in
    --runs)
        (($# >= 2)) || die "--runs needs a value"
        runs="$2"
        shift 2
        ;;
    --runs=*)
        runs="${1#*=}"
        shift
        ;;
    --with-10x)
        with_10x=1
        shift
        ;;
    --ppt)
        (($# >= 2)) || die "--ppt needs a value"
        ppt_bin="$2"
        shift 2
        ;;
    --ppt=*)
        ppt_bin="${1#*=}"
        shift
        ;;
    --keep)
        (($# >= 2)) || die "--keep needs a value"
        keep_dir="$2"
        shift 2
        ;;
    --keep=*)
        keep_dir="${1#*=}"
        shift
        ;;
    --no-pprof)
        do_pprof=0
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    --)
        shift
        profiles+=("$@")
        break
        ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *)
        profiles+=("$1")
        shift
        ;;
    esac
done

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, not '$runs'"

TIME=/usr/bin/time
[[ -x "$TIME" ]] || die "$TIME not found: apt-get install -y time"
"$TIME" -v true 2>/dev/null || die "$TIME is not GNU time (no -v): apt-get install -y time"
GO="${GO:-go}"
if ((do_pprof)); then
    command -v "$GO" >/dev/null || die "'$GO' not found (set GO=..., or use --no-pprof)"
fi

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

work="$(mktemp -d "${TMPDIR:-/tmp}/compare_pprof.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ppt, built in release unless given.
if [[ -z "$ppt_bin" ]]; then
    echo "building ppt (release)..." >&2
    (cd "$repo" && cargo build --release --quiet --bin ppt) >&2
    ppt_bin="$target_dir/release/ppt"
fi
[[ -x "$ppt_bin" ]] || die "ppt binary not found or not executable: $ppt_bin"

# Profiles, generated if none were given.
if ((${#profiles[@]} == 0)); then
    gen_dir="$work"
    if [[ -n "$keep_dir" ]]; then
        mkdir -p "$keep_dir"
        gen_dir="$(cd "$keep_dir" && pwd)"
    fi
    echo "building gen_profile (release)..." >&2
    (cd "$repo" && cargo build --release --quiet --example gen_profile) >&2
    gen="$target_dir/release/examples/gen_profile"
    "$gen" "$gen_dir/default.pb.gz"
    profiles+=("$gen_dir/default.pb.gz")
    if ((with_10x)); then
        "$gen" --scale 10 "$gen_dir/x10.pb.gz"
        profiles+=("$gen_dir/x10.pb.gz")
    fi
elif ((with_10x)); then
    die "--with-10x only applies when no PROFILE is given"
fi
for p in "${profiles[@]}"; do
    [[ -f "$p" && -r "$p" ]] || die "not a readable file: $p"
done

# measure NAME CMD...: runs CMD $runs times under GNU time; appends
# "wall_seconds max_rss_kb cpu_seconds" per run to $work/NAME.runs and dies if CMD fails.
measure() {
    local name="$1"
    shift
    : >"$work/$name.runs"
    local i
    for ((i = 1; i <= runs; i++)); do
        if ! "$TIME" -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt"; then
            echo "compare_pprof.sh: failed: $*" >&2
            cat "$work/stderr.txt" >&2
            exit 1
        fi
        awk -F': ' '
            /Elapsed \(wall clock\) time/ {
                # h:mm:ss or m:ss.ss
                n = split($2, t, ":"); s = 0
                for (j = 1; j <= n; j++) s = s * 60 + t[j]
                wall = s
            }
            /Maximum resident set size/ { rss = $2 }
            /User time \(seconds\)/ { cpu += $2 }
            /System time \(seconds\)/ { cpu += $2 }
            END { printf "%.3f %d %.3f\n", wall, rss, cpu }
        ' "$work/time.txt" >>"$work/$name.runs"
        printf '.' >&2
    done
}

# median FILE COLUMN: the median of a column (lower median for an even count).
median() {
    sort -g -k"$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

declare -A wall rss cpu
printf '\n%-28s %-6s %9s %9s %9s\n' "profile" "tool" "wall s" "RSS MB" "CPU s" >"$work/table"
for p in "${profiles[@]}"; do
    base="$(basename "$p")"
    size_mb="$(awk -v b="$(wc -c <"$p")" 'BEGIN { printf "%.1f", b / 1e6 }')"
    echo "$base ($size_mb MB), $runs runs each" >&2

    # zcat on a file that is not gzipped fails; cat is then the floor.
    gzipped=0
    if gzip -t "$p" 2>/dev/null; then
        gzipped=1
        measure zcat zcat "$p"
    else
        measure zcat cat "$p"
    fi
    # The fastest inflater there is: the floor ppt's speed is held to.
    floor=0
    if ((gzipped)) && command -v libdeflate-gunzip >/dev/null; then
        floor=1
        measure floor libdeflate-gunzip -c "$p"
    fi
    measure ppt "$ppt_bin" --top "$p"
    if ((do_pprof)); then
        measure pprof "$GO" tool pprof -top "$p"
    fi
    echo >&2

    tools=(zcat)
    ((floor)) && tools+=(floor)
    tools+=(ppt)
    ((do_pprof)) && tools+=(pprof)
    for t in "${tools[@]}"; do
        w="$(median "$work/$t.runs" 1)"
        r="$(median "$work/$t.runs" 2)"
        c="$(median "$work/$t.runs" 3)"
        printf '%-28s %-6s %9.2f %9.1f %9.2f\n' "$base" "$t" "$w" "$(awk -v k="$r" 'BEGIN { print k / 1024 }')" "$c" >>"$work/table"
        wall["$t"]="$w"
        rss["$t"]="$r"
        cpu["$t"]="$c"
    done
    if ((floor)); then
        awk -v b="$base" -v wf="${wall[floor]}" -v wt="${wall[ppt]}" 'BEGIN {
            printf "%-28s %-6s %8.1fx\n", b, "/floor", (wf > 0 ? wt / wf : 0)
        }' >>"$work/table"
    fi
    if ((do_pprof)); then
        awk -v b="$base" -v wp="${wall[pprof]}" -v wt="${wall[ppt]}" -v rp="${rss[pprof]}" -v rt="${rss[ppt]}" -v cp="${cpu[pprof]}" -v ct="${cpu[ppt]}" 'BEGIN {
            printf "%-28s %-6s %8.1fx %8.1fx %8.1fx\n", b, "ratio", (wt > 0 ? wp / wt : 0), (rt > 0 ? rp / rt : 0), (ct > 0 ? cp / ct : 0)
        }' >>"$work/table"
    fi
done

cat "$work/table"
echo
echo "wall: median of $runs runs (elapsed); RSS: median of the peak resident set sizes;"
echo "CPU: median of user + system seconds (pprof's garbage collector runs on other cores);"
echo "ratio: pprof / ppt. zcat: decompressing the file to /dev/null."
echo "floor: libdeflate-gunzip -c FILE >/dev/null, the fastest inflater (Debian: libdeflate-tools);"
echo "/floor: ppt's wall time over the floor's."
