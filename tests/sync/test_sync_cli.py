"""The sync commands as a person types them: hub init, publish, init --from-hub, sync,
hub status, conflicts, merge, export --what conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kiosk.storage.store import Store
from kiosk.sync import hubschema
from tests.helpers.cli import CLI, run
from tests.helpers.reads import reads
from tests.helpers.syncing import codes


def test_the_hub_commands_are_documented() -> None:
    group = CLI.commands["hub"]
    assert isinstance(group, click.Group)
    for name in ("init", "publish", "status"):
        command = group.commands[name]
        assert command.help
        for p in command.params:
            assert not isinstance(p, click.Option) or p.help, f"hub {name} {p.name}"
        assert run("hub", name, "--help").output


def test_a_forum_set_up_from_the_command_line(tmp_path: Path, hub_dsn: str) -> None:
    desk, a, kiosk = (str(tmp_path / f"{n}.sqlite") for n in ("desk", "door-a", "kiosk"))
    assert (
        f"created at version {hubschema.LATEST}" in run("hub", "init", "--server", hub_dsn).output
    )
    assert (
        f"already at version {hubschema.LATEST}" in run("hub", "init", "--server", hub_dsn).output
    )
    run("demo", "--db", desk, "--attendees", "30", "--day", "2024-11-04")
    out = run("hub", "publish", "--db", desk, "--server", hub_dsn).output
    assert "cleantech-forum-2024" in out and "0 waiting" in out
    env = {"FORUM_CHECKIN_HUB": hub_dsn}
    out = run("init", "--db", a, "--from-hub", "--station", "Door A", env=env).output
    assert "verifies badges (no signing key)" in out
    out = run("init", "--db", kiosk, "--from-hub", hub_dsn, "--receive", "names").output
    assert "receives names only" in out
    err = run("init", "--db", a, "--from-hub", hub_dsn, code=1).output
    assert "already exists" in err
    err = run("init", "--db", str(tmp_path / "x.sqlite"), "--from-hub", hub_dsn,
              "--signing-key-from", a, code=1).output  # fmt: skip
    assert "holds no signing key" in err and not (tmp_path / "x.sqlite").exists()
    code = next(iter(codes(Path(desk)).values()))
    run("checkin", "--db", a, "--session", "opening", "--code", code,
        "--now", "2024-11-04T09:05")  # fmt: skip
    status = json.loads(run("sync", "--db", a, "--once", "--json", env=env).output)
    assert status["link"] == "online" and status["pushed"] == 1 and status["waiting"] == 0
    assert "pulled 1" in run("sync", "--db", kiosk, "--server", hub_dsn, "--once").output
    table = run("hub", "status", "--server", hub_dsn).output
    assert "Door A" in table and "lag" in table
    data = json.loads(run("hub", "status", "--server", hub_dsn, "--json").output)
    rows = {r["name"]: r for r in data["stations"]}
    assert rows["Door A"]["pushed"] == 1 and rows["Door A"]["waiting"] == 0
    assert rows["Door A"]["lag"] == 0 and rows["Door A"]["receive"] == "all"
    assert data["entries"] == sum(r["pushed"] for r in data["stations"])
    store = Store.open(kiosk, readonly=True)
    assert reads(store).presence.admitted("opening") == 1 and reads(store).keys()[0] is None
    store.close()


def test_conflicts_and_merge_from_the_command_line(tmp_path: Path, hub_dsn: str) -> None:
    desk, b = str(tmp_path / "desk.sqlite"), str(tmp_path / "b.sqlite")
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", desk, "--attendees", "5", "--day", "2024-11-04")
    run("hub", "publish", "--db", desk, "--server", hub_dsn)
    run("init", "--db", b, "--from-hub", hub_dsn, "--signing-key-from", desk)
    first = json.loads(run("walk-in", "--db", desk, "--name", "Li Na",
                           "--email", "li.na@example.org").output)  # fmt: skip
    second = json.loads(run("walk-in", "--db", b, "--name", "Li Na",
                            "--email", "li.na@example.org").output)  # fmt: skip
    for db in (desk, b, desk):
        run("sync", "--db", db, "--server", hub_dsn, "--once")
    listed = run("conflicts", "--db", b, "--json").stdout.strip().splitlines()
    assert [json.loads(x)["kind"] for x in listed] == ["possible_duplicate"]
    out = tmp_path / "c.json"
    run("export", "--db", b, "--what", "conflicts", "--out", str(out))
    assert json.loads(out.read_text())["rows"][0]["kind"] == "possible_duplicate"
    merged = json.loads(run("merge", second["attendee_id"], "--into", first["attendee_id"],
                            "--db", b, "--operator", "org").output)  # fmt: skip
    assert merged["into"] == first["attendee_id"]
    for db in (b, desk):
        run("sync", "--db", db, "--server", hub_dsn, "--once")
    assert run("conflicts", "--db", desk).stdout.strip() == ""
    err = run("merge", second["attendee_id"], "--into", first["attendee_id"], "--db", desk,
              code=1).output  # fmt: skip
    assert "one record already" in err


def test_a_hub_without_schema_or_event_says_what_to_do(tmp_path: Path, hub_dsn: str) -> None:
    desk = str(tmp_path / "desk.sqlite")
    run("demo", "--db", desk, "--attendees", "2")
    assert "hub init" in run("sync", "--db", desk, "--server", hub_dsn, "--once", code=1).output
    run("hub", "init", "--server", hub_dsn)
    err = run("init", "--db", str(tmp_path / "s.sqlite"), "--from-hub", hub_dsn, code=1).output
    assert "hub publish" in err
    assert "hub publish" in run("sync", "--db", desk, "--server", hub_dsn, "--once", code=1).output
