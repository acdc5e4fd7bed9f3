"""The meetings projection is deterministic: built entry by entry it equals a rebuild from
the log, and stations that receive the same meeting entries in any order hold the same
meetings (hypothesis). Databases made before the meetings tables get them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.meetings import MeetingMark
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage.store import Store
from tests.helpers.meetings import GOOD, matchmaking, schedule_file, t
from tests.helpers.tables import projection_tables

IDS = ("A", "B", "C")
PEOPLE = ("p1", "p2", "p3", "p4")
T0 = t("13:00")


def _fields(draw: st.DrawFn, mid: str) -> dict[str, Any]:
    start = T0 + timedelta(minutes=20 * draw(st.integers(0, 3)))
    a, b = draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=2, unique=True))
    from kiosk.storage.base import ts

    return {"id": mid, "start": ts(start), "end": ts(start + timedelta(minutes=20)),
            "table": draw(st.sampled_from(("1", "2"))), "slot": None,
            "parties": [[a, draw(st.sampled_from(("", "Acme"))), ""], [b, "", "明阳"]],
            "interpreter": [draw(st.sampled_from(("", "p4"))), draw(st.sampled_from(("", "李娜")))],
            "languages": "", "source": "s.csv"}  # fmt: skip


@st.composite
def meeting_entries(draw: st.DrawFn) -> list[LogEntry]:
    out: list[LogEntry] = []
    batched = False
    for seq in range(1, draw(st.integers(1, 10)) + 1):
        kind = draw(st.sampled_from(("schedule", "cancel", "mark", "rematch")))
        at = T0 + timedelta(minutes=draw(st.integers(0, 3)))  # equal times: uuids decide
        batch = None
        if kind == "schedule":
            k, data = LogKind.MEETING_SCHEDULE, {"meetings": [
                _fields(draw, m) for m in draw(st.lists(st.sampled_from(IDS), min_size=1,
                                                        max_size=2, unique=True))]}  # fmt: skip
        elif kind == "cancel":
            k, data = LogKind.MEETING_CANCEL, {"meetings": draw(st.lists(
                st.sampled_from(IDS), min_size=1, max_size=2, unique=True)), "reason": "x"}  # fmt: skip
        elif kind == "mark":
            mark = draw(st.sampled_from([None, *(m.value for m in MeetingMark)]))
            k, data = LogKind.MEETING_MARK, {"meeting": draw(st.sampled_from(IDS)), "mark": mark}
        else:
            old, new = draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=2, unique=True))
            k, data = LogKind.MEETING_REMATCH, {"meeting": _fields(draw, new), "from": old}
        if k in (LogKind.MEETING_SCHEDULE, LogKind.MEETING_CANCEL) and draw(st.booleans()):
            batch, batched = "batch-1", True
        order = draw(st.integers(0, 2**16)) * 1000 + seq  # unique, in a drawn order
        out.append(LogEntry(str(uuid.UUID(int=order << 64)), k, at, "st-1",
                            seq, "Desk", operator=draw(st.sampled_from(("", "ann"))),
                            batch=batch, data=data))  # fmt: skip
    if batched and draw(st.booleans()):  # the batch committed (or not yet arrived)
        out.append(LogEntry(str(uuid.uuid4()), LogKind.IMPORT_COMMIT, T0, "st-1", len(out) + 1,
                            "Desk", batch="batch-1", data={"what": "meetings"}))  # fmt: skip
    return out


def _receive(store: Store, entries: list[LogEntry]) -> None:
    for e in entries:
        with store.write() as c:
            store.receive(c, e)
    store.catch_up()


def _meetings(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = projection_tables(store)
    return {k: tables[k] for k in ("meetings", "meeting_parties", "pending")}


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_arrival_order_gives_the_same_meetings_as_a_rebuild(data: st.DataObject) -> None:
    entries = data.draw(meeting_entries())
    shuffled = data.draw(st.permutations(entries))
    one, two = Store.memory(), Store.memory()
    try:
        _receive(one, entries)
        _receive(two, list(shuffled))
        assert _meetings(one) == _meetings(two)
        before = projection_tables(two)
        two.rebuild_projections()
        assert projection_tables(two) == before
    finally:
        one.close()
        two.close()


def test_a_working_day_entry_by_entry_equals_a_rebuild(
    service: CheckinService, clock: ManualClock, tmp_path: Path
) -> None:
    mm = matchmaking(service, clock)
    assert mm.load(schedule_file(tmp_path / "v1.csv")).written
    assert mm.load(schedule_file(tmp_path / "v2.csv", GOOD[:3])).cancelled == 1
    mm.arrive("US-2", "13:58")
    mm.arrive("CN-3", "14:00")
    mm.clock.set(t("14:12"))
    mm.meetings.rematch("M2", with_refs=["CN-3"], operator="desk")
    mm.meetings.mark("M1", MeetingMark.HELD, "desk")
    mm.meetings.cancel("M3", "the U.S. party left early", "desk")
    store = service.store
    assert store.conn.execute("SELECT COUNT(*) FROM meetings").fetchone()[0] == 5
    before = projection_tables(store)
    store.rebuild_projections()
    assert projection_tables(store) == before
