"""A station's hub login expires with its certificate (hub schema 4): the desk makes it
with the certificate's expiry, the hub then refuses it a new connection, stores nothing
from one opened before, and the desk's next sync takes every grant from it (reads too);
the station says so in both languages, and `hub status` and the desk name it. The desk's
copy of the logins keeps the expiry: a replaced hub gets it back. With a real hub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.storage import log, syncstate
from kiosk.storage.store import Store
from kiosk.sync import hubroles
from kiosk.sync.hub import EXPIRED_WHAT, Hub, HubForbidden
from kiosk.sync.loop import Link, SyncLoop, what_text
from kiosk.sync.server import ServerConfig
from tests.helpers.cli import run
from tests.helpers.clocks import at
from tests.helpers.enrolling import asking_passwords, enrolled
from tests.helpers.pgcluster import Cluster
from tests.helpers.syncing import codes


def _cert_expiry(enrollment: Path) -> datetime:
    return datetime.fromisoformat(json.loads(enrollment.read_text())["cert"]["expires"])


def _owner_rows(dsn: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn, autocommit=True) as c:
        return list(c.execute(sql).fetchall())


@pytest.fixture
def scram() -> Iterator[Cluster]:
    """A cluster that asks station logins for their password (VALID UNTIL is a password's
    expiry: trust authentication never reads it)."""
    cluster = Cluster()
    try:
        yield asking_passwords(cluster)
    finally:
        cluster.close()


def test_a_station_login_expires_with_its_certificate(tmp_path: Path, scram: Cluster) -> None:
    hub_dsn = scram.create_database("hub_expiry")
    desk, kiosk, enrollment = enrolled(tmp_path, hub_dsn, "kiosk", "Kiosk 1", 10, days=3)
    expires = _cert_expiry(enrollment)
    station_dsn = str(json.loads(enrollment.read_text())["hub"])
    user = str(conninfo_to_dict(station_dsn)["user"])

    # made with the certificate's expiry: on the role (a new connection) and its row
    (until,) = _owner_rows(hub_dsn, f"SELECT rolvaliduntil FROM pg_roles WHERE rolname = '{user}'")
    assert until[0] == expires
    (row,) = _owner_rows(hub_dsn, "SELECT valid_until FROM hub_members")
    assert row[0] == expires
    copy = Store.open(desk, readonly=True)
    try:
        kept = hubroles.members_of(syncstate.setting(copy.conn, hubroles.MEMBERS_SETTING))
    finally:
        copy.close()
    assert [datetime.fromisoformat(m.valid_until) for m in kept.values()] == [expires]

    # the kiosk syncs, and keeps its connection open
    server = ServerConfig(station_dsn, "kiosk")
    loop = SyncLoop(lambda: Store.open(kiosk), Hub(server), at("09:00"))
    try:
        assert loop.step().link is Link.ONLINE
        # the hub's clock passes the expiry (as three days would)
        past = datetime.now(UTC) - timedelta(seconds=1)
        with psycopg.connect(hub_dsn, autocommit=True) as owner:
            owner.execute("UPDATE hub_members SET valid_until = %s", (past,))
            owner.execute(f"ALTER ROLE \"{user}\" VALID UNTIL '{past.isoformat()}'")
        status = loop.step()
        assert status.link is Link.REFUSED and status.expired and not status.revoked
        assert "expired with its certificate" in status.message
        en, zh = status.notices("en")[0], status.notices("zh")[0]
        assert en.startswith("this station's enrollment expired")
        assert zh.startswith("本站点的登记已过期")
        # the connection opened before the expiry stores nothing more
        store = Store.open(kiosk)
        try:
            code = next(iter(codes(Path(desk)).values()))
            CheckinService(store, at("09:05")).check_in(code, "opening")
            mine = [e for e in log.entries(store.conn) if e.station_id == store.station.id]
        finally:
            store.close()
        assert loop.hub.connected
        with pytest.raises(HubForbidden):
            loop.hub.push(mine)
        # the desk's next sync takes its grants: it reads nothing more either
        run("sync", "--db", desk, "--server", hub_dsn, "--once")
        with pytest.raises(HubForbidden):
            loop.hub.fetch(store.station.id, 0, 10, 1 << 20)
    finally:
        loop.close()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(station_dsn).close()

    # a new connection is refused: the kiosk's own certificate says why
    late = ManualClock(expires + timedelta(hours=1))
    again = SyncLoop(lambda: Store.open(kiosk), Hub(server), late)
    try:
        status = again.step()
    finally:
        again.close()
    assert status.link is Link.REFUSED and status.expired
    out = run("sync", "--db", kiosk, "--once", code=1).output
    assert "refused" in out

    # hub status and the desk name it, in both languages
    said = run("hub", "status", "--server", hub_dsn).output
    assert "hub refuses entries of Kiosk 1" in said and EXPIRED_WHAT in said
    assert what_text(EXPIRED_WHAT, "zh") in said
    desk_loop = SyncLoop(lambda: Store.open(desk), Hub(ServerConfig(hub_dsn, "t")), at("09:30"))
    try:
        refusals = desk_loop.step().refusals
    finally:
        desk_loop.close()
    assert [(name, what) for _, name, what in refusals] == [("Kiosk 1", EXPIRED_WHAT)]

    # a replaced hub gets the login back with its expiry, as the desk's copy has it from
    # the hub (past: it cannot log in there)
    new = scram.create_database("hub_expiry_new")
    run("hub", "init", "--server", new)
    run("hub", "publish", "--db", desk, "--server", new)
    (row,) = _owner_rows(new, "SELECT valid_until FROM hub_members")
    assert row[0] == past
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(make_conninfo(station_dsn, dbname=conninfo_to_dict(new)["dbname"])).close()
