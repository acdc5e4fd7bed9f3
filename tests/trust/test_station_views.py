"""Who may enroll stations, and expiries as people read them (issue 18): only the event's
desk (or a database with the badge key that no desk preceded) enrolls; an enrolled station,
a second desk after the first, and a verify-only copy cannot, and are told why; a
certificate's expiry is shown in the event's local time."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from kiosk.checkin.bootstrap import init_database
from kiosk.cli import load_commands
from kiosk.models.event import load_event
from kiosk.storage import syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.trust.certs import local_time
from kiosk.trust.roles import Role
from tests.helpers.clocks import at
from tests.helpers.trusted import OWNER_DSN, Site, no_hub_login


def test_local_time_is_the_events() -> None:
    assert local_time("2024-11-18T01:30:00.000000+00:00", ZoneInfo("Asia/Shanghai")) == (
        "2024-11-18 09:30 UTC+8"
    )
    assert local_time("2024-07-01T10:00:00+00:00", ZoneInfo("Europe/Berlin")) == (
        "2024-07-01 12:00 UTC+2"
    )
    assert local_time("2024-01-01T10:00:00+00:00", ZoneInfo("America/Chicago")) == (
        "2024-01-01 04:00 UTC-6"
    )
    assert local_time("2024-01-01T10:00:00+00:00", ZoneInfo("Asia/Kolkata")) == (
        "2024-01-01 15:30 UTC+5:30"
    )
    assert local_time("not a time", UTC) == "not a time"


def test_station_list_shows_the_expiry_in_the_events_time(site: Site) -> None:
    site.station("Door A", Role.DOOR).close()
    tz = site.desk.event().tz
    assert str(tz) == "Asia/Shanghai"
    out = CliRunner().invoke(load_commands(), ["station", "list", "--db", site.desk.path])
    assert out.exit_code == 0, out.output
    listed = CliRunner().invoke(load_commands(),
                                ["station", "list", "--db", site.desk.path, "--json"])  # fmt: skip
    rows = [json.loads(line) for line in listed.output.splitlines()]
    door = next(r for r in rows if r["name"] == "Door A")
    utc = datetime.fromisoformat(door["expires"]).astimezone(UTC)
    local = utc.astimezone(tz)
    assert door["expires_local"] == f"{local:%Y-%m-%d %H:%M} UTC+8"
    line = next(x for x in out.output.splitlines() if x.startswith("Door A"))
    assert f"until {local:%Y-%m-%d %H:%M} UTC+8" in line
    assert f"{utc:%Y-%m-%dT%H:%M}" not in line  # not UTC (8 hours apart)


def test_who_may_enroll(site: Site, tmp_path: Path) -> None:
    assert tstore.enrolls(site.desk.conn) is tstore.Enrolls.DESK
    door = site.station("Door A", Role.DOOR)
    try:
        assert tstore.enrolls(door.conn) is tstore.Enrolls.STATION
        with pytest.raises(tstore.TrustError, match="enrolled station"):
            enr.become_desk(door, site.clock.now())
    finally:
        door.close()
    # a second desk that holds the badge key (copied in), without trust, after the first
    # desk issued certificates: it must not make a rival event key
    second = tmp_path / "second.sqlite"
    dst = sqlite3.connect(second)
    site.desk.conn.backup(dst)
    dst.close()
    s = Store.open(second)
    try:
        with s.write() as tx:
            for key in (tstore.EVENT_PRIVATE, tstore.EVENT_PUBLIC):
                syncstate.delete_setting(tx.conn, key)
        s.reload_station()
        assert tstore.enrolls(s.conn) is tstore.Enrolls.OTHER_DESK
        with pytest.raises(tstore.TrustError, match="another database is the event's desk"):
            enr.enroll(s, OWNER_DSN, Role.DOOR, "Door X", tmp_path / "x.enroll",
                       site.clock.now(), login=no_hub_login)  # fmt: skip
        assert not (tmp_path / "x.enroll").exists()
        with s.write() as tx:
            syncstate.delete_setting(tx.conn, "private_key")
        assert tstore.enrolls(s.conn) is tstore.Enrolls.NO_KEY
    finally:
        s.close()
    fresh = init_database(tmp_path / "fresh.sqlite", load_event(), at=at("07:00").now())
    try:
        assert tstore.enrolls(fresh.conn) is tstore.Enrolls.FIRST
    finally:
        fresh.close()
