"""A database made by release 0.1 opens and is converted with nothing lost.

tests/fixtures/release-0.1.sqlite was made by the 0.1 code (a demo of 40 attendees, scans at
two doors, an exit, a re-entry, an undo, a walk-in, a reprint, two prints, an import with
a Chinese name); release-0.1.json is what its tables held, dumped by the same code.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Outcome
from kiosk.storage.base import from_json
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.tables import projection_tables

FIXTURES = Path(__file__).parent / "fixtures"
OLD = json.loads((FIXTURES / "release-0.1.json").read_text(encoding="utf-8"))
FIELDS = ("name", "name_zh", "organization", "organization_zh", "title", "email", "phone",
          "category", "delegation", "notes", "attention", "external_id", "walk_in",
          "created_at", "updated_at")  # fmt: skip


@pytest.fixture
def converted(tmp_path: Path) -> Store:
    path = tmp_path / "event.sqlite"
    shutil.copy(FIXTURES / "release-0.1.sqlite", path)
    path.chmod(0o644)
    store = Store.open(path)
    yield store
    store.close()


def test_attendees_badges_and_settings_are_kept(converted: Store) -> None:
    c = converted.conn
    rows = {r["attendee_id"]: r for r in c.execute("SELECT * FROM attendees")}
    assert len(rows) == len(OLD["attendees"]) == 43
    for old in OLD["attendees"]:
        new = rows[old["attendee_id"]]
        assert {f: new[f] for f in FIELDS} == {f: old[f] for f in FIELDS}, old["attendee_id"]
        assert sorted(from_json(new["sessions"])) == sorted(json.loads(old["sessions"]))
    badges = {r["badge_id"]: r for r in c.execute("SELECT * FROM badges")}
    assert len(badges) == len(OLD["badges"])
    for old in OLD["badges"]:
        new = badges[old["badge_id"]]
        for f in ("attendee_id", "version", "issued_at", "revoked_at", "revoked_reason"):
            assert new[f] == old[f], (old["badge_id"], f)
    assert "code" not in {d[1] for d in c.execute("PRAGMA table_info(badges)")}
    assert reads(converted).setting("public_key") == OLD["settings"]["public_key"]
    assert json.loads(reads(converted).setting("event") or "") == json.loads(
        OLD["settings"]["event"]
    )
    assert converted.keys()[0] is not None  # the signing key stayed


def test_every_scan_undo_walk_in_reprint_and_print_is_an_entry(converted: Store) -> None:
    entries = {e.uuid: e for e in reads(converted).log.entries()}
    stations = {}
    for old in OLD["log"]:
        e = entries[old["uuid"]]  # the same uuid
        assert e.at == datetime.fromisoformat(old["at"])
        if old["kind"] in ("entry", "exit", "annul"):
            assert (str(e.kind), e.session_id, e.attendee_id, e.badge_id, e.operator) == (
                old["kind"], old["session_id"], old["attendee_id"], old["badge_id"],
                old["operator"],
            )  # fmt: skip
            assert e.outcome == (Outcome(old["outcome"]) if old["outcome"] else None)
            kept = old["code"] if old["badge_id"] is None else ""  # badge codes are not kept
            assert (e.code, e.reason, e.ref) == (kept, old["reason"], old["annuls"])
            assert (e.method.value if e.method else None) == old["method"]
            assert e.station == old["station"]
            stations.setdefault(old["station"], set()).add(e.station_id)
        elif old["kind"] == "walk_in":
            assert str(e.kind) == "walk_in" and e.data["fields"]["name"] == "Grace Lin"
            assert e.data["fields"]["organization"] == "Sunrise Solar & Storage"
        elif old["kind"] == "reprint":
            assert str(e.kind) == "badge_revoke" and e.operator == old["operator"]
            assert e.reason == old["reason"] == "lost badge"
    # One station id per old station name, different names different ids.
    assert all(len(ids) == 1 for ids in stations.values())
    assert len({next(iter(ids)) for ids in stations.values()}) == len(stations)
    prints = {
        p["uuid"]: p for p in (dict(r) for r in converted.conn.execute("SELECT * FROM prints"))
    }
    for old in OLD["prints"]:
        new = prints[old["uuid"]]
        for f in ("attendee_id", "badge_id", "at", "station", "operator", "reason"):
            assert new[f] == old[f]
    # Each station's sequence numbers run 1, 2, 3 … in time order.
    by_station: dict[str, list[int]] = {}
    for e in reads(converted).log.entries():
        by_station.setdefault(e.station_id, []).append(e.station_seq)
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_station.values())


def test_presence_and_counts_are_the_same(converted: Store) -> None:
    c = converted.conn
    new = {(r["session_id"], r["attendee_id"]): r for r in c.execute("SELECT * FROM presence")}
    assert len(new) == len(OLD["presence"]) == 13
    for old in OLD["presence"]:
        p = new[(old["session_id"], old["attendee_id"])]
        assert (p["entry_uuid"], p["first_at"], p["station"], p["inside"]) == (
            old["entry_uuid"], old["first_at"], old["station"], old["inside"],
        )  # fmt: skip
    counts = {r["session_id"]: dict(r) for r in c.execute("SELECT * FROM session_counts")}
    for old in OLD["session_counts"]:
        assert counts[old["session_id"]] == old


def test_old_badges_still_check_in_as_before(converted: Store) -> None:
    """Codes are no longer stored: signing again gives the very codes printed by 0.1."""
    svc = CheckinService(converted, at("09:30"))
    current = {b["attendee_id"]: b for b in OLD["badges"] if not b["revoked_at"]}
    for aid, b in current.items():
        assert svc.badge_code(aid) == b["code"]
    revoked = next(b for b in OLD["badges"] if b["revoked_at"])
    assert svc.check_in(revoked["code"], "opening").outcome is Outcome.REVOKED_BADGE
    admitted = next(p for p in OLD["presence"] if p["session_id"] == "opening")
    code = current[admitted["attendee_id"]]["code"]
    assert svc.check_in(code, admitted["session_id"]).outcome is Outcome.ALREADY_CHECKED_IN
    fresh = next(a for a in current if a not in {p["attendee_id"] for p in OLD["presence"]})
    assert svc.check_in(current[fresh]["code"], "opening").outcome is Outcome.ADMITTED


def test_converted_once_private_and_rebuildable(converted: Store, tmp_path: Path) -> None:
    path = Path(converted.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = projection_tables(converted)
    converted.rebuild_projections()
    assert projection_tables(converted) == before
    n = len(list(reads(converted).log.entries()))
    converted.close()
    again = Store.open(path)
    try:
        assert len(list(reads(again).log.entries())) == n  # not converted twice
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            again.conn.execute("DELETE FROM log")
    finally:
        again.close()


def test_a_read_only_open_of_an_old_database_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "release-0.1.sqlite", path)
    before = path.read_bytes()
    from kiosk.models.errors import StorageError

    with pytest.raises(StorageError, match="older release"):
        Store.open(path, readonly=True)
    assert path.read_bytes() == before
