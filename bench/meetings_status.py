"""The status of every meeting, 10,000 meetings with half the attendees arrived. Prints one
table, side by side: every meeting's status without names (MeetingService.statuses: what
the dashboard's counts and lists are made from; the meetings' rows are kept while no
meeting changes, and re-read after a change), the dashboard's board (statuses, then
names for the due-soon meetings), every meeting's status with names (states: what
`meetings status` prints), and one attendee's upcoming meetings (what a check-in reads).
Goal: the status of every meeting under 50 ms.

    .venv/bin/python bench/meetings_status.py [--people 5000] [--meetings 10000] [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from meetings_data import build, clock_at, schedule_rows, write_schedule

from kiosk.formats.schedule.reader import import_schedule_file
from kiosk.meetings.service import MeetingService
from kiosk.storage import meetings as q
from kiosk.storage.meetings import MeetingRows
from kiosk.storage.tx import Tx


def runs(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def reread(ms: MeetingService, now: object) -> object:
    """statuses as after a change to the meetings (an import, a mark): rows read again."""
    ms.store.meeting_rows = MeetingRows()
    return ms.statuses(now)  # type: ignore[arg-type]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--meetings", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, service, ext = build(Path(tmp) / "mm.sqlite", args.people)
        ms = MeetingService(store, service.clock)
        path = write_schedule(Path(tmp) / "s.csv", schedule_rows(ext, args.meetings))
        assert import_schedule_file(ms, path)[1].written
        service.clock.set(clock_at("14:00").now())
        for x in ext[::2]:  # half of them arrive
            service.manual_check_in(x, "matchmaking")
        now = clock_at("15:05").now()
        states = ms.states(now)
        assert len(states) == args.meetings
        one = Tx(store.conn, store.event).people.find(ext[1])
        assert one is not None
        assert [r.status for r in ms.statuses(now)] == [s.status for s in states]
        results = [
            ("status of every meeting (statuses)", runs(lambda: ms.statuses(now), args.runs), 50.0),
            ("  the same, meetings re-read", runs(lambda: reread(ms, now), args.runs), 50.0),
            ("dashboard board", runs(lambda: ms.board(now), args.runs), None),
            ("every meeting with names (states)", runs(lambda: ms.states(now), args.runs), None),
            ("one attendee's upcoming meetings",
             runs(lambda: q.upcoming(store.conn, one.attendee_id, "matchmaking", now), 200), None),
        ]  # fmt: skip
        store.close()
    print(f"\nMeeting status, {args.meetings:,} meetings, {args.people:,} attendees, half arrived "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")  # fmt: skip
    hdr = f"{'what':<36} | {'median ms':>9} {'max ms':>8} | goal"
    print(hdr)
    print("-" * len(hdr))
    for what, xs, goal in results:
        med = statistics.median(xs)
        verdict = "" if goal is None else ("PASS" if med < goal else "FAIL") + f" (< {goal:g} ms)"
        print(f"{what:<36} | {med:>9.2f} {max(xs):>8.2f} | {verdict}")


if __name__ == "__main__":
    main()
