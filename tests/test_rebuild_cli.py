"""`rebuild --db PATH`: every table folded again from the log, with figures; the tables
come out as they were (they are the log's projections), the log untouched."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.models.outcomes import Method
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.tables import projection_tables

CLI = load_commands()


def test_rebuild_folds_every_table_again_and_reports_figures(demo_db: Path) -> None:
    store = Store.open(demo_db)
    svc = CheckinService(store, at("09:05"))
    for a in list(reads(store).people.everyone())[:5]:
        assert svc.manual_check_in(a.attendee_id, "opening", method=Method.SEARCH).outcome.admitted
    before = projection_tables(store)
    log_before = [e.uuid for e in reads(store).log.entries()]
    with store.write() as c:  # a projection damaged by hand: the rebuild mends it
        c.conn.execute("DELETE FROM presence")
        c.conn.execute("UPDATE attendees SET name = 'X'")
    store.close()
    result = CliRunner().invoke(CLI, ["rebuild", "--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"{demo_db}: rebuilt every table from the log ({len(log_before):,} entries" in lines[0]
    assert "the log is unchanged" in lines[0]
    assert any(line.split()[:2] == ["attendees", "120"] for line in lines[1:])
    admitted = next(line for line in lines[1:] if line.split()[0] == "presence")
    store = Store.open(demo_db)
    assert int(admitted.split()[1].replace(",", "")) == len(before["presence"]) == 5
    assert projection_tables(store) == before
    assert [e.uuid for e in reads(store).log.entries()] == log_before
    store.close()


def test_rebuild_of_a_missing_or_foreign_file_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(CLI, ["rebuild", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code != 0
    assert "no such database" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()
    junk = tmp_path / "notes.sqlite"
    junk.write_text("shopping list\n")
    result = CliRunner().invoke(CLI, ["rebuild", "--db", str(junk)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output + result.stderr
    assert result.stderr.startswith("error: ")
    assert junk.read_text() == "shopping list\n"
