"""Applying one log entry to the projections, in the transaction that wrote (or received) it.

Entries may arrive in any order (a station that was offline syncs later): each applier
either folds commutatively (counts, first revocation, last writer per field) or, when an
entry lands before what is already folded, recomputes its key from the log. Either way
the tables equal a rebuild from the log alone (kiosk.storage.rebuild; tested).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from kiosk.models.event import event_from_dict
from kiosk.models.names import search_keys
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import meetings
from kiosk.storage.base import from_json, to_json, ts, version
from kiosk.storage.fold import (
    DEFAULTS,
    PERSON_FIELDS,
    PersonState,
    PresenceState,
    Step,
    fold_presence,
    stored,
)
from kiosk.storage.fold import fold_step as _fold_step

Applier = Callable[[sqlite3.Connection, LogEntry, str], None]
_PERSON_COLS = ", ".join(PERSON_FIELDS)


def ver_of(entry: LogEntry) -> str:
    return version(ts(entry.at), entry.uuid)


#: Kinds whose entries may belong to an import batch: kept pending until it is committed.
BATCHED = frozenset({LogKind.IMPORT, LogKind.MEETING_SCHEDULE, LogKind.MEETING_CANCEL})


def apply(c: sqlite3.Connection, entry: LogEntry) -> None:
    """Fold `entry` into the projections (it is already in the log)."""
    if entry.batch and entry.kind in BATCHED and not batch_committed(c, entry.batch):
        c.execute("INSERT OR IGNORE INTO pending VALUES (?, ?)", (entry.uuid, entry.batch))
        return
    fn = _APPLIERS.get(str(entry.kind))
    if fn is not None:  # a kind from a newer release is kept in the log and ignored here
        fn(c, entry, ver_of(entry))


def batch_committed(c: sqlite3.Connection, batch: str) -> bool:
    row = c.execute(
        "SELECT 1 FROM log WHERE batch = ? AND kind = 'import_commit' LIMIT 1", (batch,)
    ).fetchone()
    return row is not None


# -- the program -------------------------------------------------------------------------
def _event(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    row = c.execute("SELECT value FROM settings WHERE key = 'event_ver'").fetchone()
    if row is not None and row[0] >= ver:
        return
    apply_event(c, e.data, ver)


def apply_event(c: sqlite3.Connection, data: dict[str, Any], ver: str) -> None:
    event = event_from_dict(data["event"], "log:event")
    rows = [("event", to_json(data["event"])), ("public_key", str(data["public_key"])),
            ("event_ver", ver)]  # fmt: skip
    c.executemany("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", rows)
    c.execute("DELETE FROM sessions")
    for i, s in enumerate(event.sessions):
        c.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (s.id, i, s.title, s.title_zh, s.room, s.room_zh, ts(s.start), ts(s.end),
             s.capacity, int(s.restricted), int(s.reentry)),
        )  # fmt: skip
        c.execute("INSERT OR IGNORE INTO session_counts(session_id) VALUES (?)", (s.id,))


# -- attendees ---------------------------------------------------------------------------
def _import(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    """An import chunk: new records in bulk (the usual case), the rest one by one."""
    at = ts(e.at)
    rows = e.data.get("rows", ())
    new_ids = [r[0] for r in rows if r[1]]
    known: set[str] = set()
    merged: set[str] = set()
    for i in range(0, len(new_ids), 500):
        part = new_ids[i : i + 500]
        marks = ", ".join("?" * len(part))
        known.update(
            r[0]
            for r in c.execute(
                f"SELECT attendee_id FROM attendees WHERE attendee_id IN ({marks})", part
            )
        )
        merged.update(r[0] for r in c.execute(
            f"SELECT attendee_id FROM log WHERE kind = 'merge' AND attendee_id IN ({marks})",
            part))  # fmt: skip
    fresh = []
    for aid, new, fields in rows:
        if new and aid not in known and aid not in merged:
            values = dict(DEFAULTS)
            for name, value in fields.items():
                if name in DEFAULTS:
                    values[name] = stored(name, value)
            fresh.append((aid, values))
        else:
            apply_person(c, aid, fields, ver, at, full=bool(new))
    if not fresh:
        return
    marks = ", ".join("?" * (len(PERSON_FIELDS) + 6))
    base = c.execute("SELECT COALESCE(MAX(rowid), 0) FROM attendees").fetchone()[0]
    c.executemany(
        f"INSERT INTO attendees (attendee_id, {_PERSON_COLS}, walk_in, created_at, updated_at, "
        f"ver, fver) VALUES ({marks})",
        [(aid, *(v[f] for f in PERSON_FIELDS), 0, at, at, ver, "{}") for aid, v in fresh],
    )
    rowids = dict(
        c.execute("SELECT attendee_id, rowid FROM attendees WHERE rowid > ?", (base,)).fetchall()
    )
    c.executemany(
        "INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)",
        [(rowids[aid], search_keys(v["name"], v["name_zh"], v["organization"],
                                   v["organization_zh"], v["email"]))
         for aid, v in fresh],
    )  # fmt: skip


def apply_pending(c: sqlite3.Connection, e: LogEntry) -> None:
    """Apply an entry whose batch is committed (kiosk.storage.imports.catch_up)."""
    fn = _APPLIERS.get(str(e.kind))
    if fn is not None:
        fn(c, e, ver_of(e))
    c.execute("DELETE FROM pending WHERE uuid = ?", (e.uuid,))


def _walk_in(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    assert e.attendee_id
    apply_person(c, e.attendee_id, e.data.get("fields", {}), ver, ts(e.at), full=True,
                 walk_in=True)  # fmt: skip


def _edit(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    assert e.attendee_id
    apply_person(c, e.attendee_id, e.data.get("fields", {}), ver, ts(e.at), full=False)


def _merge(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    """`attendee_id` is merged into `data.into`: the merged record is hidden and its badges
    resolve to the one kept. Of two merges of one record, the later version counts."""
    if e.attendee_id:
        merge_into(c, e.attendee_id, str(e.data.get("into", "")), ver)


def merge_into(c: sqlite3.Connection, gone: str, kept: str, ver: str) -> None:
    row = c.execute("SELECT rowid, fver FROM attendees WHERE attendee_id = ?", (gone,)).fetchone()
    if row is None or not kept or gone == kept:
        return
    fver = from_json(row[1])
    if ver > fver.get("merged_into", ""):
        fver["merged_into"] = ver
        c.execute("UPDATE attendees SET merged_into = ?, fver = ? WHERE rowid = ?",
                  (kept, to_json(fver), row[0]))  # fmt: skip
        c.execute("DELETE FROM attendee_fts WHERE rowid = ?", (row[0],))


def apply_person(
    c: sqlite3.Connection, aid: str, fields: dict[str, Any], ver: str, at: str, full: bool,
    walk_in: bool = False,
) -> None:  # fmt: skip
    row = c.execute(
        f"SELECT rowid, ver, fver, created_at, updated_at, walk_in, merged_into, {_PERSON_COLS} "
        "FROM attendees WHERE attendee_id = ?",
        (aid,),
    ).fetchone()
    if row is None:
        state = PersonState.empty()
        state.apply(fields, ver, at, full)
        state.walk_in = walk_in
        cur = c.execute(
            f"INSERT INTO attendees (attendee_id, {_PERSON_COLS}, walk_in, created_at, "
            f"updated_at, ver, fver) VALUES (?, {', '.join('?' * len(PERSON_FIELDS))}, ?, ?, ?, "
            "?, ?)",
            (aid, *(state.values[f] for f in PERSON_FIELDS), int(walk_in), state.created_at,
             state.updated_at, state.ver, to_json(state.fver)),
        )  # fmt: skip
        _index(c, int(cur.lastrowid or 0), state.values)
        for m in c.execute(  # a merge of this record that arrived before it
            "SELECT at, uuid, data FROM log WHERE attendee_id = ? AND kind = 'merge'", (aid,)
        ).fetchall():
            merge_into(c, aid, str(from_json(m[2]).get("into", "")), version(m[0], m[1]))
        return
    fver = from_json(row["fver"])
    merged = fver.pop("merged_into", None)
    state = PersonState(
        {f: row[f] for f in PERSON_FIELDS}, row["ver"], fver, row["created_at"],
        row["updated_at"], bool(row["walk_in"]), row["merged_into"],
    )  # fmt: skip
    changed = state.apply(fields, ver, at, full)
    if merged is not None:
        state.fver["merged_into"] = merged
    sets = ", ".join(f"{f} = ?" for f in PERSON_FIELDS)
    c.execute(
        f"UPDATE attendees SET {sets}, walk_in = ?, created_at = ?, updated_at = ?, ver = ?, "
        "fver = ? WHERE rowid = ?",
        (*(state.values[f] for f in PERSON_FIELDS), int(state.walk_in or walk_in),
         state.created_at, state.updated_at, state.ver, to_json(state.fver), row["rowid"]),
    )  # fmt: skip
    if changed and state.merged_into is None:
        c.execute("DELETE FROM attendee_fts WHERE rowid = ?", (row["rowid"],))
        _index(c, row["rowid"], state.values)


def _index(c: sqlite3.Connection, rowid: int, v: dict[str, Any]) -> None:
    keys = search_keys(v["name"], v["name_zh"], v["organization"], v["organization_zh"],
                       v["email"])  # fmt: skip
    c.execute("INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)", (rowid, keys))


# -- badges and prints -----------------------------------------------------------------------
def _badge_issue(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    at = ts(e.at)
    for badge_id, aid, badge_version in e.data.get("badges", ()):
        cur = c.execute(
            "INSERT OR IGNORE INTO badges (badge_id, attendee_id, version, issued_at) "
            "VALUES (?, ?, ?, ?)",
            (badge_id, aid, badge_version, at),
        )
        if cur.rowcount:  # a revocation that arrived before the badge
            first = c.execute(
                "SELECT at, uuid, data FROM log WHERE attendee_id = ? AND badge_id = ? "
                "AND kind = 'badge_revoke' ORDER BY at, uuid LIMIT 1",
                (aid, badge_id),
            ).fetchone()
            if first is not None:
                _revoke(c, badge_id, first["at"], version(first["at"], first["uuid"]),
                        str(from_json(first["data"]).get("reason", "")))  # fmt: skip


def _badge_revoke(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    assert e.badge_id is not None
    _revoke(c, e.badge_id, ts(e.at), ver, e.reason)


def _revoke(c: sqlite3.Connection, badge_id: int, at: str, ver: str, reason: str) -> None:
    """The first revocation (by version) is the one that counts."""
    c.execute(
        "UPDATE badges SET revoked_at = ?, revoked_reason = ?, revoked_ver = ? "
        "WHERE badge_id = ? AND (revoked_ver IS NULL OR revoked_ver > ?)",
        (at, reason, ver, badge_id, ver),
    )


def _badge_print(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    c.execute(
        "INSERT OR IGNORE INTO prints VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (e.uuid, e.attendee_id or "", e.badge_id or 0, ts(e.at), e.station_id, e.station,
         e.operator, e.reason),
    )  # fmt: skip


# -- presence ------------------------------------------------------------------------------
def _scan(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    moves = (e.kind == LogKind.ENTRY and e.outcome == "admitted") or (
        e.kind == LogKind.EXIT and e.outcome == "exited"
    )
    if not moves:
        c.execute(
            "INSERT INTO scan_counts VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1",
            (e.session_id, str(e.kind), str(e.outcome or "")),
        )
        return
    if not e.attendee_id:
        return
    annulled = c.execute("SELECT 1 FROM log WHERE ref = ? AND kind = 'annul' LIMIT 1",
                         (e.uuid,)).fetchone()  # fmt: skip
    if annulled:
        return  # undone before it arrived here
    row = _presence_row(c, e.session_id, e.attendee_id)
    if (row is not None and row.last_ver > ver) or (
        row is None and e.kind == LogKind.ENTRY and _has_exits(c, e.session_id, e.attendee_id)
    ):
        recompute_presence(c, e.session_id, e.attendee_id)  # it lands in the past
        return
    step = Step(ver, "entry" if e.kind == LogKind.ENTRY else "exit", e.uuid, ts(e.at),
                e.station_id, e.station)  # fmt: skip
    old = _copy(row)
    state, dup = _fold_step(row, step, _reentry(c, e.session_id))
    if dup:
        assert state is not None
        c.execute(
            "INSERT OR IGNORE INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.uuid, e.session_id, e.attendee_id, step.at, e.station_id, e.station,
             state.entry_uuid),
        )  # fmt: skip
    _store_presence(c, e.session_id, e.attendee_id, old, state)


def _has_exits(c: sqlite3.Connection, session_id: str, aid: str) -> bool:
    row = c.execute(
        "SELECT 1 FROM log WHERE attendee_id = ? AND session_id = ? AND kind = 'exit' "
        "AND outcome = 'exited' LIMIT 1",
        (aid, session_id),
    ).fetchone()
    return row is not None


def _annul(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    if e.attendee_id and e.session_id:
        recompute_presence(c, e.session_id, e.attendee_id)


def recompute_presence(c: sqlite3.Connection, session_id: str, attendee_id: str) -> None:
    """Fold one attendee's admissions and exits of one session again, from the log."""
    rows = c.execute(
        "SELECT l.uuid, l.kind, l.at, l.station_id, l.station FROM log l "
        "WHERE l.attendee_id = ? AND l.session_id = ? AND ((l.kind = 'entry' AND "
        "l.outcome = 'admitted') OR (l.kind = 'exit' AND l.outcome = 'exited')) "
        "AND NOT EXISTS (SELECT 1 FROM log u WHERE u.ref = l.uuid AND u.kind = 'annul')",
        (attendee_id, session_id),
    ).fetchall()
    steps = [Step(version(r["at"], r["uuid"]), r["kind"], r["uuid"], r["at"], r["station_id"],
                  r["station"]) for r in rows]  # fmt: skip
    old = _presence_row(c, session_id, attendee_id)
    state, dups = fold_presence(steps, _reentry(c, session_id))
    c.execute(
        "DELETE FROM duplicates WHERE session_id = ? AND attendee_id = ?",
        (session_id, attendee_id),
    )
    for d in dups:
        assert state is not None
        c.execute(
            "INSERT INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?)",
            (d.uuid, session_id, attendee_id, d.at, d.station_id, d.station, state.entry_uuid),
        )
    _store_presence(c, session_id, attendee_id, old, state)


