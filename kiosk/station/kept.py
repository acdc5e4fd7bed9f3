"""Scans kept while the database cannot be written, recorded (at their real time) later.

A pulled USB drive or a read-only file must not lose a scan: the desk session
(kiosk.station.desk) keeps it here, in memory and in a small journal in the user data
folder, owner-only (so a crash of the GUI loses nothing either), and replays it when the
database is back. (A journal line of an older release also names the station: that is
ignored now, the station's name being its own request.) Bounded: at `limit` kept
scans the desk says so and takes no more (the paper list takes over).
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from datetime import datetime
from pathlib import Path

from kiosk.models.outcomes import Method
from kiosk.station.protocol import CheckIn
from kiosk.storage.atomic import open_private, write_private

log = logging.getLogger(__name__)


class KeptScans:
    def __init__(self, journal: Path | None = None, limit: int = 10_000) -> None:
        self.journal = journal
        self.limit = limit
        self._items: deque[CheckIn] = deque()
        self._load()

    def __len__(self) -> int:
        return len(self._items)

    def add(self, scan: CheckIn) -> bool:
        """Keep `scan`; False when `limit` scans are kept already (it is not kept)."""
        if len(self._items) >= self.limit:
            return False
        self._items.append(scan)
        if self.journal is not None:
            try:
                with open(open_private(self.journal), "a", encoding="utf-8") as f:
                    f.write(json.dumps(_to_json(scan), ensure_ascii=False) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
            except OSError as exc:
                log.warning("%s: cannot journal a kept scan (%s)", self.journal, exc)
        return True

    def first(self) -> CheckIn | None:
        return self._items[0] if self._items else None

    def done(self, scan: CheckIn) -> None:
        """`scan` (the first) was recorded: forget it (call `save()` after a batch)."""
        if self._items and self._items[0] is scan:
            self._items.popleft()

    def save(self) -> None:
        """Rewrite the journal with the scans still kept (none: remove it)."""
        if self.journal is None:
            return
        try:
            if not self._items:
                self.journal.unlink(missing_ok=True)
                return
            lines = (json.dumps(_to_json(scan), ensure_ascii=False) + "\n" for scan in self._items)
            write_private(self.journal, "".join(lines).encode("utf-8"))
        except OSError as exc:
            log.warning("%s: cannot rewrite the kept scans (%s)", self.journal, exc)

    def _load(self) -> None:
        if self.journal is None or not self.journal.exists():
            return
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            log.warning("%s: cannot read kept scans (%s)", self.journal, exc)
            return
        for n, line in enumerate(lines, 1):
            try:
                self._items.append(_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("%s:%d: unreadable kept scan skipped (%s)", self.journal, n, exc)
        del_count = len(self._items) - self.limit
        for _ in range(max(0, del_count)):
            self._items.pop()


def _to_json(s: CheckIn) -> dict[str, str]:
    return {
        "code": s.code,
        "session_id": s.session_id,
        "method": s.method.value,
        "operator": s.operator,
        "at": s.at.isoformat(),
    }


def _from_json(d: dict[str, str]) -> CheckIn:
    at = datetime.fromisoformat(d["at"])
    if at.tzinfo is None:
        raise ValueError("a kept scan's time has no time zone")
    return CheckIn(
        code=str(d["code"]),
        session_id=str(d["session_id"]),
        method=Method(d["method"]),
        operator=str(d.get("operator", "")),
        at=at,
    )
