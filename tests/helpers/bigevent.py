"""A large event for the sync tests and benchmarks: an import of many attendees at the
desk, and a stream of scans at a door, written through the store as the product writes
them."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput, LogKind
from kiosk.storage.store import Store
from tests.helpers.clocks import at


def guests(n: int, start: int = 0) -> list[AttendeeInput]:
    return [
        AttendeeInput(name=f"Guest {i}", email=f"guest{i}@example.org",
                      organization=f"Company {i % 997}", sessions=("opening",))
        for i in range(start, start + n)
    ]  # fmt: skip


def import_people(path: Path, n: int, clock: ManualClock | None = None) -> None:
    """`n` new attendees imported at `path` (one batch: chunks, then its commit)."""
    store = Store.open(path)
    try:
        service = CheckinService(store, clock or at("08:30"), rng=random.Random(5))
        service.import_attendees(guests(n), source="big.csv", keep_ids=False)
    finally:
        store.close()


def scan_stream(path: Path, n: int, clock: ManualClock | None = None, seed: int = 3) -> None:
    """`n` entry scans at `path` of attendees it holds (first admissions, then repeats of
    the same people), in transactions of 500, each scan a millisecond after the last."""
    store = Store.open(path)
    clock = clock or at("09:05")
    try:
        ids = [r[0] for r in store.conn.execute(
            "SELECT attendee_id FROM attendees ORDER BY attendee_id")]  # fmt: skip
        people = random.Random(seed).sample(ids, min(len(ids), max(1, n * 2 // 3)))
        sessions = [s.id for s in store.event().sessions]
        admitted: set[tuple[str, str]] = set()
        for start in range(0, n, 500):
            with store.write() as c:
                for k in range(start, min(n, start + 500)):
                    aid, session = people[k % len(people)], sessions[k % 2]
                    outcome = (Outcome.ALREADY_CHECKED_IN if (aid, session) in admitted
                               else Outcome.ADMITTED)  # fmt: skip
                    admitted.add((aid, session))
                    store.append(c, LogKind.ENTRY, clock.now() + timedelta(milliseconds=k),
                                 session_id=session, attendee_id=aid, outcome=outcome,
                                 data={"method": "camera"})  # fmt: skip
    finally:
        store.close()
