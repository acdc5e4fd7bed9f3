"""Import of 100,000 attendee rows with validation: CSV and XLSX, side by side.

    .venv/bin/python bench/import_rows.py [--rows 100000] [--store-rows N (default: --rows)]

Goal: a whole import of 100,000 rows under 3 s (a raw insert in one transaction takes
about 1 s here). Reading + validating is measured at --rows, the whole import (parse,
validate, Store.upsert_attendees) at --store-rows. Wall and CPU seconds are both shown:
other work on the machine inflates wall time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl
import xlsxwriter

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.formats.importer import import_attendees, parse_attendees
from kiosk.models.clock import FixedClock
from kiosk.models.event import load_event
from kiosk.models.records import AttendeeInput

HEADER = ["Attendee #", "First Name", "Last Name", "姓名", "Company", "单位", "Job Title",
          "Email", "Cell Phone", "Category", "Delegation", "Ticket Type", "Notes"]  # fmt: skip
TICKETS = ["Full Forum", "Full Forum + Matchmaking", "Plenary Only", "Exhibitor", "Press"]


def rows_for(people: list[AttendeeInput]) -> list[list[object]]:
    rng = random.Random(3)
    out: list[list[object]] = []
    for p in people:
        first, _, last = p.name.partition(" ")
        out.append([p.external_id, first, last, p.name_zh, p.organization, p.organization_zh,
                    p.title, p.email, p.phone, p.category, p.delegation, rng.choice(TICKETS),
                    p.notes])  # fmt: skip
    return out


def write_files(d: Path, n: int) -> tuple[Path, Path, list[list[object]]]:
    import csv

    rows = rows_for(demo_attendees(n, seed=11))
    csv_path = d / "attendees.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    xlsx_path = d / "attendees.xlsx"
    wb = xlsxwriter.Workbook(str(xlsx_path))  # shared strings, as Excel saves
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return csv_path, xlsx_path, rows


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--store-rows", type=int, default=None)
    args = ap.parse_args()
    n = args.rows
    m = min(args.store_rows or n, n)
    event = load_event()
    results: list[tuple[str, tuple[float, float], float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        csv_path, xlsx_path, rows = write_files(d, n)
        results.append(
            (f"CSV {n:,}: read + validate", timed(lambda: parse_attendees(csv_path, event)), 2.0)
        )
        results.append(
            (f"XLSX {n:,}: read + validate", timed(lambda: parse_attendees(xlsx_path, event)), 2.0)
        )

        def openpyxl_read() -> None:
            wb = openpyxl.load_workbook(xlsx_path, read_only=True, data_only=True)
            for _ in wb.worksheets[0].iter_rows(values_only=True):
                pass
            wb.close()

        results.append(
            (f"XLSX {n:,}: openpyxl read-only, no validation (ref.)", timed(openpyxl_read), None)
        )

        def raw_insert() -> None:
            store = init_database(d / "raw.sqlite", event)
            stamp = datetime.now(UTC).isoformat()
            with store.write() as tx:
                tx.conn.executemany(
                    "INSERT INTO attendees (attendee_id, external_id, name, name_zh, email, "
                    "created_at, updated_at, ver) VALUES (?,?,?,?,?,?,?,?)",
                    [(f"A{i}", r[0], f"{r[1]} {r[2]}", r[3], r[7], stamp, stamp, stamp)
                     for i, r in enumerate(rows)],
                )  # fmt: skip
            store.close()

        results.append((f"raw insert {n:,} rows, one transaction (ref.)", timed(raw_insert), None))
        small = d / "small.csv"
        with csv_path.open(encoding="utf-8-sig") as src:
            small.write_text(
                "".join(line for _, line in zip(range(m + 1), src, strict=False)), "utf-8"
            )

        def full_import() -> None:
            store = init_database(d / "full.sqlite", event)
            service = CheckinService(store, FixedClock(datetime.now(UTC)))
            result = import_attendees(service, small)
            assert result.inserted == m, result.summary()
            store.close()

        results.append(
            (
                f"CSV {m:,}: whole import (log entries + projections)",
                timed(full_import),
                3.0 * m / 100_000,
            )
        )
    load = os.getloadavg()[0]
    print(f"\nAttendee import (load average {load:.1f} on {os.cpu_count()} cores)\n")
    print(f"{'variant':<62} {'wall s':>7} {'cpu s':>7} {'goal':>7}  result")
    print("-" * 96)
    for label, (wall, cpu), goal in results:
        verdict = "" if goal is None else ("pass" if min(wall, cpu) < goal else "FAIL")
        g = "" if goal is None else f"< {goal:g}"
        print(f"{label:<62} {wall:>7.2f} {cpu:>7.2f} {g:>7}  {verdict}")
    print("\ngoal of a whole 100k import: < 3 s; read + validate gets 2 s of it, the write 1 s.")


if __name__ == "__main__":
    main()
