#!/usr/bin/env bash
# System packages Forum Check-in needs (Debian/Ubuntu names):
#   libzbar0            the pyzbar decoder backend
#   libxcb-* libxkb*    Qt's xcb platform plugin (a real window)
#   libegl1 libgl1 libfontconfig1 libdbus-1-3  Qt at all
#   libpulse0           QtMultimedia (outcome sounds)
#   xvfb xauth          a virtual screen when there is no display (headless `make run`, screenshots)
#   poppler-utils       pdffonts / pdftoppm, used by tests to check and look at PDFs
#   postgresql          the sync hub's server: tests start a throwaway cluster of their own
#                       (Debian's default version; 15 on Debian 12), only when no
#                       /usr/lib/postgresql/*/bin/initdb is there yet
#   postgresql-N-auto-failover  pg_auto_failover (pg_autoctl and the monitor's extension)
#                       for the server version N found: a hub as a primary with a
#                       synchronous hot standby (tests start a monitor and two nodes)
#   openbox xdotool wmctrl x11-utils   the end-to-end tests on a real X server: a window
#                       manager, keys typed at human and scanner speeds, window states
#   fonts-wqy-microhei  a CJK system font: window managers draw the bilingual window
#                       title with it (the app's own widgets use the bundled Noto Sans SC)
#   cups cups-client    printing badges (CUPS, lp, lpadmin); tests start private cupsd
#                       servers of their own and never touch the system's
#   libcups2-dev gcc    pip's pycups builds against them
#   printer-driver-dymo printer-driver-ptouch   DYMO LabelWriter and Brother QL drivers
#                       (the tests print through both; Zebra ZPL comes with cups)
set -euo pipefail
PKGS=(libzbar0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1
      libxcb-cursor0 libxcb-shape0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
      libpulse0 xvfb xauth poppler-utils openbox xdotool wmctrl x11-utils fonts-wqy-microhei
      cups cups-client libcups2-dev gcc printer-driver-dymo printer-driver-ptouch)
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "sysdeps: not a Debian-like system; install the equivalents of: ${PKGS[*]}" >&2
  exit 0
fi
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  PKGS+=(postgresql)
  if command -v apt-cache >/dev/null; then  # the version the postgresql package brings
    major=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9]\+\)$/\1/p' | head -1)
    [ -n "$major" ] && PKGS+=("postgresql-$major-auto-failover")
  fi
else
  for bin in /usr/lib/postgresql/*/bin/initdb; do  # the newest server version here
    major=$(basename "$(dirname "$(dirname "$bin")")")
  done
  [ -n "${major:-}" ] && PKGS+=("postgresql-$major-auto-failover")
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "sysdeps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  $cmd
else
  echo "sysdeps: missing system packages. Run, then try again:" >&2
  echo "  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
