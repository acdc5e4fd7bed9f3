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
    resolve_merges,
    stored,
)
from kiosk.storage.fold import fold_step as _fold_step

Applier = Callable[[sqlite3.Connection, LogEntry, str], None]
_PERSON_COLS = ", ".join(PERSON_FIELDS)


def ver_of(entry: LogEntry) -> str:
    return version(ts(entry.at), entry.uuid)


#: Kinds whose entries may belong to an import batch: kept pending until it is committed.
BATCHED = frozenset({LogKind.IMPORT, LogKind.MEETING_SCHEDULE, LogKind.MEETING_CANCEL})


def apply(c: sqlite3.Connection, entry: LogEntry, fresh: bool = False) -> None:
    """Fold `entry` into the projections (it is already in the log). `fresh`: written just
    now by this station, so nothing in the log can refer to it yet."""
    if entry.batch and entry.kind in BATCHED and not batch_committed(c, entry.batch):
        c.execute("INSERT OR IGNORE INTO pending VALUES (?, ?)", (entry.uuid, entry.batch))
        return
    if fresh and entry.kind == LogKind.ENTRY:
        _scan(c, entry, ver_of(entry), fresh=True)
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
    before = {r[0]: bool(r[1]) for r in c.execute("SELECT session_id, reentry FROM sessions")}
    apply_event(c, e.data, ver)
    # Presence folded before this program arrived (or under another one) assumed re-entry
    # where it may now be forbidden: fold those sessions again.
    for sid, reentry in c.execute("SELECT session_id, reentry FROM sessions").fetchall():
        if before.get(sid, True) != bool(reentry):
            for (aid,) in c.execute(
                "SELECT DISTINCT attendee_id FROM log WHERE session_id = ? AND kind = 'entry' "
                "AND attendee_id IS NOT NULL",
                (sid,),
            ).fetchall():
                recompute_presence(c, sid, aid)


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
    """An import chunk: created records in bulk (the usual case), changes one by one."""
    at = ts(e.at)
    data = e.data
    cols = list(data.get("cols", ()))
    new = data.get("new", ())
    ids = [r[0] for r in new]
    taken: set[str] = set()
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ", ".join("?" * len(part))
        taken.update(r[0] for r in c.execute(
            f"SELECT attendee_id FROM attendees WHERE attendee_id IN ({marks}) UNION ALL "
            f"SELECT attendee_id FROM log WHERE kind = 'merge' AND attendee_id IN ({marks})",
            part + part))  # fmt: skip
    fresh = []
    where = [cols.index(f) if f in cols else -1 for f in PERSON_FIELDS]
    same = where == list(range(len(PERSON_FIELDS)))
    for row in new:
        if row[0] in taken:  # seen before (entries arriving out of order): fold it
            apply_person(c, row[0], dict(zip(cols, row[1:], strict=True)), ver, at, full=True)
        elif same:
            fresh.append((row[0], row[1:]))
        else:
            fresh.append((row[0], [DEFAULTS[f] if i < 0 else row[i + 1]
                                   for f, i in zip(PERSON_FIELDS, where, strict=True)]))  # fmt: skip
    for aid, fields in data.get("changed", ()):
        apply_person(c, aid, fields, ver, at, full=False)
    if fresh:
        _insert_fresh(c, fresh, ver, at)


_ATTENTION = PERSON_FIELDS.index("attention")
_SESSIONS = PERSON_FIELDS.index("sessions")
_TICKET = PERSON_FIELDS.index("ticket")
_KEYS = [PERSON_FIELDS.index(f) for f in ("name", "name_zh", "organization", "organization_zh",
                                          "email")]  # fmt: skip


