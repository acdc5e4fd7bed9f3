"""A station of the release before trust enrolled again (`init --db EXISTING --enrollment`):
what cannot be done is refused with a clear message and leaves the database as it was."""

from __future__ import annotations

import pytest

from kiosk.models.clock import ManualClock
from kiosk.storage import trust as tstore
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.trust.roles import Role
from tests.helpers.pretrust import place
from tests.helpers.trusted import OWNER_DSN, Site, no_hub_login


def _before(path: object) -> list[tuple[object, ...]]:
    s = Store.open(str(path))
    try:
        return [tuple(r) for r in s.conn.execute("SELECT * FROM settings ORDER BY key")]
    finally:
        s.close()


def test_what_cannot_be_enrolled_again_is_refused_and_nothing_changes(site: Site) -> None:
    door = place("door", site.tmp)
    settings = _before(door)
    clock = ManualClock(site.clock.now())
    # a kiosk keeps no personal fields: made anew, not from a door's database
    file = site.tmp / "kiosk.enroll"
    enr.enroll(site.desk, OWNER_DSN, Role.KIOSK, "Kiosk 1", file, clock.now(), login=no_hub_login)
    with pytest.raises(enr.EnrollmentError, match="personal fields"):
        enr.rejoin(door, enr.read_enrollment(file), file, clock)
    # a door the desk never saw, with entries of its own past the cut-off: not under a new id
    file = site.tmp / "door.enroll"
    enr.enroll(site.desk, OWNER_DSN, Role.DOOR, "Door A", file, clock.now(), login=no_hub_login)
    data = enr.read_enrollment(file)
    with pytest.raises(enr.EnrollmentError, match="not at the desk yet"):
        enr.rejoin(door, data, file, clock)
    with pytest.raises(enr.EnrollmentError, match="another event"):
        enr.rejoin(door, {**data, "event_id": "another"}, file, clock)
    assert _before(door) == settings and not (site.tmp / "door.sqlite.key").exists()
    assert enr.read_enrollment(file)["secret"]  # still usable
    # the desk cannot be enrolled again
    with pytest.raises(enr.EnrollmentError, match="enrolled already"):
        enr.rejoin(site.desk.path, data, file, clock)  # type: ignore[arg-type]
    assert tstore.setting(site.desk.conn, tstore.EVENT_PRIVATE) is not None
