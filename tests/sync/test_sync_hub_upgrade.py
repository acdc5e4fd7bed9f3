"""A hub made by the previous release (schema 2: whole payloads in `data`, one shared
login) converts at the new release's first `hub init`, losing nothing: the private parts
move to `hub_private`, a station made from it afterwards equals the desk, and a kiosk's
own login then reads no e-mail or phone number."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.demo import build_demo
from kiosk.storage import log, syncstate
from kiosk.storage.store import Store
from kiosk.sync import hubroles, hubschema
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import EVENT_DAY
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, service, station, sync, tables


def old_hub(dsn: str, desk_path: Path) -> int:
    """The hub as release 2 left it, holding the desk's whole log; returns its entries."""
    store = Store.open(desk_path)
    try:
        event_id, public = store.event().id, reads(store).setting("public_key") or ""
        heads = syncstate.local_heads(store.conn)
        entries = [e for sid in heads for e in syncstate.outbox(store.conn, sid, 0, 10**6, 10**12)]
    finally:
        store.close()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for step in hubschema.STEPS[:2]:
            for stmt in step:
                conn.execute(stmt)
        for key, value in (("schema_version", "2"), ("hub_id", str(uuid.uuid4())),
                           ("event_id", event_id), ("public_key", public)):  # fmt: skip
            conn.execute("INSERT INTO hub_meta (key, value) VALUES (%s, %s)", (key, value))
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO hub_entries ({log.COLUMNS}) VALUES ({', '.join(['%s'] * 14)})",
                [(uuid.UUID(r[0]), *r[1:]) for r in map(log.row_of, entries)],
            )
        for sid, head in heads.items():
            conn.execute("INSERT INTO hub_streams (station_id, head) VALUES (%s, %s)", (sid, head))
    return len(entries)


def test_a_hub_of_the_previous_release_converts_losing_nothing(
    tmp_path: Path, hub_dsn: str
) -> None:
    desk = build_demo(tmp_path / "desk.sqlite", attendees=40, day=EVENT_DAY, seed=7)
    with service(desk) as s:  # a check-in at the desk, in the log too
        s.check_in(next(iter(codes(desk).values())), "opening")
    held = old_hub(hub_dsn, desk)
    store = Store.open(desk, readonly=True)
    try:
        secrets = {v for a in reads(store).people.everyone() for v in (a.email, a.phone) if v}
    finally:
        store.close()
    with psycopg.connect(hub_dsn) as conn:
        before = "\n".join(r[0] for r in conn.execute("SELECT data FROM hub_entries"))
    assert [s for s in secrets if s in before], "the old hub held personal fields in data"

    result = CliRunner().invoke(load_commands(), ["hub", "init", "--server", hub_dsn])
    assert result.exit_code == 0, result.output
    assert f"schema from 2 to version {hubschema.LATEST}" in result.output

    with psycopg.connect(hub_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM hub_entries").fetchone() == (held,)
        public = "\n".join(r[0] for r in conn.execute("SELECT data FROM hub_entries"))
        private = "\n".join(r[0] for r in conn.execute(
            "SELECT data FROM hub_private"))  # fmt: skip
    assert not [s for s in secrets if s in public]
    assert not [s for s in secrets if s not in private]
    assert "FC1:" not in public  # no badge code in the public part either

    server = ServerConfig(hub_dsn, "test")
    again = CliRunner().invoke(load_commands(), ["hub", "init", "--server", hub_dsn])
    assert f"already at version {hubschema.LATEST}" in again.output
    door = station(tmp_path, "door-a", server)  # made from the converted hub
    assert tables(door) == tables(desk)
    assert sync(desk, server).pushed == 0  # the desk finds all of its log there

    user, password = hubroles.create_station_login(hub_dsn, "kiosk-id", "kiosk")
    with psycopg.connect(hubroles.station_dsn(hub_dsn, user, password)) as conn:
        seen = "\n".join(r[0] for r in conn.execute("SELECT data FROM hub_entries"))
    assert seen == public


def test_the_desks_publish_converts_a_hub_of_the_previous_release(
    tmp_path: Path, hub_dsn: str
) -> None:
    desk = build_demo(tmp_path / "desk.sqlite", attendees=10, day=EVENT_DAY, seed=3)
    held = old_hub(hub_dsn, desk)
    server = ServerConfig(hub_dsn, "test")
    result = CliRunner().invoke(
        load_commands(), ["hub", "publish", "--db", str(desk), "--server", hub_dsn]
    )
    assert result.exit_code == 0, result.output
    assert "0 entries uploaded" in result.output
    with psycopg.connect(hub_dsn) as conn:
        assert conn.execute(
            "SELECT value FROM hub_meta WHERE key = 'schema_version'"
        ).fetchone() == (str(hubschema.LATEST),)
        assert conn.execute("SELECT count(*) FROM hub_entries").fetchone() == (held,)
    assert tables(station(tmp_path, "door-a", server)) == tables(desk)