def _insert_fresh(
    c: sqlite3.Connection, fresh: list[tuple[str, list[Any]]], ver: str, at: str
) -> None:
    for _aid, v in fresh:
        v[_ATTENTION] = int(bool(v[_ATTENTION]))
        v[_SESSIONS] = stored("sessions", v[_SESSIONS])
    marks = ", ".join("?" * (len(PERSON_FIELDS) + 6))
    base = c.execute("SELECT COALESCE(MAX(rowid), 0) FROM attendees").fetchone()[0]
    c.executemany(
        f"INSERT INTO attendees (attendee_id, {_PERSON_COLS}, walk_in, created_at, updated_at, "
        f"ver, fver) VALUES ({marks})",
        [(aid, *v, 0, at, at, ver, "{}") for aid, v in fresh],
    )
    # Rows inserted without a rowid get MAX(rowid) + 1 each, in order: base + 1, base + 2...
    for aid, v in fresh:
        if v[_TICKET]:
            note_ticket(c, v[_TICKET], aid, ver, at)
    k0, k1, k2, k3, k4 = _KEYS
    c.executemany(
        "INSERT INTO attendee_fts(rowid, keys) VALUES (?, ?)",
        [(base + i, search_keys(v[k0], v[k1], v[k2], v[k3], v[k4]))
         for i, (_aid, v) in enumerate(fresh, 1)],
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
    """`attendee_id` is merged into `data.into`: the merged record is hidden, its badges
    and check-ins count for the one kept (kiosk.storage.fold.resolve_merges)."""
    refresh_merges(c)


def refresh_merges(c: sqlite3.Connection) -> None:
    """Apply the merges the log holds (few: organizers make them by hand) as a whole: each
    record's merge target, its search entry, and the presence of everyone concerned."""
    edges = [(version(r[0], r[1]), r[2], str(from_json(r[3]).get("into", "")))
             for r in c.execute("SELECT at, uuid, attendee_id, data FROM log WHERE kind = 'merge'")]  # fmt: skip
    gones = {g for _, g, _ in edges}
    marks = ", ".join("?" * len(gones))
    rows = {r[0]: r for r in c.execute(
        f"SELECT attendee_id, rowid, merged_into, fver, {_PERSON_COLS} FROM attendees "
        f"WHERE attendee_id IN ({marks}) OR merged_into IS NOT NULL", sorted(gones))}  # fmt: skip
    new = resolve_merges(edges, rows.__contains__)
    changed = [a for a, r in rows.items() if (new.get(a) or (None, None))[1] != r[2]
               or (a in new and from_json(r[3]).get("merged_into") != new[a][0])]  # fmt: skip
    if not changed:
        return
    concerned = set(changed)
    for a in changed:
        concerned.update(_members(c, a))  # the person as merged before
    for a in changed:
        r = rows[a]
        fver = from_json(r[3])
        target = new.get(a)
        if target:
            fver["merged_into"] = target[0]
        else:
            fver.pop("merged_into", None)
        c.execute("UPDATE attendees SET merged_into = ?, fver = ? WHERE rowid = ?",
                  (target[1] if target else None, to_json(fver), r[1]))  # fmt: skip
        c.execute("DELETE FROM attendee_fts WHERE rowid = ?", (r[1],))
        if not target:
            _index(c, r[1], {f: r[f] for f in PERSON_FIELDS})
    for a in list(concerned):
        concerned.update(_members(c, a))  # and as merged now
    ids = sorted(concerned)
    marks = ", ".join("?" * len(ids))
    sessions = sorted({r[0] for r in c.execute(
        f"SELECT DISTINCT session_id FROM log WHERE attendee_id IN ({marks}) "
        "AND kind IN ('entry', 'exit')", ids)})  # fmt: skip
    for sid in sessions:
        for m in ids:
            _store_presence(c, sid, m, _presence_row(c, sid, m), None)
            c.execute("DELETE FROM duplicates WHERE session_id = ? AND attendee_id = ?",
                      (sid, m))  # fmt: skip
        for root in sorted({root_of(c, m) for m in ids}):
            recompute_presence(c, sid, root)


def root_of(c: sqlite3.Connection, aid: str) -> str:
    """The record a (possibly merged) attendee id stands for now: its merge chain's end."""
    seen = {aid}
    while True:
        row = c.execute(
            "SELECT merged_into FROM attendees WHERE attendee_id = ?", (aid,)
        ).fetchone()
        if row is None or not row[0] or row[0] in seen:
            return aid
        aid = row[0]
        seen.add(aid)


def _members(c: sqlite3.Connection, aid: str) -> list[str]:
    """Every id standing for the same person as `aid` (its root and all merged into it)."""
    root = root_of(c, aid)
    rows = c.execute(
        "WITH RECURSIVE m(id) AS (SELECT ? UNION SELECT a.attendee_id FROM attendees a "
        "JOIN m ON a.merged_into = m.id) SELECT id FROM m",
        (root,),
    ).fetchall()
    return [root, *sorted(r[0] for r in rows if r[0] != root)]


def apply_person(
    c: sqlite3.Connection, aid: str, fields: dict[str, Any], ver: str, at: str, full: bool,
    walk_in: bool = False,
) -> None:  # fmt: skip
    if fields.get("ticket"):
        note_ticket(c, str(fields["ticket"]), aid, ver, at)
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
        if c.execute(  # a merge of this record that arrived before it
            "SELECT 1 FROM log WHERE attendee_id = ? AND kind = 'merge' LIMIT 1", (aid,)
        ).fetchone():
            refresh_merges(c)
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


def note_ticket(c: sqlite3.Connection, key: str, aid: str, ver: str, at: str) -> None:
    """A foreign ticket given to an attendee: the first version that gave it counts."""
    c.execute(
        "INSERT INTO foreign_tickets (code, attendee_id, first_ver, first_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(code) DO UPDATE SET attendee_id = excluded.attendee_id, "
        "first_ver = excluded.first_ver, first_at = excluded.first_at "
        "WHERE excluded.first_ver < foreign_tickets.first_ver",
        (key, aid, ver, at),
    )


def _ticket_revoke(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    """The first revocation (by version) counts; a revocation that arrives before the
    ticket keeps a place for it (its attendee, an unbeatable first version)."""
    key = str(e.data.get("ticket", ""))
    if not key or not e.attendee_id:
        return
    c.execute(
        "INSERT OR IGNORE INTO foreign_tickets (code, attendee_id, first_ver, first_at) "
        "VALUES (?, ?, '~', '')",
        (key, e.attendee_id),
    )
    c.execute(
        "UPDATE foreign_tickets SET revoked_at = ?, revoked_reason = ?, revoked_ver = ? "
        "WHERE code = ? AND (revoked_ver IS NULL OR revoked_ver > ?)",
        (ts(e.at), e.reason, ver, key, ver),
    )


def _badge_print(c: sqlite3.Connection, e: LogEntry, ver: str) -> None:
    c.execute(
        "INSERT OR IGNORE INTO prints VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (e.uuid, e.attendee_id or "", e.badge_id or 0, ts(e.at), e.station_id, e.station,
         e.operator, e.reason),
    )  # fmt: skip


# -- presence ------------------------------------------------------------------------------
def _scan(c: sqlite3.Connection, e: LogEntry, ver: str, fresh: bool = False) -> None:
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
    if not fresh:
        key = root_of(c, e.attendee_id)
        if (
            key != e.attendee_id
            or c.execute("SELECT 1 FROM attendees WHERE merged_into = ? LIMIT 1", (key,)).fetchone()
        ):
            recompute_presence(c, e.session_id, key)  # one of several records of a person
            return
    if not fresh and c.execute("SELECT 1 FROM log WHERE ref = ? AND kind = 'annul' LIMIT 1",
                               (e.uuid,)).fetchone():  # fmt: skip
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
    """Fold one person's admissions and exits of one session again, from the log (all the
    records merged into one person count as that person)."""
    members = _members(c, attendee_id)
    attendee_id = members[0]
    marks = ", ".join("?" * len(members))
    rows = c.execute(
        "SELECT l.uuid, l.kind, l.at, l.station_id, l.station FROM log l "
        f"WHERE l.attendee_id IN ({marks}) AND l.session_id = ? AND ((l.kind = 'entry' AND "
        "l.outcome = 'admitted') OR (l.kind = 'exit' AND l.outcome = 'exited')) "
        "AND NOT EXISTS (SELECT 1 FROM log u WHERE u.ref = l.uuid AND u.kind = 'annul')",
        (*members, session_id),
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
        c.execute(  # an upsert: the program may arrive after the check-ins (sync)
            "INSERT INTO session_counts VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "admitted = admitted + excluded.admitted, inside = inside + excluded.inside, "
            "exits = exits + excluded.exits",
            (session_id, d_admitted, d_inside, d_exits),
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
    LogKind.TICKET_REVOKE: _ticket_revoke,
    LogKind.ENTRY: _scan,
    LogKind.EXIT: _scan,
    LogKind.ANNUL: _annul,
    LogKind.PIN_ATTEMPT: _nothing,
    LogKind.MEETING_SCHEDULE: meetings.apply,
    LogKind.MEETING_CANCEL: meetings.apply,
    LogKind.MEETING_MARK: meetings.apply,
    LogKind.MEETING_REMATCH: meetings.apply,
}
