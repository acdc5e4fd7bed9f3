#!/usr/bin/env bash
# Start the kiosk on the embedded demo event. Uses the real display when there is one,
# else a virtual screen (xvfb-run), so `make run` works on a headless box too; the app
# also prints every check-in to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${QT_QPA_PLATFORM:-}" ]; then
  exec .venv/bin/python main.py "$@"
fi
echo "make run: no display found; starting the kiosk on a virtual screen (xvfb-run)."
echo "          Check-ins are printed below; Ctrl+C to stop."
exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python main.py "$@"
