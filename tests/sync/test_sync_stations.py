"""Several stations at once, each a process with its own database file and machine id,
syncing through one hub while they check people in."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.models.event import load_event
from kiosk.storage.store import Store
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import EVENT_DAY
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk
from tests.helpers.tables import projection_tables

REPO = Path(__file__).resolve().parents[2]


def run_stations(
    tmp_path: Path, server: ServerConfig, scans: list[list[list[str]]], desk_path: Path
) -> list[dict[str, object]]:
    base = Store.open(desk_path, readonly=True)
    expect = sum(1 for _ in reads(base).log.entries()) + sum(len(s) for s in scans)
    base.close()
    procs = []
    for i, mine in enumerate(scans):
        plan = tmp_path / f"scans-{i}.json"
        plan.write_text(json.dumps(mine))
        env = {**os.environ, "FORUM_CHECKIN_HUB": server.dsn,
               "FORUM_CHECKIN_MACHINE_ID": f"machine-{i}"}  # fmt: skip
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.station_proc", str(tmp_path / f"s{i}.sqlite"),
             str(plan), f"door-{i}", str(expect)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=240)
        assert p.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    for r in out:  # each held every entry and had pushed all its own when it stopped
        assert r["synced"], r
    return out


def converged(tmp_path: Path, n: int) -> list[dict[str, list[tuple[object, ...]]]]:
    tables = []
    for i in range(n):
        store = Store.open(tmp_path / f"s{i}.sqlite", readonly=True)
        tables.append(projection_tables(store))
        store.close()
    return tables


def at_in(session_id: str, minutes: float) -> str:
    s = load_event().moved_to(EVENT_DAY).session(session_id)
    return (s.start + timedelta(minutes=minutes)).isoformat()


@pytest.mark.slow
@pytest.mark.parametrize("stations", [2, 5])
def test_stations_checking_in_the_same_attendees_at_once(
    tmp_path: Path, server: ServerConfig, stations: int
) -> None:
    d = desk(tmp_path, server, attendees=60)
    all_codes = list(codes(d).values())
    plans = []
    for i in range(stations):
        order = all_codes[:]
        random.Random(i).shuffle(order)
        plans.append([[c, "opening", at_in("opening", 5 + k * 0.01)] for k, c in enumerate(order)])
    results = run_stations(tmp_path, server, plans, d)
    for r in results:
        outcomes = r["outcomes"]
        assert isinstance(outcomes, dict)
        assert outcomes.get("admitted", 0) + outcomes.get("already_checked_in", 0) == 60
    tables = converged(tmp_path, stations)
    for i, t in enumerate(tables[1:], 1):  # name the table that differs, if any
        assert {k for k in t if t[k] != tables[0][k]} == set(), f"station {i}"
    first = tables[0]
    counts = {row[0]: row[1] for row in first["session_counts"]}
    assert counts["opening"] == 60  # each attendee counted once
    admissions = sum(r["outcomes"].get("admitted", 0) for r in results)  # type: ignore[union-attr]
    assert len(first["duplicates"]) == admissions - 60  # every other admission is a conflict


@pytest.mark.slow
def test_ten_thousand_check_ins_from_four_stations_converge(
    tmp_path: Path, server: ServerConfig
) -> None:
    d = desk(tmp_path, server, attendees=2500)
    all_codes = list(codes(d).values())
    sessions = ["opening", "energy-transition", "green-finance", "showcase"]
    plans = []
    for i in range(4):
        rng = random.Random(100 + i)
        plan = []
        for k, c in enumerate(all_codes):
            s = rng.choice(sessions)
            plan.append([c, s, at_in(s, 1 + k * 0.02)])
        plans.append(plan)
    assert sum(len(p) for p in plans) == 10_000
    results = run_stations(tmp_path, server, plans, d)
    tables = converged(tmp_path, 4)
    assert all(t == tables[0] for t in tables)
    desk_store = Store.open(d)
    try:
        from kiosk.sync.bootstrap import until_caught_up
        from kiosk.sync.engine import SyncEngine
        from kiosk.sync.hub import Hub
        from tests.helpers.clocks import at

        with Hub(server) as h:
            until_caught_up(SyncEngine(desk_store, h, at("17:00")))
        assert projection_tables(desk_store) == tables[0]
        stats = [(s.session_id, s.admitted) for s in reads(desk_store).presence.stats()]
        scans = desk_store.conn.execute("SELECT COUNT(*) FROM log WHERE kind = 'entry'").fetchone()
    finally:
        desk_store.close()
    assert scans[0] == 10_000
    assert sum(n for _, n in stats) > 0
    assert all(r["slowest_s"] < 5 for r in results)  # type: ignore[operator]
