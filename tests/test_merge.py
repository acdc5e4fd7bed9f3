"""One person registered twice and merged: one record, one admission per session."""

from __future__ import annotations

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput
from tests.helpers.reads import reads
from tests.helpers.tables import projection_tables


def test_a_merged_person_counts_once_and_is_already_checked_in(service: CheckinService) -> None:
    store = service.store
    a = service.walk_in(AttendeeInput(name="Grace Lin", email="grace@sunrise.example"))
    b = service.walk_in(AttendeeInput(name="Grace Lin", email="grace.lin@sunrise.example"))
    first = service.check_in(a.code, "opening")
    service.clock.advance(60)  # type: ignore[attr-defined]
    assert service.check_in(b.code, "opening").outcome is Outcome.ADMITTED  # two records
    assert reads(store).presence.stats()[0].admitted == 2
    service.merge_attendees(b.attendee.attendee_id, a.attendee.attendee_id, "amy")
    s = reads(store).presence.stats()[0]
    assert s.admitted == 1 and s.inside == 1
    dup = store.conn.execute("SELECT uuid, first_uuid FROM duplicates").fetchall()
    assert [tuple(r)[1] for r in dup] == [first.log_uuid]  # the later admission, kept, flagged
    again = service.check_in(b.code, "opening")  # the merged record's badge: the same person
    assert (
        again.outcome is Outcome.ALREADY_CHECKED_IN and again.attendee_id == a.attendee.attendee_id
    )
    assert reads(store).people.find("grace.lin@sunrise.example") is None  # hidden from look-ups
    before = projection_tables(store)
    store.rebuild_projections()
    assert projection_tables(store) == before
