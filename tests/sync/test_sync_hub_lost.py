"""Four stations and a desk, each its own process and machine, checking people in while
the hub is lost: dropped and replaced by a fresh one (the documented procedure: `hub
init`, `hub publish` from the desk, the stations find it by themselves), or restored from
a backup taken five minutes (of the event's injected clock) earlier. After the stations'
next rounds the hub holds exactly the union of their entries, every station's
`stats --json` is the same, and a new station made from the hub is the same too."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.models.event import load_event
from kiosk.models.records import AttendeeInput
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import EVENT_DAY, at
from tests.helpers.pgcluster import Cluster
from tests.helpers.reads import reads
from tests.helpers.station_run import Running
from tests.helpers.syncing import codes, desk, service, station, sync, tables

STATIONS = 4
PHASE = 40  # scans per station and phase
CLI = load_commands()


def cli(*args: str) -> str:
    result = CliRunner().invoke(CLI, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def plan(all_codes: list[str], seed: int) -> list[list[str]]:
    """Three phases of scans: 09:00-09:05, 09:05-09:10 and 09:10-09:15 (opening)."""
    start = load_event().moved_to(EVENT_DAY).session("opening").start
    order = all_codes[:]
    random.Random(seed).shuffle(order)
    n = 3 * PHASE
    return [[order[k % len(order)], "opening",
             (start + timedelta(minutes=15 * k / n, seconds=seed)).isoformat()]
            for k in range(n)]  # fmt: skip


def uuids(path: Path) -> set[str]:
    store = Store.open(path, readonly=True)
    try:
        return {e.uuid for e in reads(store).log.entries()}
    finally:
        store.close()


def own_entries(path: Path) -> int:
    store = Store.open(path, readonly=True)
    try:
        sid = store.station.id
        return int(store.conn.execute("SELECT COUNT(*) FROM log WHERE station_id = ?",
                                      (sid,)).fetchone()[0])  # fmt: skip
    finally:
        store.close()


def walk_ins(d: Path, first: int, n: int, when: str) -> None:
    with service(d, at(when)) as s:
        for i in range(first, first + n):
            s.walk_in(AttendeeInput(name=f"Walk In {i}", email=f"walk{i}@example.org"),
                      admit_to="opening")  # fmt: skip


def settle(stations: list[Running], expect: int) -> None:
    for s in stations:
        s.send(f"settle {expect} 180")
    for s in stations:
        reply = s.answer(200)
        assert reply["ok"], (s.name, reply, s.stderr())


def quit_all(doors: list[Running]) -> list[dict[str, Any]]:
    summaries = []
    for s in doors:
        try:
            summaries.append(s.quit())
        finally:
            s.kill()
    return summaries


def work_through_the_loss(
    lost: str, cluster: Cluster, server: ServerConfig, d: Path, doors: list[Running]
) -> int:
    """Three phases of scans at every door (and walk-ins at the desk), the hub lost in
    the second; returns the scans made."""
    name = str(psycopg.conninfo.conninfo_to_dict(server.dsn)["dbname"])
    scans = sum(s.call(f"scan {PHASE}")["scanned"] for s in doors)  # 09:00-09:05
    walk_ins(d, 0, 2, "09:04")
    sync(d, server)
    settle(doors, own_entries(d) + scans)
    backup = cluster.dump(name)  # at 09:05 by the event's clock
    for s in doors:  # 09:05-09:10: check-ins go on while the hub is lost
        s.send(f"scan {PHASE} 10")
    if lost == "replaced":
        cluster.drop_database(name)
        cluster.create_database(name)
        cli("hub", "init", "--server", server.dsn)
    scans += sum(s.answer(200)["scanned"] for s in doors)
    walk_ins(d, 2, 2, "09:09")
    if lost == "restored":  # everything up to 09:10 reached the hub; then it died
        sync(d, server)
        settle(doors, own_entries(d) + scans)
        cluster.restore(name, backup)
        with Hub(server) as h:
            assert sum(h.heads()[1].values()) < own_entries(d) + scans
    out = cli("hub", "publish", "--db", str(d), "--server", server.dsn)
    assert "0 waiting" in out and "refilled" in out
    scans += sum(s.call(f"scan {PHASE} 2")["scanned"] for s in doors)  # 09:10-09:15
    walk_ins(d, 4, 1, "09:14")
    sync(d, server)
    settle(doors, own_entries(d) + scans)
    return scans


def check_summaries(summaries: list[dict[str, Any]], lost: str) -> None:
    for summary in summaries:  # check-ins went on while the hub was lost
        assert summary["slowest_s"] < 5 and not summary["alive"]
        links = [x["link"] for x in summary["statuses"]]
        assert "online" in links and links[-1] == "online"
        if lost == "replaced":
            assert {"offline", "refused"} & set(links)


@pytest.mark.slow
@pytest.mark.parametrize("lost", ["replaced", "restored"])
def test_the_hub_lost_while_four_stations_and_a_desk_work(
    tmp_path: Path, pg_cluster: Cluster, hub_dsn: str, lost: str
) -> None:
    server = ServerConfig(hub_dsn, "test")
    cli("hub", "init", "--server", hub_dsn)
    d = desk(tmp_path, server, attendees=120)
    all_codes = list(codes(d).values())
    doors = [Running(tmp_path / f"s{i}.sqlite", plan(all_codes, i), f"door-{i}", hub_dsn,
                     f"machine-{i}") for i in range(STATIONS)]  # fmt: skip
    try:
        scans = work_through_the_loss(lost, pg_cluster, server, d, doors)
    finally:
        summaries = quit_all(doors)
    check_summaries(summaries, lost)
    sync(d, server)
    assert scans == STATIONS * 3 * PHASE
    paths = [tmp_path / f"s{i}.sqlite" for i in range(STATIONS)]
    union = set().union(*(uuids(p) for p in paths), uuids(d))
    with Hub(server) as h:
        held = [str(r[0]) for r in h._rows("SELECT uuid FROM hub_entries")]
    assert len(held) == len(set(held)) and set(held) == union  # nothing doubled, nothing lost
    assert len(union) == own_entries(d) + scans
    stats = {cli("stats", "--db", str(p), "--json") for p in [*paths, d]}
    assert len(stats) == 1
    fresh = station(tmp_path, "door-new", server)
    assert cli("stats", "--db", str(fresh), "--json") in stats
    assert all(tables(p) == tables(fresh) for p in [*paths, d])
    sessions = json.loads(next(iter(stats)))
    assert {s["session"]: s["admitted"] for s in sessions}["opening"] > 100
