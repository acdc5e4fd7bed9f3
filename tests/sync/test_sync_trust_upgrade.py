"""Upgrades to trusted stations (issue 18 §4) with real databases and a real hub of the
release before trust (tests/data/pre_trust, made by its make.py with that release's code):
the desk converts at its first open (in several processes at once, once), the hub at its
first `hub init`, and a door of that release is enrolled again with one command, keeping its
database, its log and its entries not synced yet; new unsigned entries are refused."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import psycopg

from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.station import fingerprint
from kiosk.storage.store import Store
from kiosk.sync import hubschema
from kiosk.trust.roles import Refusal, TrustKind
from tests.helpers.cli import run
from tests.helpers.pretrust import DATA, IDENTITY, place
from tests.helpers.reads import reads


def old_hub(dsn: str) -> int:
    """The hub of the previous release (pg_dump); returns how many entries it holds."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute((DATA / "hub.sql").read_text())
        conn.execute("SELECT pg_catalog.set_config('search_path', 'public', false)")
        row = conn.execute("SELECT count(*) FROM hub_entries").fetchone()
        assert row is not None
        return int(row[0])


def raw_log(path: Path) -> dict[str, tuple[object, ...]]:
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0]: r for r in c.execute(f"SELECT {log.COLUMNS} FROM log")}
    finally:
        c.close()


def _open(path: str) -> None:
    Store.open(path).close()


