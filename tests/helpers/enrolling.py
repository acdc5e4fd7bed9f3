"""An event on a real hub with one enrolled station, set up as a person types it: the
desk's demo database published to a new hub, a station enrolled at the desk and made from
its enrollment file. And a cluster that asks station logins for their password."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.cli import run
from tests.helpers.pgcluster import USER, Cluster


def enrolled(
    tmp_path: Path, hub_dsn: str, role: str = "door", name: str = "Door A",
    attendees: int = 20, days: int = 14,
) -> tuple[str, str, Path]:  # fmt: skip
    """(the desk's database, the station's, its enrollment file), in `tmp_path`."""
    desk, station = str(tmp_path / "desk.sqlite"), str(tmp_path / f"{role}.sqlite")
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", desk, "--attendees", str(attendees), "--day", "2024-11-04")
    run("hub", "publish", "--db", desk, "--server", hub_dsn)
    file = tmp_path / f"{role}.enroll"
    run("station", "enroll", "--db", desk, "--server", hub_dsn, "--role", role,
        "--name", name, "--days", str(days), "--out", str(file))  # fmt: skip
    run("sync", "--db", desk, "--server", hub_dsn, "--once")
    run("init", "--db", station, "--enrollment", str(file))
    return desk, station, file


def asking_passwords(cluster: Cluster) -> Cluster:
    """`cluster` (not started yet) asks every login but its superuser for its password
    (SCRAM), as a real hub does: trust authentication checks no password, nor a
    password's expiry (VALID UNTIL). Started."""
    (cluster.data / "pg_hba.conf").write_text(
        f"local all all trust\nhost all {USER} 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
    )
    cluster.start()
    return cluster
