"""`python -m tools.screenshots.stations FOLDER`: a demo desk that enrolled two doors and two
kiosks (one revoked), for the Stations… screenshots (scripts/screens_xvfb_stations.sh). No
hub is needed: the logins are not made (the dialog lists what the desk's log holds)."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.demo import build_demo
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.trust.roles import Role
from tests.helpers.clocks import EVENT_DAY, at
from tests.helpers.trusted import OWNER_DSN, no_hub_login


def main(folder: Path) -> Path:
    path = folder / "desk.sqlite"
    build_demo(path, attendees=300, day=EVENT_DAY, seed=7)
    desk = Store.open(path)
    try:
        now = at("08:30").now()
        enr.become_desk(desk, now)
        for name, role in (("Door A", Role.DOOR), ("Door B", Role.DOOR),
                           ("Kiosk 1", Role.KIOSK), ("Kiosk 2", Role.KIOSK)):  # fmt: skip
            enr.enroll(desk, OWNER_DSN, role, name, folder / f"{name}.enroll", now,
                       login=no_hub_login)  # fmt: skip
        enr.revoke(desk, "Kiosk 2", at("08:50").now())
    finally:
        desk.close()
    return path


if __name__ == "__main__":
    print(main(Path(sys.argv[1])))
