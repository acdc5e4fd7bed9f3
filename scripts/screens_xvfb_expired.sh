#!/usr/bin/env bash
# A door whose enrollment expired, in real windows: a real hub (tools.screenshots.expired),
# `python main.py` on Xvfb (1366×768, then 1920×1080) with openbox, the status bar read in
# English, then switched to Chinese with xdotool as a person would. Usage:
# scripts/screens_xvfb_expired.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR}
PY=${PY:-.venv/bin/python}
for SIZE in 1366x768 1920x1080; do
  (
    NAME=screens_xvfb_expired BASE=560
    . "$(dirname "$0")/xvfb_session.sh"
    mkfifo "$TMP/hold"
    "$PY" -m tools.screenshots.expired "$TMP" <"$TMP/hold" >"$TMP/door.path" & HUB=$!
    exec 3>"$TMP/hold"  # the hub stays up while this holds the pipe open
    for _ in $(seq 1 300); do [ -s "$TMP/door.path" ] && break; sleep 0.2; done
    DOOR=$(cat "$TMP/door.path")
    "$PY" main.py --db "$DOOR" --camera none --no-sound --no-echo >/dev/null 2>"$TMP/app.err" &
    APP=$!
    for _ in $(seq 1 150); do
      grep -q "database open" "$FORUM_CHECKIN_HOME/forum-checkin.log" 2>/dev/null && break
      sleep 0.2
    done
    sleep 4  # the first sync rounds
    eval "$(xdotool getwindowgeometry --shell "$(xdotool search --name 'Forum Check-in' | tail -1)")"
    "$PY" -m tools.screenshots.grab "$OUT/xvfb-expired-$SIZE.png"; echo "$OUT/xvfb-expired-$SIZE.png"
    xdotool mousemove $((X + WIDTH - 50)) $((Y + 15)) click 1; sleep 2  # 中文
    "$PY" -m tools.screenshots.grab "$OUT/xvfb-expired-$SIZE-zh.png"; echo "$OUT/xvfb-expired-$SIZE-zh.png"
    # the sync line's tooltip: the whole line and what to do
    xdotool mousemove $((X + WIDTH - 250)) $((Y + HEIGHT - 39)); sleep 2
    "$PY" -m tools.screenshots.grab "$OUT/xvfb-expired-$SIZE-zh-tip.png"; echo "$OUT/xvfb-expired-$SIZE-zh-tip.png"
    kill -INT "$APP"; wait "$APP" 2>/dev/null || true; APP=""
    exec 3>&-; wait "$HUB" || true
  )
done
