"""Every hub login the desk makes or drops goes through the desk's own database (issue 18):
its copy of the logins follows at once, so a hub replaced right after `station enroll` or
`station revoke` (before the desk's next sync) gets the enrolled station's login back and
never brings a revoked one back to life."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from kiosk.storage import syncstate
from kiosk.storage.store import Store
from kiosk.sync import hubroles
from tests.helpers.cli import run
from tests.helpers.pgcluster import Cluster


def _desk_copy(desk: str) -> dict[str, hubroles.Member]:
    store = Store.open(desk, readonly=True)
    try:
        return hubroles.members_of(syncstate.setting(store.conn, hubroles.MEMBERS_SETTING))
    finally:
        store.close()


def _login_of(enrollment: Path) -> str:
    return str(json.loads(enrollment.read_text())["hub"])


def test_enroll_and_revoke_keep_the_desks_copy_of_the_logins(
    tmp_path: Path, hub_dsn: str, pg_cluster: Cluster
) -> None:
    desk = str(tmp_path / "desk.sqlite")
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", desk, "--attendees", "5", "--day", "2024-11-04")
    run("hub", "publish", "--db", desk, "--server", hub_dsn)
    files = {n: tmp_path / f"{n}.enroll" for n in ("door-a", "door-b")}
    for name, out in files.items():
        run("station", "enroll", "--db", desk, "--server", hub_dsn, "--role", "door",
            "--name", name, "--out", str(out))  # fmt: skip
    # no sync of the desk in between: the copy was kept by the enrollment itself
    copy = _desk_copy(desk)
    assert len(copy) == 2 and not any(m.revoked for m in copy.values())
    run("station", "revoke", "--db", desk, "--name", "door-b", "--server", hub_dsn)
    copy = _desk_copy(desk)
    assert sorted(m.revoked for m in copy.values()) == [False, True]
    # the hub is lost at once; a new hub (same cluster: logins are cluster-wide) gets the
    # desk's publish: door-a's enrollment works there, door-b's stays refused
    new = pg_cluster.create_database(f"hub_new_{tmp_path.name[-16:].lower()}")
    run("hub", "init", "--server", new)
    run("hub", "publish", "--db", desk, "--server", new)
    for name, ok in (("door-a", True), ("door-b", False)):
        dsn = make_conninfo(_login_of(files[name]), dbname=conninfo_to_dict(new)["dbname"])
        if ok:
            psycopg.connect(dsn).close()
        else:
            with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
                psycopg.connect(dsn).close()
    # that hub is then restored from a backup older than the revocation: the desk's next
    # sync revokes door-b's login there again
    dsn_b = make_conninfo(_login_of(files["door-b"]), dbname=conninfo_to_dict(new)["dbname"])
    user_b = str(conninfo_to_dict(dsn_b)["user"])
    with psycopg.connect(new, autocommit=True) as owner:
        owner.execute("UPDATE hub_members SET revoked_at = NULL")
        owner.execute(f'ALTER ROLE "{user_b}" LOGIN')
    psycopg.connect(dsn_b).close()  # it could log in again
    run("sync", "--db", desk, "--server", new, "--once")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(dsn_b).close()
    assert sorted(m.revoked for m in _desk_copy(desk).values()) == [False, True]


def test_a_revocation_whose_hub_is_away_is_recorded_and_said_then_finished(
    tmp_path: Path, hub_dsn: str
) -> None:
    desk = str(tmp_path / "desk.sqlite")
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", desk, "--attendees", "5", "--day", "2024-11-04")
    run("hub", "publish", "--db", desk, "--server", hub_dsn)
    out = tmp_path / "door.enroll"
    run("station", "enroll", "--db", desk, "--server", hub_dsn, "--role", "door",
        "--name", "Door A", "--out", str(out))  # fmt: skip
    away = "postgresql://owner@127.0.0.1:1/nohub?connect_timeout=2"
    said = run("station", "revoke", "--db", desk, "--name", "Door A", "--server", away,
               code=1).output  # fmt: skip
    assert "'Door A' is revoked (its entries after #0 are refused" in said
    assert "its hub login was not dropped" in said and "Revoke it again" in said
    listing = run("station", "list", "--db", desk).output
    assert "revoked after #0" in listing
    psycopg.connect(_login_of(out)).close()  # the login still works: said, not hidden
    run("station", "revoke", "--db", desk, "--name", "Door A", "--server", hub_dsn)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(_login_of(out)).close()
    store = Store.open(desk, readonly=True)
    try:
        revokes = store.conn.execute("SELECT COUNT(*) FROM log WHERE kind = 'station_revoke'")
        assert revokes.fetchone()[0] == 1  # recorded once
    finally:
        store.close()
