"""Publishing an event, stations made from the hub, and check-ins travelling between them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.models.errors import SigningKeyMissing
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub, HubRefused
from kiosk.sync.privacy import Receive
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync, tables


def hub_count(server: ServerConfig) -> int:
    with Hub(server) as h:
        return sum(h.heads()[1].values())


def test_a_station_from_the_hub_holds_the_event_and_cannot_mint(
    tmp_path: Path, server: ServerConfig
) -> None:
    d = desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    assert tables(a) == tables(d)
    with service(a) as s:
        assert s.store.keys()[0] is None
        with pytest.raises(SigningKeyMissing):
            s.walk_in(AttendeeInput(name="New Person"))
    sync(a, server)
    with service(a) as s:
        assert s.store.keys()[0] is None
        with pytest.raises(SigningKeyMissing):
            s.badge_code(next(iter(reads(s.store).people.everyone())).attendee_id)
        assert s.store.station.name == "door-a"


def test_a_check_in_at_a_is_seen_at_b(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    code = next(iter(codes(d).values()))
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    with service(a, at("09:05")) as s:
        assert s.check_in(code, "opening").outcome is Outcome.ADMITTED
    assert sync(a, server).pushed == 1
    assert sync(b, server).pulled == 1
    with service(b, at("09:07")) as s:
        again = s.check_in(code, "opening")
    assert again.outcome is Outcome.ALREADY_CHECKED_IN
    assert again.prior is not None and again.prior.station == "door-a"
    assert again.prior.at == at("09:05").now()
    sync(b, server)
    sync(a, server)
    assert tables(a) == tables(b)


def test_a_replayed_upload_changes_nothing(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    with service(a) as s:
        for code in list(codes(d).values())[:10]:
            s.check_in(code, "opening")
    sync(a, server)
    sync(b, server)
    before, tables_b = hub_count(server), tables(b)
    store = Store.open(a)  # forget every position: everything is uploaded again
    with store.write() as tx:
        tx.conn.execute("DELETE FROM sync_positions")
    store.close()
    again = sync(a, server)
    assert again.pushed == 0 and again.pulled == 0 and again.waiting == 0
    assert hub_count(server) == before
    sync(b, server)
    assert tables(b) == tables_b


def test_an_idle_round_moves_nothing(tmp_path: Path, server: ServerConfig) -> None:
    desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    n = hub_count(server)
    t = sync(a, server)
    assert (t.pulled, t.pushed, t.waiting, t.behind) == (0, 0, 0, 0)
    assert hub_count(server) == n


def test_a_second_desk_gets_the_key_from_the_first_desks_file(
    tmp_path: Path, server: ServerConfig
) -> None:
    d = desk(tmp_path, server)
    b = station(tmp_path, "desk-b", server, key_from=d)
    a = station(tmp_path, "door-a", server)
    with service(b) as s:
        walk = s.walk_in(AttendeeInput(name="Dana Walker", email="dana@example.org"))
    sync(b, server)
    sync(a, server)
    with service(a, at("09:10")) as s:
        result = s.check_in(walk.code, "opening")
    assert result.outcome is Outcome.ADMITTED and result.name == "Dana Walker"
    private = Store.open(d, readonly=True).keys()[0]
    assert private is not None
    with Hub(server) as h:  # the hub never holds the signing key
        dumped = h._rows("SELECT string_agg(data, '') FROM hub_entries")[0][0]
        meta = h._rows("SELECT string_agg(value, '') FROM hub_meta")[0][0]
    assert private.hex() not in dumped and private.hex() not in meta


def test_a_kiosk_receives_names_only(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    kiosk = station(tmp_path, "kiosk", server, receive=Receive.NAMES)
    people = list(Store.open(d, readonly=True).attendees())
    all_codes = codes(d)
    with service(a) as s:
        for p in people[:5]:
            s.check_in(all_codes[p.attendee_id], "opening")
    sync(a, server)
    sync(kiosk, server)
    with service(kiosk, at("09:30")) as s:
        result = s.check_in(all_codes[people[6].attendee_id], "opening")
        assert result.outcome is Outcome.ADMITTED and result.name == people[6].name
        assert reads(s.store).people.attendee(people[0].attendee_id).email == ""  # type: ignore[union-attr]
        assert reads(s.store).presence.admitted("opening") == 6
    blob = b"".join(f.read_bytes() for f in tmp_path.glob("kiosk.sqlite*"))
    for p in people:
        if p.email:
            assert p.email.encode() not in blob
        if p.phone:
            assert p.phone.encode() not in blob
    for p in people[:5]:  # no other station's scanned badge codes either
        assert all_codes[p.attendee_id].encode() not in blob
    assert people[1].name.encode() in blob


def test_a_database_of_another_init_is_refused(tmp_path: Path, server: ServerConfig) -> None:
    desk(tmp_path, server)
    other = tmp_path / "other"
    other.mkdir()
    from kiosk.demo import build_demo

    build_demo(other / "x.sqlite", attendees=3, seed=99)
    with pytest.raises(HubRefused, match="another badge key"):
        sync(other / "x.sqlite", server)


def test_an_import_at_the_desk_reaches_the_stations(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server, attendees=5)
    a = station(tmp_path, "door-a", server)
    rows = [AttendeeInput(name=f"Guest {i}", email=f"g{i}@example.org") for i in range(2500)]
    with service(d) as s:
        s.import_attendees(rows, source="late.csv")
    sync(d, server)
    sync(a, server)
    assert tables(a) == tables(d)
    assert Store.open(a, readonly=True).count_attendees() == 2505


def test_a_station_whose_clock_is_off_is_warned(tmp_path: Path, server: ServerConfig) -> None:
    from kiosk.models.clock import ManualClock
    from kiosk.sync.loop import SyncLoop

    desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    from datetime import UTC, datetime, timedelta

    ahead = ManualClock(datetime.now(UTC) + timedelta(minutes=3))
    loop = SyncLoop(lambda: Store.open(a), Hub(server), ahead)
    status = loop.step()
    loop.close()
    assert status.online and status.skew_warning
    assert status.skew_s is not None and -200 < status.skew_s < -170
    with Hub(server) as h:
        _, _, rows = h.stations()
    row = next(r for r in rows if r.name == "door-a")
    assert row.skew_ms is not None and row.skew_ms < -170_000
    in_time = SyncLoop(lambda: Store.open(a), Hub(server), ManualClock(datetime.now(UTC)))
    assert not in_time.step().skew_warning
    in_time.close()


def test_exits_undos_edits_and_prints_travel_too(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    people = list(codes(d).items())
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    with service(a, at("09:05")) as s:
        first = s.check_in(people[0][1], "opening")
        s.check_in(people[1][1], "opening")
        s.check_out(people[1][1], "opening")
        s.undo(first.log_uuid, "door staff", "scanned the wrong badge")
    with service(d, at("09:06")) as s:
        s.edit_attendee(people[2][0], AttendeeInput(name="Renamed Person", sessions=("opening",)))
        s.record_print(people[2][0], 1, "desk", "first print")
    for p in (a, d, b, a):
        sync(p, server)
    assert tables(a) == tables(b) == tables(d)
    with service(b, at("09:10")) as s:
        stats = {x.session_id: x for x in reads(s).presence.stats()}
        assert stats["opening"].admitted == 1 and stats["opening"].inside == 0
        assert reads(s.store).people.attendee(people[2][0]).name == "Renamed Person"  # type: ignore[union-attr]
        assert len(reads(s.store).people.prints(people[2][0])) == 1
        assert s.check_in(people[0][1], "opening").outcome is Outcome.ADMITTED  # undone there
