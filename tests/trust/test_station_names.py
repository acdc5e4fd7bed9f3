"""The name an entry carries is what every screen and report shows as who did it: a signed
entry must carry its certificate's name (red team finding 16), and an enrolled station
keeps that name (renaming it means enrolling it again)."""

from __future__ import annotations

import pytest

from kiosk.models.errors import ValidationError
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.storage import trust as tstore
from kiosk.trust.roles import Refusal, Role
from tests.helpers.reads import reads
from tests.helpers.trusted import Site, forge, transfer


def test_a_kiosk_cannot_sign_its_scans_in_a_doors_name(site: Site) -> None:
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    e = forge(kiosk, LogKind.ENTRY, site.clock.now(), station="Door A",
              session_id=site.session, attendee_id=site.ann_id, outcome=Outcome.ADMITTED)  # fmt: skip
    transfer(kiosk, site.desk)
    assert {x.uuid: r for x, r in tstore.held(site.desk.conn)} == {e.uuid: Refusal.NAME}
    assert reads(site.desk).presence.of(site.session, site.ann_id) is None
    # its genuine scans, under its own name, still count
    r = site.service(kiosk).check_in(site.ann_code, site.session)
    assert r.outcome is Outcome.ADMITTED
    transfer(kiosk, site.desk)
    p = reads(site.desk).presence.of(site.session, site.ann_id)
    assert p is not None and p.station == "Kiosk 1"
    kiosk.close()


def test_an_enrolled_station_keeps_its_certificates_name(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    with pytest.raises(ValidationError, match="enrolled as 'Door A'"):
        door.set_station_name("Door B")
    assert door.station.name == "Door A"
    assert door.set_station_name("Door A").name == "Door A"  # the same name: nothing to do
    # the desk too
    with pytest.raises(ValidationError):
        site.desk.set_station_name("Somewhere else")
    door.close()
