"""A key folded again from the log: the entries a query selects, read as entries
(log.Row: a payload is parsed only when a step reads it) and run through their own step
functions into fresh states. The incremental driver uses it where an entry lands in a
key's past."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from kiosk.storage.base import version
from kiosk.storage.log import COLUMNS, Row
from kiosk.storage.projections.state import Folds
from kiosk.storage.projections.steps import STEPS

_COLS = ", ".join("l." + col.strip() for col in COLUMNS.split(","))


def history(c: sqlite3.Connection, where: str, params: Sequence[Any] = (),
            into: Folds | None = None) -> Folds:  # fmt: skip
    """Fold the entries `where` selects (the log is `l`) into `into` (default: empty
    states), in version order."""
    f = into if into is not None else Folds()
    cur = c.cursor()
    cur.row_factory = None
    rows = cur.execute(f"SELECT {_COLS} FROM log l WHERE {where} ORDER BY l.at, l.uuid", params)
    for row in rows.fetchall():
        step = STEPS.get(row[5])
        if step is not None:
            step(f, Row(row), version(row[4], row[0]), row[4])
    return f


def undone_among(c: sqlite3.Connection, uuids: list[str]) -> set[str]:
    """Those of `uuids` an undo in the log refers to."""
    out: set[str] = set()
    for i in range(0, len(uuids), 500):
        part = uuids[i : i + 500]
        out.update(r[0] for r in c.execute(
            f"SELECT ref FROM log WHERE kind = 'annul' AND ref IN ({', '.join('?' * len(part))})",
            part))  # fmt: skip
    return out
