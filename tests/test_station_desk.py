"""The desk session (kiosk.station.desk), without Qt: the database's state, kept scans,
the restart back-off, open / recover / replay, against a real station host.

A pulled drive is the database's files made immutable (SQLite's SIGBUS kills the host),
or the host killed; the session keeps the scans at their real time and records them,
in order, when the database can be written again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.models.backoff import Backoff
from kiosk.models.outcomes import Method, Outcome
from kiosk.station import protocol as p
from kiosk.station.client import StationClient
from kiosk.station.desk import (
    DbStatus,
    DeskEvent,
    DeskOpened,
    DeskSession,
    NotRecorded,
    RecordedLater,
    StateChanged,
    journal_for,
)
from kiosk.station.errors import StationFailed
from kiosk.station.process import StationProcess
from tests.helpers.clocks import at
from tests.test_station_client import codes

NOW = at("09:05").now()


class Desk:
    """A session on a real host; what it told, in order."""

    def __init__(self, db: Path, journal: Path | None = None, **kw: Any) -> None:
        self.events: list[DeskEvent] = []
        self.lock = threading.Lock()
        self.client = StationClient(StationProcess(db))
        self.session = DeskSession(
            self.client, at("09:05"), journal_dir=journal, on_event=self._heard,
            backoff=Backoff(0.2, 0.5), watch_s=0.2, **kw,
        )  # fmt: skip

    def _heard(self, event: DeskEvent) -> None:
        with self.lock:
            self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]

    def until(self, ok: Callable[[], object], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not ok():
            assert time.monotonic() < deadline, f"timed out; events: {self.events}"
            time.sleep(0.02)

    def close(self) -> None:
        self.session.close()
        self.client.close()


@pytest.fixture
def desk(demo_db: Path, tmp_path: Path) -> Iterator[Desk]:
    d = Desk(demo_db, tmp_path / "home", station_name="door-3")
    yield d
    d.close()


def files(db: Path) -> list[str]:
    return [str(db) + x for x in ("", "-wal", "-shm")]


def scan(code: str, seconds: int) -> p.CheckIn:
    return p.CheckIn(code, "opening", Method.HANDHELD, "amy", NOW + timedelta(seconds=seconds))


def test_opening_names_the_station_and_tells_in_order(desk: Desk, demo_db: Path) -> None:
    desk.session.start()
    desk.until(lambda: desk.of(DeskOpened))
    [opened] = desk.of(DeskOpened)
    assert opened.opened.station == "door-3" and opened.opened.writable
    # The views hear that the database may be written before they hear it opened.
    first_ok = next(
        i for i, e in enumerate(desk.events)
        if isinstance(e, StateChanged) and e.state.writable
    )  # fmt: skip
    assert first_ok < desk.events.index(opened)
    [(aid, code)] = codes(demo_db, 1)
    result = desk.session.check_in(scan(code, 0)).result(timeout=30)
    assert result.attendee_id == aid and result.station == "door-3"
    renamed = desk.session.name_station("door-4").result(timeout=30)
    assert renamed == "door-4" and desk.session.station_name == "door-4"
    with pytest.raises(ValueError):
        desk.session.submit(p.Snapshot("", NOW))  # not a desk request


def test_scans_are_kept_while_the_files_are_immutable_then_recorded(
    desk: Desk, demo_db: Path, tmp_path: Path
) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    [(_a, first), (b_id, second), (c_id, third)] = codes(demo_db, 3)
    desk.session.start()
    assert desk.session.check_in(scan(first, 0)).result(timeout=30).outcome is Outcome.ADMITTED
    Path(str(demo_db) + "-shm").touch()
    if subprocess.run(["chattr", "+i", *files(demo_db)], capture_output=True).returncode:
        pytest.skip("chattr +i is not permitted here")
    try:
        lost = desk.session.check_in(scan(second, 7))
        with pytest.raises(NotRecorded) as kept:
            lost.result(timeout=30)
        assert kept.value.kept and kept.value.at == NOW + timedelta(seconds=7)
        assert kept.value.database_down and kept.value.count == 1
        desk.until(lambda: not desk.session.state.writable)
        # The next scan is kept behind it (the queue keeps its order), whatever the state.
        with pytest.raises(NotRecorded) as queued:
            desk.session.check_in(scan(third, 9)).result(timeout=30)
        assert queued.value.count == 2
        journal = journal_for(tmp_path / "home", demo_db)
        assert len(journal.read_text().splitlines()) == 2  # a crash of the GUI loses nothing
        assert desk.session.state.status in (DbStatus.DOWN, DbStatus.READ_ONLY)
        assert desk.session.state.kept == 2
    finally:
        subprocess.run(["chattr", "-i", *files(demo_db)], check=True)
    # Back: recorded, in order, at the time they were scanned; the state is ok again.
    desk.until(lambda: desk.of(RecordedLater), timeout=60)
    [later] = desk.of(RecordedLater)
    assert [r.attendee_id for r in later.results] == [b_id, c_id]
    assert [r.at for r in later.results] == [NOW + timedelta(seconds=s) for s in (7, 9)]
    desk.until(lambda: desk.session.state.writable)
    assert desk.session.state.kept == 0 and not journal.exists()


def test_a_host_killed_while_idle_is_noticed_and_restarted(desk: Desk, demo_db: Path) -> None:
    desk.session.start()
    desk.until(lambda: desk.session.state.writable)
    pid = desk.client.host.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    desk.until(lambda: any(
        isinstance(e, StateChanged) and e.state.status is DbStatus.DOWN for e in desk.events
    ))  # fmt: skip
    desk.until(lambda: desk.session.state.writable and desk.client.host.alive)
    assert desk.client.host.pid != pid and desk.client.host.starts == 2
    [(_aid, code)] = codes(demo_db, 1)
    assert desk.session.check_in(scan(code, 3)).result(timeout=30).outcome is Outcome.ADMITTED


def test_a_missing_database_waits_for_a_choice(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    desk = Desk(path)
    try:
        desk.session.start()
        desk.until(lambda: desk.session.state.status is DbStatus.MISSING)
        time.sleep(0.5)  # no retry loop on a missing file: nothing is created unasked
        assert not path.exists() and desk.client.host.starts == 1
        opened = desk.session.create_database().result(timeout=60)
        assert opened.writable and path.is_file()
        desk.until(lambda: desk.session.state.writable)
    finally:
        desk.close()


def test_a_refused_desk_write_leaves_the_database_up(desk: Desk) -> None:
    desk.session.start()
    desk.until(lambda: desk.session.state.writable)
    refused = desk.session.submit(p.MarkMeeting("MM-99", "held", "dashboard", NOW))
    with pytest.raises(StationFailed) as failed:
        refused.result(timeout=30)
    assert failed.value.problem is p.Problem.INVALID
    assert desk.session.state.writable  # an invalid request is not a database problem
