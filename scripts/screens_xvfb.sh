#!/usr/bin/env bash
# Real-window screenshots: `python main.py` on a 1366×768 Xvfb screen with openbox, driven by
# xdotool as a person at the desk would (keys at 40-120 ms, a scanner at 5 ms), grabbed
# with tools.screenshots.grab. Usage: scripts/screens_xvfb.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR}
PY=${PY:-.venv/bin/python}
NAME=screens_xvfb BASE=200
. "$(dirname "$0")/xvfb_session.sh"

"$PY" main.py demo --db "$TMP/demo.sqlite" --day 2024-11-04 --attendees 300 >/dev/null
CODES=$("$PY" - "$TMP/demo.sqlite" <<'EOF'
import random, sys
from kiosk.checkin.service import CheckinService
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
store = Store.open(sys.argv[1])
svc = CheckinService(store, at("07:30"), rng=random.Random(3))
people = [a for a in reads(store).people.everyone() if a.name and a.name_zh and "·" not in a.name_zh][:3]
print("\n".join(svc.badge_code(a.attendee_id) for a in people))  # codes may hold spaces
store.close()
EOF
)
mapfile -t C <<<"$CODES"
C1=${C[0]} C2=${C[1]}

start() {  # start the app; wait for its database to be open and its window active
  "$PY" main.py --db "$TMP/demo.sqlite" --camera none --now 2024-11-04T09:05:00+08:00 \
    --no-sound --no-echo "$@" >/dev/null 2>"$TMP/app.err" & APP=$!
  for _ in $(seq 1 150); do
    grep -q "database open" "$FORUM_CHECKIN_HOME/forum-checkin.log" 2>/dev/null && break
    sleep 0.2
  done
  sleep 1
}
stop() { kill -INT "$APP"; wait "$APP" || true; APP=""; rm -f "$FORUM_CHECKIN_HOME/forum-checkin.log"; }
shot() { sleep 0.6; "$PY" -m tools.screenshots.grab "$OUT/$1.png"; echo "$OUT/$1.png"; }

start
xdotool key ctrl+f; xdotool type --delay 120 "wan"; sleep 0.3
xdotool type --delay 5 "$C1"; xdotool key --delay 5 Return          # a handheld scan
shot xvfb-staff-handheld-scan
xdotool key ctrl+n; sleep 1                                          # the walk-in form
xdotool type --delay 40 "Grace Lin"; xdotool key Tab Tab
xdotool type --delay 40 "Sunrise Solar & Storage"; xdotool key Tab Tab
xdotool type --delay 60 "Founder"; xdotool key Tab
xdotool type --delay 40 "grace.lin@sunrise-solar.com"; xdotool key Tab
xdotool type --delay 60 "+1 415 555 0100"
shot xvfb-walk-in-typed-at-40ms
xdotool key Return; sleep 2
shot xvfb-walk-in-welcome
xdotool key F2; sleep 1                                              # the kiosk, full screen
xdotool type --delay 5 "$C2"; xdotool key --delay 5 Return
shot xvfb-kiosk-welcome
xdotool key ctrl+shift+q; sleep 1
xdotool type --delay 120 "1111"; xdotool key Return
shot xvfb-kiosk-wrong-pin
xdotool type --delay 120 "2024"; xdotool key Return; sleep 1
shot xvfb-staff-after-kiosk
stop

start --lang zh
xdotool key ctrl+f; xdotool type --delay 120 "li"; sleep 1
shot xvfb-staff-search-zh
stop
