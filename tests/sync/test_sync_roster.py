"""`hub status` lists real stations only: one row per station identity, under the name it
has now, with an id that tells it apart; stale ones are marked and `hub forget` removes
them (their entries stay)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import psycopg

from kiosk.storage.store import Store
from kiosk.sync.hub import Hub
from kiosk.sync.roster import short_id
from kiosk.sync.server import ServerConfig
from tests.helpers.cli import run
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster
from tests.helpers.syncing import codes, desk, service, station, sync


def status(server: ServerConfig, *extra: str) -> dict[str, dict[str, object]]:
    data = json.loads(run("hub", "status", "--server", server.dsn, "--json", *extra).output)
    return {str(r["name"]): r for r in data["stations"]}


def age(server: ServerConfig, station_id: str, hours: int) -> None:
    """Make the hub last have seen a station `hours` ago."""
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        conn.execute("UPDATE hub_stations SET last_seen = last_seen - make_interval(hours => %s) "
                     "WHERE station_id = %s", (hours, station_id))  # fmt: skip


def test_stations_made_from_the_hub_leave_no_ghost(tmp_path: Path, hub_dsn: str) -> None:
    server = ServerConfig(hub_dsn, "test")
    d = str(tmp_path / "desk.sqlite")
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", d, "--attendees", "5", "--day", "2024-11-04")
    run("hub", "publish", "--db", d, "--server", hub_dsn)
    for name in ("door-a", "door-b", "door-c"):
        db = str(tmp_path / f"{name}.sqlite")
        run("init", "--db", db, "--from-hub", hub_dsn, "--station", name)
        run("sync", "--db", db, "--server", hub_dsn, "--once")
    rows = status(server)
    desk_name = Store.open(Path(d), readonly=True).station.name
    assert set(rows) == {
        desk_name,
        "door-a",
        "door-b",
        "door-c",
    }  # nothing named after the computer
    ids = {str(r["id"]) for r in rows.values()}
    assert len(ids) == 4 and all(len(i) == 8 for i in ids)
    full = [str(r["station_id"]) for r in rows.values()]
    assert all(short_id(f) in ids and f.replace("-", "").endswith(short_id(f)) for f in full)
    table = run("hub", "status", "--server", hub_dsn).output
    assert all(i in table for i in ids)
    assert all(str(r["state"]) == "active" for r in rows.values())


def test_the_short_id_tells_apart_ids_made_together() -> None:
    from kiosk.storage.base import new_uuid

    made = [new_uuid() for _ in range(1000)]  # the same few milliseconds
    assert len({m[:8] for m in made}) < 5  # uuid7: the start is the time
    assert len({short_id(m) for m in made}) == 1000


def test_stale_stations_are_marked_and_forgotten(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    c = list(codes(d).values())
    with service(b) as s:
        s.check_in(c[0], "opening")
    for p in (a, b):
        sync(p, server)
    rows = status(server)
    age(server, str(rows["door-b"]["station_id"]), 2)
    rows = status(server)
    assert rows["door-b"]["state"] == "stale" and rows["door-a"]["state"] == "active"
    assert "stale" in run("hub", "status", "--server", server.dsn).output
    assert rows["door-b"]["state"] == "stale"
    err = run("hub", "forget", "door-a", "--server", server.dsn, code=1).output
    assert "not stale" in err
    out = run("hub", "forget", str(rows["door-b"]["id"]), "--server", server.dsn).output
    assert "forgot door-b" in out and "1 entries stay" in out
    rows_after = status(server)
    assert "door-b" not in rows_after and set(rows_after) >= {"door-a"}
    with Hub(server) as h:
        held = h._rows("SELECT COUNT(*) FROM hub_entries WHERE station_id = %s",
                       (rows["door-b"]["station_id"],))[0][0]  # fmt: skip
    assert held == 1  # its entries stay: they are the record
    sync(b, server)  # seen again: listed again
    assert status(server)["door-b"]["state"] == "active"


def test_forget_names_one_station_or_says_why_not(tmp_path: Path, server: ServerConfig) -> None:
    desk(tmp_path, server)
    first = station(tmp_path, "door", server)
    sync(first, server)
    (tmp_path / "again").mkdir()
    second = station(tmp_path / "again", "door", server)  # a second one of the same name
    sync(second, server)
    rows = json.loads(run("hub", "status", "--server", server.dsn, "--json").output)["stations"]
    doors = [r for r in rows if r["name"] == "door"]
    assert len(doors) == 2
    for r in doors:
        age(server, str(r["station_id"]), 3)
    err = run("hub", "forget", "door", "--server", server.dsn, code=1).output
    assert "names 2 stations" in err and all(str(r["id"]) in err for r in doors)
    assert "no station" in run("hub", "forget", "nowhere", "--server", server.dsn, code=1).output
    run("hub", "forget", str(doors[0]["station_id"]), "--server", server.dsn)
    left = [r for r in status_rows(server) if r["name"] == "door"]
    assert [r["station_id"] for r in left] == [doors[1]["station_id"]]


def status_rows(server: ServerConfig) -> list[dict[str, object]]:
    return list(json.loads(run("hub", "status", "--server", server.dsn, "--json").output)[
        "stations"])  # fmt: skip


def test_a_repaired_station_is_one_row(tmp_path: Path, server: ServerConfig) -> None:
    """A station restored from an older backup gets a new id (fork repair): its old id's
    entries are shown under its one row."""
    d = desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    c = list(codes(d).values())
    with service(a) as s:
        for code in c[:3]:
            s.check_in(code, "opening")
    sync(a, server)
    src = sqlite3.connect(a)
    dst = sqlite3.connect(tmp_path / "a-old.sqlite")
    src.backup(dst)
    dst.close()
    src.close()
    with service(a) as s:
        s.check_in(c[3], "opening")
    sync(a, server)
    for f in (Path(f"{a}-wal"), Path(f"{a}-shm")):
        f.unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "a-old.sqlite", a)
    with service(a, at("09:30")) as s:
        s.check_in(c[5], "opening")
    assert sync(a, server).renumbered == 1
    rows = [r for r in status_rows(server) if r["name"] == "door-a"]
    assert len(rows) == 1
    assert rows[0]["station_id"] == Store.open(a, readonly=True).station.id
    assert len(rows[0]["former_ids"]) == 1 and rows[0]["pushed"] == 5  # type: ignore[arg-type]


def test_streams_of_stations_this_hub_never_saw(
    tmp_path: Path, server: ServerConfig, pg_cluster: Cluster
) -> None:
    """A new hub refilled by the desk holds the doors' entries before the doors return."""
    d = desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    with service(a) as s:
        s.check_in(next(iter(codes(d).values())), "opening")
    sync(a, server)
    sync(d, server)
    name = str(psycopg.conninfo.conninfo_to_dict(server.dsn)["dbname"])
    pg_cluster.drop_database(name)
    pg_cluster.create_database(name)
    run("hub", "init", "--server", server.dsn)
    run("hub", "publish", "--db", str(d), "--server", server.dsn)
    rows = status(server)
    assert rows["door-a"]["state"] == "not seen by this hub" and rows["door-a"]["pushed"] == 1
    assert "not seen by this hub" in run("hub", "status", "--server", server.dsn).output
    sync(a, server)
    assert status(server)["door-a"]["state"] == "active"


def test_a_station_gone_while_refilling_is_stale_not_refilling(
    tmp_path: Path, server: ServerConfig
) -> None:
    desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    sync(a, server)
    sid = str(status(server)["door-a"]["station_id"])
    with psycopg.connect(server.dsn, autocommit=True) as conn:  # as a station refilling says
        conn.execute("UPDATE hub_stations SET refill_done = 10, refill_total = 90 "
                     "WHERE station_id = %s", (sid,))  # fmt: skip
    table = run("hub", "status", "--server", server.dsn).output
    assert "hub replaced: refilling (" in table and "door-a" in table
    assert status(server)["door-a"]["state"] == "refilling (10 of 90)"
    age(server, sid, 1)
    data = json.loads(run("hub", "status", "--server", server.dsn, "--json").output)
    assert data["refill"] is None
    rows = {r["name"]: r for r in data["stations"]}
    assert rows["door-a"]["state"] == "stale while refilling (10 of 90)"
    assert "hub replaced" not in run("hub", "status", "--server", server.dsn).output
