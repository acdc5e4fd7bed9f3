"""A search hit: the attendee and their presence in the session the desk checks in to.

Light on purpose (no pinyin): the GUI unpickles hits without loading the search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.models.records import Attendee


@dataclass(frozen=True, slots=True)
class SearchHit:
    attendee: Attendee
    checked_in_at: datetime | None = None  # None: not checked in to the session
    station: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateHit:
    """Someone registered whose name matches a walk-in being registered: the same
    organisation (True), another (False) or one not given (None)."""

    hit: SearchHit
    same_org: bool | None
