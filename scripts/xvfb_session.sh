# Sourced by the real-window screenshot scripts: checks the tools, makes OUT and a temporary
# home, starts an Xvfb screen of SIZE (default 1366x768) with openbox, and cleans up on exit
# (the app too, once the script has set APP to its pid). Needs OUT, NAME and BASE (the first
# display number to try, so that two scripts running at once do not collide).
for tool in Xvfb openbox xdotool; do
  command -v "$tool" >/dev/null || { echo "$NAME: $tool missing (apt-get install xvfb openbox xdotool imagemagick)" >&2; exit 1; }
done
mkdir -p "$OUT"
TMP=$(mktemp -d)
N=$(( BASE + $$ % 300 ))
export DISPLAY=":$N" FORUM_CHECKIN_HOME="$TMP/home"
unset QT_QPA_PLATFORM
Xvfb "$DISPLAY" -screen 0 "${SIZE:-1366x768}x24" -nolisten tcp >/dev/null 2>&1 & XVFB=$!
sleep 1
openbox >/dev/null 2>&1 & WM=$!
APP=""
cleanup() {
  [ -n "$APP" ] && kill -INT "$APP" 2>/dev/null && wait "$APP" 2>/dev/null || true
  kill "$WM" "$XVFB" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
