"""Export 100,000 check-ins: CSV, XLSX (ours and xlsxwriter constant_memory), JSON, side by side.

    .venv/bin/python bench/export.py [--rows 100000]

The database is built with the demo's attendees (imported); their check-ins are written
into the log in one transaction and folded into the projections by the store's rebuild
(CheckinService.check_in at 100,000 fsyncs would take minutes and is not what is measured
here). Goals: CSV < 1.5 s, XLSX < 7 s. The XLSX export
uses kiosk.formats.xlsx_stream (which escapes any text so that it reads back: see
tests/test_xlsx_writer.py); xlsxwriter (constant_memory) writes the same rows for comparison,
and the writer alone is timed on the same rows held in memory (no query, no conversion).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.formats.export import LocalTimes, _Data, columns_for, export
from kiosk.formats.importer import paused_gc
from kiosk.models.clock import FixedClock
from kiosk.models.event import load_event
from kiosk.storage.base import new_uuid, ts
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx


def build(path: Path, n: int) -> None:
    """`n` attendees imported, one admission each written straight into the log as four
    stations would have written it, then the projections folded from the log by the
    store's own rebuild (CheckinService.check_in at 100,000 fsyncs would take minutes)."""
    event = load_event()
    store = init_database(path, event)
    svc = CheckinService(store, FixedClock(datetime.now(UTC)), rng=random.Random(1))
    with paused_gc():
        ids = svc.import_attendees(demo_attendees(n, seed=11)).ids
        svc.issue_all_badges()
    badges = dict(store.conn.execute("SELECT attendee_id, badge_id FROM badges"))
    rng = random.Random(5)
    sessions = event.session_ids()
    stations = [(new_uuid(), f"desk-{k}") for k in range(1, 5)]
    rows = []
    for i, aid in enumerate(ids):
        station_id, station = stations[i % 4]
        sid = sessions[i % len(sessions)]
        at = ts(event.session(sid).start - timedelta(minutes=30, seconds=-rng.randint(0, 5400)))
        rows.append((new_uuid(), station_id, i // 4 + 1, station, at, "entry", sid, aid,
                     badges[aid], "", "admitted", None, json.dumps({"method": "camera"})))  # fmt: skip
    with store.write() as tx:
        tx.conn.executemany(
            "INSERT INTO log (uuid, station_id, station_seq, station, at, kind, session_id,"
            " attendee_id, badge_id, operator, outcome, ref, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    with paused_gc():
        store.rebuild_projections()
    store.close()


def xlsxwriter_reference(store: Store, out: Path) -> None:
    """The same attendance sheets written cell by cell with xlsxwriter (constant_memory)."""
    data = _Data(store, minimal=False)
    times = LocalTimes(data.event.tz)
    cols = columns_for("attendance", data.event.timezone)
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})  # fmt: skip
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    kinds = [c.kind for c in cols]
    for sid in data.sessions(None):
        ws = wb.add_worksheet(sid)
        ws.freeze_panes(1, 0)
        ws.write_row(0, 0, [c.header for c in cols])
        for n, row in enumerate(data.q.attendance(sid), start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if kinds[c] == "time":
                    ws.write_datetime(n, c, times.local(v), when)
                elif kinds[c] == "bool":
                    ws.write_boolean(n, c, bool(v))
                elif isinstance(v, str):
                    ws.write_string(n, c, v)
                else:
                    ws.write_number(n, c, v)
    wb.close()


def writers_alone(store: Store, d: Path) -> list[tuple[str, tuple[float, float], float | None]]:
    """Both writers on the same 100,000 rows already in memory: the writing alone."""
    from kiosk.formats.xlsx_stream import XlsxStreamWriter

    data = _Data(store, minimal=False)
    times = LocalTimes(data.event.tz)
    rows = [
        [times.local(v) if isinstance(v, str) and len(v) == 32 and v[10] == "T" else v
         for v in row]
        for sid in data.sessions(None) for row in data.q.attendance(sid)
    ]  # fmt: skip
    rows = [[("Tricky \x01 _x0041_ " + v) if i == 1 else v for i, v in enumerate(r)] for r in rows]

    def ours() -> None:
        book = XlsxStreamWriter(str(d / "ours.xlsx"))
        with book.sheet("rows", [12] * len(rows[0]), None) as ws:
            ws.rows_from(rows)
        book.close()

    def theirs() -> None:
        wb = xlsxwriter.Workbook(str(d / "theirs.xlsx"), {"constant_memory": True,
                                 "strings_to_numbers": False, "strings_to_formulas": False,
                                 "strings_to_urls": False})  # fmt: skip
        ws = wb.add_worksheet("rows")
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for n, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, datetime):
                    ws.write_datetime(n, c, v, when)
                elif v is not None:
                    ws.write(n, c, v)
        wb.close()

    return [
        (f"writer alone: kiosk xlsx_stream, {len(rows):,} rows in memory", timed(ours), None),
        ("writer alone: xlsxwriter constant_memory, same rows", timed(theirs), None),
    ]


def timed(fn: object, *args: object, **kw: object) -> tuple[float, float]:
    """(wall, CPU) seconds: other work on the machine inflates the wall time."""
    w, c = time.perf_counter(), time.process_time()
    fn(*args, **kw)  # type: ignore[operator]
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    n = args.rows
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "bench.sqlite"
        t_build, _ = timed(build, db, n)
        store = Store.open(db)
        now = datetime.now(UTC)
        results: list[tuple[str, tuple[float, float], float | None]] = []
        results.append(("Store.attendance() iterated (reference)", timed(
            lambda: sum(1 for _ in Tx(store.conn, store.event).presence.attendance())), None))  # fmt: skip
        results.append(("xlsxwriter constant_memory, same rows (reference)",
                        timed(xlsxwriter_reference, store, Path(d) / "ref.xlsx"), 7.0))  # fmt: skip
        for fmt, goal in (("csv", 1.5), ("xlsx", 7.0), ("json", None)):
            out = Path(d) / f"attendance.{fmt}"
            label = f"export attendance → {fmt}" + (
                " (kiosk streaming writer)" if fmt == "xlsx" else ""
            )
            results.append((label, timed(export, store, "attendance", fmt, out, now=now), goal))
        results.extend(writers_alone(store, Path(d)))
        results.append(("export scan log → csv", timed(
            export, store, "scans", "csv", Path(d) / "scans.csv", now=now), 1.5))  # fmt: skip
        store.close()
    load = os.getloadavg()[0]
    print(f"\nExport of {n:,} check-ins (database built in {t_build:.1f} s; "
          f"load average {load:.1f} on {os.cpu_count()} cores)\n")  # fmt: skip
    print(f"{'variant':<58} {'wall s':>7} {'cpu s':>7} {'goal':>7}  result")
    print("-" * 92)
    for label, (wall, cpu), goal in results:
        verdict = "" if goal is None else ("pass" if min(wall, cpu) < goal else "FAIL")
        g = "" if goal is None else f"< {goal:g}"
        print(f"{label:<58} {wall:>7.2f} {cpu:>7.2f} {g:>7}  {verdict}")


if __name__ == "__main__":
    main()
