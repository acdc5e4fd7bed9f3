"""Meeting status from real check-ins on the injected clock: waiting, both_arrived, no_show,
marks, re-matches, the dashboard's due-soon list and tables in use."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.meetings.board import build_board
from kiosk.models.clock import ManualClock
from kiosk.models.errors import ValidationError
from kiosk.models.meetings import MeetingMark, MeetingOutcome, MeetingStatus
from kiosk.storage.store import Store
from tests.helpers.meetings import Matchmaking, matchmaking, schedule_file, t


@pytest.fixture
def mm(service: CheckinService, clock: ManualClock, tmp_path: Path) -> Matchmaking:
    m = matchmaking(service, clock)
    assert m.load(schedule_file(tmp_path / "schedule.csv")).written
    return m


def test_one_party_then_the_other_waiting_then_both_arrived(mm: Matchmaking) -> None:
    # M4: Emily Carter (US-1) and Liu Lianyu (CN-1), 14:00–14:20.
    assert mm.status("M4", "13:40") == "scheduled"
    mm.arrive("US-1", "13:52")
    assert mm.status("M4", "13:52") == "waiting"
    state = mm.meetings.state("M4", t("13:55"))
    assert state.waiting_since == t("13:52")
    assert [p.name for p in state.missing] == ["Liu Lianyu"]
    # Arrived long before the meeting is due: waiting only from 10 minutes before it.
    assert mm.meetings.state("M1", t("15:15")).waiting_since == t("15:10")
    assert mm.status("M1", "15:00") == "scheduled"
    mm.arrive("CN-1", "14:04")  # the late party: the meeting moves at once
    state = mm.meetings.state("M4", t("14:04"))
    assert state.status is MeetingStatus.BOTH_ARRIVED and state.missing == ()
    assert state.outcome is MeetingOutcome.HELD
    assert state.arrival(mm.ids["CN-1"]) == t("14:04")


def test_no_show_after_n_minutes_with_a_party_missing(mm: Matchmaking) -> None:
    mm.arrive("US-1", "13:58")
    assert mm.status("M4", "14:10") == "waiting"  # exactly N = 10 minutes: not yet
    assert mm.status("M4", "14:10:01") == "no_show"
    assert mm.meetings.state("M4", t("14:11")).outcome is MeetingOutcome.NO_SHOW
    # M2: nobody came at all.
    assert mm.status("M2", "14:09") == "scheduled"
    assert mm.status("M2", "14:11") == "no_show"
    # An arrival after the meeting's end does not make it held.
    mm.arrive("CN-1", "14:25")
    assert mm.status("M4", "14:30") == "no_show"


def test_no_show_minutes_come_from_the_event_file(tmp_path: Path) -> None:
    from dataclasses import replace

    from kiosk.checkin.codes import BadgeSigner, new_private_key
    from kiosk.models.event import load_event

    event = load_event()
    event = replace(event, matchmaking=replace(event.matchmaking, no_show_minutes=3))
    store = Store.memory()
    key = new_private_key(b"n")
    store.set_event(event, key, BadgeSigner(event.id, key).public_key, t("07:00"))
    clock = ManualClock(t("13:00"))
    m = matchmaking(CheckinService(store, clock, rng=random.Random(3)), clock)
    assert m.load(schedule_file(tmp_path / "s.csv")).written
    assert m.status("M4", "14:03") == "scheduled"
    assert m.status("M4", "14:04") == "no_show"


def test_an_undone_check_in_puts_the_meeting_back(mm: Matchmaking) -> None:
    mm.arrive("US-1", "13:55")
    r = mm.arrive("CN-1", "13:57")
    assert mm.status("M4", "13:58") == "both_arrived"
    mm.service.undo(r.log_uuid, "desk", "scanned the wrong badge")
    assert mm.status("M4", "13:58") == "waiting"


def test_a_late_party_seen_by_another_station_at_once(tmp_path: Path) -> None:
    """Two stations on one database file: the desk sees the other door's arrival."""
    from kiosk.checkin.bootstrap import init_database
    from kiosk.meetings.service import MeetingService
    from kiosk.models.event import load_event

    path = tmp_path / "event.sqlite"
    clock = ManualClock(t("13:50"))
    desk = init_database(path, load_event())
    m = matchmaking(CheckinService(desk, clock, rng=random.Random(4)), clock)
    assert m.load(schedule_file(tmp_path / "s.csv")).written
    door = Store.open(path)
    try:
        other = CheckinService(door, clock)
        m.arrive("US-1", "13:55")
        assert m.status("M4", "13:56") == "waiting"
        other.check_in(m.code("CN-1"), "matchmaking")
        assert m.status("M4", "13:56") == "both_arrived"
        assert MeetingService(door, clock).state("M4").status is MeetingStatus.BOTH_ARRIVED
    finally:
        door.close()
        desk.close()


