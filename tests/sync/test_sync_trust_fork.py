"""A copied station (issue 18): an enrolled door's database and key restored from an older
backup, or cloned to a second machine, writes under the same station id and numbers as
the original (or, on another machine, under an id of its own). Sync gives the copy a new
station id, which no certificate names: everything it writes from then on is kept aside
everywhere (never taken for the original's), the copy says plainly, in both languages,
that it must be enrolled again and how, and the desk and `hub status` name it. With a
real hub, as a person types it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub
from kiosk.sync.loop import SyncLoop, SyncStatus
from kiosk.sync.server import ServerConfig
from kiosk.trust.roles import Refusal
from tests.helpers.cli import run
from tests.helpers.clocks import at
from tests.helpers.syncing import codes

FILES = ("", ".key", ".hub")


def checkin(db: str, code: str, now: str) -> str:
    out = run("checkin", "--db", db, "--session", "opening", "--code", code, "--now", now).output
    assert "admitted" in out.lower(), out
    return out


class Event:
    def __init__(self, tmp: Path, hub_dsn: str) -> None:
        self.tmp, self.hub = tmp, hub_dsn
        self.desk, self.door = str(tmp / "desk.sqlite"), str(tmp / "door.sqlite")
        run("hub", "init", "--server", hub_dsn)
        run("demo", "--db", self.desk, "--attendees", "20", "--day", "2024-11-04")
        run("hub", "publish", "--db", self.desk, "--server", hub_dsn)
        enrollment = tmp / "door.enroll"
        run("station", "enroll", "--db", self.desk, "--server", hub_dsn, "--role", "door",
            "--name", "Door A", "--out", str(enrollment))  # fmt: skip
        run("sync", "--db", self.desk, "--server", hub_dsn, "--once")
        run("init", "--db", self.door, "--enrollment", str(enrollment))
        self.badges = list(codes(Path(self.desk)).values())

    def desk_status(self) -> SyncStatus:
        loop = SyncLoop(lambda: Store.open(self.desk), Hub(ServerConfig(self.hub, "t")),
                        at("09:30"))  # fmt: skip
        try:
            return loop.step()
        finally:
            loop.close()

    def desk_log(self) -> tuple[dict[str, Refusal], list[tuple[str, str]]]:
        """(held uuid -> why, (station, uuid) of every admission applied) at the desk."""
        d = Store.open(self.desk)
        try:
            held = {e.uuid: r for e, r in tstore.held(d.conn)}
            scans = [(x.station, x.uuid) for x in log.entries(d.conn, kinds=("entry",))]
            return held, scans
        finally:
            d.close()


def _uuids(db: str, station_id: str) -> set[str]:
    s = Store.open(db, readonly=True)
    try:
        return {str(r[0]) for r in s.conn.execute(
            "SELECT uuid FROM log WHERE station_id = ?", (station_id,))}  # fmt: skip
    finally:
        s.close()


def _station_id(db: str) -> str:
    s = Store.open(db, readonly=True)
    try:
        return s.station.id
    finally:
        s.close()


def _says_enroll_again(out: str) -> None:
    assert "this database is a copy of station Door A" in out, out
    assert "init --db NEW.sqlite --enrollment FILE" in out
    assert "此数据库是站点 Door A 的副本" in out


def test_a_door_restored_from_an_older_backup_is_a_copy_to_enroll_again(
    tmp_path: Path, hub_dsn: str
) -> None:
    ev = Event(tmp_path, hub_dsn)
    backup = tmp_path / "backup"
    backup.mkdir()
    for suffix in FILES:
        shutil.copy2(ev.door + suffix, backup / f"door.sqlite{suffix}")
    enrolled_id = _station_id(ev.door)
    checkin(ev.door, ev.badges[0], "2024-11-04T09:05")
    run("sync", "--db", ev.door, "--once")
    # the disk is restored from the backup: the same station id, the same next number
    for suffix in FILES:
        shutil.copy2(backup / f"door.sqlite{suffix}", ev.door + suffix)
    for suffix in ("-wal", "-shm"):
        Path(ev.door + suffix).unlink(missing_ok=True)
    checkin(ev.door, ev.badges[1], "2024-11-04T09:10")
    out = run("sync", "--db", ev.door, "--once", code=3).output  # the fork found, repaired
    assert "1 entries renumbered" in out
    _says_enroll_again(out)
    new_id = _station_id(ev.door)
    assert new_id != enrolled_id
    checkin(ev.door, ev.badges[2], "2024-11-04T09:15")
    out = run("sync", "--db", ev.door, "--once", "--json", code=3).output
    said = json.loads(out.splitlines()[-1])
    assert said["copy_of"] == "Door A" and said["waiting"] == 2
    # hub status and the desk name the station (its row stays: a copy folds nothing away)
    status = run("hub", "status", "--server", hub_dsn).output
    assert "hub refuses entries of Door A" in status and "a copy of the station" in status
    assert "中心服务器拒收 Door A 的记录：该站点的副本" in status
    assert any(line.startswith("Door A") for line in status.splitlines())
    desk = ev.desk_status()
    assert [name for _, name, _ in desk.refusals] == ["Door A"]
    assert "enrolled again" in desk.notices("en")[0]
    assert desk.notices("zh")[0].startswith("中心服务器拒收 Door A 的记录：该站点的副本")
    # nothing of the copy reached the desk; the original's admission did
    held, scans = ev.desk_log()
    assert not held and [s for s, _ in scans] == ["Door A"]
    # the copy, given the owner's string, pushes its entries: kept aside at the desk
    out = run("sync", "--db", ev.door, "--server", hub_dsn, "--once", code=3).output
    _says_enroll_again(out)
    run("sync", "--db", ev.desk, "--server", hub_dsn, "--once")
    held, scans = ev.desk_log()
    assert set(held) == _uuids(ev.door, new_id) and len(held) == 2
    # the one it wrote before the repair still carries the original's signature, the
    # later one none: neither is taken for the original's
    assert set(held.values()) == {Refusal.UNKNOWN_STATION, Refusal.UNSIGNED}
    assert [s for s, _ in scans] == ["Door A"]
    out = run("conflicts", "--db", ev.desk, "--json").output
    report = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert sum(c["kind"] == "held_entry" for c in report) == 2


def test_a_cloned_door_on_another_machine_is_named_while_the_original_syncs_on(
    tmp_path: Path, hub_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ev = Event(tmp_path, hub_dsn)
    clone = str(tmp_path / "clone" / "door.sqlite")
    Path(clone).parent.mkdir()
    for suffix in FILES:
        shutil.copy2(ev.door + suffix, clone + suffix)
    monkeypatch.setenv("FORUM_CHECKIN_MACHINE_ID", "the-cloned-laptop")
    out = checkin(clone, ev.badges[3], "2024-11-04T09:06")
    out = run("sync", "--db", clone, "--once", code=3).output
    _says_enroll_again(out)
    clone_id = _station_id(clone)
    monkeypatch.delenv("FORUM_CHECKIN_MACHINE_ID")
    # the original keeps checking in and syncing; its contacts do not wipe the copy's word
    checkin(ev.door, ev.badges[4], "2024-11-04T09:07")
    out = run("sync", "--db", ev.door, "--once").output
    assert "copy" not in out and "pushed 1" in out
    desk = ev.desk_status()
    assert [name for _, name, _ in desk.refusals] == ["Door A"]
    assert "a copy of the station" in desk.refusals[0][2]
    status = run("hub", "status", "--server", hub_dsn).output
    assert "hub refuses entries of Door A" in status
    held, scans = ev.desk_log()
    assert not held and len(scans) == 1
    assert not _uuids(ev.desk, clone_id)


def test_a_revoked_door_is_named_by_hub_status_and_at_the_desk_and_told_why(
    tmp_path: Path, hub_dsn: str
) -> None:
    ev = Event(tmp_path, hub_dsn)
    checkin(ev.door, ev.badges[0], "2024-11-04T09:05")
    run("sync", "--db", ev.door, "--once")
    run("sync", "--db", ev.desk, "--server", hub_dsn, "--once")
    run("station", "revoke", "--db", ev.desk, "--name", "Door A", "--server", hub_dsn)
    checkin(ev.door, ev.badges[1], "2024-11-04T09:10")
    out = run("sync", "--db", ev.door, "--once", code=1).output
    assert out.startswith("refused: ") and "revoked at the desk" in out
    assert "its login was revoked at the desk" in out and "其登录名已在服务台被吊销" in out
    out = run("sync", "--db", ev.door, "--once", "--json", code=1).output
    assert json.loads(out.splitlines()[0])["revoked"] is True
    status = run("hub", "status", "--server", hub_dsn).output
    assert "hub refuses entries of Door A" in status and "its hub login was revoked" in status
    assert "中心服务器拒收 Door A 的记录：其中心服务器登录名已在服务台被吊销" in status
    door_row = next(line for line in status.splitlines() if line.startswith("Door A"))
    assert "refused" in door_row
    desk = ev.desk_status()
    assert [name for _, name, _ in desk.refusals] == ["Door A"]
    assert desk.notices("zh")[0].startswith("中心服务器拒收 Door A 的记录：其中心服务器登录名")
    _, scans = ev.desk_log()
    assert len(scans) == 1  # what it wrote before stays; nothing after arrived
