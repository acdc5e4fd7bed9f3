#!/usr/bin/env bash
# Real-window matchmaking screenshots: `python main.py` at 13:56 on the forum's day, session
# matchmaking, on a 1366×768 Xvfb screen with openbox, driven by xdotool: a handheld scan
# of a party whose counterpart is already here (the desk shows the next meeting; Ctrl+Shift+P
# prints her schedule slip, saved as a PDF without a printer), the
# kiosk full screen with the other party of another meeting, then the dashboard (F3)
# with its matchmaking panel. Usage: scripts/screens_xvfb_meetings.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR}
PY=${PY:-.venv/bin/python}
NAME=screens_xvfb_meetings BASE=500
. "$(dirname "$0")/xvfb_session.sh"

"$PY" main.py demo --db "$TMP/demo.sqlite" --day 2024-11-04 --attendees 300 >/dev/null
CODES=$("$PY" - "$TMP/demo.sqlite" <<'EOF'
import sys
from pathlib import Path
from tools.screenshots.meetings import seed_afternoon
codes = seed_afternoon(Path(sys.argv[1]))  # some 14:00 parties arrived at 13:48-13:54
print(codes["desk"]); print(codes["kiosk"])
EOF
)
mapfile -t C <<<"$CODES"
C1=${C[0]} C2=${C[1]}

"$PY" main.py --db "$TMP/demo.sqlite" --camera none --now 2024-11-04T13:56:00+08:00 \
  --session matchmaking --no-sound --no-echo >/dev/null 2>"$TMP/app.err" & APP=$!
for _ in $(seq 1 150); do
  grep -q "database open" "$FORUM_CHECKIN_HOME/forum-checkin.log" 2>/dev/null && break
  sleep 0.2
done
sleep 1
shot() { sleep 0.8; "$PY" -m tools.screenshots.grab "$OUT/$1.png"; echo "$OUT/$1.png"; }
xdotool key ctrl+f; sleep 0.3
xdotool type --delay 5 "$C1"; xdotool key --delay 5 Return          # a handheld scan
shot xvfb-staff-matchmaking
xdotool key ctrl+shift+p; sleep 1.5                                 # her schedule slip
shot xvfb-staff-schedule-slip                                        # no printer: PDF saved
xdotool key F2; sleep 1                                              # the kiosk, full screen
xdotool type --delay 5 "$C2"; xdotool key --delay 5 Return
shot xvfb-kiosk-matchmaking
xdotool key ctrl+shift+q; sleep 1
xdotool type --delay 120 "2024"; xdotool key Return; sleep 1
xdotool key F3; sleep 3                                              # the dashboard
shot xvfb-dashboard-matchmaking
kill -INT "$APP"; wait "$APP" || true; APP=""
