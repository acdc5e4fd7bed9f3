"""The presence projection's tables (`presence`, `duplicates`, `session_counts`,
`scan_counts`): reading and writing them for both drivers. The rule is
kiosk.storage.fold.fold_step / fold_presence; the merge roots are fold.chain_end.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kiosk.storage.fold import PresenceState, Step, chain_end, fold_presence, fold_step
from kiosk.storage.projections import bulk
from kiosk.storage.projections.bulk import key_rows
from kiosk.storage.projections.history import history, undone_among
from kiosk.storage.projections.state import Presence

_MOVES = (
    "((l.kind = 'entry' AND l.outcome = 'admitted') OR (l.kind = 'exit' AND l.outcome = 'exited'))"
)
_NOT_UNDONE = "NOT EXISTS (SELECT 1 FROM log u WHERE u.ref = l.uuid AND u.kind = 'annul')"


# -- merge roots --------------------------------------------------------------------------
def root_of(c: sqlite3.Connection, aid: str) -> str:
    """The record a (possibly merged) attendee id stands for now: its merge chain's end."""

    def into(a: str) -> str | None:
        row = c.execute("SELECT merged_into FROM attendees WHERE attendee_id = ?", (a,)).fetchone()
        return None if row is None else row[0]

    return chain_end(aid, into)


def members(c: sqlite3.Connection, aid: str) -> list[str]:
    """Every id standing for the same person as `aid` (its root and all merged into it)."""
    root = root_of(c, aid)
    rows = c.execute(
        "WITH RECURSIVE m(id) AS (SELECT ? UNION SELECT a.attendee_id FROM attendees a "
        "JOIN m ON a.merged_into = m.id) SELECT id FROM m",
        (root,),
    ).fetchall()
    return [root, *sorted(r[0] for r in rows if r[0] != root)]


# -- the incremental driver ---------------------------------------------------------------
def save(c: sqlite3.Connection, p: Presence, fresh: bool) -> None:
    """Write back what one entry folded, or a run of received entries (all of them already
    in the log: kiosk.storage.projections.drivers.apply_scans): the scan counts, the moves
    (folded on the stored states, or a key folded again from the log when a move lands in
    its past), the undos."""
    if p.scans:
        c.executemany(
            "INSERT INTO scan_counts VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "n = n + excluded.n",
            [(*key, n) for key, n in p.scans.items()],
        )
    if p.moves:
        _moves(c, p.moves, fresh)
    undone = set(p.undone)
    for ref in p.annulled:  # the undone entry's own key, whatever the undo names
        row = c.execute(
            "SELECT session_id, attendee_id FROM log WHERE uuid = ? AND attendee_id IS NOT NULL",
            (ref,),
        ).fetchone()
        if row is not None:
            undone.add((row[0], row[1]))
    for session_id, aid in sorted(undone):
        recompute(c, session_id, aid)


Key = tuple[str, str]


def _moves(c: sqlite3.Connection, moves: dict[Key, list[Step]], fresh: bool) -> None:
    """Fold each key's moves, in order, on its stored state: every key read at once, the
    states written back at once. `fresh`: one move written just now by this station, so
    nothing in the log refers to it yet. Otherwise a key of several records of a person,
    or one where a move lands in its past, is folded again from the log instead; the log
    holds every move being saved, so that fold has them all and the key is done."""
    steps = [s for part in moves.values() for s in part]
    undone = set() if fresh else undone_among(c, [s.uuid for s in steps])
    merged = set() if fresh else _merged(c, {aid for _, aid in moves})
    rows = _rows(c, list(moves))
    exited = _exited(c, moves, rows)
    reentry = _Reentry(c)
    out = _Written()
    for (session_id, aid), part in moves.items():
        if aid in merged:  # one of several records of a person
            recompute(c, session_id, root_of(c, aid))
            continue
        row = rows.get((session_id, aid))
        old = _tally(row)
        kept = [s for s in part if s.uuid not in undone]  # undone before it arrived here
        folded = _fold_on(row, kept, (session_id, aid) in exited, reentry(session_id))
        if folded is None:  # a move lands in the key's past: folded again from the log
            recompute(c, session_id, aid)
        else:
            state, dups = folded
            out.add(session_id, aid, old, state, _dup_rows(session_id, aid, state, dups))
    out.write(c)


