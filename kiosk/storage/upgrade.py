"""A database of the release before trusted stations (issue 18 §4) converts at its first
open by this release, losing nothing.

- The migration (kiosk.storage.schema m006) marks the event's desk: the database that holds
  the badge signing private key and wrote the event's first `event` entry itself (a second
  desk made with `init --from-hub --signing-key-from` holds the key too, but did not write
  the event: it is enrolled again like every other station).
- Right after the migrations, in one write transaction, the marked desk gets its event key,
  its own station key (a file beside the database, 0600), its desk certificate, and the
  upgrade cut-off (per station, the highest number it holds: those unsigned entries stay
  valid everywhere, later unsigned ones are refused), both written as signed entries.
- A station of the previous release without the badge key (`init --from-hub`) keeps working
  as it was (trust off: it signs and verifies nothing) until it is enrolled again with
  `init --db EXISTING --enrollment FILE` (kiosk.sync.enroll.rejoin); meanwhile its new
  unsigned entries are kept aside by the others.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.models.records import LogEntry, Station
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import from_json
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import TrustKind

PENDING = "trust_upgrade"  # setting: this database becomes the desk at this open


def mark(c: sqlite3.Connection) -> None:
    """In the migration: mark a previous release's desk for its conversion."""
    if tstore.setting(c, "private_key") is None or tstore.setting(c, tstore.EVENT_PUBLIC):
        return
    first = c.execute(
        "SELECT station_id FROM log WHERE kind = 'event' ORDER BY seq LIMIT 1"
    ).fetchone()
    own = set()
    for (raw,) in c.execute("SELECT value FROM settings WHERE key LIKE 'station/%'"):
        own.add(str(from_json(raw).get("id", "")))
    if first is not None and str(first[0]) in own:
        c.execute("INSERT OR REPLACE INTO settings VALUES (?, 'desk')", (PENDING,))


def pending(c: sqlite3.Connection) -> bool:
    return tstore.setting(c, PENDING) is not None


def convert(c: sqlite3.Connection, db_path: str, station: Station, at: datetime) -> bool:
    """Inside the caller's write transaction: the marked desk becomes the event's desk.
    True when it did now (another process may have been first)."""
    if not pending(c):
        return False
    c.execute("DELETE FROM settings WHERE key = ?", (PENDING,))
    return become_desk(c, db_path, station, at)


def become_desk(c: sqlite3.Connection, db_path: str, station: Station, at: datetime) -> bool:
    """Inside the caller's write transaction: an event key, this station's own key, its
    desk certificate and the cut-off of the unsigned entries already held, both signed
    entries. False when this database is the desk already."""
    if not tstore.enable_desk(c, db_path, station.id, station.name, at):
        return False
    seqs = tstore.cutoff_seqs(c)
    key = tstore.read_key(db_path)
    if key is None:
        raise tstore.TrustError(f"{tstore.key_path(db_path)}: this desk's key file is missing")
    signer = Signer(key[1])
    cert = tstore.desk_cert(c, db_path, station.id, station.name, at)
    for kind, data in ((TrustKind.STATION_CERT, cert.to_data()),
                       (TrustKind.TRUST_CUTOFF, {"seqs": seqs})):  # fmt: skip
        log.new_entry(c, station, at, kind, data=data, sign=lambda e: sign_entry(e, signer))
    return True


def unenrolled_id(c: sqlite3.Connection, name: str) -> str | None:
    """The station id of a station of the previous release named `name` (by the latest
    entry it wrote, applied or kept aside) that holds no certificate yet: enrolling that name
    again keeps its id, so its entries stay its own. None when there is none, or several."""
    enrolled = set(tstore.certs(c))
    found: dict[str, tuple[str, str]] = {}
    for table in ("log", "held"):
        for sid, at, station in c.execute(
            f"SELECT station_id, MAX(at), station FROM {table} GROUP BY station_id"
        ):
            if sid not in enrolled and (sid not in found or at > found[sid][0]):
                found[sid] = (str(at), str(station))
    ids = [sid for sid, (_, station) in found.items() if station == name]
    return ids[0] if len(ids) == 1 else None


def own_unsigned(c: sqlite3.Connection, station_id: str, after: int) -> list[LogEntry]:
    """This station's unsigned entries numbered after `after` (its upgrade cut-off)."""
    rows = c.execute(f"SELECT {log.SIGNED_COLUMNS} FROM log WHERE station_id = ? AND "
                     "station_seq > ? AND sig IS NULL ORDER BY station_seq",
                     (station_id, after)).fetchall()  # fmt: skip
    return [log.signed_entry_of(r) for r in rows]
