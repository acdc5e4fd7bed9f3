"""Import of a 10,000-meeting schedule: CSV and XLSX side by side, and a re-import.

Each import reads the file, checks every row (parties, overlaps of parties and tables,
session hours) and writes the meetings as log entries and projections (an import batch:
chunks of 1,000 meetings, one short transaction each). Prints one table with wall and CPU
seconds (other work on the machine inflates wall time). Goal: under 2 s.

    .venv/bin/python bench/meetings_import.py [--people 5000] [--meetings 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import xlsxwriter
from meetings_data import HEADER, build, schedule_rows, write_schedule

from kiosk.formats.schedule.reader import import_schedule_file, parse_schedule
from kiosk.meetings.service import MeetingService


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Schedule")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, [int(x) if x.isdigit() else x for x in row])
    wb.close()
    return path


def timed(fn: Callable[..., object], *args: object) -> tuple[float, float, object]:
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - w, time.process_time() - c, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--meetings", type=int, default=10_000)
    args = ap.parse_args()
    n = args.meetings
    results: list[tuple[str, float, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for kind in ("csv", "xlsx"):
            store, service, ext = build(d / f"{kind}.sqlite", args.people)
            rows = schedule_rows(ext, n)
            path = (write_schedule(d / "s.csv", rows) if kind == "csv"
                    else write_xlsx(d / "s.xlsx", rows))  # fmt: skip
            ms = MeetingService(store, service.clock)
            w, c, _ = timed(parse_schedule, path, service.event)
            results.append((f"{kind.upper()} {n:,}: read only (ref.)", w, c, None))
            w, c, out = timed(import_schedule_file, ms, path)
            result = out[1]  # type: ignore[index]
            assert result.written and result.scheduled == n, result.problems[:3]
            results.append((f"{kind.upper()} {n:,}: read + check + write", w, c, 2.0))
            if kind == "csv":
                w, c, out = timed(import_schedule_file, ms, path)
                assert out[1].unchanged == n  # type: ignore[index]
                results.append((f"CSV {n:,}: the same file again (nothing to write)", w, c, 2.0))
                moved = [
                    [*r[:1], str(int(r[1]) % 10 + 1), *r[2:]] for r in rows
                ]  # every slot moves
                path2 = write_schedule(d / "s2.csv", moved)
                w, c, out = timed(import_schedule_file, ms, path2)
                assert out[1].updated == n, out[1].problems[:3]  # type: ignore[index]
                results.append((f"CSV {n:,}: every meeting moved (updates)", w, c, 2.0))
            store.close()
    load = os.getloadavg()[0]
    print(f"\nMeeting schedule import, {args.people:,} attendees (load average {load:.1f} on "
          f"{os.cpu_count()} cores)\n")  # fmt: skip
    hdr = f"{'what':<52} | {'wall s':>7} {'cpu s':>7} | goal"
    print(hdr)
    print("-" * len(hdr))
    for what, w, c, goal in results:
        verdict = (
            "" if goal is None else ("PASS" if min(w, c) < goal else "FAIL") + f" (< {goal:g} s)"
        )
        print(f"{what:<52} | {w:>7.2f} {c:>7.2f} | {verdict}")


if __name__ == "__main__":
    main()