def _presence_row(c: sqlite3.Connection, session_id: str, aid: str) -> PresenceState | None:
    r = c.execute(
        "SELECT entry_uuid, first_at, station_id, station, inside, exits, last_ver "
        "FROM presence WHERE session_id = ? AND attendee_id = ?",
        (session_id, aid),
    ).fetchone()
    if r is None:
        return None
    return PresenceState(r[0], r[1], r[2], r[3], bool(r[4]), int(r[5]), r[6])


def _copy(s: PresenceState | None) -> PresenceState | None:
    if s is None:
        return None
    return PresenceState(s.entry_uuid, s.first_at, s.station_id, s.station, s.inside, s.exits,
                         s.last_ver)  # fmt: skip


def _store_presence(
    c: sqlite3.Connection, session_id: str, aid: str, old: PresenceState | None,
    new: PresenceState | None,
) -> None:  # fmt: skip
    if new is None:
        c.execute("DELETE FROM presence WHERE session_id = ? AND attendee_id = ?",
                  (session_id, aid))  # fmt: skip
    else:
        c.execute(
            "INSERT OR REPLACE INTO presence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, aid, new.entry_uuid, new.first_at, new.station_id, new.station,
             int(new.inside), new.exits, new.last_ver),
        )  # fmt: skip
    d_admitted = (new is not None) - (old is not None)
    d_inside = (bool(new and new.inside)) - (bool(old and old.inside))
    d_exits = (new.exits if new else 0) - (old.exits if old else 0)
    if d_admitted or d_inside or d_exits:
        c.execute(
            "UPDATE session_counts SET admitted = admitted + ?, inside = inside + ?, "
            "exits = exits + ? WHERE session_id = ?",
            (d_admitted, d_inside, d_exits, session_id),
        )


def _reentry(c: sqlite3.Connection, session_id: str) -> bool:
    row = c.execute("SELECT reentry FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
    return bool(row[0]) if row else True


def _nothing(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    """Kept in the log only (import commits are applied by `catch_up`; PIN attempts are
    an audit trail)."""


_APPLIERS: dict[str, Applier] = {
    LogKind.EVENT: _event,
    LogKind.IMPORT: _import,
    LogKind.IMPORT_COMMIT: _nothing,
    LogKind.WALK_IN: _walk_in,
    LogKind.EDIT: _edit,
    LogKind.MERGE: _merge,
    LogKind.BADGE_ISSUE: _badge_issue,
    LogKind.BADGE_REVOKE: _badge_revoke,
    LogKind.BADGE_PRINT: _badge_print,
    LogKind.ENTRY: _scan,
    LogKind.EXIT: _scan,
    LogKind.ANNUL: _annul,
    LogKind.PIN_ATTEMPT: _nothing,
    LogKind.MEETING_SCHEDULE: meetings.apply,
    LogKind.MEETING_CANCEL: meetings.apply,
    LogKind.MEETING_MARK: meetings.apply,
    LogKind.MEETING_REMATCH: meetings.apply,
}
