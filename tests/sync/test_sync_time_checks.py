"""Through a real hub: a receiver judges an entry's time by the hub's receipt, not by the
time its writer claims (issue 18; kiosk.trust.verify LATE_GRACE / AHEAD_LIMIT). A door that
dates a scan two days ahead has it kept aside at the desk and listed by `conflicts`; the desk
refilling a replaced hub hands over when the old hub first stored each entry, so a
certificate's expiry is judged the same on the new hub."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Refusal
from tests.helpers import enrolling
from tests.helpers.cli import run
from tests.helpers.pgcluster import Cluster
from tests.helpers.reads import reads


def enrolled(tmp_path: Path, hub_dsn: str) -> tuple[str, str]:
    desk, door, _file = enrolling.enrolled(tmp_path, hub_dsn)
    return desk, door


def forge_ahead(door: str, days: float) -> LogEntry:
    """A scan signed with the door's own key, dated `days` ahead of now."""
    s = Store.open(door)
    try:
        key = tstore.read_key(door)
        assert key is not None
        victim = next(iter(reads(s).people.everyone())).attendee_id
        with s.write() as tx:
            c = tx.conn
            e = LogEntry(uuid=new_uuid(), kind=LogKind.ENTRY,
                         at=datetime.now(UTC) + timedelta(days=days), station_id=s.station.id,
                         station_seq=log.next_seq(c, s.station.id), station=s.station.name,
                         session_id="opening", attendee_id=victim, outcome=Outcome.ADMITTED)  # fmt: skip
            e = sign_entry(e, Signer(key[1]))
            log.insert(c, e)
        return e
    finally:
        s.close()


def test_a_scan_dated_days_ahead_of_the_hub_is_kept_aside(tmp_path: Path, hub_dsn: str) -> None:
    desk, door = enrolled(tmp_path, hub_dsn)
    ahead = forge_ahead(door, 2)
    near = forge_ahead(door, 0.001)  # a clock a minute and a half fast: taken
    run("sync", "--db", door, "--once")
    run("sync", "--db", desk, "--server", hub_dsn, "--once")
    d = Store.open(desk)
    try:
        held = {e.uuid: r for e, r in tstore.held(d.conn)}
        assert held == {ahead.uuid: Refusal.AHEAD}
        assert reads(d).log.entry(ahead.uuid) is None
        assert reads(d).log.entry(near.uuid) is not None
    finally:
        d.close()
    out = run("conflicts", "--db", desk, "--json").output
    report = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(c["kind"] == "held_entry" and c["other"] == "ahead" and c["station"] == "Door A"
               for c in report), report  # fmt: skip


def receipts(dsn: str) -> dict[str, datetime]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT uuid, received_at FROM hub_entries").fetchall()
    return {str(u): at for u, at in rows}


def test_the_desk_refilling_a_replaced_hub_keeps_when_entries_first_reached_one(
    tmp_path: Path, hub_dsn: str, pg_cluster: Cluster
) -> None:
    desk, door = enrolled(tmp_path, hub_dsn)
    forge_ahead(door, 0)  # a scan of the door, now
    run("sync", "--db", door, "--once")
    run("sync", "--db", desk, "--server", hub_dsn, "--once")
    first = receipts(hub_dsn)
    s = Store.open(door)
    did = s.station.id
    s.close()
    with psycopg.connect(hub_dsn) as conn:
        door_uuids = {str(r[0]) for r in conn.execute(
            "SELECT uuid FROM hub_entries WHERE station_id = %s", (did,))}  # fmt: skip
    assert len(door_uuids) == 2  # its key handover and the scan
    new_hub = pg_cluster.create_database(f"hub_new_{uuid.uuid4().hex[:12]}")
    run("hub", "init", "--server", new_hub)
    run("hub", "publish", "--db", desk, "--server", new_hub)
    second = receipts(new_hub)
    assert door_uuids <= set(second)
    for u in door_uuids:  # what the door wrote: when the first hub stored it
        assert second[u] == first[u]
