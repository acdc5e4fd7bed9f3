"""Printing badges at the desk through CUPS: how long, and what it costs the check-in.

A private CUPS server (tests/helpers/cupsd.PrintLab: nothing of the machine's own CUPS is
used) and a demo database. Prints one table, side by side:
- scan -> job submitted: the check-in, BadgeDesk.prepare (print at first check-in), the
  badge's PDF (4 x 3 in) and the CUPS submit; goal p95 < 300 ms;
- scan -> job completed, on the PDF queue (CUPS says job-state completed);
- scan -> admitted (the check-in alone) while badges print on no printer, on a printer
  that takes the connection and stalls, and on a dead one (nobody at its address). As at
  the desk, the database work (check-in, prepare) runs in one process and the printing
  (PDF, submit, follow) in another, so the check-in never waits for a printer.

    .venv/bin/python bench/printing.py [--scans 60]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.badges.cupsprint import CupsPrinters, Submitted
from kiosk.badges.printing import BadgeDesk, DeskPrinter, PrintJob
from kiosk.badges.printstate import FollowPolicy, PrintResult
from kiosk.badges.stocks import parse_label
from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx
from tests.helpers.clocks import EVENT_DAY
from tests.helpers.cupsd import PrintLab

LABEL = "4x3in"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def setup(folder: Path, n: int) -> tuple[Path, list[str]]:
    db = folder / "bench.sqlite"
    build_demo(db, attendees=max(200, 4 * n), day=EVENT_DAY, seed=11)
    store = Store.open(db)
    try:
        svc = CheckinService(store, clock_at_opening(store), rng=random.Random(3))
        people = list(Tx(store.conn, store.event).people.everyone())
        random.Random(1).shuffle(people)
        return db, [svc.badge_code(a.attendee_id) for a in people[: 4 * n]]
    finally:
        store.close()


def clock_at_opening(store: Store) -> ManualClock:
    return ManualClock(store.event().session("opening").start)


def desk_of(db: Path) -> BadgeDesk:
    store = Store.open(db)
    desk = BadgeDesk(CheckinService(store, clock_at_opening(store)), label=LABEL)
    desk.warm_up()
    return desk


def scan(desk: BadgeDesk, code: str) -> tuple[float, PrintJob | None]:
    """One scan at the desk: the check-in, then (admitted) the badge to print."""
    result = desk.service.check_in(code, "opening")
    admitted = time.perf_counter()
    assert result.outcome is Outcome.ADMITTED, result.outcome
    job = desk.prepare(result.attendee_id or "", reason="first check-in", only_first=True)
    return admitted, job


def submit_and_complete(
    desk: BadgeDesk, cups: CupsPrinters, codes: list[str]
) -> dict[str, list[float]]:
    """scan -> submitted and scan -> completed on the PDF queue, in one process."""
    label = parse_label(LABEL)
    out: dict[str, list[float]] = {"submitted": [], "completed": []}
    policy = FollowPolicy(timeout_s=30, poll_s=0.01, slow_poll_s=0.01)
    for code in codes:
        t0 = time.perf_counter()
        _admitted, job = scan(desk, code)
        assert job is not None
        sub = cups.submit("PDF", job.pdf(), job.title, label)
        assert isinstance(sub, Submitted), sub
        out["submitted"].append(time.perf_counter() - t0)
        done = cups.follow(sub, policy)
        assert done.printed, str(done)
        out["completed"].append(time.perf_counter() - t0)
        desk.record_result(job, done)
    return out


def print_worker(server: str, printer: str, jobs: Any, results: Any) -> None:
    """The desk's print side, in a process of its own."""
    os.environ["CUPS_SERVER"] = server
    desk_printer = DeskPrinter(
        CupsPrinters(), printer, FollowPolicy(timeout_s=5, offline_after_s=1)
    )
    while (job := jobs.get()) is not None:
        r: PrintResult = desk_printer.print(job, lambda _j, _r: "")
        results.put(r.status.value)


def admitted_while_printing(
    db: Path, server: str, printer: str | None, codes: list[str]
) -> list[float]:
    """scan -> admitted for each code, badges handed to a print process on `printer`."""
    desk = desk_of(db)
    ctx = mp.get_context("spawn")
    jobs, results = ctx.Queue(), ctx.Queue()
    worker = None
    if printer is not None:
        worker = ctx.Process(
            target=print_worker, args=(server, printer, jobs, results), daemon=True
        )
        worker.start()
    lat = []
    try:
        for code in codes:
            t0 = time.perf_counter()
            admitted, job = scan(desk, code)
            lat.append(admitted - t0)
            if worker is not None and job is not None:
                jobs.put(job)
            time.sleep(0.05)  # the next attendee steps up
    finally:
        if worker is not None:
            jobs.put(None)
            worker.terminate()
            worker.join(10)
        desk.store.close()
    return lat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=60)
    n = ap.parse_args().scans
    lab = PrintLab.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db, codes = setup(Path(tmp), n)
            desk = desk_of(db)
            cups = CupsPrinters(lab.server)
            printed = submit_and_complete(desk, cups, codes[:n])
            desk.store.close()
            rows = [("scan -> job submitted (PDF queue)", printed["submitted"]),
                    ("scan -> job completed (PDF queue)", printed["completed"])]  # fmt: skip
            for name, printer, part in (("no printer", None, 1), ("printer stalls", "Stall", 2),
                                        ("printer dead", "Dead", 3)):  # fmt: skip
                lat = admitted_while_printing(
                    db, lab.server, printer, codes[part * n : (part + 1) * n]
                )
                rows.append((f"scan -> admitted, {name}", lat))
    finally:
        lab.stop()
    load = os.getloadavg()[0]
    print(f"\nBadge printing through CUPS ({n} scans each, label {LABEL}, load {load:.1f} "
          f"on {os.cpu_count()} cores); goal: scan -> submitted p95 < 300 ms\n")  # fmt: skip
    hdr = f"{'':40} {'median ms':>10} {'p95 ms':>9} {'max ms':>9}"
    print(hdr)
    print("-" * len(hdr))
    for name, xs in rows:
        ms = [x * 1000 for x in xs]
        print(f"{name:40} {statistics.median(ms):10.1f} {pct(ms, 95):9.1f} {max(ms):9.1f}")


if __name__ == "__main__":
    main()
