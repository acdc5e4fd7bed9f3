"""Attendee imports as log entries: an import batch of chunks that takes effect when its
final (commit) entry is written.

An import of any size never holds the write lock for long: each chunk (2,000 rows)
is one short transaction, so a desk's check-in waits at most one chunk (bench/import_rows.py
measures the longest hold). The chunks stay `pending` (not in the projections) until the
commit entry exists, so a crash or a refusal half-way leaves the attendees as they were;
then `catch_up` applies the committed chunks, again one short transaction each (and at the
next open, if the process stopped in between).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

from kiosk.models.records import AttendeeInput, LogEntry, LogKind, UpsertReport
from kiosk.storage import log
from kiosk.storage.base import new_uuid
from kiosk.storage.fold import PERSON_FIELDS, stored
from kiosk.storage.people import record_values
from kiosk.storage.projections import drivers as projections
from kiosk.storage.tickets import ticket_key
from kiosk.storage.tx import Tx

CHUNK = 2000  # rows per chunk: ~50 ms of write lock (bench/import_log.py)
KEEP_IN_MEMORY = 20_000  # rows: up to this, chunks are applied from memory, not re-read
Progress = Callable[[int, int], None]
_COMPARED = PERSON_FIELDS  # the record's fields, as entries and the attendees table name them
_ATTENTION = _COMPARED.index("attention")
_CATEGORY = _COMPARED.index("category")
_SESSIONS = _COMPARED.index("sessions")
_TICKET = _COMPARED.index("ticket")


class Store(Protocol):
    """What an import needs of the store (kiosk.storage.store.Store): its connection,
    write transactions and appending entries."""

    conn: sqlite3.Connection

    def write(self, durable: bool = True) -> AbstractContextManager[Tx]: ...

    def append(self, tx: Tx, kind: LogKind, at: datetime, **kw: Any) -> LogEntry: ...


def _plain(vals: tuple[Any, ...]) -> list[Any]:
    """A record's values in _COMPARED order as an entry carries them (JSON-ready)."""
    row = list(vals)
    row[_CATEGORY] = str(row[_CATEGORY])  # a plain text, as the entry reads back (not an enum)
    row[_ATTENTION] = bool(row[_ATTENTION])
    row[_SESSIONS] = list(dict.fromkeys(row[_SESSIONS]))
    if row[_TICKET]:
        row[_TICKET] = ticket_key(row[_TICKET])  # only a hash of another system's ticket
    else:
        row[_TICKET] = ""  # (ticket_key's answer for none)
    return row


def _stored(row: list[Any]) -> tuple[Any, ...]:
    """The same values as the attendees table holds them (to compare with the index)."""
    out = list(row)
    out[_ATTENTION] = int(out[_ATTENTION])
    out[_SESSIONS] = stored("sessions", out[_SESSIONS])
    return tuple(out)


