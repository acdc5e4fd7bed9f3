"""Repeated keys across a whole file, in a few bytes per row.

A 1.2 million-row file cannot keep its rows (or a dict of its keys) in memory within the
import's budget, so each row leaves three 64-bit numbers: the hash of its key (external
id, email, ticket code, or its whole content when it has no key), the hash of its content,
and its row number. Sorting them at the end finds every row whose key an earlier row has:
an exact repeat (same content: skipped) or a conflict (other data: a bad row).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np

KINDS = ("external id", "email", "content", "ticket code")


@dataclass(frozen=True, slots=True)
class Conflict:
    row: int
    earlier: int  # the first row with that key
    kind: str  # one of KINDS


@dataclass
class Repeats:
    exact: set[int] = field(default_factory=set)  # rows that repeat an earlier row exactly
    conflicts: list[Conflict] = field(default_factory=list)


class KeyIndex:
    def __init__(self) -> None:
        self._keys = array("q")
        self._content = array("q")
        self._rows = array("q")
        self._kinds = array("b")

    def add(self, kind: int, key: str, content: int, row: int) -> None:
        self._keys.append(hash((kind, key)))
        self._content.append(content)
        self._rows.append(row)
        self._kinds.append(kind)

    def __len__(self) -> int:
        return len(self._rows)

    def repeats(self) -> Repeats:
        out = Repeats()
        if len(self._rows) < 2:
            return out
        keys = np.frombuffer(self._keys, np.int64)
        rows = np.frombuffer(self._rows, np.int64)
        order = np.lexsort((rows, keys))
        k = keys[order]
        same = k[1:] == k[:-1]
        if not same.any():
            return out
        starts = np.r_[True, ~same]
        first = order[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
        later = np.flatnonzero(~starts)
        content = np.frombuffer(self._content, np.int64)
        for i in later:
            at, head = int(order[i]), int(first[i])
            if content[at] == content[head]:
                out.exact.add(int(rows[at]))
            else:
                kind = KINDS[self._kinds[at]]
                out.conflicts.append(Conflict(int(rows[at]), int(rows[head]), kind))
        out.exact.difference_update(c.row for c in out.conflicts)
        return out
