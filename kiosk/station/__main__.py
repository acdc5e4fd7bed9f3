"""`python -m kiosk.station`: the station host (see kiosk.station.host)."""

import sys

from kiosk.station.host import main

sys.exit(main())
