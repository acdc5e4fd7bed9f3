"""Attendee imports as log entries: an import batch of chunks that takes effect when its
final (commit) entry is written.

An import of any size never holds the write lock for long: each chunk (about 1,000 rows)
is one short transaction, so a desk's check-in waits at most one chunk (bench/import_rows.py
measures the longest hold). The chunks stay `pending` (not in the projections) until the
commit entry exists, so a crash or a refusal half-way leaves the attendees as they were;
then `catch_up` applies the committed chunks, again one short transaction each (and at the
next open, if the process stopped in between).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

from kiosk.models.records import ATTENDEE_FIELDS, AttendeeInput, LogKind, UpsertReport
from kiosk.storage import log, project
from kiosk.storage.base import from_json, new_uuid
from kiosk.storage.fold import DEFAULTS, stored

if TYPE_CHECKING:
    from kiosk.storage.store import Store

CHUNK = 1000
Progress = Callable[[int, int], None]
_COMPARED = (*ATTENDEE_FIELDS, "sessions")


def fields_of(r: AttendeeInput) -> dict[str, Any]:
    """A row's fields as an entry carries them: only those that differ from the default."""
    out: dict[str, Any] = {}
    for name in _COMPARED:
        value = getattr(r, name)
        if name == "sessions":
            value = list(dict.fromkeys(value))
        if value and value != DEFAULTS.get(name):
            out[name] = value
    return out


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
) -> UpsertReport:
    """Insert or update attendees, keyed by external id, else email. Unchanged rows write
    nothing. `new_id` returns a candidate attendee id (retried until unused)."""
    if total is None and isinstance(rows, list | tuple):
        total = len(rows)
    index = _Index(store)
    batch = new_uuid()
    inserted = updated = unchanged = done = 0
    ids: list[str] = []
    for chunk in _chunks(rows, CHUNK):
        out: list[list[Any]] = []
        for r in chunk:
            aid, old = index.match(r)
            values = {k: stored(k, v) for k, v in fields_of(r).items()}
            if aid is None:
                aid = index.add(r, new_id)
                out.append([aid, 1, fields_of(r)])
                inserted += 1
            else:
                changed = {k: v for k, v in fields_of(r).items()
                           if values[k] != old.get(k, DEFAULTS[k])}  # fmt: skip
                cleared = {k: DEFAULTS[k] for k in _COMPARED
                           if k not in values and old.get(k, DEFAULTS[k]) != DEFAULTS[k]}  # fmt: skip
                if changed or cleared:
                    out.append([aid, 0, {**cleared, **changed}])
                    updated += 1
                else:
                    unchanged += 1
            ids.append(aid)
        if out:
            with store.write() as c:
                store.append(c, LogKind.IMPORT, now, batch=batch, data={"rows": out})
        done += len(chunk)
        if progress is not None:
            progress(done, max(total or done, done))
    if inserted or updated:
        with store.write() as c:
            store.append(c, LogKind.IMPORT_COMMIT, now, batch=batch,
                         data={"source": source, "rows": done, "inserted": inserted,
                               "updated": updated})  # fmt: skip
        catch_up(store)
    return UpsertReport(inserted, updated, unchanged, tuple(ids))


class _Index:
    """The existing attendees' keys and compared values, read once (one pass for 100,000)."""

    def __init__(self, store: Store) -> None:
        self.known: set[str] = set()
        self.by_ext: dict[str, tuple[str, dict[str, Any]]] = {}
        self.by_email: dict[str, tuple[str, dict[str, Any]]] = {}
        cols = ", ".join(_COMPARED)
        cur = store.conn.cursor()
        cur.row_factory = None
        for row in cur.execute(f"SELECT attendee_id, merged_into, {cols} FROM attendees"):
            aid = row[0]
            self.known.add(aid)
            if row[1]:
                continue
            values = dict(zip(_COMPARED, row[2:], strict=True))
            self._key(aid, values)

    def _key(self, aid: str, values: dict[str, Any]) -> None:
        if values.get("external_id"):
            self.by_ext[str(values["external_id"])] = (aid, values)
        elif values.get("email"):
            self.by_email[str(values["email"]).lower()] = (aid, values)

    def match(self, r: AttendeeInput) -> tuple[str | None, dict[str, Any]]:
        hit = self.by_ext.get(r.external_id) if r.external_id else None
        if hit is None and r.email:
            cand = self.by_email.get(r.email.lower())
            if cand is not None and (not r.external_id or not cand[1].get("external_id")):
                hit = cand
        return (hit[0], hit[1]) if hit else (None, {})

    def add(self, r: AttendeeInput, new_id: Callable[[], str]) -> str:
        aid = new_id()
        while aid in self.known:
            aid = new_id()
        self.known.add(aid)
        self._key(aid, {k: stored(k, v) for k, v in fields_of(r).items()})
        return aid


def catch_up(store: Store, progress: Progress | None = None) -> int:
    """Apply committed chunks that are still pending, one short transaction each."""
    applied = 0
    total = int(store.conn.execute("SELECT COUNT(*) FROM pending").fetchone()[0])
    while True:
        with store.write() as c:
            row = c.execute(
                "SELECT p.uuid FROM pending p WHERE EXISTS (SELECT 1 FROM log l "
                "WHERE l.batch = p.batch AND l.kind = 'import_commit') LIMIT 1"
            ).fetchone()
            if row is None:
                break
            entry = log.entry(c, row[0])
            assert entry is not None
            project.apply_pending(c, entry)
        applied += 1
        if progress is not None:
            progress(applied, max(total, applied))
    return applied


def batch_rows(store: Store, batch: str) -> int:
    """How many rows the entries of one batch carry (for reports)."""
    n = 0
    for (data,) in store.conn.execute(
        "SELECT data FROM log WHERE batch = ? AND kind = 'import'", (batch,)
    ):
        n += len(from_json(data).get("rows", ()))
    return n