def test_due_soon_first_then_the_rest_and_tables_in_use(mm: Matchmaking) -> None:
    mm.arrive("US-2", "13:58")  # M2 (table 3): waiting for Wang Fang
    board = mm.meetings.board(t("14:02"))
    # Due within 10 minutes (or started, not yet a no-show) with a party missing: M2, M4.
    assert [s.meeting_id for s in board.due_soon] == ["M2", "M4"]
    assert [s.meeting_id for s in mm.meetings.statuses(t("14:02"))] == ["M2", "M4", "M1", "M3"]
    assert board.tables_in_use == ("3",)
    assert (board.counts.waiting, board.counts.scheduled, board.counts.no_show) == (1, 3, 0)
    mm.arrive("CN-2", "14:03")
    board = mm.meetings.board(t("14:05"))
    assert [s.meeting_id for s in board.due_soon] == ["M4"]
    assert board.counts.held == 1 and board.counts.both_arrived == 1
    board = mm.meetings.board(t("15:12"))  # M1 due at 15:20
    assert [s.meeting_id for s in board.due_soon] == ["M1"]
    assert board.counts.no_show == 1  # M4: nobody came
    assert board.tables_in_use == ()
    assert build_board([], t("15:12"), "matchmaking", lambda ids: []).counts.total == 0


def test_staff_marks_override_the_arrivals(mm: Matchmaking) -> None:
    mm.clock.set(t("14:30"))
    state = mm.meetings.mark("M4", MeetingMark.HELD, "desk")
    assert state.status is MeetingStatus.NO_SHOW and state.outcome is MeetingOutcome.HELD
    assert state.meeting.marked_by == "desk" and state.meeting.marked_at == t("14:30")
    assert mm.meetings.mark("M4", MeetingMark.NOT_HELD).outcome is MeetingOutcome.NOT_HELD
    assert mm.meetings.mark("M4", None).outcome is MeetingOutcome.NO_SHOW
    with pytest.raises(ValidationError, match="is cancelled"):
        mm.meetings.cancel("M2", "withdrawn", "desk")
        mm.meetings.mark("M2", MeetingMark.HELD)
    assert mm.meetings.state("M2").status is MeetingStatus.CANCELLED


def test_partly_held_when_every_company_came_but_not_everyone(
    service: CheckinService, clock: ManualClock, tmp_path: Path
) -> None:
    m = matchmaking(service, clock)
    rows = [["P1", "14:00", "14:20", "1", "US-1", "", "CN-1; CN-3", "", "", ""]]
    assert m.load(schedule_file(tmp_path / "p.csv", rows)).written
    m.arrive("US-1", "13:59")
    m.arrive("CN-3", "14:01")  # 张伟 for Mingyang; Liu Lianyu never comes
    state = m.meetings.state("P1", t("14:15"))
    assert state.status is MeetingStatus.NO_SHOW
    assert state.outcome is MeetingOutcome.PARTLY_HELD


def test_rematch_a_waiting_party_into_a_free_table_and_slot(mm: Matchmaking) -> None:
    mm.arrive("US-1", "13:58")  # M4's Liu Lianyu does not come
    mm.arrive("CN-3", "13:59")  # 张伟 (Mingyang too) is free at this hour
    mm.clock.set(t("14:07"))
    new = mm.meetings.rematch("M4", with_refs=["CN-3"], operator="desk")
    m = new.meeting
    assert (m.meeting_id, m.rematch_of, m.table) == ("M4-R1", "M4", "1")  # tables 3, 4 in use
    assert (m.start, m.end) == (t("14:10"), t("14:30"))  # the next 5 minutes, same length
    assert [p.attendee_id for p in m.parties] == [mm.ids["US-1"], mm.ids["CN-3"]]
    assert new.status is MeetingStatus.BOTH_ARRIVED
    old = mm.meetings.state("M4", t("14:08"))
    assert old.meeting.rematched_to == "M4-R1" and not old.meeting.active
    assert "M4" not in [s.meeting_id for s in mm.meetings.board(t("14:08")).due_soon]
    with pytest.raises(ValidationError, match="already re-matched"):
        mm.meetings.rematch("M4")
    # With the same counterpart later, at a given table: refused where the table is taken.
    mm.arrive("US-2", "14:12")
    with pytest.raises(ValidationError, match="table 12 is taken by meeting M1"):
        mm.meetings.rematch("M2", table="12", start=t("15:25"))
    again = mm.meetings.rematch("M2", table="12", start=t("14:40"))
    assert again.meeting.parties[1].attendee_id == mm.ids["CN-2"]
    assert again.meeting.start == t("14:40") and again.status is MeetingStatus.SCHEDULED


