"""Tickets issued by pretix or Eventbrite check in as they are (method "foreign ticket"),
are found through an index, are revoked by a reprint; our own badges are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kiosk.checkin.codes import PREFIX
from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.formats.importer import import_attendees
from kiosk.models.outcomes import Method, Outcome
from kiosk.storage.store import Store
from tests.helpers.data_files import PRETIX_CHECKIN_HEADER, pretix_checkin_rows, write_csv
from tests.helpers.reads import reads


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(load_commands(), list(args))
    return r.exit_code, r.stdout, r.stderr


def test_secret_checks_in_through_the_cli_then_a_reprint_revokes_it(
    tmp_path: Path, demo_db: Path
) -> None:
    rows = pretix_checkin_rows(6)
    f = write_csv(tmp_path / "pretix.csv", PRETIX_CHECKIN_HEADER, rows)
    code, out, err = _run("import", str(f), "--db", str(demo_db), "--now", "2024-11-04T08:30")
    assert code == 0, err
    assert "warning: ticket type 'VIP Pass' (2 rows) is not mapped" in err
    secret = str(rows[1][9])
    now = ("--now", "2024-11-04T09:05")
    code, out, err = _run(
        "checkin", "--db", str(demo_db), "--session", "opening", "--code", secret, *now
    )
    result = json.loads(out)
    assert (code, result["outcome"], result["method"], result["name"]) == (
        0,
        "admitted",
        "foreign_ticket",
        "Jing Chen",
    )
    code, out, _ = _run("reprint", "jing.chen@example.com", "--db", str(demo_db), *now)
    badge = out.strip()
    assert code == 0 and badge.startswith(PREFIX)  # our own signed codes, as before
    code, out, _ = _run(
        "checkin", "--db", str(demo_db), "--session", "opening", "--code", secret, *now
    )
    assert json.loads(out)["outcome"] == "revoked_badge"
    code, out, _ = _run(
        "checkin", "--db", str(demo_db), "--session", "opening", "--code", badge, *now
    )
    assert (json.loads(out)["outcome"], json.loads(out)["method"]) == (
        "already_checked_in",
        "handheld",
    )
    # A re-import does not bring the revoked ticket back.
    code, out, _ = _run("import", str(f), "--db", str(demo_db), *now)
    code, out, _ = _run(
        "checkin", "--db", str(demo_db), "--session", "opening", "--code", secret, *now
    )
    assert json.loads(out)["outcome"] == "revoked_badge"


def test_exit_scans_and_unknown_texts(tmp_path: Path, service: CheckinService) -> None:
    header = ["Attendee #", "First Name", "Last Name", "Barcode #"]
    f = write_csv(tmp_path / "eb.csv", header, [["1", "Amy", "Fox", "123456789012001"]])
    import_attendees(service, f)
    assert service.check_in("123456789012001", "opening").outcome is Outcome.ADMITTED
    out = service.check_out("123456789012001", "opening")
    assert (out.outcome, out.method) == (Outcome.EXITED, Method.FOREIGN_TICKET)
    (entry,) = [e for e in service.recent() if e.kind.value == "exit"]
    assert entry.method is Method.FOREIGN_TICKET
    for text in ("123456789012", "123456789012001X", "x" * 10_000, "?"):  # exact match only
        r = service.check_in(text, "opening")
        assert r.outcome is Outcome.UNKNOWN_CODE and r.method is Method.CAMERA


def test_a_changed_ticket_replaces_the_old_one(tmp_path: Path, service: CheckinService) -> None:
    header = ["Attendee #", "Name", "Barcode #"]
    import_attendees(service, write_csv(tmp_path / "a.csv", header, [["1", "Amy Fox", "OLD-1"]]))
    again = import_attendees(
        service, write_csv(tmp_path / "b.csv", header, [["1", "Amy Fox", "NEW-1"]])
    )
    assert (again.inserted, again.updated) == (0, 1)
    assert service.check_in("NEW-1", "opening").outcome is Outcome.ADMITTED
    assert service.check_in("OLD-1", "opening").outcome is Outcome.REVOKED_BADGE


def test_the_lookup_is_an_exact_match_on_an_index(store: Store) -> None:
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT code, attendee_id, first_at, revoked_at FROM "
        "foreign_tickets WHERE code = ?",
        ("x",),
    ).fetchall()
    assert "USING PRIMARY KEY" in " ".join(str(tuple(r)) for r in plan)


def test_stats_show_registered_and_may_attend(tmp_path: Path, demo_db: Path) -> None:
    code, out, _ = _run("stats", "--db", str(demo_db))
    assert code == 0 and "may attend" in out.splitlines()[0]
    s = Store.open(demo_db)
    try:
        stats = {x.session_id: x for x in reads(s).presence.stats()}
        total = reads(s).people.count()
    finally:
        s.close()
    assert stats["green-finance"].may_attend == total > stats["green-finance"].registered
    assert stats["matchmaking"].may_attend == stats["matchmaking"].registered < total
