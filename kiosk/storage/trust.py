"""Trusted stations in the database (issue 18): the signed log's columns, the entries kept
aside (`held`), this station's key file, and the desk's enrollment and revocation.

Trust is on in a database that holds an event key (`settings.trust_event_public`): the desk
from its first `station enroll` on, a station from `init --enrollment` on. There, every entry
this station writes is signed with its own key (a file beside the database, 0600, made on
this machine), and every entry received from elsewhere is verified (kiosk.trust.verify)
before it is applied; one that fails is kept in `held`, never applied, and verified again
when the station learns new certificates.
"""

from __future__ import annotations

import enum
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.models.errors import KioskError
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage.atomic import write_private
from kiosk.storage.base import from_json, from_ts, new_uuid, ts
from kiosk.trust.ahead import Ahead
from kiosk.trust.certs import Cert, Rotation, cert_of, issue, rotate
from kiosk.trust.keys import Signer, new_private, public_of, sign_entry
from kiosk.trust.roles import Refusal, Role, TrustKind
from kiosk.trust.verify import CHECKED, LEARNED, Verifier

EVENT_PUBLIC = "trust_event_public"
EVENT_PRIVATE = "trust_event_private"  # the desk only
DESK_CERT_YEARS = 10
RECHECK_PAGE = 2000  # entries a rebuild verifies again per page (kiosk.trust.ahead)


class TrustError(KioskError):
    """A trust action that cannot be done (no such station, no event key here, …)."""


HELD_SCHEMA = """
CREATE TABLE IF NOT EXISTS held (
    uuid TEXT PRIMARY KEY,
    station_id TEXT NOT NULL, station_seq INTEGER NOT NULL, station TEXT NOT NULL,
    at TEXT NOT NULL, kind TEXT NOT NULL, session_id TEXT NOT NULL DEFAULT '',
    attendee_id TEXT, badge_id INTEGER, operator TEXT NOT NULL DEFAULT '', outcome TEXT,
    ref TEXT, batch TEXT, data TEXT NOT NULL DEFAULT '{}', private_hash BLOB, sig BLOB,
    reason TEXT NOT NULL, received_at REAL NOT NULL,
    seen TEXT  -- when it first reached the event (the hub's clock when it stored it)
)
"""
HELD_INDEX = "CREATE INDEX IF NOT EXISTS held_ref ON held (ref)"
# The one exception to the append-only log besides renumbering: an entry that fails
# verification after it was applied (a revoked station's entries past its cut-off, heard
# of late; an entry a rebuild finds not genuine) moves to `held`, kept whole there with the
# reason, and leaves the log; the projections are rebuilt.
QUARANTINE_TRIGGER = """
CREATE TRIGGER log_append_only_delete BEFORE DELETE ON log
    WHEN NOT EXISTS (SELECT 1 FROM held h WHERE h.uuid = OLD.uuid
                     AND h.station_id = OLD.station_id AND h.station_seq = OLD.station_seq
                     AND h.sig IS OLD.sig AND h.data = OLD.data)
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END
"""


def migrate(c: sqlite3.Connection) -> None:
    cols = {str(r[1]) for r in c.execute("PRAGMA table_info(log)")}
    for col in ("private_hash", "sig"):
        if col not in cols:
            c.execute(f"ALTER TABLE log ADD COLUMN {col} BLOB")
    c.execute(HELD_SCHEMA)
    c.execute(HELD_INDEX)
    add_seen(c)
    c.execute("DROP TRIGGER IF EXISTS log_append_only_delete")
    c.execute(QUARANTINE_TRIGGER)


def add_seen(c: sqlite3.Connection) -> None:
    """`held.seen` (a database of the first trusted release has no such column)."""
    if "seen" not in {str(r[1]) for r in c.execute("PRAGMA table_info(held)")}:
        c.execute("ALTER TABLE held ADD COLUMN seen TEXT")


# -- this station's key ------------------------------------------------------------------------
def key_path(db_path: str) -> Path:
    return Path(db_path + ".key")


