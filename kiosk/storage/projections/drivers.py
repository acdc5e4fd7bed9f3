"""The two drivers that run the step functions (kiosk.storage.projections.steps):

- `apply`: one entry, in the transaction that wrote (or received) it. The states read the
  keys the step touches from the tables, the step folds the entry in, and what it touched
  is written back; a key where the entry lands in its past (a station that was offline
  syncs later) is folded again from the log.
- `rebuild`: the whole log, every state in memory, written in bulk (a log of 1,000,000
  entries rebuilds in seconds: bench/rebuild.py, bench/compare.py). The undos are read
  first, so an undone move is left out as it comes. Then every entry but the scans in
  (time, uuid) order (log.Row: no time parsed, no payload unless the step reads it), then
  the scans (most of a log) in (time, uuid) order, each row read as an entry with only
  the columns the scan step reads (log.ScanRow): each state folds its own entries in
  version order. The program is known before the scans: when nobody is merged, presence
  and the station figures fold each scan as it comes (state.Presence.fold_now) instead
  of keeping every move, and every table is written in its key order (projections.bulk).

Both give the same tables (tests/test_log_properties.py checks it over every kind).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kiosk.models.records import LogEntry, LogKind
from kiosk.storage.base import ts, version
from kiosk.storage.log import COLUMNS, SCAN_COLUMNS, SCAN_KINDS, Row, ScanRow
from kiosk.storage.projections import tables
from kiosk.storage.projections.state import Folds, Presence, StationFigures
from kiosk.storage.projections.steps import BATCHED, STEPS
from kiosk.storage.tables import PROJECTIONS

Progress = Callable[[int, int], None]
#: Kinds whose step folds into presence and the station figures only (steps.scan, steps.annul):
#: one entry of them makes no other state (most of what a door receives).
_PRESENCE_ONLY = frozenset({LogKind.ENTRY, LogKind.EXIT, LogKind.ANNUL})


def apply(c: sqlite3.Connection, entry: LogEntry, fresh: bool = False) -> None:
    """Fold `entry` into the projections (it is already in the log). `fresh`: written just
    now by this station, so nothing in the log can refer to it yet."""
    if entry.batch and entry.kind in BATCHED and not batch_committed(c, entry.batch):
        c.execute("INSERT OR IGNORE INTO pending VALUES (?, ?)", (entry.uuid, entry.batch))
        return
    _fold(c, entry, fresh and entry.kind == LogKind.ENTRY)


def apply_pending(c: sqlite3.Connection, entry: LogEntry) -> None:
    """Fold an entry whose batch is committed (kiosk.storage.imports.catch_up)."""
    _fold(c, entry, fresh=False)
    c.execute("DELETE FROM pending WHERE uuid = ?", (entry.uuid,))


def _fold(c: sqlite3.Connection, entry: LogEntry, fresh: bool) -> None:
    step = STEPS.get(str(entry.kind))
    if step is None:  # a kind from a newer release is kept in the log and ignored here
        return
    if entry.kind in _PRESENCE_ONLY:  # a scan or an undo: presence and the station figures
        apply_scans(c, (entry,), fresh)
        return
    at = ts(entry.at)
    folds = tables.loaded(c)
    step(folds, entry, version(at, entry.uuid), at)
    tables.save(c, folds, fresh)


def scans_of(entries: Sequence[LogEntry]) -> int:
    """How many of `entries`, from the first on, `apply_scans` folds (scans and undos)."""
    n = 0
    for e in entries:
        if e.kind not in _PRESENCE_ONLY:
            break
        n += 1
    return n


def apply_scans(c: sqlite3.Connection, entries: Sequence[LogEntry], fresh: bool = False) -> None:
    """Fold scans and undos (all of them in the log already) into presence and the station
    figures: one entry (`apply`), or a run of them received together (sync's pull), run
    through their steps into one state and written back at once (the same write-back as one
    entry: a key with several of them folds them in order, or is folded again from the log).
    `fresh`: one entry just written by this station."""
    scanned = tables.scan_folds()
    for e in entries:
        at = ts(e.at)
        STEPS[e.kind](scanned, e, version(at, e.uuid), at)
    tables.save_scan(c, scanned, fresh)


def batch_committed(c: sqlite3.Connection, batch: str) -> bool:
    row = c.execute(
        "SELECT 1 FROM log WHERE batch = ? AND kind = ? LIMIT 1", (batch, LogKind.IMPORT_COMMIT)
    ).fetchone()
    return row is not None


def rebuild(c: sqlite3.Connection, progress: Progress | None = None) -> int:
    """Empty the projections and fold the whole log again; returns the entries read.
    Runs inside the caller's write transaction."""
    _empty(c, present(c))
    c.execute("DELETE FROM settings WHERE key IN ('event', 'public_key', 'event_ver')")
    commits = "SELECT batch FROM log WHERE kind = 'import_commit' AND batch IS NOT NULL"
    committed = {r[0] for r in c.execute(commits)}  # by the batch index, not a full scan
    total = int(c.execute("SELECT COUNT(*) FROM log").fetchone()[0])
    undos = c.execute("SELECT ref FROM log WHERE kind = 'annul' AND ref IS NOT NULL")
    known = frozenset(r[0] for r in undos)
    folds = Folds(presence=Presence(known=known), stations=StationFigures(known=known))
    pending: list[tuple[str, str]] = []
    cur = c.cursor()
    cur.row_factory = None
    # Every entry but the scans first (a few: read in a pass over the table, then sorted),
    # then the scans (most of a log), with only the columns their step reads: each state
    # still folds its own entries in version order (scans fold into presence and the
    # station figures, which no other kind touches but undos, whose order does not
    # matter: they are all known already). The program is then known: nobody merged,
    # presence folds each scan as it comes.
    rest = cur.execute(f"SELECT {COLUMNS} FROM log WHERE kind NOT IN (?, ?) ORDER BY +at, +uuid",
                       SCAN_KINDS)  # fmt: skip
    n = _fold_rest(rest, folds, committed, pending, lambda i: _report(progress, i, total))
    if not folds.merges:
        folds.presence.fold_now(tables.reentry(folds.event))
    scans = cur.execute(f"SELECT {SCAN_COLUMNS} FROM log WHERE kind IN (?, ?) ORDER BY at, uuid",
                        SCAN_KINDS)  # fmt: skip
    for i, row in enumerate(scans, n):
        if progress is not None and i % 50_000 == 0:
            progress(i, total)
        STEPS[row[4]](folds, ScanRow(row), version(row[3], row[0]), row[3])
    tables.write_all(c, folds)
    c.executemany("INSERT INTO pending VALUES (?, ?)", pending)
    if progress is not None:
        progress(total, total)
    return total


def _empty(c: sqlite3.Connection, names: list[str]) -> None:
    """Empty these tables. A virtual table (the FTS5 search index, which a DELETE empties
    row by row: 0.3 s for 50,000 records) is dropped and made again by its own statement."""
    made = {
        r[0]: r[1] for r in c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    }
    for table in names:
        sql = str(made[table])
        if sql.upper().startswith("CREATE VIRTUAL TABLE"):
            c.execute(f"DROP TABLE {table}")
            c.execute(sql)
        else:
            c.execute(f"DELETE FROM {table}")


def _fold_rest(
    rows: Iterable[tuple[Any, ...]], folds: Folds, committed: set[str],
    pending: list[tuple[str, str]], report: Callable[[int], None],
) -> int:  # fmt: skip
    """Fold the rows of every kind but scans (in COLUMNS order); an entry of an import batch
    not committed waits in `pending`. Returns how many rows were read."""
    n = 0
    for n, row in enumerate(rows, 1):
        if n % 50_000 == 1:
            report(n - 1)
        if row[12] and row[5] in BATCHED and row[12] not in committed:
            pending.append((row[0], row[12]))
            continue
        step = STEPS.get(row[5])
        if step is not None:
            step(folds, Row(row), version(row[4], row[0]), row[4])
    return n


def _report(progress: Progress | None, n: int, total: int) -> None:
    if progress is not None:
        progress(n, total)


def table_rows(c: sqlite3.Connection) -> dict[str, int]:
    """How many rows each projection table holds (the figures a rebuild reports)."""
    return {t: int(c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in present(c)}


def present(c: sqlite3.Connection) -> list[str]:
    """The projection tables this database has (a rebuild inside an early migration runs
    before the later ones exist)."""
    have = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [t for t in PROJECTIONS if t in have]