def _chunks(rows: Iterable[AttendeeInput], size: int) -> Iterator[list[AttendeeInput]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def import_batch(
    store: Store,
    rows: Iterable[AttendeeInput],
    new_id: Callable[[], str],
    now: datetime,
    progress: Progress | None = None,
    source: str = "",
    total: int | None = None,
    keep_ids: bool = True,
) -> UpsertReport:
    """Insert or update attendees, keyed by external id, else email. Unchanged rows write
    nothing. `new_id` returns a candidate attendee id (retried until unused)."""
    if total is None and isinstance(rows, list | tuple):
        total = len(rows)
    index = _Index(store)
    batch = new_uuid()
    with _no_autocheckpoint(store):
        return _write_batch(store, rows, new_id, now, progress, source, total, index, batch,
                            keep_ids)  # fmt: skip


@contextmanager
def _no_autocheckpoint(store: Store) -> Iterator[None]:
    """A big import copies its WAL into the database once, at the end, instead of a
    checkpoint every ~16 MB (which made its commits ~3x slower)."""
    store.conn.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        store.conn.execute("PRAGMA wal_autocheckpoint=4000")
        with contextlib.suppress(sqlite3.Error):
            store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _write_batch(
    store: Store, rows: Iterable[AttendeeInput], new_id: Callable[[], str], now: datetime,
    progress: Progress | None, source: str, total: int | None, index: _Index, batch: str,
    keep_ids: bool,
) -> UpsertReport:  # fmt: skip
    inserted = updated = unchanged = done = 0
    ids: list[str] = []
    written: list[LogEntry] = []
    for chunk in _chunks(rows, CHUNK):
        # The new records of a full chunk share a random 2-character id prefix: applying
        # the chunk then inserts into a few pages of the attendee id index, not into every
        # page of it (random ids made each chunk's transaction rewrite the whole index:
        # 0.5 s of a 100,000-row import). A smaller import keeps fully random ids.
        prefix = new_id()[:2] if len(chunk) == CHUNK else ""
        new, changed, same = _sort_chunk(chunk, index, new_id, prefix, ids if keep_ids else None)
        inserted += len(new)
        updated += len(changed)
        unchanged += same
        if new or changed:
            data: dict[str, Any] = {"cols": list(_COMPARED)} if new else {}
            if new:
                data["new"] = new
            if changed:
                data["changed"] = changed
            with store.write(durable=False) as tx:  # pending until the commit entry
                e = store.append(tx, LogKind.IMPORT, now, batch=batch, data=data)
            if len(written) * CHUNK < KEEP_IN_MEMORY:
                written.append(e)
        done += len(chunk)
        if progress is not None:
            progress(done, max(total or done, done))
    if inserted or updated:
        with store.write() as tx:
            store.append(tx, LogKind.IMPORT_COMMIT, now, batch=batch,
                         data={"source": source, "rows": done, "inserted": inserted,
                               "updated": updated})  # fmt: skip
        for e in written:  # the batch took effect: fold its chunks, one short write each
            with store.write(durable=False) as tx:  # redone by catch_up if lost
                projections.apply_pending(tx.conn, e)
        catch_up(store)  # chunks not kept in memory (a very large import), and any left over
    return UpsertReport(inserted, updated, unchanged, tuple(ids))


def _sort_chunk(
    chunk: list[AttendeeInput], index: _Index, new_id: Callable[[], str], prefix: str,
    ids: list[str] | None,
) -> tuple[list[list[Any]], list[list[Any]], int]:  # fmt: skip
    """One chunk's rows as (new records, changes of known ones, how many unchanged);
    `ids` receives every row's attendee id when given."""
    new: list[list[Any]] = []
    changed: list[list[Any]] = []
    unchanged = 0
    for r in chunk:
        plain = _plain(record_values(r))
        aid, old = index.match(r)
        if aid is None:
            aid = index.add(new_id, prefix)
            new.append([aid, *plain])
        else:
            now_vals = _stored(plain)
            diff = {k: plain[i] for i, k in enumerate(_COMPARED) if now_vals[i] != old[i]}
            if not plain[_TICKET]:  # a file without tickets leaves the ticket alone
                diff.pop("ticket", None)
                now_vals = (*now_vals[:_TICKET], old[_TICKET], *now_vals[_TICKET + 1 :])
            if diff:
                changed.append([aid, diff])
                index.update(aid, now_vals)
            else:
                unchanged += 1
        if ids is not None:
            ids.append(aid)
    return new, changed, unchanged


class _Index:
    """The existing attendees' keys and compared values, read once (one pass for 100,000)."""

    def __init__(self, store: Store) -> None:
        self.known: set[str] = set()
        self.by_ext: dict[str, str] = {}
        self.by_email: dict[str, str] = {}
        self.values: dict[str, tuple[Any, ...]] = {}
        cols = ", ".join(_COMPARED)
        cur = store.conn.cursor()
        cur.row_factory = None
        ext, email = _COMPARED.index("external_id"), _COMPARED.index("email")
        for row in cur.execute(f"SELECT attendee_id, merged_into, {cols} FROM attendees"):
            aid = row[0]
            self.known.add(aid)
            if row[1]:
                continue
            values = tuple(row[2:])
            self.values[aid] = values
            self._key(aid, values[ext], values[email])

    def _key(self, aid: str, external_id: str, email: str) -> None:
        if external_id:
            self.by_ext[external_id] = aid
        elif email:
            self.by_email[email.lower()] = aid

    def match(self, r: AttendeeInput) -> tuple[str | None, tuple[Any, ...]]:
        """The attendee a row names among those stored before this import, with their
        values. (A file names each person once: the import's checks refuse repeats.)"""
        if not self.by_ext and not self.by_email:  # (a first import: nobody to match)
            return None, ()
        aid = self.by_ext.get(r.external_id) if r.external_id else None
        if aid is None and r.email:
            cand = self.by_email.get(r.email.lower())
            if cand is not None and (not r.external_id or not self.values[cand][_EXT]):
                aid = cand
        return (aid, self._values(aid)) if aid else (None, ())

    def _values(self, aid: str) -> tuple[Any, ...]:
        return self.values[aid]

    def add(self, new_id: Callable[[], str], prefix: str = "") -> str:
        n = len(prefix)
        aid = prefix + new_id()[n:]
        while aid in self.known:
            aid = prefix + new_id()[n:]
        self.known.add(aid)
        return aid

    def update(self, aid: str, values: tuple[Any, ...]) -> None:
        self.values[aid] = values


_EXT = _COMPARED.index("external_id")


def catch_up(store: Store, progress: Progress | None = None) -> int:
    """Apply committed chunks that are still pending, one short transaction each."""
    applied = 0
    total = int(store.conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0])
    while True:
        with store.write(durable=False) as tx:
            c = tx.conn
            row = c.execute(
                "SELECT p.uuid FROM pending p WHERE EXISTS (SELECT 1 FROM log l "
                "WHERE l.batch = p.batch AND l.kind = 'import_commit') LIMIT 1"
            ).fetchone()
            if row is None:
                break
            entry = log.entry(c, row[0])
            assert entry is not None
            projections.apply_pending(c, entry)
        applied += 1
        if progress is not None:
            progress(applied, max(total, applied))
    return applied
