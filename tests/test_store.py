from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.models.errors import StorageError
from kiosk.models.event import load_event
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

PEOPLE = [
    AttendeeInput(name="Ann Lee", email="ann@x.org", external_id="E1", sessions=("opening",)),
    AttendeeInput(name_zh="王芳", email="wang.fang@y.cn", external_id="E2"),
    AttendeeInput(name="No Id", email="noid@z.org"),
]


def test_upsert_is_idempotent_and_updates_by_key(service: CheckinService, store: Store) -> None:
    now = service.clock.now()
    first = store.upsert_attendees(PEOPLE, service.new_attendee_id, now)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = store.upsert_attendees(PEOPLE, service.new_attendee_id, now)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert again.ids == first.ids
    changed = [
        AttendeeInput(name="Ann Lee", email="ann@new.org", external_id="E1", sessions=("opening",)),
        AttendeeInput(name="No Id", email="NOID@z.org", title="Dr."),  # email key, any case
    ]
    upd = store.upsert_attendees(changed, service.new_attendee_id, now)
    assert (upd.inserted, upd.updated) == (0, 2)
    assert reads(store).people.find("E1").email == "ann@new.org"  # type: ignore[union-attr]
    assert reads(store).people.find("noid@z.org").title == "Dr."  # type: ignore[union-attr]
    assert reads(store).people.count() == 3


def test_check_in_is_durable_when_the_call_returns(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    store = init_database(path, load_event())
    service = CheckinService(store, at("09:10"))
    aid = store.upsert_attendees(PEOPLE[:1], service.new_attendee_id, service.clock.now()).ids[0]
    code = service.badge_code(aid)
    assert service.check_in(code, "opening").outcome is Outcome.ADMITTED
    # Another connection (another process would see the same) sees it at once.
    other = sqlite3.connect(path)
    assert other.execute("SELECT outcome FROM log WHERE kind = 'entry'").fetchall() == [
        ("admitted",)
    ]
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    other.close()
    store.close()
    reopened = Store.open(path)
    assert reads(reopened).presence.stats()[0].admitted == 1
    reopened.close()


def test_full_disk_is_a_clear_error_and_keeps_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    store = init_database(path, load_event())
    service = CheckinService(store, at("09:10"))
    aid = store.upsert_attendees(PEOPLE[:1], service.new_attendee_id, service.clock.now()).ids[0]
    code = service.badge_code(aid)
    service.check_in("first refused scan", "opening")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is now full
    with pytest.raises(StorageError, match="full"):
        service.check_in(code + "x" * 400, "opening")
        for i in range(200):
            service.check_in(f"filler {i} " + "y" * 400, "opening")
    store.close()
    reopened = Store.open(path)
    assert (
        next(e.code for e in reads(reopened).log.entries(kinds=("entry",))) == "first refused scan"
    )
    reopened.close()


def test_not_a_database(tmp_path: Path) -> None:
    p = tmp_path / "notes.sqlite"
    p.write_text("this is not sqlite " * 100)
    with pytest.raises(StorageError, match=r"notes\.sqlite: not an SQLite database"):
        Store.open(p)
    with pytest.raises(StorageError, match="no such folder"):
        Store.open(tmp_path / "missing" / "x.sqlite")


def test_other_event_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "e.sqlite"
    init_database(path, load_event()).close()
    with pytest.raises(StorageError, match="already holds event"):
        init_database(path, replace(load_event(), id="other"))
    # Loading the same event again keeps the key: issued badges stay valid.
    s1 = Store.open(path)
    key = s1.keys()
    s1.close()
    s2 = init_database(path, load_event())
    assert s2.keys() == key
    s2.close()


def test_arrivals_and_no_shows(demo_db: Path) -> None:
    store = Store.open(demo_db)
    clock = at("08:31")
    service = CheckinService(store, clock)
    people = list(reads(store).people.everyone())[:5]
    for i, a in enumerate(people):
        clock.set(at(f"08:{31 + i * 7:02d}").now())
        service.check_in(service.badge_code(a.attendee_id), "opening")
    arrivals = reads(store).presence.arrivals("opening", 10)
    assert sum(n for _, n in arrivals) == 5
    assert [n for _, n in arrivals] == [2, 1, 2]  # 08:30, 08:40, 08:50 buckets
    assert len(reads(store).presence.no_shows("opening")) == reads(store).people.count() - 5
    registered = reads(store).presence.stats()[-1].registered
    assert len(reads(store).presence.no_shows("matchmaking")) == registered
    store.close()
