"""The station client (kiosk.station.client): typed requests in, futures of their replies out.

Real host processes, a real database; no Qt. Each request travels in an envelope whose id
and origin the reply echoes; each lane answers its requests in order, the lanes side by
side; a dead host and a refusal are typed exceptions on the future, sorted by type.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.errors import (
    DatabaseMissing,
    DatabaseUnavailable,
    DatabaseUnwritable,
    KioskError,
    NotFoundError,
    ValidationError,
)
from kiosk.models.outcomes import Method, Outcome
from kiosk.station import protocol as p
from kiosk.station.client import StationClient
from kiosk.station.errors import StationDown, StationError, StationFailed
from kiosk.station.handlers import problem_of
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
    host = StationProcess(demo_db)
    host.start()
    c = StationClient(host)
    c.ask(p.OpenDatabase())
    yield c
    c.close()


def scan(code: str, seconds: int = 0) -> p.CheckIn:
    return p.CheckIn(code, "opening", Method.HANDHELD, "amy", NOW + timedelta(seconds=seconds))


def test_the_reply_echoes_the_envelope_s_id_and_origin(client: StationClient) -> None:
    origin = p.Origin(p.Source.CAMERA, 123.5)
    envelope = p.Envelope(41, p.Stats(), origin)
    reply = client.host.exchange("reader", envelope)
    assert isinstance(reply, p.Done) and reply.id == 41 and reply.origin == origin
    assert reply.value[0].session_id == "opening"
    refused = client.host.exchange(
        "desk", p.Envelope(43, p.ManualCheckIn("nobody", "opening", "", NOW), origin)
    )
    assert isinstance(refused, p.Failed) and (refused.id, refused.origin) == (43, origin)
    assert refused.problem is p.Problem.INVALID


def test_results_are_matched_to_their_requests_by_id(client: StationClient, demo_db: Path) -> None:
    people = codes(demo_db, 6)
    origins = [p.Origin(p.Source.CAMERA, 1.0), p.Origin(p.Source.KIOSK, 2.0)]
    calls = [client.submit(scan(code, i), origins[i % 2]) for i, (_aid, code) in enumerate(people)]
    assert len({c.id for c in calls}) == len(calls)  # a fresh id each
    for i, call in enumerate(calls):
        result = call.result(timeout=30)
        assert result.attendee_id == people[i][0] and result.outcome is Outcome.ADMITTED
        assert call.origin == origins[i % 2] and call.error is None
        assert call.value is result


def test_a_lane_answers_in_order_and_the_lanes_side_by_side(
    client: StationClient, demo_db: Path
) -> None:
    # The sync lane waits for a status that will not come (no hub): its waiting delays
    # nothing on the desk lane.
    waiting = client.submit(p.SyncPoll(0, 8.0))
    finished: list[int] = []
    calls = [client.submit(scan(code, i)) for i, (_a, code) in enumerate(codes(demo_db, 8))]
    for c in calls:
        c.add_done_callback(lambda c: finished.append(c.id))
    for c in calls:
        c.result(timeout=30)
    assert not waiting.done()  # still waiting on its own lane
    assert finished == [c.id for c in calls]  # in the order they were submitted
    update = waiting.result(timeout=30)
    assert isinstance(update, p.SyncUpdate) and not update.running


def test_a_refusal_and_a_dead_host_are_typed_exceptions(client: StationClient) -> None:
    refused = client.submit(p.ManualCheckIn("nobody", "opening", "", NOW))
    with pytest.raises(StationFailed) as failed:
        refused.result(timeout=30)
    assert failed.value.problem is p.Problem.INVALID and not failed.value.database_down
    assert isinstance(refused.error, StationFailed)
    pid = client.host.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    down = client.submit(p.Stats())
    with pytest.raises(StationDown) as dead:
        down.result(timeout=30)
    assert "killed" in dead.value.message and dead.value.database_down
    client.close()
    late = client.submit(p.Stats())
    assert isinstance(late.error, StationDown) and "closed" in late.error.message


def test_naming_the_station_is_a_request_of_its_own(client: StationClient, demo_db: Path) -> None:
    [(_aid, code)] = codes(demo_db, 1)
    before = client.ask(p.Recent(own=True))
    assert before == []
    assert client.ask(p.NameStation("  door-7 ")) == "door-7"
    result = client.ask(scan(code))
    assert result.station == "door-7"
    with pytest.raises(StationFailed) as nameless:
        client.ask(p.NameStation("  "))
    assert nameless.value.problem is p.Problem.INVALID
    [(entry, person)] = client.ask(p.Recent(own=True))
    assert entry.station == "door-7" and person is not None


def test_a_message_that_is_not_an_envelope_is_refused(client: StationClient) -> None:
    conn = client.host._conns["reader"]
    conn.send(p.Stats())  # a bare request, as an older GUI would send it
    reply = conn.recv()
    assert isinstance(reply, p.Failed) and reply.problem is p.Problem.INVALID
    assert "envelope" in reply.message
    assert client.ask(p.Stats())  # the lane goes on


@pytest.mark.parametrize(
    ("exc", "problem"),
    [
        (DatabaseMissing("x: no such database"), p.Problem.MISSING),
        (DatabaseUnavailable("x: damaged"), p.Problem.UNAVAILABLE),
        (DatabaseUnwritable("x: the disk is full"), p.Problem.UNWRITABLE),
        (ValidationError("no such session"), p.Problem.INVALID),
        (NotFoundError("no such attendee"), p.Problem.INVALID),
        (KioskError("anything else the domain says"), p.Problem.INVALID),
        (OSError(5, "Input/output error"), p.Problem.UNAVAILABLE),
        # text in the file that is not UTF-8: only a damaged database holds it
        (UnicodeDecodeError("utf-8", b"\xfc", 0, 1, "invalid start byte"), p.Problem.UNAVAILABLE),
        (RuntimeError("a bug"), p.Problem.FAILED),
    ],
)
def test_problems_are_sorted_by_the_type_of_the_error(
    exc: BaseException, problem: p.Problem
) -> None:
    assert problem_of(exc) is problem


def test_sqlite_errors_are_sorted_by_their_code_not_their_words(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        ro.execute("INSERT INTO t VALUES (1)")
    assert problem_of(readonly.value) is p.Problem.UNWRITABLE
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database " * 100)
    with pytest.raises(sqlite3.DatabaseError) as notadb:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    assert problem_of(notadb.value) is p.Problem.UNAVAILABLE
    assert isinstance(StationDown("gone"), StationError)