def read_key(db_path: str) -> tuple[str, bytes] | None:
    """(station id, private key) from the key file beside the database; None without one."""
    p = key_path(db_path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return str(data["station_id"]), bytes.fromhex(str(data["private"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TrustError(f"{p}: not a readable station key file ({exc})") from None


def make_key(db_path: str, station_id: str) -> bytes:
    """A new key pair for `station_id`, made here; the private key goes to the key file
    (0600 from its first byte) and never leaves this machine. Returns the public key."""
    private = new_private()
    body = json.dumps({"station_id": station_id, "private": private.hex()})
    write_private(key_path(db_path), body.encode())
    return public_of(private)


# -- the gate every entry passes -----------------------------------------------------------------
@dataclass(slots=True)
class Gate:
    """This database's trust: who signs here, and what verifies what is received."""

    verifier: Verifier
    signer: Signer | None
    station_id: str
    data_version: int = -1
    # Whether `held` may hold an entry (False: it was empty when this gate was loaded and
    # this gate held nothing since), so that an entry received needs no look-up there. Only
    # this module writes `held`; another connection's writes make the Store load a new gate.
    any_held: bool = True

    def sign(self, e: LogEntry) -> LogEntry:
        if self.signer is None or e.station_id != self.station_id:
            return e  # refused everywhere else as unsigned: no key for this identity
        return sign_entry(e, self.signer)

    def admit(
        self, c: sqlite3.Connection, e: LogEntry, seen: datetime | None = None,
        ahead: Ahead | None = None,
    ) -> bool:  # fmt: skip
        """True when `e` may be applied; else it is kept in `held` (once). `seen`: when it
        first reached the event (the hub's receipt), when known. `ahead`: the signatures of
        `e`'s page, verified on a worker thread (kiosk.trust.ahead)."""
        refusal = self.verifier.check(e, _ref_station(c, e), seen, ahead)
        if refusal is None:
            return True
        if c.execute("SELECT 1 FROM log WHERE uuid = ?", (e.uuid,)).fetchone():
            return True  # here already (a replay): nothing to apply again
        self.hold(c, e, refusal, seen)
        return False

    def hold(
        self, c: sqlite3.Connection, e: LogEntry, reason: Refusal, seen: datetime | None = None
    ) -> None:
        self.any_held = True
        hold(c, e, reason, seen)

    def quarantine(self, c: sqlite3.Connection, e: LogEntry) -> int:
        """After a revocation: move the revoked station's entries past its cut-off out of
        the log into `held`. Returns how many (the caller then rebuilds the projections)."""
        if e.kind != TrustKind.STATION_REVOKE:
            return 0
        sid = str(e.data.get("station_id", ""))
        cut = self.verifier.revoked.get(sid)
        if cut is None:
            return 0
        rows = c.execute(f"SELECT {log.SIGNED_COLUMNS} FROM log WHERE station_id = ? "
                         "AND station_seq > ?", (sid, cut)).fetchall()  # fmt: skip
        for row in rows:
            self.hold(c, log.signed_entry_of(row), Refusal.REVOKED)
            c.execute("DELETE FROM log WHERE uuid = ?", (row[0],))
        return len(rows)

    def waiting_on(self, c: sqlite3.Connection, e: LogEntry) -> bool:
        """Held entries refer to `e` (an undo that arrived before what it undoes)."""
        if not self.any_held:
            return False
        return (
            c.execute("SELECT 1 FROM held WHERE ref = ? LIMIT 1", (e.uuid,)).fetchone() is not None
        )

    def released(self, c: sqlite3.Connection) -> Iterator[LogEntry]:
        """Held entries that verify now (new certificates arrived), taken out of `held`."""
        if not self.any_held:
            return
        for e, _ in held(c):
            if self.verifier.check(e, _ref_station(c, e), first_seen(c, e.uuid)) is None:
                c.execute("DELETE FROM held WHERE uuid = ?", (e.uuid,))
                yield e


def _ref_station(c: sqlite3.Connection, e: LogEntry) -> str | None:
    if e.kind != LogKind.ANNUL or not e.ref:
        return None
    row = c.execute("SELECT station_id FROM log WHERE uuid = ?", (e.ref,)).fetchone()
    return None if row is None else str(row[0])


def first_seen(c: sqlite3.Connection, uuid: str) -> datetime | None:
    """When an entry kept aside here first reached the event, when known (a certificate
    arriving later does not make an entry handed in after its expiry genuine)."""
    row = c.execute("SELECT seen FROM held WHERE uuid = ?", (uuid,)).fetchone()
    return None if row is None or row[0] is None else from_ts(str(row[0]))


def setting(c: sqlite3.Connection, key: str) -> str | None:
    row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _fresh_verifier(c: sqlite3.Connection) -> Verifier | None:
    """A verifier knowing only what was pinned here (None: trust off in this database)."""
    event_hex = setting(c, EVENT_PUBLIC)
    if event_hex is None:
        return None
    verifier = Verifier(bytes.fromhex(event_hex), badge_key=setting(c, "public_key") or "")
    seed = setting(c, "trust_seed")
    if seed:  # what the enrollment file told (the desk's certificate, the cut-offs)
        for entry in _seed_entries(from_json(seed)):
            verifier.learn(entry)
    return verifier


def recheck_log(c: sqlite3.Connection) -> int:
    """Verify every entry of the log again, in arrival order (a rebuild is a receiver too):
    those that fail move to `held`. Returns how many moved (the caller rebuilds)."""
    verifier = _learned_verifier(c)
    if verifier is None:
        return 0
    bad: list[tuple[LogEntry, Refusal]] = []
    cur = c.cursor()
    cur.row_factory = None
    # Most of an older log is unsigned entries from before the upgrade, which `check` lets
    # through and `learn` keeps nothing of (Verifier.passes_quietly): SQLite leaves those
    # out by the cut-offs known now (later ones only let more through).
    c.execute("DROP TABLE IF EXISTS temp.recheck_cut")  # left by a check that failed
    c.execute("CREATE TEMP TABLE recheck_cut (sid TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")
    c.executemany("INSERT INTO recheck_cut VALUES (?, ?)", verifier.cutoff.items())
    kinds = sorted(CHECKED)
    cur.execute(
        f"SELECT {log.SIGNED_COLUMNS} FROM log LEFT JOIN temp.recheck_cut ON sid = station_id "
        f"WHERE sig IS NOT NULL OR kind IN ({','.join('?' * len(kinds))}) "
        "OR station_seq > coalesce(n, 0) ORDER BY seq",
        kinds,
    )
    while rows := cur.fetchmany(RECHECK_PAGE):
        page = [log.signed_entry_of(row) for row in rows]
        with Ahead(page) as ahead:  # the page's signatures verified on a worker meanwhile
            for e in page:
                refusal = verifier.check(e, _ref_station(c, e), None, ahead)  # its own time
                if refusal is None:
                    verifier.learn(e)
                else:
                    bad.append((e, refusal))
    c.execute("DROP TABLE temp.recheck_cut")
    # a station enrolled again vouches for its own earlier unsigned entries in a handover
    # that comes after them in its log: those are checked again once everything is learned
    bad = [(e, r) for e, r in bad
           if r is not Refusal.UNSIGNED or verifier.check(e, _ref_station(c, e)) is not None]  # fmt: skip
    for e, refusal in bad:
        hold(c, e, refusal)
        c.execute("DELETE FROM log WHERE uuid = ?", (e.uuid,))
    return len(bad)


def _learned_verifier(c: sqlite3.Connection) -> Verifier | None:
    """A verifier knowing what was pinned here and every genuine trust entry of the log."""
    verifier = _fresh_verifier(c)
    if verifier is None:
        return None
    marks = ",".join("?" * len(LEARNED))
    cur = c.cursor()
    cur.row_factory = None
    for row in cur.execute(
        f"SELECT {log.SIGNED_COLUMNS} FROM log WHERE kind IN ({marks}) ORDER BY seq", LEARNED
    ):
        e = log.signed_entry_of(row)
        if e.kind == LogKind.EVENT or verifier.check(e) is None:
            verifier.learn(e)
    return verifier


def load_gate(c: sqlite3.Connection, db_path: str, station_id: str) -> Gate | None:
    """The gate of this database; None while trust is off here."""
    verifier = _learned_verifier(c)
    if verifier is None:
        return None
    key = None if db_path == ":memory:" else read_key(db_path)
    signer = Signer(key[1]) if key is not None and key[0] == station_id else None
    version = int(c.execute("PRAGMA data_version").fetchone()[0])
    any_held = c.execute("SELECT 1 FROM held LIMIT 1").fetchone() is not None
    return Gate(verifier, signer, station_id, version, any_held)


def _seed_entries(seed: dict[str, Any]) -> Iterator[LogEntry]:
    from kiosk.storage.base import from_ts

    at = from_ts("2000-01-01T00:00:00.000000+00:00")
    for data in seed.get("certs", ()):
        yield LogEntry(uuid="", kind=TrustKind.STATION_CERT, at=at, data=dict(data))
    yield LogEntry(uuid="", kind=TrustKind.TRUST_CUTOFF, at=at,
                   data={"seqs": dict(seed.get("cutoff", {}))})  # fmt: skip


# -- held entries ---------------------------------------------------------------------------------
def hold(c: sqlite3.Connection, e: LogEntry, reason: Refusal, seen: datetime | None = None) -> None:
    c.execute(
        "INSERT OR REPLACE INTO held VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (*log.signed_row_of(e), str(reason), time.time(), None if seen is None else ts(seen)),
    )


def held(c: sqlite3.Connection) -> Iterator[tuple[LogEntry, Refusal]]:
    """Every entry kept aside, with why, in the order received."""
    cur = c.cursor()
    cur.row_factory = None
    rows = cur.execute(
        f"SELECT {log.SIGNED_COLUMNS}, reason FROM held ORDER BY received_at, uuid"
    ).fetchall()
    for row in rows:
        try:
            reason = Refusal(row[16])
        except ValueError:
            reason = Refusal.BAD_SIGNATURE
        yield log.signed_entry_of(row[:16]), reason


# -- the desk: event key, enrollment, revocation ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class StationInfo:
    station_id: str
    name: str
    role: Role
    expires: str
    keyed: bool  # its own key is known (handed over, or the desk's own)
    revoked_after: int | None
    last_seq: int
    trusted: bool = True  # False: its certificate's key was rotated as compromised


def event_signer(c: sqlite3.Connection) -> Signer:
    private = setting(c, EVENT_PRIVATE)
    if private is None:
        raise TrustError("this database holds no event key: stations are enrolled at the desk")
    return Signer(bytes.fromhex(private))


class Enrolls(enum.StrEnum):
    """Whether stations can be enrolled from this database (the Stations… dialog, `station
    enroll`): only the event's desk, the holder of the event key, can."""

    DESK = "desk"  # it holds the event key
    FIRST = "first"  # no desk yet: it holds the badge signing key, and no certificate was
    # ever issued for the event; its first enrollment makes it the desk
    STATION = "station"  # an enrolled station (it holds the event's public key only)
    OTHER_DESK = "other_desk"  # another database is the event's desk (its certificates are here)
    NO_KEY = "no_key"  # without trust, and without the badge signing key (a verify-only copy)


def enrolls(c: sqlite3.Connection) -> Enrolls:
    if setting(c, EVENT_PRIVATE) is not None:
        return Enrolls.DESK
    if setting(c, EVENT_PUBLIC) is not None:
        return Enrolls.STATION
    if setting(c, "private_key") is None:
        return Enrolls.NO_KEY
    issued = c.execute("SELECT 1 FROM log WHERE kind = ? LIMIT 1", (TrustKind.STATION_CERT,))
    return Enrolls.OTHER_DESK if issued.fetchone() is not None else Enrolls.FIRST


def enable_desk(c: sqlite3.Connection, db_path: str, station_id: str, name: str,
                at: datetime) -> bool:  # fmt: skip
    """Make this database the event's desk (inside the caller's write transaction): an event
    key, this station's own key, and the per-station cut-off of the unsigned entries already
    held. False when it is the desk already. The caller then writes `desk_entries`. Only
    where no desk exists yet: a second desk holding the badge key never makes a rival
    event key."""
    right = enrolls(c)
    if right is Enrolls.DESK:
        return False
    if right is Enrolls.STATION:
        raise TrustError("this database is an enrolled station, not the event's desk")
    if right is Enrolls.OTHER_DESK:
        raise TrustError("another database is the event's desk already (stations are "
                         "enrolled there)")  # fmt: skip
    if right is Enrolls.NO_KEY:
        raise TrustError("this database holds no badge signing key: stations are enrolled "
                         "at the registration desk")  # fmt: skip
    private = new_private()
    c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (EVENT_PRIVATE, private.hex()))
    c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)",
              (EVENT_PUBLIC, public_of(private).hex()))  # fmt: skip
    make_key(db_path, station_id)
    return True


def rotate_event_key(c: sqlite3.Connection, at: datetime, compromised: bool) -> Rotation:
    """The desk's event key replaced by a new one made here (inside the caller's write
    transaction); returns the rotation, signed by the key it replaces, for the log. The
    pinned first key (`EVENT_PUBLIC`) stays: every verifier follows the rotations from it."""
    current = event_signer(c)
    private = new_private()
    c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (EVENT_PRIVATE, private.hex()))
    return rotate(current, public_of(private), compromised, ts(at), cutoff_seqs(c))