def test_nobody_here_nothing_to_rematch(mm: Matchmaking) -> None:
    mm.clock.set(t("14:12"))
    with pytest.raises(ValidationError, match="nobody of meeting M4 has arrived"):
        mm.meetings.rematch("M4")


def test_the_fast_status_of_every_meeting_agrees_with_the_full_one(
    service: CheckinService, clock: ManualClock, tmp_path: Path
) -> None:
    """`statuses` (no names, stored text) and `states` (names, datetimes) apply the same
    rules: compared every 5 minutes of the afternoon, with arrivals, a mark, a cancellation
    and a partly held meeting."""
    from datetime import timedelta

    from tests.helpers.meetings import GOOD

    m = matchmaking(service, clock)
    rows = [*GOOD, ["P1", "15:00", "15:20", "5", "US-2", "", "CN-1; CN-3", "", "", ""],
            ["P2", "16:30", "16:50", "5", "US-2", "", "CN-1; CN-3", "", "", ""]]  # fmt: skip
    assert m.load(schedule_file(tmp_path / "s.csv", rows)).written
    m.arrive("US-1", "13:55")
    m.arrive("CN-2", "14:05")
    m.arrive("US-2", "14:12")
    m.arrive("CN-3", "14:40")
    m.clock.set(t("15:30"))
    m.meetings.mark("M1", MeetingMark.NOT_HELD, "desk")
    m.meetings.cancel("M3", "moved", "desk")
    when = t("13:30")
    seen = set()
    while when <= t("17:30"):
        fast = {r.meeting_id: (r.status, r.outcome, r.waiting_since, r.here)
                for r in m.meetings.statuses(when)}  # fmt: skip
        full = {s.meeting_id: (s.status, s.outcome, s.waiting_since, len(s.arrived))
                for s in m.meetings.states(when)}  # fmt: skip
        assert fast == full, when
        seen.update((v[0], v[1]) for v in fast.values())
        when += timedelta(minutes=5)
    assert (MeetingStatus.NO_SHOW, MeetingOutcome.PARTLY_HELD) in seen
    assert (MeetingStatus.WAITING, MeetingOutcome.PENDING) in seen
    assert (MeetingStatus.BOTH_ARRIVED, MeetingOutcome.HELD) in seen


def test_the_kept_meeting_rows_follow_changes_made_by_another_connection(
    tmp_path: Path,
) -> None:
    """A reader keeps the meetings' rows between status reads (Store.meeting_rows); a mark,
    a cancellation or a re-import written by another process, and a rebuild, are seen at
    the next read. Check-ins by another connection are seen too (arrivals are read each
    time)."""
    from kiosk.checkin.bootstrap import init_database
    from kiosk.meetings.service import MeetingService
    from kiosk.models.event import load_event
    from kiosk.storage.projections.drivers import rebuild
    from tests.helpers.clocks import at

    db = tmp_path / "event.sqlite"
    writer = init_database(db, load_event())
    clock = at("13:00")
    mm = matchmaking(CheckinService(writer, clock, rng=random.Random(2)), clock)
    assert mm.load(schedule_file(tmp_path / "s.csv")).written
    reader = Store.open(db)
    seen = MeetingService(reader, clock)

    def status(mid: str) -> tuple[MeetingStatus, MeetingOutcome]:
        row = next(r for r in seen.statuses(t("14:05")) if r.meeting_id == mid)
        return row.status, row.outcome

    assert status("M2") == (MeetingStatus.SCHEDULED, MeetingOutcome.PENDING)
    kept = reader.meeting_rows.read(reader.conn)
    assert reader.meeting_rows.read(reader.conn) is kept  # nothing changed: not read again
    mm.arrive("US-2", "13:58")  # another connection's check-in: an arrival, no meeting change
    assert status("M2") == (MeetingStatus.WAITING, MeetingOutcome.PENDING)
    assert reader.meeting_rows.read(reader.conn) is kept
    mm.meetings.mark("M2", MeetingMark.HELD, "desk")
    assert status("M2") == (MeetingStatus.WAITING, MeetingOutcome.HELD)
    mm.meetings.cancel("M2", "moved", "desk")
    assert status("M2") == (MeetingStatus.CANCELLED, MeetingOutcome.CANCELLED)
    with writer.write() as tx:
        rebuild(tx.conn)
    assert status("M2") == (MeetingStatus.CANCELLED, MeetingOutcome.CANCELLED)
    assert reader.meeting_rows.read(reader.conn) is not kept
    assert [r.meeting_id for r in seen.statuses(t("14:05"))] == [
        s.meeting_id for s in MeetingService(writer, clock).states(t("14:05"))
    ]
    reader.close()
    writer.close()
