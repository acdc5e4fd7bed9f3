"""The station host (kiosk.station): the child process that owns every SQLite connection.

Real processes, a real database file; no Qt. The child's death (a pulled drive's SIGBUS
is simulated by files made immutable, or by SIGKILL) must surface as StationDown, never
as the death of the caller, and a restarted child must serve again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.backoff import Backoff
from kiosk.models.outcomes import Method, Outcome
from kiosk.station import protocol as p
from kiosk.station.client import StationClient
from kiosk.station.errors import StationDown, StationFailed
from kiosk.station.kept import KeptScans
from kiosk.station.process import StationProcess
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

NOW = at("09:05").now()


def codes(db: Path, n: int) -> list[tuple[str, str]]:
    store = Store.open(db)
    try:
        svc = CheckinService(store, at("07:30"), rng=random.Random(3))
        return [
            (a.attendee_id, svc.badge_code(a.attendee_id))
            for a in list(reads(store).people.everyone())[:n]
        ]
    finally:
        store.close()


@pytest.fixture
def client(demo_db: Path) -> Iterator[StationClient]:
    h = StationProcess(demo_db)
    h.start()
    client = StationClient(h)
    yield client
    client.close()


def scan(code: str, at_: object = NOW) -> p.CheckIn:
    return p.CheckIn(code, "opening", Method.HANDHELD, "amy", at_)  # type: ignore[arg-type]


def test_requests_and_typed_replies(client: StationClient, demo_db: Path) -> None:
    opened = client.ask(p.OpenDatabase())
    assert isinstance(opened, p.Opened) and opened.writable and opened.event.id
    [(aid, code)] = codes(demo_db, 1)
    res = client.ask(scan(code))
    assert res.outcome is Outcome.ADMITTED and res.attendee_id == aid  # type: ignore[attr-defined]
    assert res.at == NOW  # type: ignore[attr-defined]  # the GUI's time, not the child's
    with pytest.raises(StationFailed) as bad:
        client.ask(p.ManualCheckIn(aid, "no-such-session", "", NOW))
    assert bad.value.problem is p.Problem.INVALID and "no-such-session" in bad.value.message
    # The reader lane has its own connection and sees the desk's commit.
    snap = client.ask(p.Snapshot("", NOW))
    assert snap.stats[0].admitted == 1  # type: ignore[attr-defined]
    again = client.ask(p.Snapshot("", NOW, (snap.version, snap.session_id)))  # type: ignore[attr-defined]
    assert isinstance(again, p.Unchanged)
    assert client.host.pid != os.getpid()


def test_missing_database_is_a_typed_problem_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "no" / "event.sqlite"
    h = StationProcess(path)
    h.start()
    client = StationClient(h)
    try:
        with pytest.raises(StationFailed) as missing:
            client.ask(p.OpenDatabase())
        assert missing.value.problem is p.Problem.MISSING and str(path) in missing.value.message
        assert not path.parent.exists()
    finally:
        client.close()


def test_create_database_on_request(tmp_path: Path) -> None:
    path = tmp_path / "event.sqlite"
    h = StationProcess(path)
    h.start()
    client = StationClient(h)
    try:
        opened = client.ask(p.CreateDatabase())
        assert isinstance(opened, p.Opened) and opened.writable and path.is_file()
        assert opened.last_entry_at is None
    finally:
        client.close()


def test_a_killed_child_is_station_down_then_restarts(client: StationClient, demo_db: Path) -> None:
    client.ask(p.OpenDatabase())
    pid = client.host.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(StationDown) as down:
        client.ask(p.Stats())
    assert "killed" in str(down.value)
    client.host.restart()
    assert client.host.pid != pid and client.host.starts == 2
    assert client.ask(p.OpenDatabase()).writable  # type: ignore[attr-defined]


def test_bus_error_kills_only_the_child(client: StationClient, demo_db: Path) -> None:
    """The real case: db, -wal and -shm made immutable while the child holds them open."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    [(_a, first), (aid, second)] = codes(demo_db, 2)
    client.ask(p.OpenDatabase())
    client.ask(scan(first))
    files = [str(demo_db) + x for x in ("", "-wal", "-shm")]
    if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not permitted here")
    try:
        with pytest.raises((StationDown, StationFailed)) as lost:
            client.ask(scan(second))
        if isinstance(lost.value, StationDown):
            assert "bus error" in str(lost.value)
        # A fresh child opens the immutable files read-only: it says so, it does not die.
        client.host.restart()
        opened = client.ask(p.OpenDatabase())
        assert isinstance(opened, p.Opened) and not opened.writable
        with pytest.raises(StationFailed) as ro:
            client.ask(scan(second))
        assert ro.value.problem is p.Problem.UNWRITABLE
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)
    client.host.restart()
    client.ask(p.OpenDatabase())
    res = client.ask(scan(second, NOW + timedelta(seconds=3)))
    assert res.outcome is Outcome.ADMITTED and res.attendee_id == aid  # type: ignore[attr-defined]


def test_progress_messages_of_an_export(client: StationClient, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = tmp_path / "scans.csv"
    done = client.submit(
        p.Export("attendance", "csv", out, None, NOW), progress=lambda d, t: seen.append((d, t))
    ).result()
    assert isinstance(done, p.ExportDone) and Path(done.path) == out and out.exists()
    with pytest.raises(StationFailed) as bad:
        client.ask(p.Export("attendance", "csv", tmp_path / "no" / "x.csv", None, NOW))
    assert bad.value.problem is p.Problem.INVALID and "does not exist" in bad.value.message


def test_kept_scans_survive_a_restart_of_the_gui_in_their_journal(tmp_path: Path) -> None:
    journal = tmp_path / "kept.jsonl"
    kept = KeptScans(journal, limit=3)
    for i in range(4):
        added = kept.add(scan(f"FC1:{i}", NOW + timedelta(seconds=i)))
        assert added == (i < 3)  # bounded: the fourth is refused, the desk says so
    again = KeptScans(journal, limit=3)
    assert len(again) == 3
    first = again.first()
    assert first is not None and first.code == "FC1:0" and first.at == NOW
    again.done(first)
    again.save()
    assert [s.code for s in KeptScans(journal)._items] == ["FC1:1", "FC1:2"]
    while (s := again.first()) is not None:
        again.done(s)
    again.save()
    assert not journal.exists()


def test_backoff_doubles_to_a_cap_and_resets() -> None:
    b = Backoff(0.5, 4.0)
    assert [b.next() for _ in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    b.reset()
    assert b.next() == 0.5
