"""The station host's sync lane (kiosk.station.syncing), the dashboard's station scope and
its conflicts, and the organizers' merge: real processes, a real hub, no Qt."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.models.outcomes import Method, Outcome
from kiosk.station import protocol as p
from kiosk.station.client import StationClient
from kiosk.station.process import StationProcess
from kiosk.storage.conflicts import ConflictKind
from kiosk.sync.loop import Link
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.syncing import codes, desk, service, station, sync

NOW = at("09:05").now()


def _client(path: Path) -> StationClient:
    host = StationProcess(path)
    host.start()
    return StationClient(host)


def _poll_until(host: StationClient, ok: object, timeout: float = 15.0) -> p.SyncUpdate:
    seq, deadline = 0, time.monotonic() + timeout
    while time.monotonic() < deadline:
        u = host.ask(p.SyncPoll(seq, 1.0))
        assert isinstance(u, p.SyncUpdate)
        seq = u.seq
        if callable(ok) and ok(u):
            return u
    raise AssertionError(f"no such status within {timeout} s (last: {u})")


def test_the_sync_lane_syncs_the_database_and_reports_it(
    tmp_path: Path, server: ServerConfig
) -> None:
    front = desk(tmp_path, server, attendees=12)
    a = station(tmp_path, "door-a", server)
    b = station(tmp_path, "door-b", server)
    badges = list(codes(front).values())
    with service(b, at("09:01")) as s:
        s.check_in(badges[0], "opening")
        s.check_in(badges[1], "opening")
    sync(b, server)
    host = _client(a)
    try:
        assert host.ask(p.OpenDatabase())
        idle = host.ask(p.SyncPoll(0, 0.0))
        assert isinstance(idle, p.SyncUpdate) and not idle.running and idle.status is None
        assert host.ask(p.StartSync(server, 0.2)) is True
        assert host.ask(p.StartSync(server, 0.2)) is True  # the same hub: goes on
        u = _poll_until(host, lambda u: u.status is not None and u.status.link is Link.ONLINE)
        assert u.running and "password" not in u.server and u.server.startswith("postgresql://")
        # B's entries arrived: a scan at A of B's attendee is a repeat, decided locally.
        scan = p.CheckIn(badges[0], "opening", Method.HANDHELD, "amy", NOW)
        assert host.ask(scan).outcome is Outcome.ALREADY_CHECKED_IN  # type: ignore[attr-defined]
        scan = p.CheckIn(badges[2], "opening", Method.HANDHELD, "amy", NOW)
        assert host.ask(scan).outcome is Outcome.ADMITTED  # type: ignore[attr-defined]
        _poll_until(host, lambda u: u.status is not None and u.status.waiting == 0
                    and u.status.pushed + u.status.pulled >= 0 and u.seq > 3)  # fmt: skip
        whole = host.ask(p.Snapshot("opening", NOW))
        own = host.ask(p.Snapshot("opening", NOW, scope="station"))
        opening = {s.session_id: s for s in whole.stats}["opening"]  # type: ignore[attr-defined]
        mine = {s.session_id: s for s in own.stats}["opening"]  # type: ignore[attr-defined]
        assert (opening.admitted, mine.admitted) == (3, 1)
        assert mine.repeats == 1 and own.scope == "station"  # type: ignore[attr-defined]
        assert {r.station for r in own.recent} == {"door-a"}  # type: ignore[attr-defined]
        assert own.arrivals["opening"].total == 1  # type: ignore[attr-defined]
        assert host.ask(p.StopSync()) is True
        stopped = host.ask(p.SyncPoll(0, 0.0))
        assert isinstance(stopped, p.SyncUpdate) and not stopped.running
    finally:
        host.close()


def test_conflicts_travel_with_the_snapshot_and_a_merge_clears_one(
    tmp_path: Path, server: ServerConfig
) -> None:
    from kiosk.models.records import AttendeeInput

    front = desk(tmp_path, server, attendees=8)
    a = station(tmp_path, "door-a", server, key_from=front)
    b = station(tmp_path, "door-b", server, key_from=front)
    badge = next(iter(codes(front).values()))
    for path, t in ((a, "09:01"), (b, "09:02")):  # apart: both admit the same badge
        with service(path, at(t), seed=len(t) + int(t[-1])) as s:
            assert s.check_in(badge, "opening").outcome is Outcome.ADMITTED
            s.walk_in(AttendeeInput(name="Wu Fang", email="wu.fang@example.cn"))
    sync(a, server)
    sync(b, server)
    sync(a, server)
    host = _client(a)
    try:
        snap = host.ask(p.Snapshot("opening", NOW))
        kinds = sorted(c.kind for c in snap.conflicts)  # type: ignore[attr-defined]
        assert kinds == [ConflictKind.DUPLICATE_ENTRY, ConflictKind.POSSIBLE_DUPLICATE]
        dup = next(c for c in snap.conflicts if c.kind is ConflictKind.POSSIBLE_DUPLICATE)  # type: ignore[attr-defined]
        kept = host.ask(p.MergeAttendees(dup.attendee_id, dup.other, "org", NOW))
        assert kept.attendee_id == dup.other  # type: ignore[attr-defined]
        again = host.ask(p.Snapshot("opening", NOW))
        assert [c.kind for c in again.conflicts] == [ConflictKind.DUPLICATE_ENTRY]  # type: ignore[attr-defined]
    finally:
        host.close()
