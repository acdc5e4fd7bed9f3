"""The writer chooses an entry's time; a receiver does not take its word for it (issue 18,
red team findings 10 and 13). A certificate's expiry is also judged by when the entry first
reached the event (the hub's receipt, `seen`), and an entry dated far ahead of that is kept
aside: a thief with an expired door's key cannot backdate, a stolen kiosk cannot date an
admission days ahead and keep an attendee "inside" at every door."""

from __future__ import annotations

from datetime import timedelta

from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.storage import trust as tstore
from kiosk.storage.base import from_ts
from kiosk.trust.roles import Refusal, Role
from kiosk.trust.verify import AHEAD_LIMIT, LATE_GRACE
from tests.helpers.reads import reads
from tests.helpers.trusted import Site, forge, held, transfer


def test_an_expired_door_cannot_backdate_its_entries(site: Site) -> None:
    door = site.station("Door A", Role.DOOR)
    transfer(door, site.desk, seen=site.clock.now())
    expires = from_ts(tstore.certs(site.desk.conn)[door.station.id].expires)
    site.clock.set(expires + LATE_GRACE + timedelta(hours=1))  # stolen, used after
    e = forge(door, LogKind.ENTRY, expires - timedelta(minutes=1), session_id=site.session,
              attendee_id=site.ann_id, outcome=Outcome.ADMITTED)  # fmt: skip
    transfer(door, site.desk, seen=site.clock.now())
    assert reads(site.desk).log.entry(e.uuid) is None
    assert held(site.desk)[e.uuid] is Refusal.EXPIRED
    # a rebuild (a receiver too) keeps it aside
    site.desk.rebuild_projections()
    assert reads(site.desk).log.entry(e.uuid) is None
    door.close()


def test_an_offline_door_hands_in_what_it_wrote_before_its_expiry_within_the_grace(
    site: Site,
) -> None:
    door = site.station("Door A", Role.DOOR)
    transfer(door, site.desk, seen=site.clock.now())
    expires = from_ts(tstore.certs(site.desk.conn)[door.station.id].expires)
    site.clock.set(expires - timedelta(hours=2))
    e = forge(door, LogKind.ENTRY, site.clock.now(), session_id=site.session,
              attendee_id=site.ann_id, outcome=Outcome.ADMITTED)  # fmt: skip
    transfer(door, site.desk, seen=expires + LATE_GRACE - timedelta(hours=1))
    assert reads(site.desk).log.entry(e.uuid) is not None
    assert e.uuid not in held(site.desk)
    door.close()


def test_a_kiosk_cannot_date_an_admission_ahead_and_pin_the_attendee_inside(site: Site) -> None:
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    ahead = forge(kiosk, LogKind.ENTRY, site.clock.now() + timedelta(days=2),
                  session_id=site.session, attendee_id=site.ann_id, outcome=Outcome.ADMITTED)  # fmt: skip
    transfer(kiosk, site.desk, seen=site.clock.now())
    assert held(site.desk)[ahead.uuid] is Refusal.AHEAD
    site.clock.advance(60)
    assert site.desk_service.check_in(site.ann_code, site.session).outcome is Outcome.ADMITTED
    site.clock.advance(60)
    assert site.desk_service.check_out(site.ann_code, site.session).outcome is Outcome.EXITED
    # a later certificate does not let it in either (held entries are checked again with
    # the time they were first seen)
    door = site.station("Door A", Role.DOOR)
    assert held(site.desk)[ahead.uuid] is Refusal.AHEAD
    kiosk.close()
    door.close()


def test_a_clock_a_few_minutes_ahead_is_still_taken(site: Site) -> None:
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    e = forge(kiosk, LogKind.ENTRY, site.clock.now() + AHEAD_LIMIT - timedelta(minutes=1),
              session_id=site.session, attendee_id=site.ann_id, outcome=Outcome.ADMITTED)  # fmt: skip
    transfer(kiosk, site.desk, seen=site.clock.now())
    assert reads(site.desk).log.entry(e.uuid) is not None
    kiosk.close()
