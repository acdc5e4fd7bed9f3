"""The append-only log: writing entries (each with the station's next sequence number) and
reading them back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from sys import intern
from typing import Any

try:  # CPython's getter of a namedtuple's field (a C descriptor)
    from collections import _tuplegetter  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover (another Python)
    _tuplegetter = None

from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogEntry, LogKind, Station, log_kind
from kiosk.storage.base import from_json, from_ts, new_uuid, to_json, ts

COLUMNS = (
    "uuid, station_id, station_seq, station, at, kind, session_id, attendee_id, badge_id, "
    "operator, outcome, ref, batch, data"
)
#: The columns and the signature (kiosk.trust): what a signed copy of an entry carries.
SIGNED_COLUMNS = COLUMNS + ", private_hash, sig"
_INSERT = f"INSERT OR IGNORE INTO log ({SIGNED_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
MAX_CODE = 512  # scanned text kept per entry (a poster's URL, not a megabyte of junk)


def next_seq(c: sqlite3.Connection, station_id: str) -> int:
    row = c.execute(
        "SELECT MAX(station_seq) FROM log WHERE station_id = ?", (station_id,)
    ).fetchone()
    return int(row[0] or 0) + 1


def new_entry(
    c: sqlite3.Connection,
    station: Station,
    at: datetime,
    kind: LogKind | str,
    *,
    session_id: str = "",
    attendee_id: str | None = None,
    badge_id: int | None = None,
    operator: str = "",
    outcome: Outcome | None = None,
    ref: str | None = None,
    batch: str | None = None,
    data: dict[str, Any] | None = None,
    sign: Callable[[LogEntry], LogEntry] | None = None,
) -> LogEntry:
    """Append an entry written by this station (inside the caller's write transaction),
    signed by `sign` when this station signs its entries (kiosk.trust)."""
    payload = dict(data or {})
    if "code" in payload:
        payload["code"] = str(payload["code"])[:MAX_CODE]
    entry = LogEntry(
        uuid=new_uuid(), kind=kind, at=from_ts(ts(at)), station_id=station.id,
        station_seq=next_seq(c, station.id), station=station.name, session_id=session_id,
        operator=operator, outcome=outcome, attendee_id=attendee_id, badge_id=badge_id,
        ref=ref, batch=batch, data=payload,
    )  # fmt: skip
    if sign is not None:
        entry = sign(entry)
    insert(c, entry)
    return entry


def insert(c: sqlite3.Connection, e: LogEntry) -> bool:
    """Store an entry as it is (ours, or received from another station); False when the
    log already holds its uuid (a replay is harmless)."""
    cur = c.execute(_INSERT, signed_row_of(e))
    return cur.rowcount > 0


def insert_all(c: sqlite3.Connection, entries: Sequence[LogEntry]) -> int:
    """Store entries as they are (`insert`, in one statement); returns how many the log did
    not hold yet."""
    return int(c.executemany(_INSERT, [signed_row_of(e) for e in entries]).rowcount)


def signed_row_of(e: LogEntry) -> tuple[Any, ...]:
    """An entry's row in SIGNED_COLUMNS order."""
    return (*row_of(e), e.private_hash, e.sig)


def signed_entry_of(row: sqlite3.Row | tuple[Any, ...]) -> LogEntry:
    """A LogEntry from a row in SIGNED_COLUMNS order."""
    t = tuple(row)
    ph, sig = t[14], t[15]
    return entry_of(t, private_hash=None if ph is None else bytes(ph),
                    sig=None if sig is None else bytes(sig))  # fmt: skip


def row_of(e: LogEntry) -> tuple[Any, ...]:
    return (e.uuid, e.station_id, e.station_seq, e.station, ts(e.at), str(e.kind),
            e.session_id, e.attendee_id, e.badge_id, e.operator,
            e.outcome.value if e.outcome else None, e.ref, e.batch, to_json(e.data))  # fmt: skip


_KINDS: dict[str, LogKind] = {k.value: k for k in LogKind}
_OUTCOMES: dict[str, Outcome] = {o.value: o for o in Outcome}


def entry_of(
    row: sqlite3.Row | tuple[Any, ...], annulled: bool = False, seq: int = 0,
    private_hash: bytes | None = None, sig: bytes | None = None,
) -> LogEntry:  # fmt: skip
    """A LogEntry from a row in COLUMNS order (plus, optionally, seq, annulled and the
    signature's fields)."""
    (u, sid, sseq, sname, at, kind, session, aid, bid, operator, outcome, ref, batch,
     data) = tuple(row)[:14]  # fmt: skip
    out = _OUTCOMES.get(outcome) if outcome else None  # None: an outcome of a newer release
    return LogEntry(
        uuid=u, kind=_KINDS.get(kind) or log_kind(kind), at=from_ts(at), station_id=sid, station_seq=sseq,
        station=sname, session_id=session, operator=operator, outcome=out, attendee_id=aid,
        badge_id=bid, ref=ref, batch=batch, data=from_json(data), seq=seq, annulled=annulled,
        private_hash=private_hash, sig=sig,
    )  # fmt: skip


def _field(i: int) -> Any:
    """Column `i` of a row read as an attribute, by namedtuple's own C getter (a third
    faster than a property over itemgetter: the rebuild reads a million rows' fields)."""
    return _tuplegetter(i, None) if _tuplegetter is not None else property(itemgetter(i))


def _shared(i: int) -> Any:
    """A text column read as one shared object per distinct text (a station, a kind, a
    session: a state keeps them per admission; a million copies otherwise)."""
    return property(lambda row: intern(row[i]))


def _outcome(i: int) -> Any:
    get = _OUTCOMES.get  # (None for NULL, "" and an outcome of a newer release)
    return property(lambda row: get(row[i]))


class Row(tuple[Any, ...]):
    """A log row in COLUMNS order, read as an entry without building one: the fields a step
    reads are looked up when asked, the JSON payload parsed only when `data` is read (a
    scan's step never reads it); the texts a state keeps per admission (station, kind, session)
    are one shared object each, not a million copies. The rebuild folds a million of these
    (kiosk.storage.projections.drivers); `entry_of` gives the full LogEntry."""

    __slots__ = ()

    uuid = _field(0)  # (a C getter: several times faster than a def)
    station_id = _shared(1)
    station = _shared(3)
    kind = _shared(5)
    session_id = _shared(6)
    attendee_id = _field(7)
    badge_id = _field(8)
    operator = _field(9)
    outcome = _outcome(10)
    ref = _field(11)
    batch = _field(12)

    @property
    def data(self) -> dict[str, Any]:
        payload: dict[str, Any] = from_json(self[13])
        return payload

    @property
    def reason(self) -> str:
        return str(self.data.get("reason", ""))


#: The columns the scan step reads (kiosk.storage.projections.steps.scan): the rebuild
#: reads the entries and exits, most of a log, with these alone (a fifth less time).
SCAN_COLUMNS = "uuid, station_id, station, at, kind, session_id, attendee_id, outcome"
SCAN_KINDS = (LogKind.ENTRY.value, LogKind.EXIT.value)


class ScanRow(tuple[Any, ...]):
    """An entry or exit scan's log row in SCAN_COLUMNS order, read as an entry (as `Row`,
    every field by a C getter: the scan step shares the texts it keeps itself): what a
    scan's step does not read reads as empty (no badge, operator, reference, batch or
    payload)."""

    __slots__ = ()

    uuid = _field(0)
    station_id = _field(1)
    station = _field(2)
    kind = _field(4)
    session_id = _field(5)
    attendee_id = _field(6)
    outcome = _outcome(7)
    badge_id: int | None = None
    operator = ""
    ref: str | None = None
    batch: str | None = None
    reason = ""

    @property
    def data(self) -> dict[str, Any]:
        return {}


_SELECT = (
    f"SELECT {', '.join('l.' + c.strip() for c in COLUMNS.split(','))}, l.seq, "
    "EXISTS(SELECT 1 FROM log u WHERE u.ref = l.uuid AND u.kind = 'annul') FROM log l"
)


def _entries(c: sqlite3.Connection, sql: str, params: Any = ()) -> Iterator[LogEntry]:
    cur = c.cursor()
    cur.row_factory = None
    for row in cur.execute(sql, params):
        yield entry_of(row, annulled=bool(row[15]), seq=int(row[14]))


def entry(c: sqlite3.Connection, entry_uuid: str) -> LogEntry | None:
    return next(_entries(c, _SELECT + " WHERE l.uuid = ?", (entry_uuid,)), None)


def entries(
    c: sqlite3.Connection,
    *,
    session_id: str | None = None,
    station_id: str | None = None,
    kinds: tuple[str, ...] = (),
    newest_first: bool = False,
    limit: int | None = None,
) -> Iterator[LogEntry]:
    """Entries in their own order (time, then uuid), optionally filtered."""
    where: list[str] = []
    params: list[Any] = []
    if session_id:
        where.append("l.session_id = ?")
        params.append(session_id)
    if station_id:
        where.append("l.station_id = ?")
        params.append(station_id)
    if kinds:
        where.append(f"l.kind IN ({', '.join('?' * len(kinds))})")
        params.extend(kinds)
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
    order = " DESC" if newest_first else ""
    sql += f" ORDER BY l.at{order}, l.uuid{order}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return _entries(c, sql, params)


def last_at(c: sqlite3.Connection) -> datetime | None:
    """The time of the latest scan, exit or undo: where a demo clock carries on from."""
    row = c.execute("SELECT MAX(at) FROM log WHERE kind IN ('entry', 'exit', 'annul')").fetchone()
    return from_ts(row[0]) if row and row[0] else None
