"""End to end under Xvfb and openbox (issue 20): "Andrew Clark, PNNL" walks in while
Andrew Clark of the Pacific Northwest National Laboratory is registered and checked in.
Typed at 40 and 120 ms a key; the desk offers the registered person before registering
anyone, and Enter checks him in instead: no second record, an "already checked in"."""

from __future__ import annotations

import random
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput, LogKind
from kiosk.storage.conflicts import conflicts
from kiosk.storage.store import Store
from tests.e2e.test_e2e_xvfb import (  # noqa: F401  (the fixtures)
    Screen,
    app,
    pytestmark,
    quit_app,
    screen,
    wait_for,
    wait_open,
)
from tests.helpers.clocks import at
from tests.helpers.reads import reads

CLARK = AttendeeInput(name="Andrew Clark", organization="Pacific Northwest National Laboratory",
                      email="andrew.clark@pnnl.example")  # fmt: skip


def registered_and_in(db: Path) -> str:
    store = Store.open(db)
    try:
        svc = CheckinService(store, at("08:50"), rng=random.Random(5))
        done = svc.walk_in(CLARK, admit_to="opening")
        store.conn.execute("UPDATE attendees SET walk_in = 0 WHERE attendee_id = ?",
                           (done.attendee.attendee_id,))  # fmt: skip
        store.conn.commit()
        return done.attendee.attendee_id
    finally:
        store.close()


def test_a_walk_in_duplicate_is_offered_and_checked_in_instead(
    screen: Screen,  # noqa: F811  (the fixtures imported above)
    app: Callable[..., subprocess.Popen[str]],  # noqa: F811
    demo_db: Path,
) -> None:
    aid = registered_and_in(demo_db)
    p = app()
    screen.window("Forum Check-in")
    wait_open(screen)
    screen.key("ctrl+n")
    try:
        wait_for(lambda: "Walk-in" in screen.active_name(), 20, "the walk-in dialog")
    except AssertionError:
        screen.evidence("no-walk-in-dialog")
        raise
    screen.type("andrew clark", 40)  # a fast typist
    screen.key("Tab", "Tab")
    screen.type("PNNL", 120)  # a slow one
    screen.key("Return")  # first: who is registered under that name?
    time.sleep(1.5)
    home = Path(screen.env["FORUM_CHECKIN_HOME"])
    assert "Walk-in" in screen.active_name()  # still open: offered, nobody registered
    screen.key("Return")  # the person offered (selected, with the focus): check him in
    log = home / "forum-checkin.log"

    def entries() -> list[object]:
        store = Store.open(demo_db, readonly=True)
        try:
            return [
                e
                for e in reads(store).log.entries()
                if e.attendee_id == aid and e.kind is LogKind.ENTRY
            ]
        finally:
            store.close()

    try:
        wait_for(lambda: len(entries()) == 2, 20, "the second scan of Andrew Clark")
    except AssertionError:
        screen.evidence("not-checked-in")
        raise
    quit_app(p)
    store = Store.open(demo_db, readonly=True)
    try:
        assert [e.outcome for e in entries()] == [  # type: ignore[attr-defined]
            Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN]  # fmt: skip
        clarks = [a for a in reads(store).people.everyone() if "clark" in a.name.lower()]
        assert [a.attendee_id for a in clarks if a.name == "Andrew Clark"] == [aid]
        assert not [e for e in reads(store).log.entries() if e.kind is LogKind.WALK_IN
                    and e.at > at("09:00").now()]  # fmt: skip
        assert list(conflicts(store.conn)) == []
    finally:
        store.close()
    assert log.exists()
