"""Several processes on one database file (the desk and the CLI, two windows): every decision
is read and written in one transaction, so capacity holds, nobody is admitted twice, every
scan is logged, and a second writer waits instead of failing."""

from __future__ import annotations

import multiprocessing as mp
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.models.event import load_event
from kiosk.models.records import AttendeeInput
from kiosk.storage.store import Store
from tests.helpers import procs
from tests.helpers.clocks import at
from tests.helpers.reads import reads

CTX = mp.get_context("spawn")


def make_db(path: Path, people: int, capacity: int | None = None) -> list[str]:
    event = load_event()
    if capacity is not None:
        event = replace(event, sessions=tuple(
            replace(s, capacity=capacity) if s.id == "opening" else s for s in event.sessions
        ))  # fmt: skip
    store = init_database(path, event)
    svc = CheckinService(store, at("08:00"), rng=random.Random(5))
    ids = svc.import_attendees(
        [AttendeeInput(name=f"Guest {i}", email=f"g{i}@example.org") for i in range(people)]
    ).ids
    codes = [svc.badge_code(a) for a in ids]
    store.close()
    return codes


def admitted_entries(path: Path) -> Counter[str]:
    store = Store.open(path, readonly=True)
    try:
        return Counter(
            e.attendee_id or ""
            for e in reads(store).log.entries(kinds=("entry",))
            if e.outcome is not None and e.outcome.value == "admitted"
        )
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 4])
def test_same_badges_at_once_one_admission_each_every_scan_logged(
    tmp_path: Path, workers: int
) -> None:
    db = tmp_path / "event.sqlite"
    codes = make_db(db, 60)
    repeat = 3000 // (workers * len(codes)) + 1
    with CTX.Manager() as m:
        barrier = m.Barrier(workers)
        with CTX.Pool(workers) as pool:
            results = pool.starmap(
                procs.scan_codes,
                [(str(db), codes, repeat, seed, barrier) for seed in range(workers)],
            )
    assert [r["errors"] for r in results] == [[]] * workers  # no error reached anyone
    total = Counter[str]()
    for r in results:
        total.update(r["outcomes"])
    assert total["admitted"] == len(codes)
    assert total["already_checked_in"] == sum(r["scans"] for r in results) - len(codes)
    assert set(admitted_entries(db).values()) == {1} and len(admitted_entries(db)) == len(codes)
    store = Store.open(db, readonly=True)
    try:
        assert len(list(reads(store).log.entries(kinds=("entry",)))) == sum(
            r["scans"] for r in results
        )
        assert reads(store).presence.stats()[0].admitted == len(codes)
        seqs = [
            e.station_seq for e in reads(store).log.entries()
        ]  # one station: its own counter, no gaps
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    finally:
        store.close()


@pytest.mark.slow
def test_different_badges_at_once(tmp_path: Path) -> None:
    db = tmp_path / "event.sqlite"
    codes = make_db(db, 80)
    parts = [codes[i::4] for i in range(4)]
    with CTX.Manager() as m:
        barrier = m.Barrier(4)
        with CTX.Pool(4) as pool:
            results = pool.starmap(
                procs.scan_codes, [(str(db), part, 10, i, barrier) for i, part in enumerate(parts)]
            )
    assert all(not r["errors"] for r in results)
    assert [r["outcomes"]["admitted"] for r in results] == [20, 20, 20, 20]
    assert len(admitted_entries(db)) == 80


@pytest.mark.slow
def test_capacity_holds_with_three_stations_in_ten_rounds(tmp_path: Path) -> None:
    dbs, shares = [], []
    for n in range(10):
        db = tmp_path / f"round{n}.sqlite"
        codes = make_db(db, 12, capacity=5)
        dbs.append(str(db))
        shares.append([codes[i::3] for i in range(3)])  # four attendees per station
    with CTX.Manager() as m:
        barrier = m.Barrier(3)
        with CTX.Pool(3) as pool:
            per_station = pool.starmap(
                procs.capacity_rounds,
                [(dbs, [s[i] for s in shares], barrier) for i in range(3)],
            )
    per_round = [sum(station[n] for station in per_station) for n in range(10)]
    assert per_round == [5] * 10
    for db in dbs:
        assert sum(admitted_entries(Path(db)).values()) == 5


@pytest.mark.slow
def test_one_undo_and_distinct_badge_versions_when_done_twice_at_once(tmp_path: Path) -> None:
    db = tmp_path / "event.sqlite"
    codes = make_db(db, 3)
    store = Store.open(db)
    svc = CheckinService(store, at("09:05"))
    admitted = svc.check_in(codes[0], "opening")
    aid = admitted.attendee_id
    assert aid is not None
    store.close()
    with CTX.Manager() as m:
        barrier = m.Barrier(2)
        with CTX.Pool(2) as pool:
            undos = pool.starmap(procs.undo_once, [(str(db), admitted.log_uuid, barrier)] * 2)
            barrier2 = m.Barrier(2)
            new_codes = pool.starmap(procs.reprint_once, [(str(db), aid, barrier2)] * 2)
    assert sorted(undos)[1] == "undone" and "already undone" in sorted(undos)[0]
    assert new_codes[0] != new_codes[1]
    store = Store.open(db, readonly=True)
    try:
        assert len(list(reads(store).log.entries(kinds=("annul",)))) == 1
        versions = sorted(
            r[0]
            for r in store.conn.execute("SELECT version FROM badges WHERE attendee_id = ?", (aid,))
        )
        assert versions == [1, 2, 3]
        live = store.conn.execute(
            "SELECT COUNT(*) FROM badges WHERE attendee_id = ? AND revoked_at IS NULL", (aid,)
        ).fetchone()[0]
        assert live == 1
    finally:
        store.close()