def _fold_on(
    state: PresenceState | None, steps: list[Step], exited: bool, reentry: Callable[[], bool]
) -> tuple[PresenceState | None, list[Step]] | None:
    """A key's moves folded in order on its stored state (changed in place); None when one
    lands in the key's past (before what it folded, or an admission with no state yet where
    the log holds an exit: `exited`)."""
    dups: list[Step] = []
    for step in steps:
        if state.last_ver > step.ver if state is not None else step.kind == "entry" and exited:
            return None
        # Re-entry decides only an admission of someone admitted before and outside now.
        again = state is None or step.kind != "entry" or state.inside or reentry()
        state, dup = fold_step(state, step, again)
        if dup:
            dups.append(step)
    return state, dups


class _Reentry:
    """Whether a session allows re-entry (True for one the program does not know yet),
    read once per session."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self._c = c
        self._known: dict[str, bool] = {}

    def __call__(self, session_id: str) -> Callable[[], bool]:
        def reentry() -> bool:
            known = self._known.get(session_id)
            if known is None:
                known = self._known[session_id] = _reentry(self._c, session_id)
            return known

        return reentry


class _Written:
    """The states of the keys folded on their stored state, written back together: the
    rows, the duplicates, each session's counts changed by the sum of the keys' changes."""

    def __init__(self) -> None:
        self.rows: list[tuple[object, ...]] = []
        self.gone: list[Key] = []
        self.dups: list[tuple[str, ...]] = []
        self.counts: dict[str, list[int]] = {}

    def add(self, session_id: str, aid: str, old: tuple[int, int, int],
            new: PresenceState | None, dups: list[tuple[str, ...]]) -> None:  # fmt: skip
        if new is None:
            self.gone.append((session_id, aid))
        else:
            self.rows.append(_presence_row(session_id, aid, new))
        self.dups.extend(dups)
        a1, i1, e1 = _tally(new)
        if (a1, i1, e1) != old:
            tally = self.counts.setdefault(session_id, [0, 0, 0])
            tally[0] += a1 - old[0]
            tally[1] += i1 - old[1]
            tally[2] += e1 - old[2]

    def write(self, c: sqlite3.Connection) -> None:
        if self.gone:
            c.executemany("DELETE FROM presence WHERE session_id = ? AND attendee_id = ?",
                          self.gone)  # fmt: skip
        if self.rows:
            c.executemany("INSERT OR REPLACE INTO presence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          self.rows)  # fmt: skip
        if self.dups:
            c.executemany("INSERT OR IGNORE INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?)",
                          self.dups)  # fmt: skip
        counts = [(s, *t) for s, t in self.counts.items() if any(t)]
        if counts:
            c.executemany(_COUNTS, counts)


#: A session's counts changed by (admitted, inside, exits): an upsert, the program may
#: arrive after the check-ins (sync).
_COUNTS = (
    "INSERT INTO session_counts VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
    "admitted = admitted + excluded.admitted, inside = inside + excluded.inside, "
    "exits = exits + excluded.exits"
)


def _merged(c: sqlite3.Connection, aids: set[str]) -> set[str]:
    """Those of `aids` that are one of several records of a person (merged into another,
    or another merged into them)."""
    sql = ("SELECT attendee_id FROM attendees WHERE attendee_id IN ({0}) AND merged_into IS "
           "NOT NULL UNION SELECT merged_into FROM attendees WHERE merged_into IN ({0})")  # fmt: skip
    return {r[0] for r in _where_in(c, sql, sorted(aids), twice=True)}


def _rows(c: sqlite3.Connection, keys: list[Key]) -> dict[Key, PresenceState]:
    """The stored states of these keys (those that have one)."""
    by_session: dict[str, list[str]] = {}
    for session_id, aid in keys:
        by_session.setdefault(session_id, []).append(aid)
    sql = ("SELECT attendee_id, entry_uuid, first_at, station_id, station, inside, exits, "
           "last_ver FROM presence WHERE session_id = ? AND attendee_id IN ({0})")  # fmt: skip
    out: dict[Key, PresenceState] = {}
    for session_id, aids in by_session.items():
        for r in _where_in(c, sql, aids, first=session_id):
            out[(session_id, r[0])] = PresenceState(r[1], r[2], r[3], r[4], bool(r[5]),
                                                    int(r[6]), r[7])  # fmt: skip
    return out


def _exited(c: sqlite3.Connection, moves: dict[Key, list[Step]],
            rows: dict[Key, PresenceState]) -> set[Key]:  # fmt: skip
    """The keys with no state yet and an admission among their moves that the log holds
    an exit of (the admission lands before it)."""
    keys = [
        k for k, part in moves.items() if k not in rows and any(s.kind == "entry" for s in part)
    ]
    if not keys:
        return set()
    sql = ("SELECT DISTINCT session_id, attendee_id FROM log WHERE attendee_id IN ({0}) "
           "AND kind = 'exit' AND outcome = 'exited'")  # fmt: skip
    wanted = set(keys)
    return {k for k in ((r[0], r[1]) for r in _where_in(c, sql, sorted({a for _, a in keys})))
            if k in wanted}  # fmt: skip


def _where_in(c: sqlite3.Connection, sql: str, ids: list[str], first: str | None = None,
              twice: bool = False) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """The rows of `sql` for `ids`, asked 500 at a time: `{0}` in `sql` is where they go
    (`twice`: in two places), after `first` when given."""
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        params = [*part, *part] if twice else part
        yield from c.execute(sql.format(", ".join("?" * len(part))),
                             params if first is None else [first, *params])  # fmt: skip


def recompute(c: sqlite3.Connection, session_id: str, attendee_id: str) -> None:
    """Fold one person's admissions and exits of one session again, from the log (all the
    records merged into one person count as that person)."""
    ids = members(c, attendee_id)
    attendee_id = ids[0]
    marks = ", ".join("?" * len(ids))
    moves = history(c, f"l.attendee_id IN ({marks}) AND l.session_id = ? AND {_MOVES} AND "
                       f"{_NOT_UNDONE}", (*ids, session_id)).presence.moves  # fmt: skip
    steps = [s for part in moves.values() for s in part]
    old = _row(c, session_id, attendee_id)
    state, dups = fold_presence(steps, _reentry(c, session_id))
    c.execute(
        "DELETE FROM duplicates WHERE session_id = ? AND attendee_id = ?",
        (session_id, attendee_id),
    )
    c.executemany("INSERT INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?)",
                  _dup_rows(session_id, attendee_id, state, dups))  # fmt: skip
    _store(c, session_id, attendee_id, old, state)


def forget(c: sqlite3.Connection, session_id: str, attendee_id: str) -> None:
    """Drop one record's presence and duplicates (before a merge folds it again)."""
    _store(c, session_id, attendee_id, _row(c, session_id, attendee_id), None)
    c.execute("DELETE FROM duplicates WHERE session_id = ? AND attendee_id = ?",
              (session_id, attendee_id))  # fmt: skip


