"""The attendee projection's tables (`attendees`, `attendee_fts`) and the merges, for both
drivers. The rules are kiosk.storage.fold (PersonState, resolve_merges)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from kiosk.models.names import search_keys
from kiosk.storage.base import from_json, to_json
from kiosk.storage.fold import PERSON_FIELDS, PersonState, resolve_merges
from kiosk.storage.projections import presence
from kiosk.storage.projections.history import history
from kiosk.storage.projections.state import People

_COLS = ", ".join(PERSON_FIELDS)
_ROW_COLS = f"attendee_id, {_COLS}, walk_in, created_at, updated_at, ver, fver, merged_into"
_ROW_MARKS = ", ".join("?" * (len(PERSON_FIELDS) + 7))


def chunks(ids: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def marks(part: list[Any]) -> str:
    return ", ".join("?" * len(part))


def load(c: sqlite3.Connection, ids: list[str]) -> dict[str, PersonState]:
    out: dict[str, PersonState] = {}
    cur = c.cursor()
    cur.row_factory = None
    n = len(PERSON_FIELDS)
    for part in chunks(ids):
        for r in cur.execute(
            f"SELECT attendee_id, rowid, ver, fver, created_at, updated_at, walk_in, merged_into, "
            f"{_COLS} FROM attendees WHERE attendee_id IN ({marks(part)})",
            part,
        ):
            fver = from_json(r[3])
            merge_ver = fver.pop("merged_into", None)
            out[r[0]] = PersonState(
                dict(zip(PERSON_FIELDS, r[8 : 8 + n], strict=True)), r[2], fver, r[4], r[5],
                bool(r[6]), r[7], rowid=r[1], merge_ver=merge_ver,
            )  # fmt: skip
    return out


_FIELDS = itemgetter(*PERSON_FIELDS)


def _row(aid: str, s: PersonState) -> tuple[Any, ...]:
    fver = s.fver
    if s.merge_ver is not None:
        fver = fver | {"merged_into": s.merge_ver}
    return (aid, *_FIELDS(s.values), int(s.walk_in), s.created_at, s.updated_at, s.ver,
            to_json(fver) if fver else "{}", s.merged_into)  # fmt: skip


def _keys(v: dict[str, Any]) -> str:
    return search_keys(v["name"], v["name_zh"], v["organization"], v["organization_zh"],
                       v["email"])  # fmt: skip


_UPDATE = f"UPDATE attendees SET {', '.join(f'{f} = ?' for f in _ROW_COLS.split(', ')[1:])} WHERE rowid = ?"


def save(c: sqlite3.Connection, people: People) -> None:
    """Write back the records one entry touched: new ones in bulk, the others one by one."""
    new = [(aid, s) for aid, s in people.states.items() if not s.rowid]
    old = [(aid, s) for aid, s in people.states.items() if s.rowid]
    if new:
        _insert(c, new)
    if old:  # (none in a first import)
        c.executemany(_UPDATE, [(*_row(aid, s)[1:], s.rowid) for aid, s in old])
    for aid, s in old:
        if aid in people.reindex and s.merged_into is None:
            c.execute("DELETE FROM attendee_fts WHERE rowid = ?", (s.rowid,))
            index(c, s.rowid, s.values)
    if new and _merged_before(c, [aid for aid, _s in new]):
        refresh_merges(c)  # a merge of one of these records arrived before it


def _insert(c: sqlite3.Connection, new: list[tuple[str, PersonState]]) -> None:
    base = c.execute("SELECT COALESCE(MAX(rowid), 0) FROM attendees").fetchone()[0]
    c.executemany(f"INSERT INTO attendees ({_ROW_COLS}) VALUES ({_ROW_MARKS})",
                  [_row(aid, s) for aid, s in new])  # fmt: skip
    # Rows inserted without a rowid get MAX(rowid) + 1 each, in order.
    c.executemany("INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)",
                  [(base + i, _keys(s.values)) for i, (_a, s) in enumerate(new, 1)])  # fmt: skip


def _merged_before(c: sqlite3.Connection, ids: list[str]) -> bool:
    return any(
        c.execute(
            f"SELECT 1 FROM log WHERE kind = 'merge' AND attendee_id IN ({marks(part)}) LIMIT 1",
            part,
        ).fetchone()
        for part in chunks(ids)
    )


def index(c: sqlite3.Connection, rowid: int, v: dict[str, Any]) -> None:
    c.execute("INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)", (rowid, _keys(v)))


def refresh_merges(c: sqlite3.Connection) -> None:
    """Apply the merges the log holds (few: organizers make them by hand) as a whole: each
    record's merge target, its search entry, and the presence of everyone concerned."""
    edges = history(c, "l.kind = 'merge'").merges
    gones = sorted({g for _, g, _ in edges})
    rows = {r[0]: r for r in c.execute(
        f"SELECT attendee_id, rowid, merged_into, fver, {_COLS} FROM attendees "
        f"WHERE attendee_id IN ({marks(gones)}) OR merged_into IS NOT NULL", gones)}  # fmt: skip
    new = resolve_merges(edges, rows.__contains__)
    changed = [a for a, r in rows.items() if _moved(r, new.get(a))]
    if not changed:
        return
    concerned = set(changed) | {m for a in changed for m in presence.members(c, a)}  # before
    for a in changed:
        _set_merge(c, rows[a], new.get(a))
    _refold(c, concerned | {m for a in concerned for m in presence.members(c, a)})  # and now


def _moved(r: sqlite3.Row, target: tuple[str, str] | None) -> bool:
    """Whether a record's merge differs from the one stored."""
    if (target or (None, None))[1] != r[2]:
        return True
    return target is not None and from_json(r[3]).get("merged_into") != target[0]


def _refold(c: sqlite3.Connection, concerned: set[str]) -> None:
    """Fold again the presence of everyone concerned by a change of merges."""
    ids = sorted(concerned)
    for session_id in presence.sessions_of(c, ids):
        for m in ids:
            presence.forget(c, session_id, m)
        for root in sorted({presence.root_of(c, m) for m in ids}):
            presence.recompute(c, session_id, root)


def _set_merge(c: sqlite3.Connection, r: sqlite3.Row, target: tuple[str, str] | None) -> None:
    fver = from_json(r[3])
    if target:
        fver["merged_into"] = target[0]
    else:
        fver.pop("merged_into", None)
    c.execute("UPDATE attendees SET merged_into = ?, fver = ? WHERE rowid = ?",
              (target[1] if target else None, to_json(fver), r[1]))  # fmt: skip
    c.execute("DELETE FROM attendee_fts WHERE rowid = ?", (r[1],))
    if not target:
        index(c, r[1], {f: r[f] for f in PERSON_FIELDS})


def write_all(
    c: sqlite3.Connection, people: People, merges: Iterable[tuple[str, str, str]]
) -> dict[str, str]:
    """Every record and its search keys, in bulk; returns the merges (id -> merged into)."""
    resolved = resolve_merges(merges, people.__contains__)
    into: dict[str, str] = {}
    rows = []
    fts = []
    for rowid, (aid, s) in enumerate(people.states.items(), start=1):
        merged = resolved.get(aid)
        if merged is not None:
            s.merge_ver, s.merged_into = merged
            into[aid] = merged[1]
        rows.append((rowid, *_row(aid, s)))
        if merged is None:
            fts.append((rowid, _keys(s.values)))
    # (one statement a row: several a statement is slower here, FTS5 twice as slow)
    c.executemany(f"INSERT INTO attendees (rowid, {_ROW_COLS}) VALUES (?, {_ROW_MARKS})", rows)
    c.executemany("INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)", fts)
    return into
