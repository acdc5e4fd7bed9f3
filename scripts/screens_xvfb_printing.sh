#!/usr/bin/env bash
# Real-window screenshots of badge printing: `python main.py` on an Xvfb screen (1366×768
# and 1920×1080) with openbox, driven by xdotool as a person at the desk would, printing
# to the tests' private CUPS (tools/screenshots/printlab.py: nothing of the machine's own
# CUPS is used). The picker, "printing", a problem (a dead printer) with "Another
# printer…", and "printed". Usage: scripts/screens_xvfb_printing.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR}
PY=${PY:-.venv/bin/python}
for tool in Xvfb openbox xdotool; do
  command -v "$tool" >/dev/null || { echo "$0: $tool missing (apt-get install xvfb openbox xdotool)" >&2; exit 1; }
done
mkdir -p "$OUT"
TMP=$(mktemp -d)
unset QT_QPA_PLATFORM LPDEST PRINTER
"$PY" -m tools.screenshots.printlab >"$TMP/lab" 2>"$TMP/lab.err" & LAB=$!
for _ in $(seq 1 100); do grep -q CUPS_SERVERROOT "$TMP/lab" 2>/dev/null && break; sleep 0.1; done
export $(cat "$TMP/lab")
XVFB="" WM="" APP=""
cleanup() {
  [ -n "$APP" ] && kill -INT "$APP" 2>/dev/null && wait "$APP" 2>/dev/null || true
  [ -n "$WM" ] && kill "$WM" 2>/dev/null || true
  [ -n "$XVFB" ] && kill "$XVFB" 2>/dev/null || true
  kill -TERM "$LAB" 2>/dev/null; wait "$LAB" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

"$PY" main.py demo --db "$TMP/demo.sqlite" --day 2024-11-04 --attendees 300 >/dev/null
CODES=$("$PY" - "$TMP/demo.sqlite" <<'PYEOF'
import random, sys
from kiosk.checkin.service import CheckinService
from kiosk.storage.store import Store
from tests.helpers.clocks import at
store = Store.open(sys.argv[1])
svc = CheckinService(store, at("07:30"), rng=random.Random(3))
from tests.helpers.reads import reads
people = [a for a in reads(store).people.everyone() if a.name and a.name_zh and "·" not in a.name_zh][10:20]
print("\n".join(svc.badge_code(a.attendee_id) for a in people))
store.close()
PYEOF
)
mapfile -t C <<<"$CODES"

screen() {  # a fresh X screen of $1 (WxH)
  [ -n "$WM" ] && kill "$WM" 2>/dev/null; [ -n "$XVFB" ] && kill "$XVFB" 2>/dev/null; sleep 0.5
  export DISPLAY=":$(( 400 + $$ % 300 ))"
  Xvfb "$DISPLAY" -screen 0 "$1x24" -nolisten tcp >/dev/null 2>&1 & XVFB=$!
  sleep 1
  openbox >/dev/null 2>&1 & WM=$!
  sleep 0.5
}
start() {  # the app on its own user data folder; wait for the database
  export FORUM_CHECKIN_HOME="$TMP/home-$RANDOM"
  "$PY" main.py --db "$TMP/demo.sqlite" --camera none --now 2024-11-04T09:05:00+08:00 \
    --no-sound --no-echo --print-at-checkin --label 62x100mm "$@" >/dev/null 2>"$TMP/app.err" & APP=$!
  for _ in $(seq 1 150); do
    grep -q "database open" "$FORUM_CHECKIN_HOME/forum-checkin.log" 2>/dev/null && break
    sleep 0.2
  done
  sleep 2
}
stop() { kill -INT "$APP"; wait "$APP" || true; APP=""; }
shot() { sleep 0.6; "$PY" -m tools.screenshots.grab "$OUT/$1.png"; echo "$OUT/$1.png"; }

i=0
for size in 1366x768 1920x1080; do
  screen "$size"
  w=${size%x*}
  for lang in en zh; do
    s=""; [ "$lang" = zh ] && s="-zh"
    start --lang "$lang" --printer Dead
    sleep 2
    shot "xvfb-printer-bar-$w$s"                               # the printer's state, before any scan
    xdotool key ctrl+shift+b; sleep 1.5                        # the picker
    shot "xvfb-printer-picker-$w$s"
    xdotool key Escape; sleep 0.5
    xdotool type --delay 5 "${C[$i]}"; xdotool key --delay 5 Return; i=$((i + 1))
    sleep 6
    shot "xvfb-printer-printing-$w$s"                          # printing on the dead printer
    sleep 12
    shot "xvfb-printer-problem-$w$s"                           # offline: Retry, Another printer, Save as PDF
    xdotool key Tab space; sleep 1.5                           # "Another printer…"
    xdotool type --delay 80 "P"; sleep 0.3; xdotool key Return   # PDF
    sleep 6
    shot "xvfb-printer-printed-$w$s"
    stop
  done
done