def sessions_of(c: sqlite3.Connection, ids: list[str]) -> list[str]:
    marks = ", ".join("?" * len(ids))
    return sorted({r[0] for r in c.execute(
        f"SELECT DISTINCT session_id FROM log WHERE attendee_id IN ({marks}) "
        "AND kind IN ('entry', 'exit')", ids)})  # fmt: skip


def _dup_rows(
    session_id: str, aid: str, state: PresenceState | None, dups: list[Step]
) -> list[tuple[str, ...]]:
    first = state.entry_uuid if state is not None else ""
    return [(d.uuid, session_id, aid, d.at, d.station_id, d.station, first) for d in dups]


def _row(c: sqlite3.Connection, session_id: str, aid: str) -> PresenceState | None:
    r = c.execute(
        "SELECT entry_uuid, first_at, station_id, station, inside, exits, last_ver "
        "FROM presence WHERE session_id = ? AND attendee_id = ?",
        (session_id, aid),
    ).fetchone()
    if r is None:
        return None
    return PresenceState(r[0], r[1], r[2], r[3], bool(r[4]), int(r[5]), r[6])


def _store(
    c: sqlite3.Connection, session_id: str, aid: str, old: PresenceState | None,
    new: PresenceState | None,
) -> None:  # fmt: skip
    if new is None:
        c.execute("DELETE FROM presence WHERE session_id = ? AND attendee_id = ?",
                  (session_id, aid))  # fmt: skip
    else:
        c.execute("INSERT OR REPLACE INTO presence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  _presence_row(session_id, aid, new))  # fmt: skip
    a0, i0, e0 = _tally(old)
    a1, i1, e1 = _tally(new)
    if a1 != a0 or i1 != i0 or e1 != e0:
        c.execute(  # an upsert: the program may arrive after the check-ins (sync)
            "INSERT INTO session_counts VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "admitted = admitted + excluded.admitted, inside = inside + excluded.inside, "
            "exits = exits + excluded.exits",
            (session_id, a1 - a0, i1 - i0, e1 - e0),
        )


def _tally(s: PresenceState | None) -> tuple[int, int, int]:
    """What one key adds to its session's counts: (admitted, inside, exits)."""
    return (0, 0, 0) if s is None else (1, int(s.inside), s.exits)


def _presence_row(session_id: str, aid: str, s: PresenceState) -> tuple[object, ...]:
    return (session_id, aid, s.entry_uuid, s.first_at, s.station_id, s.station, int(s.inside),
            s.exits, s.last_ver)  # fmt: skip


def _reentry(c: sqlite3.Connection, session_id: str) -> bool:
    row = c.execute("SELECT reentry FROM sessions WHERE session_id = ?", (session_id,)).fetchone()
    return bool(row[0]) if row else True


# -- the rebuild ----------------------------------------------------------------------------
def ordered(p: Presence) -> list[tuple[str, str, list[Step]]]:
    """(session, attendee, moves) for every key, in the tables' key order."""
    return key_rows(p.moves)


def reentry_of(c: sqlite3.Connection) -> dict[str, bool]:
    """Each session's re-entry rule (a session not in the program: allowed)."""
    return {r[0]: bool(r[1]) for r in c.execute("SELECT session_id, reentry FROM sessions")}


def write_all(c: sqlite3.Connection, p: Presence, into: Mapping[str, str]) -> None:
    """Every key's moves (undone ones left out), under the person they stand for now,
    folded with the same rule; then the counts, in bulk (in the tables' key order). Moves
    folded as they came (Presence.fold_now) are written as folded."""
    if p.reentry is not None:
        states, dups = _folded(p), p.dups
    else:
        states, dups = _fold_all(p, into, reentry_of(c))
    presence: list[Any] = []  # the rows' values one after another (bulk.insert_flat)
    counts: dict[str, list[int]] = {}
    for session_id, aid, state in states:
        inside, exits = state.inside, state.exits
        presence += (session_id, aid, state.entry_uuid, state.first_at, state.station_id,
                     state.station, int(inside), exits, state.last_ver)  # fmt: skip
        tally = counts.get(session_id)
        if tally is None:
            tally = counts[session_id] = [0, 0, 0]
        tally[0] += 1  # as _tally
        tally[1] += inside
        tally[2] += exits
    bulk.insert_flat(c, "presence", 9, presence)
    dups.sort()
    c.executemany("INSERT INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?)", dups)
    c.executemany(
        "INSERT INTO session_counts VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
        "admitted = excluded.admitted, inside = excluded.inside, exits = excluded.exits",
        [(s, *t) for s, t in counts.items()],
    )
    c.executemany("INSERT INTO scan_counts VALUES (?, ?, ?, ?)", _scan_rows(p.scans))


def _folded(p: Presence) -> list[tuple[str, str, PresenceState]]:
    """The states folded as the moves came, in key order (per session, a sort of texts)."""
    out: list[tuple[str, str, PresenceState]] = []
    for session_id in sorted(p.folded):
        states = p.folded[session_id]
        out.extend([(session_id, aid, states[aid]) for aid in sorted(states)])
    return out


def _fold_all(
    p: Presence, into: Mapping[str, str], reentry: Mapping[str, bool]
) -> tuple[list[tuple[str, str, PresenceState]], list[tuple[str, ...]]]:
    """Every key's moves folded now, in key order; and the duplicates rows."""
    # Undone moves left out as they came (`known`) and nobody merged: every key's moves are
    # its own, already in version order (the rebuild reads the log in that order).
    in_order = p.known is not None and not into
    by_person = ordered(p) if in_order else key_rows(_by_person(p, into))
    fold = _fold_in_order if in_order else fold_presence
    states: list[tuple[str, str, PresenceState]] = []
    dups: list[tuple[str, ...]] = []
    for session_id, aid, steps in by_person:
        state, dup = fold(steps, reentry.get(session_id, True))
        if state is None:
            continue
        if dup:
            dups.extend(_dup_rows(session_id, aid, state, dup))
        states.append((session_id, aid, state))
    return states, dups


def _by_person(p: Presence, into: Mapping[str, str]) -> dict[tuple[str, str], list[Step]]:
    """Every key's moves, undone ones left out, under the person they stand for now."""
    by_person: dict[tuple[str, str], list[Step]] = {}
    for (session_id, aid), steps in p.moves.items():
        kept = [s for s in steps if s.uuid not in p.annulled]
        if kept:
            root = chain_end(aid, into.get) if into else aid
            by_person.setdefault((session_id, root), []).extend(kept)
    return by_person


def _fold_in_order(steps: list[Step], reentry: bool) -> tuple[PresenceState | None, list[Step]]:
    """fold.fold_presence, for steps already in version order."""
    state: PresenceState | None = None
    dups: list[Step] = []
    for step in steps:
        state, dup = fold_step(state, step, reentry)
        if dup:
            dups.append(step)
    return state, dups


def _scan_rows(scans: Counter[tuple[str, str, str]]) -> list[tuple[object, ...]]:
    return [(*k, n) for k, n in scans.items()]
