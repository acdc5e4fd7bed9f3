"""The 100,000-attendee database of the end-to-end decode benchmark (bench/decode.py).

Built the way bench/checkin.py builds its own: attendees through the store's bulk upsert,
badges inserted in one transaction, signed codes only for the `sample` that will be shown.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.codes import BadgeRef
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.event import load_event
from kiosk.storage.base import ts


def build(path: Path, n: int, sample: int) -> list[str]:
    """`n` attendees with a badge each, at `path`; returns the codes of `sample` of them."""
    event = load_event()
    event = replace(event, sessions=tuple(replace(s, capacity=None) for s in event.sessions))
    store = init_database(path, event)
    try:
        clock = ManualClock(parse_instant("2024-11-04T08:30", "Asia/Shanghai"))
        service = CheckinService(store, clock, rng=random.Random(5))
        ids = store.upsert_attendees(
            demo_attendees(n, seed=11), service.new_attendee_id, clock.now()
        ).ids
        chosen = set(random.Random(9).sample(range(n), sample))
        assert service.signer is not None
        codes, rows = [], []
        for i, aid in enumerate(ids):
            code = service.signer.sign(BadgeRef(i + 1, 1)) if i in chosen else ""
            if code:
                codes.append(code)
            rows.append((i + 1, aid, 1, code, ts(clock.now())))
        with store.write() as tx:
            tx.conn.executemany(
                "INSERT INTO badges (badge_id, attendee_id, version, code, issued_at) VALUES (?,?,?,?,?)",
                rows,
            )
    finally:
        store.close()
    return codes
