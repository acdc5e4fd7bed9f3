"""Conflicts are facts, not errors: double admissions while apart, walk-ins registered
twice, a revoked badge scanned before the revocation arrived; listed, exported, reported."""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk.formats.export import export
from kiosk.formats.report import gather, render_report
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput
from kiosk.storage.conflicts import ConflictKind, conflicts
from kiosk.storage.store import Store
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync, tables


def found(path: Path) -> list[object]:
    store = Store.open(path, readonly=True)
    try:
        return list(conflicts(store.conn))
    finally:
        store.close()


def test_one_badge_admitted_at_two_offline_stations(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    aid, code = next(iter(codes(d).items()))
    a, b, c = (station(tmp_path, n, server) for n in ("door-a", "door-b", "door-c"))
    with service(a, at("09:05")) as s:  # the two are apart: neither knows of the other
        assert s.check_in(code, "opening").outcome is Outcome.ADMITTED
    with service(b, at("09:06")) as s:
        assert s.check_in(code, "opening").outcome is Outcome.ADMITTED
    for p in (b, a, b, c):
        sync(p, server)
    for p in (a, b, c):
        with service(p) as s:
            assert reads(s.store).presence.admitted("opening") == 1  # one admission
        (conflict,) = found(p)  # and one conflict
        assert conflict.kind is ConflictKind.DUPLICATE_ENTRY  # type: ignore[attr-defined]
        assert conflict.station == "door-b" and conflict.other_station == "door-a"  # type: ignore[attr-defined]
        assert conflict.attendee_id == aid and conflict.received_at  # type: ignore[attr-defined]
    with service(c, at("09:30")) as s:
        later = s.check_in(code, "opening")
    assert later.outcome is Outcome.ALREADY_CHECKED_IN
    assert later.prior is not None and later.prior.station == "door-a"
    assert later.prior.at == at("09:05").now()
    out = tmp_path / "conflicts.csv"
    store = Store.open(a, readonly=True)
    try:
        summary = export(store, "conflicts", "csv", out, now=at("12:00").now())
        assert (
            export(store, "conflicts", "xlsx", tmp_path / "c.xlsx", now=at("12:00").now()).rows == 1
        )
        data = gather(store, at("12:00").now())
        pdf, _ = render_report(data)
    finally:
        store.close()
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert summary.rows == 1 and rows[1][0] == "duplicate_entry" and "door-b" in rows[1]
    assert data.conflict_total == 1 and pdf.startswith(b"%PDF")


def test_a_walk_in_at_b_is_checked_in_at_a_after_sync(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    b = station(tmp_path, "desk-b", server, key_from=d)
    a = station(tmp_path, "door-a", server)
    with service(b) as s:
        walk = s.walk_in(AttendeeInput(name="Wei Zhang", name_zh="张伟"), admit_to="opening")
    with service(a, at("09:08")) as s:  # before the sync: A has never heard of the badge
        assert s.check_in(walk.code, "energy-transition").outcome is Outcome.UNKNOWN_CODE
    sync(b, server)
    sync(a, server)
    with service(a, at("10:50")) as s:
        result = s.check_in(walk.code, "energy-transition")
        assert result.outcome is Outcome.ADMITTED and result.name_zh == "张伟"
        again = s.check_in(walk.code, "opening", at=at("09:20").now())
        assert again.outcome is Outcome.ALREADY_CHECKED_IN and again.prior is not None
        assert again.prior.station == "desk-b"


def test_walk_ins_registered_twice_are_a_possible_duplicate_to_merge(
    tmp_path: Path, server: ServerConfig
) -> None:
    d = desk(tmp_path, server)
    b = station(tmp_path, "desk-b", server, key_from=d)
    person = AttendeeInput(name="Ana Ruiz", email="ana.ruiz@example.org")
    with service(d, seed=11) as s:
        first = s.walk_in(person)
    with service(b, seed=12) as s:
        second = s.walk_in(AttendeeInput(name="Ana Ruiz", email="ANA.RUIZ@example.org"))
    assert first.attendee.attendee_id != second.attendee.attendee_id  # distinct ids
    for p in (d, b, d):
        sync(p, server)
    for p in (d, b):
        (c,) = found(p)
        assert c.kind is ConflictKind.POSSIBLE_DUPLICATE  # type: ignore[attr-defined]
        assert {c.attendee_id, c.other} == {first.attendee.attendee_id,  # type: ignore[attr-defined]
                                            second.attendee.attendee_id}  # fmt: skip
    with service(d) as s:
        n = reads(s.store).people.count()
        kept = s.merge_attendees(second.attendee.attendee_id, first.attendee.attendee_id, "org")
        assert kept.attendee_id == first.attendee.attendee_id
    for p in (d, b):
        sync(p, server)
    for p in (d, b):
        assert found(p) == []
        with service(p, at("09:10")) as s:
            assert reads(s.store).people.count() == n - 1
            # the merged record's badge checks the kept one in
            result = s.check_in(second.code, "opening")
            assert result.outcome is Outcome.ADMITTED
            assert result.attendee_id == first.attendee.attendee_id


def test_a_badge_revoked_at_one_station_is_refused_everywhere_after_sync(
    tmp_path: Path, server: ServerConfig
) -> None:
    d = desk(tmp_path, server)
    aid, old_code = next(iter(codes(d).items()))
    a = station(tmp_path, "door-a", server)
    with service(d, at("09:00")) as s:
        new_code = s.reprint_badge(aid, "desk", "lost")
    with service(a, at("09:05")) as s:  # A has not heard of the reprint
        assert s.check_in(old_code, "opening").outcome is Outcome.ADMITTED
    sync(d, server)
    sync(a, server)
    sync(d, server)
    for p in (a, d):
        (c,) = found(p)
        assert c.kind is ConflictKind.REVOKED_SCAN  # type: ignore[attr-defined]
        assert c.station == "door-a" and c.attendee_id == aid  # type: ignore[attr-defined]
    with service(a, at("09:40")) as s:
        assert s.check_in(old_code, "energy-transition", at=at("10:50").now()).outcome is (
            Outcome.REVOKED_BADGE
        )
        assert s.check_in(new_code, "energy-transition", at=at("10:51").now()).outcome is (
            Outcome.ADMITTED
        )
    sync(a, server)
    sync(d, server)
    assert tables(a) == tables(d)


def test_clock_skew_keeps_both_times(tmp_path: Path, server: ServerConfig) -> None:
    """A station ten minutes slow: its entries keep its own time (the projections order by
    it) and the hub's receive time beside it."""
    d = desk(tmp_path, server)
    code = next(iter(codes(d).values()))
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    with service(a, at("09:20")) as s:
        s.check_in(code, "opening")
    with service(b, at("09:12")) as s:  # later in truth, earlier by its slow clock
        s.check_in(code, "opening")
    sync(a, server)
    sync(b, server)
    sync(a, server)
    (ca,), (cb,) = found(a), found(b)
    assert ca == cb
    assert ca.station == "door-a" and ca.other_station == "door-b"  # type: ignore[attr-defined]
    assert ca.at.startswith("2024-11-04T01:20") and ca.received_at  # type: ignore[attr-defined]
    assert not ca.received_at.startswith("2024")  # type: ignore[attr-defined]
