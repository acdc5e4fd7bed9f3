"""`meetings …` on the command line, and the demo's schedule (what `make run` loads)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.demo.schedule import VIDEO_PAIRS
from kiosk.meetings.service import MeetingService
from kiosk.models.clock import SystemClock
from kiosk.storage import meetings as q
from kiosk.storage.store import Store
from tests.helpers.data_files import write_csv
from tests.helpers.reads import reads
from tests.helpers.scan_media import demo_people

CLI = load_commands()
GROUP = CLI.commands["meetings"]
assert isinstance(GROUP, click.Group)


@pytest.mark.parametrize("name", sorted(GROUP.commands))
def test_every_meetings_command_is_documented(name: str) -> None:
    command = GROUP.commands[name]
    assert command.help and command.help.strip()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"meetings {name} {param.opts[0]} has no help text"
    assert CliRunner().invoke(CLI, ["meetings", name, "--help"]).exit_code == 0


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(CLI, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_the_demo_schedule(demo_db: Path) -> None:
    """About 40 meetings over three hours on 20 tables, U.S. companies with Chinese ones,
    none overlapping; the demo video's attendees meet first."""
    store = Store.open(demo_db, readonly=True)
    try:
        meetings = q.all_meetings(store.conn)
        event = store.event()
        assert 35 <= len(meetings) <= 45
        assert {m.table for m in meetings} <= set(event.matchmaking.tables)
        assert len({m.table for m in meetings}) == 20
        span = max(m.end for m in meetings) - min(m.start for m in meetings)
        assert span.total_seconds() == 3 * 3600
        for m in meetings:
            assert sorted(p.delegation for p in m.parties) == ["China", "United States"]
        ext = {a.attendee_id: a.external_id for a in reads(store).people.everyone()}
        first = {tuple(ext[p.attendee_id] for p in m.parties) for m in meetings[:5]}
        assert set(VIDEO_PAIRS) <= first
        video = [aid for aid, _ in demo_people(demo_db, 8)]
        with_meetings = set(MeetingService(store, SystemClock()).with_meetings())
        assert len(with_meetings.intersection(video)) == 4
    finally:
        store.close()


def test_import_status_mark_rematch_and_cancel(demo_db: Path, tmp_path: Path) -> None:
    db = str(demo_db)
    bad = write_csv(tmp_path / "bad.csv", ["Meeting ID", "Start", "Table", "Party 1", "Party 2"],
                    [["X1", "14:00", "1", "CTF24-00007", "nobody@example.com"]])  # fmt: skip
    code, out, err = run("meetings", "import", str(bad), "--db", db)
    assert code == 1 and "nothing imported" in out
    assert "row 2, column Party 2: unknown party 'nobody@example.com'" in err
    assert "Traceback" not in err

    now = "2024-11-04T14:05"
    c7 = run("badge-code", "CTF24-00007", "--db", db)[1].strip()
    code, out, _ = run("checkin", "--db", db, "--session", "matchmaking", "--code", c7,
                       "--now", "2024-11-04T13:58")  # fmt: skip
    assert json.loads(out)["meetings"][0]["meeting_id"] == "MM-01"
    code, out, _ = run("meetings", "status", "--db", db, "--now", now, "--json")
    board = json.loads(out)
    assert code == 0 and board["now"] == "2024-11-04T14:05:00+08:00"
    first = next(m for m in board["meetings"] if m["meeting_id"] == "MM-01")
    assert first["status"] == "waiting" and first["waiting_since"] == "2024-11-04T13:58:00+08:00"
    assert board["due_soon"][0] == "MM-01" and board["counts"]["waiting"] == 1
    code, out, _ = run("meetings", "status", "--db", db, "--now", now, "--attendee", "CTF24-00007")
    assert "MM-01" in out and "waiting since 13:58" in out and "MM-02" not in out

    code, out, _ = run("meetings", "rematch", "MM-01", "--db", db, "--now", "2024-11-04T14:11",
                       "--operator", "desk")  # fmt: skip
    new = json.loads(out)
    assert (
        code == 0 and new["rematch_of"] == "MM-01" and new["start"] == "2024-11-04T14:15:00+08:00"
    )
    code, out, _ = run("meetings", "mark", new["meeting_id"], "--db", db, "--held")
    assert json.loads(out)["outcome"] == "held"
    code, out, _ = run("meetings", "cancel", "MM-40", "--db", db, "--reason", "left early")
    assert json.loads(out)["status"] == "cancelled"
    code, _, err = run("meetings", "mark", "MM-99", "--db", db, "--held")
    assert code == 1 and "no meeting 'MM-99'" in err