def test_a_desk_of_the_previous_release_becomes_the_desk_at_its_first_open(
    tmp_path: Path,
) -> None:
    desk = place("desk", tmp_path)
    before = raw_log(desk)
    old_seqs: dict[str, int] = {}
    for row in before.values():
        old_seqs[str(row[1])] = max(int(row[2]), old_seqs.get(str(row[1]), 0))  # type: ignore[call-overload]
    ctx = multiprocessing.get_context("spawn")  # several processes open it at once
    procs = [ctx.Process(target=_open, args=(str(desk),)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = Store.open(desk)
    try:
        c = store.conn
        assert tstore.setting(c, tstore.EVENT_PRIVATE) is not None
        assert oct(os.stat(str(desk) + ".key").st_mode & 0o777) == "0o600"
        kinds = (str(TrustKind.STATION_CERT), str(TrustKind.TRUST_CUTOFF))
        trust = list(log.entries(c, kinds=kinds))
        assert [str(e.kind) for e in trust] == ["station_cert", "trust_cutoff"]  # once
        assert all(e.station_id == IDENTITY["desk"]["id"] for e in trust)
        sigs = c.execute("SELECT count(*) FROM log WHERE kind IN (?, ?) AND sig IS NOT NULL",
                         (TrustKind.STATION_CERT, TrustKind.TRUST_CUTOFF)).fetchone()  # fmt: skip
        assert tuple(sigs) == (2,)
        assert trust[1].data["seqs"] == old_seqs
        cert = tstore.certs(c)[IDENTITY["desk"]["id"]]
        assert str(cert.role) == "desk" and cert.signed_by(bytes.fromhex(
            tstore.setting(c, tstore.EVENT_PUBLIC) or ""))  # fmt: skip
        after = {u: r for u, r in raw_log(desk).items() if u in before}
        assert after == before  # nothing lost, nothing changed
        assert store.gate is not None and store.gate.signer is not None
    finally:
        store.close()
    again = Store.open(desk)
    try:
        again.rebuild_projections()
        assert list(tstore.held(again.conn)) == []
        assert set(raw_log(desk)) >= set(before)
    finally:
        again.close()
    out = run("checkin", "--db", str(desk), "--session", "opening", "--attendee",
              _someone(desk), "--now", "2024-11-04T09:30").output  # fmt: skip
    assert "admitted" in out.lower()
    last = max(raw_log(desk).values(), key=lambda r: str(r[4]))
    signed = sqlite3.connect(desk).execute("SELECT sig FROM log WHERE uuid = ?", (last[0],))
    assert signed.fetchone()[0] is not None  # the desk signs from now on


def _someone(path: Path, skip: int = 10) -> str:
    c = sqlite3.connect(path)
    try:
        rows = c.execute("SELECT attendee_id FROM attendees ORDER BY attendee_id").fetchall()
        return str(rows[skip][0])
    finally:
        c.close()


def test_an_old_door_is_enrolled_again_keeping_its_log_and_entries_not_synced(
    tmp_path: Path, hub_dsn: str
) -> None:
    held_at_hub = old_hub(hub_dsn)
    desk, door = place("desk", tmp_path), place("door", tmp_path)
    door_id = IDENTITY["door"]["id"]
    door_before = raw_log(door)
    out = run("hub", "init", "--server", hub_dsn).output  # the hub converts
    assert f"schema from 2 to version {hubschema.LATEST}" in out
    with psycopg.connect(hub_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM hub_entries").fetchone() == (held_at_hub,)
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")  # converts, then syncs
    # the old door keeps working locally (trust off there) and syncs with the shared
    # string: its entries past the desk's cut-off are kept aside at the desk
    run("checkin", "--db", str(door), "--session", "opening", "--attendee", _someone(door, 11),
        "--now", "2024-11-04T09:20")  # fmt: skip
    run("sync", "--db", str(door), "--server", hub_dsn, "--once")
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    d = Store.open(desk)
    try:
        held = [(e.station_id, e.station_seq, r) for e, r in tstore.held(d.conn)]
    finally:
        d.close()
    assert held == [(door_id, n, Refusal.UNSIGNED) for n in (3, 4, 5)]
    report = run("conflicts", "--db", str(desk), "--json").output
    assert '"held_entry"' in report

    enrollment = tmp_path / "door.enroll"
    out = run("station", "enroll", "--db", str(desk), "--server", hub_dsn, "--role", "door",
              "--name", "Door A", "--out", str(enrollment)).output  # fmt: skip
    assert "previous release" in out
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    # one more scan at the door before it is enrolled, not synced: it is kept too
    run("checkin", "--db", str(door), "--session", "opening", "--attendee", _someone(door, 12),
        "--now", "2024-11-04T09:25")  # fmt: skip
    out = run("init", "--db", str(door), "--enrollment", str(enrollment)).output
    assert "keeping its database" in out and "4 entries not synced yet stay valid" in out
    assert set(door_before) <= set(raw_log(door))
    assert "secret" not in json.loads(enrollment.read_text())
    run("checkin", "--db", str(door), "--session", "opening", "--attendee", _someone(door, 13),
        "--now", "2024-11-04T09:30")  # fmt: skip
    run("sync", "--db", str(door), "--once")  # its own login now, no --server
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    d = Store.open(desk)
    try:
        assert list(tstore.held(d.conn)) == []  # released: vouched for by the door
        mine = [e for e in log.entries(d.conn) if e.station_id == door_id]
        assert sorted(e.station_seq for e in mine) == list(range(1, 9))
    finally:
        d.close()
    dr = Store.open(door)
    try:
        assert list(tstore.held(dr.conn)) == []
    finally:
        dr.close()

    # the desk rotates the event key; the door takes it in through the hub and keeps working
    out = run("event", "rotate-key", "--db", str(desk)).output
    assert "event key rotated" in out
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    run("sync", "--db", str(door), "--once")
    d, dr = Store.open(desk), Store.open(door)
    try:
        assert d.gate is not None and dr.gate is not None
        assert dr.gate.verifier.event_key == d.gate.verifier.event_key
        assert dr.gate.verifier.retired and list(tstore.held(dr.conn)) == []
    finally:
        d.close()
        dr.close()
    run("checkin", "--db", str(door), "--session", "opening", "--attendee", _someone(door, 14),
        "--now", "2024-11-04T09:40")  # fmt: skip
    run("sync", "--db", str(door), "--once")
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    d = Store.open(desk)
    try:
        assert list(tstore.held(d.conn)) == []
        assert len([e for e in log.entries(d.conn) if e.station_id == door_id]) == 9
    finally:
        d.close()
    listing = run("station", "list", "--db", str(desk)).output
    assert "Door A" in listing and "active" in listing


def test_a_second_desk_or_a_door_of_the_previous_release_does_not_become_the_desk(
    tmp_path: Path,
) -> None:
    door = place("door", tmp_path)
    second = tmp_path / "second.sqlite"
    shutil.copyfile(door, second)
    c = sqlite3.connect(second)
    with c:  # a second desk: the badge key copied from the desk (--signing-key-from)
        (key,) = (
            sqlite3.connect(f"file:{DATA / 'desk.sqlite'}?mode=ro", uri=True)
            .execute("SELECT value FROM settings WHERE key = 'private_key'")
            .fetchone()
        )
        c.execute("INSERT INTO settings VALUES ('private_key', ?)", (key,))
        c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)",
                  ("station/" + fingerprint(str(second)), json.dumps(IDENTITY["door"])))  # fmt: skip
    c.close()
    for path in (door, second):
        store = Store.open(path)
        try:
            assert tstore.setting(store.conn, tstore.EVENT_PUBLIC) is None  # trust still off
            assert store.gate is None and not Path(str(path) + ".key").exists()
            assert set(raw_log(path)) == set(raw_log(DATA / "door.sqlite"))
        finally:
            store.close()


def test_the_desks_publish_converts_a_hub_of_the_previous_release(
    tmp_path: Path, hub_dsn: str
) -> None:
    held_at_hub = old_hub(hub_dsn)
    desk = place("desk", tmp_path)
    out = run("hub", "publish", "--db", str(desk), "--server", hub_dsn).output
    assert "uploaded" in out
    with psycopg.connect(hub_dsn) as conn:
        version = conn.execute("SELECT value FROM hub_meta WHERE key = 'schema_version'")
        assert version.fetchone() == (str(hubschema.LATEST),)
        kinds = [r[0] for r in conn.execute("SELECT kind FROM hub_entries")]
    assert len(kinds) == held_at_hub + 2  # the desk's certificate and its cut-off
    assert {"station_cert", "trust_cutoff"} <= set(kinds)


def _old_door_enrolled_at_the_desk(tmp_path: Path, hub_dsn: str) -> tuple[Path, Path, Path]:
    """The previous release's desk and door on a new hub; the desk enrolls the door again
    (its enrollment file); the door is not enrolled yet."""
    old_hub(hub_dsn)
    desk, door = place("desk", tmp_path), place("door", tmp_path)
    run("hub", "init", "--server", hub_dsn)
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    enrollment = tmp_path / "door.enroll"
    run("station", "enroll", "--db", str(desk), "--server", hub_dsn, "--role", "door",
        "--name", "Door A", "--out", str(enrollment))  # fmt: skip
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    return desk, door, enrollment


def _synced_door(desk: Path, door: Path, door_id: str, hub_dsn: str) -> tuple[set[str], set[str]]:
    """Both sync; nothing is kept aside at the desk. (the door's own entries at the door,
    the door's entries at the desk)."""
    run("sync", "--db", str(door), "--once")
    run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
    here = {u for u, r in raw_log(door).items() if r[1] == door_id}
    d = Store.open(desk)
    try:
        assert list(tstore.held(d.conn)) == []
        there = {e.uuid for e in log.entries(d.conn) if e.station_id == door_id}
    finally:
        d.close()
    return here, there


def _scanning(path: str, started: Any, stop: Any) -> None:
    """The door's app meanwhile, in its own process: manual check-ins, one per transaction."""
    import random

    from kiosk.checkin.service import CheckinService
    from tests.helpers.clocks import at

    store = Store.open(path)
    try:
        svc = CheckinService(store, at("09:45"), rng=random.Random(5))
        people = [a.attendee_id for a in reads(store).people.everyone()][:8]
        n = 0
        while not stop.is_set() or n < 5:
            svc.manual_check_in(people[n % len(people)], "opening", operator="app")
            n += 1
            if n == 5:
                started.set()
        for a in people[:3]:  # after the enrollment: signed with the key made meanwhile
            svc.manual_check_in(a, "opening", operator="app")
    finally:
        store.close()


def test_an_old_door_enrolled_again_while_its_app_scans_loses_nothing(
    tmp_path: Path, hub_dsn: str
) -> None:
    desk, door, enrollment = _old_door_enrolled_at_the_desk(tmp_path, hub_dsn)
    door_id = IDENTITY["door"]["id"]
    Store.open(door).close()  # converted by this release once (as the app would)
    ctx = multiprocessing.get_context("spawn")
    started, stop = ctx.Event(), ctx.Event()
    app = ctx.Process(target=_scanning, args=(str(door), started, stop))
    app.start()
    try:
        assert started.wait(60)
        out = run("init", "--db", str(door), "--enrollment", str(enrollment)).output
        assert "keeping its database" in out
    finally:
        stop.set()
        app.join(60)
    assert app.exitcode == 0
    here, there = _synced_door(desk, door, door_id, hub_dsn)
    assert here == there and len(here) > 4 + 5 + 3  # its old ones, and the app's
    c = sqlite3.connect(f"file:{door}?mode=ro", uri=True)
    signed = c.execute("SELECT count(*) FROM log WHERE station_id = ? AND operator = 'app' "
                       "AND sig IS NOT NULL", (door_id,)).fetchone()[0]  # fmt: skip
    unsigned = c.execute("SELECT count(*) FROM log WHERE station_id = ? AND operator = 'app' "
                         "AND sig IS NULL", (door_id,)).fetchone()[0]  # fmt: skip
    c.close()
    assert signed >= 3 and unsigned >= 5  # written before the enrollment: vouched for


def test_a_door_enrolled_again_with_more_unsynced_entries_than_one_handover_holds(
    tmp_path: Path, hub_dsn: str
) -> None:
    """Deterministic: the app (a Store opened before) writes past what one entry the hub
    takes from a station login can vouch for (64 KiB: ~870 digests), the door is enrolled
    again in between, and the app's next entries are signed with the key made meanwhile.
    The digests come in several handover parts: every entry reaches the desk, none held."""
    import random

    from kiosk.checkin.service import CheckinService
    from tests.helpers.clocks import at

    desk, door, enrollment = _old_door_enrolled_at_the_desk(tmp_path, hub_dsn)
    door_id = IDENTITY["door"]["id"]
    app = Store.open(door)  # the door's app, open across the enrollment
    try:
        svc = CheckinService(app, at("09:45"), rng=random.Random(5))
        people = [a.attendee_id for a in reads(app).people.everyone()][:8]
        for n in range(1200):
            svc.manual_check_in(people[n % len(people)], "opening", operator="app")
        out = run("init", "--db", str(door), "--enrollment", str(enrollment)).output
        vouched = int(out.split("keeping its database; ")[1].split(" entries")[0])
        assert vouched >= 1200  # the app's, and those of the previous release not synced
        for a in people[:3]:
            svc.manual_check_in(a, "opening", operator="app")
    finally:
        app.close()
    c = sqlite3.connect(f"file:{door}?mode=ro", uri=True)
    parts = c.execute("SELECT data FROM log WHERE kind = 'station_key'").fetchall()
    late = c.execute("SELECT count(*) FROM log WHERE station_id = ? AND sig IS NULL AND "
                     "station_seq > (SELECT MIN(station_seq) FROM log WHERE kind = 'station_key')",
                     (door_id,)).fetchone()[0]  # fmt: skip
    c.close()
    assert len(parts) == 3 and late == 0  # 1,200 digests in three parts; nothing unsigned after
    assert all(len(str(p[0]).encode()) < 65_536 for p in parts)
    here, there = _synced_door(desk, door, door_id, hub_dsn)
    assert here == there and len(here) > 1200 + 3
