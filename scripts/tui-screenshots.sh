#!/usr/bin/env bash
# Screenshots of the explorer in a real terminal: runs ppt in tmux (120x32),
# plays keys, captures the screen with its colours and renders PNGs into
# screenshots/. Needs tmux, python3 with Pillow and fonts-dejavu-core:
#   apt-get install -y tmux fonts-dejavu-core && pip install pillow
set -euo pipefail
cd "$(dirname "$0")/.."

PPT=${PPT:-target/debug/ppt}
[ -x "$PPT" ] || cargo build --quiet
OUT=screenshots
mkdir -p "$OUT"
TMP=$(mktemp -d)
SOCKET=
trap '[ -n "$SOCKET" ] && tmux -L "$SOCKET" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT

# shot NAME PROFILE KEYS...: a fresh explorer, the keys, a capture
# (120x32, or WIDTH x HEIGHT when set).
shot() {
  local name=$1 profile=$2 width=${WIDTH:-120} height=${HEIGHT:-32}
  shift 2
  [ -n "$SOCKET" ] && tmux -L "$SOCKET" kill-server 2>/dev/null
  SOCKET="ppt-shots-$$-$name"
  tmux -L "$SOCKET" -f /dev/null new-session -d -x "$width" -y "$height" \
    -e TERM=xterm-256color -e COLORTERM=truecolor -e NO_COLOR= \
    "$PPT $profile; sleep 30"
  wait_for "Top ·"
  for key in "$@"; do
    case $key in
      text:*) tmux -L "$SOCKET" send-keys -l "${key#text:}" ;;
      *) tmux -L "$SOCKET" send-keys "$key" ;;
    esac
    sleep 0.15
  done
  sleep 0.4
  tmux -L "$SOCKET" capture-pane -e -p > "$TMP/$name.ansi"
  python3 scripts/ansi_to_png.py "$TMP/$name.ansi" "$OUT/$name.png" "$width" "$height"
  echo "$OUT/$name.png"
}

# Polls the screen for TEXT (5 s at most).
wait_for() {
  for _ in $(seq 100); do
    tmux -L "$SOCKET" capture-pane -p | grep -qF "$1" && return 0
    sleep 0.05
  done
  echo "timed out waiting for: $1" >&2
  return 1
}

shot top assets/heap.pprof
shot callers assets/heap.pprof j j j Enter
shot search assets/heap.pprof / text:stodec
shot filter assets/heap.pprof f text:internal/ Down Down text:json
shot help assets/heap.pprof '?'
shot cpu assets/cpu.pprof s j Enter Enter
shot flame assets/cpu.pprof F / text:json Enter
shot calltree assets/cpu.pprof T j e
WIDTH=200 HEIGHT=50 shot flame-wide assets/cpu.pprof F j j
shot sandwich assets/cpu.pprof F l j j j j S
shot source "--source-path tests/fixtures/go/expected2/src --trim-path /srv/shop:/usr/local/go/src tests/fixtures/go/heap.pprof" l
shot tags tests/fixtures/go/heap.pprof '#'
shot compare "--diff-base tests/fixtures/go2/heap.pprof tests/fixtures/go/heap.pprof"
shot diff-flame "--sample-index=inuse_space --normalize --diff-base tests/fixtures/go2/heap.pprof tests/fixtures/go/heap.pprof" F j
