"""The core commands through click's CliRunner, on real temp databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import core as _core  # noqa: F401  (registers the commands)
from kiosk.cli.common import cli
from tests.helpers.reads import reads

NOW = "2024-11-04T09:05"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def test_init_then_checkin_unknown(tmp_path: Path) -> None:
    db = str(tmp_path / "e.sqlite")
    code, out, _ = run("init", "--db", db)
    assert code == 0 and "Cleantech" in out
    code, out, _ = run(
        "checkin", "--db", db, "--session", "opening", "--code", "nope", "--now", NOW
    )
    assert code == 0
    (row,) = lines(out)
    assert row["outcome"] == "unknown_code" and row["attention"] is False
    for key in ("attendee_id", "name", "name_zh", "session", "at", "station", "notes"):
        assert key in row


def test_demo_badge_code_checkin_stats_undo(demo_db: Path) -> None:
    db = str(demo_db)
    code, out, _ = run("search", "--db", db, "zhang", "--json")
    assert code == 0
    people = lines(out)
    assert people and all(
        "zhang" in (str(p["name"]) + str(p["email"])).lower() or "张" in str(p["name_zh"])
        for p in people
    )
    aid = str(people[0]["attendee_id"])
    code, badge, _ = run("badge-code", aid, "--db", db)
    assert code == 0 and badge.startswith("FC1:")
    by_email = run("badge-code", str(people[0]["email"]), "--db", db)[1]
    assert by_email == badge
    args = ("checkin", "--db", db, "--session", "opening", "--now", NOW, "--station", "door-1")
    first = lines(run(*args, "--code", badge.strip())[1])[0]
    assert first["outcome"] == "admitted" and first["attendee_id"] == aid
    # --now is read in the event's time zone, and times are printed in it, with the offset.
    assert str(first["at"]).startswith("2024-11-04T09:05") and str(first["at"]).endswith("+08:00")
    second = lines(run(*args, "--code", badge.strip())[1])[0]
    assert second["outcome"] == "already_checked_in" and second["already_station"] == "door-1"
    assert str(second["already_at"]).endswith("+08:00")
    code, out, _ = run("stats", "--db", db, "--json")
    opening = lines(out)[0][0]  # type: ignore[index]
    assert opening["admitted"] == 1 and opening["refused"] == {} and opening["repeats"] == 1
    code, out, _ = run("undo", "--db", db, "--last", "--operator", "amy", "--reason", "test")
    assert code == 0 and lines(out)[0]["undone"] == first["log_uuid"]
    assert lines(run("stats", "--db", db, "--json")[1])[0][0]["admitted"] == 0  # type: ignore[index]
    code, out, _ = run("stats", "--db", db)
    assert "opening" in out and "repeats" in out


def test_walk_in_and_reprint(demo_db: Path) -> None:
    db = str(demo_db)
    code, out, _ = run("walk-in", "--db", db, "--name", "Walk In", "--name-zh", "散客",
                       "--email", "walk@in.org", "--now", NOW)  # fmt: skip
    assert code == 0
    w = lines(out)[0]
    new = run("reprint", str(w["attendee_id"]), "--db", db, "--reason", "lost")[1].strip()
    assert new != w["badge_code"]
    args = ("checkin", "--db", db, "--session", "opening", "--now", NOW)
    assert lines(run(*args, "--code", str(w["badge_code"]))[1])[0]["outcome"] == "revoked_badge"
    assert lines(run(*args, "--code", new)[1])[0]["outcome"] == "admitted"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("checkin", "--session", "gala", "--code", "x"), "unknown session 'gala'"),
        (("checkin", "--session", "opening"), "give --code"),
        (("checkin", "--session", "opening", "--code", "x", "--now", "soon"), "--now"),
        (("badge-code", "nobody@nowhere.org"), "no attendee"),
        (("undo", "--log-uuid", "nope", "--operator", "a", "--reason", "r"), "no log entry"),
        (("walk-in", "--email", "x@y.org"), "name"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    demo_db: Path, args: tuple[str, ...], message: str
) -> None:
    from kiosk.storage.store import Store

    def entries() -> int:
        store = Store.open(demo_db, readonly=True)
        try:
            return len(list(reads(store).log.entries()))
        finally:
            store.close()

    before = entries()
    code, _out, err = run(*args, "--db", str(demo_db))
    assert code != 0
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert entries() == before


def test_missing_database_is_reported(tmp_path: Path) -> None:
    code, _, err = run("stats", "--db", str(tmp_path / "none.sqlite"))
    assert code == 1 and "no such database" in err


def test_demo_refuses_to_overwrite(demo_db: Path) -> None:
    code, _, err = run("demo", "--db", str(demo_db))
    assert code == 1 and "already exists" in err


def test_init_with_a_malformed_event_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[event]\nid = "x"\nname = "X"\ndate = "someday"\n', encoding="utf-8")
    code, _, err = run("init", "--db", str(tmp_path / "e.sqlite"), "--event", str(bad))
    assert code == 1 and "bad.toml: event.date: not a date" in err
