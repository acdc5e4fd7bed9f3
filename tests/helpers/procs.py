"""Work run in other processes (multiprocessing, spawn): several stations' programs on one
database file at once. Each function opens its own Store, waits at the barrier so that
all start together, and returns plain data."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import FixedClock, parse_instant
from kiosk.models.errors import KioskError
from kiosk.storage.store import Store

NOW = "2024-11-04T09:05:00+08:00"


def _service(db: str) -> CheckinService:
    return CheckinService(Store.open(Path(db)), FixedClock(parse_instant(NOW)))


def scan_codes(db: str, codes: list[str], repeat: int, seed: int, barrier: Any) -> dict[str, Any]:
    """Scan each code `repeat` times in a shuffled order; count outcomes and errors."""
    svc = _service(db)
    order = [c for c in codes for _ in range(repeat)]
    random.Random(seed).shuffle(order)
    outcomes: dict[str, int] = {}
    errors: list[str] = []
    barrier.wait()
    for code in order:
        try:
            r = svc.check_in(code, "opening")
            outcomes[r.outcome.value] = outcomes.get(r.outcome.value, 0) + 1
        except Exception as exc:  # the test fails on any
            errors.append(f"{type(exc).__name__}: {exc}")
    svc.store.close()
    return {"outcomes": outcomes, "errors": errors, "scans": len(order)}


def capacity_rounds(dbs: list[str], codes: list[list[str]], barrier: Any) -> list[int]:
    """For each database: wait for the others, then check these codes in; admissions."""
    admitted = []
    for db, mine in zip(dbs, codes, strict=True):
        svc = _service(db)
        barrier.wait()
        admitted.append(sum(svc.check_in(c, "opening").outcome.value == "admitted" for c in mine))
        svc.store.close()
    return admitted


def undo_once(db: str, log_uuid: str, barrier: Any) -> str:
    svc = _service(db)
    barrier.wait()
    try:
        svc.undo(log_uuid, "amy", "twice at once")
        return "undone"
    except KioskError as exc:
        return str(exc)
    finally:
        svc.store.close()


def reprint_once(db: str, attendee_id: str, barrier: Any) -> str:
    svc = _service(db)
    barrier.wait()
    try:
        return svc.reprint_badge(attendee_id, "amy", "at once")
    finally:
        svc.store.close()
