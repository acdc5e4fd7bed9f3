#!/usr/bin/env bash
# The desk's Stations… dialog in real windows: `python main.py` on Xvfb (1366×768, then
# 1920×1080) with openbox, opened and switched to Chinese with xdotool as a person would,
# grabbed with tools.screenshots.grab. Usage: scripts/screens_xvfb_stations.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR}
PY=${PY:-.venv/bin/python}
for SIZE in 1366x768 1920x1080; do
  (
    NAME=screens_xvfb_stations BASE=520
    . "$(dirname "$0")/xvfb_session.sh"
    "$PY" -m tools.screenshots.stations "$TMP" >/dev/null
    "$PY" main.py --db "$TMP/desk.sqlite" --camera none --now 2024-11-04T09:05:00+08:00 \
      --no-sound --no-echo >/dev/null 2>"$TMP/app.err" & APP=$!
    for _ in $(seq 1 150); do
      grep -q "database open" "$FORUM_CHECKIN_HOME/forum-checkin.log" 2>/dev/null && break
      sleep 0.2
    done
    sleep 2
    eval "$(xdotool getwindowgeometry --shell "$(xdotool search --name 'Forum Check-in' | tail -1)")"
    # Stations… is the status bar's last button, 中文 the header's last (xdotool's Y is
    # about 20 px below the window's top under openbox)
    xdotool mousemove $((X + WIDTH - 50)) $((Y + HEIGHT - 39)) click 1; sleep 2
    "$PY" -m tools.screenshots.grab "$OUT/xvfb-stations-$SIZE.png"; echo "$OUT/xvfb-stations-$SIZE.png"
    xdotool mousemove $((X + WIDTH - 50)) $((Y + 15)) click 1; sleep 2
    "$PY" -m tools.screenshots.grab "$OUT/xvfb-stations-$SIZE-zh.png"; echo "$OUT/xvfb-stations-$SIZE-zh.png"
  )
done