def cutoff_seqs(c: sqlite3.Connection) -> dict[str, int]:
    return {str(sid): int(seq) for sid, seq in
            c.execute("SELECT station_id, MAX(station_seq) FROM log GROUP BY station_id")}  # fmt: skip


def desk_cert(c: sqlite3.Connection, db_path: str, station_id: str, name: str,
              at: datetime) -> Cert:  # fmt: skip
    key = read_key(db_path)
    if key is None or key[0] != station_id:
        raise TrustError(f"{key_path(db_path)}: this desk's key file is missing")
    return issue(
        event_signer(c), station_id=station_id, name=name, role=Role.DESK,
        key=public_of(key[1]).hex(), enroll_key="", issued_at=ts(at),
        expires=ts(at + timedelta(days=365 * DESK_CERT_YEARS)), serial=_next_serial(c),
    )  # fmt: skip


def _next_serial(c: sqlite3.Connection) -> int:
    row = c.execute("SELECT COUNT(*) FROM log WHERE kind = ?", (TrustKind.STATION_CERT,))
    return int(row.fetchone()[0]) + 1


def new_station_cert(c: sqlite3.Connection, name: str, role: Role, at: datetime,
                     days: int, station_id: str | None = None) -> tuple[Cert, bytes]:  # fmt: skip
    """A certificate for a new station (or one of the previous release enrolled again,
    keeping `station_id`) and its one-time enrollment secret."""
    secret = new_private()
    cert = issue(
        event_signer(c), station_id=station_id or new_uuid(), name=name, role=role, key="",
        enroll_key=public_of(secret).hex(), issued_at=ts(at),
        expires=ts(at + timedelta(days=days)), serial=_next_serial(c),
    )  # fmt: skip
    return cert, secret


def certs(c: sqlite3.Connection) -> dict[str, Cert]:
    out: dict[str, Cert] = {}
    for (data,) in c.execute(
        "SELECT data FROM log WHERE kind = ? ORDER BY seq", (TrustKind.STATION_CERT,)
    ):
        cert = cert_of(from_json(data))
        if cert is not None:
            out[cert.station_id] = cert
    return out


def stations(c: sqlite3.Connection, verifier: Verifier) -> list[StationInfo]:
    """Every enrolled station, in the order enrolled."""
    last = cutoff_seqs(c)
    return [
        StationInfo(
            cert.station_id,
            cert.name,
            cert.role,
            cert.expires,
            cert.station_id in verifier.keys,
            verifier.revoked.get(cert.station_id),
            last.get(cert.station_id, 0),
            cert.station_id not in verifier.untrusted,
        )
        for cert in certs(c).values()
    ]


def adopt_identity(c: sqlite3.Connection, db_path: str, station_id: str, name: str) -> None:
    """This database on this machine writes as the enrolled station `station_id`."""
    from kiosk.storage.base import to_json
    from kiosk.storage.station import fingerprint

    c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)",
              ("station/" + fingerprint(db_path), to_json({"id": station_id, "name": name})))  # fmt: skip
