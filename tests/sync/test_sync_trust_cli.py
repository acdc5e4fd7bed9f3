"""Trusted stations through a real hub, as a person types it: the desk enrolls a door and a
kiosk, each is made with `init --enrollment` (its own key made there, its own hub login),
syncs with no --server; a genuine scan reaches the desk; what the kiosk forges through its
own files and its own hub login is kept aside at the desk and shown by `conflicts`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Refusal
from tests.helpers.cli import run
from tests.helpers.reads import reads
from tests.helpers.syncing import codes


def test_enrolled_stations_sync_signed_and_a_kiosk_forgery_is_kept_aside(
    tmp_path: Path, hub_dsn: str
) -> None:
    desk, door, kiosk = (str(tmp_path / f"{n}.sqlite") for n in ("desk", "door", "kiosk"))
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", desk, "--attendees", "20", "--day", "2024-11-04")
    run("hub", "publish", "--db", desk, "--server", hub_dsn)
    door_file, kiosk_file = tmp_path / "door.enroll", tmp_path / "kiosk.enroll"
    out = run("station", "enroll", "--db", desk, "--server", hub_dsn, "--role", "door",
              "--name", "Door A", "--out", str(door_file)).output  # fmt: skip
    assert "Door A" in out and oct(door_file.stat().st_mode & 0o777) == "0o600"
    run("station", "enroll", "--db", desk, "--server", hub_dsn, "--role", "kiosk",
        "--name", "Kiosk 1", "--out", str(kiosk_file))  # fmt: skip
    assert hub_dsn not in door_file.read_text()  # the station's own login, not the owner's
    run("sync", "--db", desk, "--server", hub_dsn, "--once")
    out = run("init", "--db", door, "--enrollment", str(door_file)).output
    assert "its key was made here" in out
    assert oct(os.stat(door + ".key").st_mode & 0o777) == "0o600"
    assert "secret" not in json.loads(door_file.read_text())
    err = run("init", "--db", str(tmp_path / "again.sqlite"), "--enrollment", str(door_file),
              code=1).output  # fmt: skip
    assert "used already" in err
    run("init", "--db", kiosk, "--enrollment", str(kiosk_file))
    code = next(iter(codes(Path(desk)).values()))
    out = run("checkin", "--db", door, "--session", "opening", "--code", code,
              "--now", "2024-11-04T09:05").output  # fmt: skip
    assert "admitted" in out.lower()
    run("sync", "--db", door, "--once")  # no --server: the station's own login
    # the kiosk forges through its own files and its own login: an admission under its own
    # id but not signed by it (the hub cannot tell; every station can), then an edit of
    # someone else (the hub's rules refuse it already)
    k = Store.open(kiosk)
    victim = next(iter(reads(k).people.everyone())).attendee_id
    key = tstore.read_key(kiosk)
    assert key is not None

    def forge(kind: LogKind, signed: bool, **kw: object) -> LogEntry:
        with k.write() as tx:
            c = tx.conn
            e = LogEntry(
                uuid=new_uuid(),
                kind=kind,
                at=next(log.entries(k.conn)).at,
                station_id=k.station.id,
                station_seq=log.next_seq(c, k.station.id),
                station=k.station.name,
                attendee_id=victim,
                **kw,
            )  # type: ignore[arg-type]
            if signed:
                e = sign_entry(e, Signer(key[1]))
            log.insert(c, e)
        return e

    unsigned = forge(LogKind.ENTRY, False, session_id="opening")
    run("sync", "--db", kiosk, "--once")
    edit = forge(LogKind.EDIT, True, data={"fields": {"name": "HACKED BY KIOSK"}})
    out = run("sync", "--db", kiosk, "--once", code=3).output  # the hub refuses the edit
    assert "waiting 1" in out
    k.close()
    run("sync", "--db", desk, "--server", hub_dsn, "--once")
    d = Store.open(desk)
    try:
        held = {e.uuid: r for e, r in tstore.held(d.conn)}
        assert held == {unsigned.uuid: Refusal.UNSIGNED}
        assert reads(d).log.entry(edit.uuid) is None and reads(d).log.entry(unsigned.uuid) is None
        victim_now = reads(d).people.attendee(victim)
        assert victim_now is not None and victim_now.name != "HACKED BY KIOSK"
        scans = [x for x in log.entries(d.conn, kinds=("entry",)) if x.station == "Door A"]
        assert len(scans) == 1
    finally:
        d.close()
    listing = run("station", "list", "--db", desk).output
    assert "Door A" in listing and "Kiosk 1" in listing and "active" in listing
    out = run("conflicts", "--db", desk, "--json").output
    report = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(c["kind"] == "held_entry" and c["station"] == "Kiosk 1" for c in report)
    out = run("station", "revoke", "--db", desk, "--name", "Door A",
              "--server", hub_dsn).output  # fmt: skip
    assert "revoked 'Door A'" in out
