"""Shared by the meetings benchmarks (not a benchmark itself): an event database with
PEOPLE attendees registered for matchmaking, every one badged, and a schedule file of
MEETINGS meetings (ten 20-minute slots, MEETINGS / 10 tables, each attendee in several)."""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.event import Event, load_event
from kiosk.storage.store import Store

HEADER = ["Meeting ID", "Slot", "Table", "Party 1", "Party 2", "Interpreter", "Languages"]


def bench_event() -> Event:
    """The forum without capacities (every scan admits) and with any table name allowed."""
    event = load_event()
    return replace(
        event,
        sessions=tuple(replace(s, capacity=None) for s in event.sessions),
        matchmaking=replace(event.matchmaking, tables=()),
    )


def clock_at(hhmm: str) -> ManualClock:
    return ManualClock(parse_instant(f"2024-11-04T{hhmm}", "Asia/Shanghai"))


def build(path: Path, people: int) -> tuple[Store, CheckinService, list[str]]:
    """The database, its service (clock 13:00) and the attendees' external ids."""
    store = init_database(path, bench_event())
    service = CheckinService(store, clock_at("13:00"), rng=random.Random(5))
    rows = [replace(p, sessions=("opening", "showcase", "matchmaking"))
            for p in demo_attendees(people, seed=11)]  # fmt: skip
    service.import_attendees(rows)
    service.issue_all_badges()
    return store, service, [p.external_id for p in rows]


def schedule_rows(external_ids: list[str], meetings: int) -> list[list[str]]:
    """Ten slots of meetings/10 meetings, each pairing two people free in that slot."""
    rng = random.Random(3)
    per_slot = meetings // 10
    out: list[list[str]] = []
    for slot in range(1, 11):
        people = external_ids[:]
        rng.shuffle(people)
        for table in range(per_slot):
            a, b = people[2 * table], people[2 * table + 1]
            interp = "李娜" if table % 7 == 0 else ""
            out.append([f"S{slot}-{table + 1}", str(slot), str(table + 1), a, b, interp,
                        "en-zh" if interp else ""])  # fmt: skip
    return out


def write_schedule(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path
