"""What the attendance report shows, gathered from the store (no PDF here)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.models.event import Event
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind, SessionStats
from kiosk.storage.conflicts import Conflict
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

if TYPE_CHECKING:
    from kiosk.formats.report.meetings import MeetingsSection

#: Delegations beyond this many are summed up as "Other".
MAX_DELEGATIONS = 12
#: Conflicts listed one by one (all are counted).
MAX_CONFLICTS = 200
#: The key of the row that sums up the smallest delegations.
OTHER = "\0other"
BUCKET_MINUTES = 10


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Attendees of one category or delegation: how many registered, how many came."""

    key: str
    registered: int
    attended: int  # admitted to at least one session (undone check-ins excluded)


@dataclass(frozen=True, slots=True)
class ReportData:
    event: Event
    generated_at: datetime
    sessions: list[SessionStats]
    arrivals: dict[str, list[tuple[datetime, int]]]
    categories: list[GroupRow]
    delegations: list[GroupRow]
    refused: dict[Outcome, int]  # refused entry scans by reason, undone ones excluded
    repeats: int  # scans of someone already checked in (not a refusal)
    registered: int
    attended: int
    walk_ins: int
    reprints: int
    scans: int  # entry scans of any outcome
    per_session_refused: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)  # the first MAX_CONFLICTS
    conflict_total: int = 0
    meetings: MeetingsSection | None = None  # when any meeting is scheduled


def gather(store: Store, now: datetime) -> ReportData:
    """What the report shows, read in one transaction."""
    with store.snapshot() as tx:
        return _gather(store, tx, now)


def _gather(store: Store, tx: Tx, now: datetime) -> ReportData:
    event = tx.event()
    stats = tx.presence.stats()
    shown, total = _conflicts(tx)
    people = list(tx.people.everyone())
    came = {row.attendee.attendee_id for row in tx.presence.attendance()}
    refused: Counter[Outcome] = Counter()
    per_session: Counter[str] = Counter()
    repeats = walk_ins = reprints = scans = 0
    for entry in tx.log.entries():
        if entry.kind == LogKind.WALK_IN:
            walk_ins += 1
        elif entry.kind == LogKind.BADGE_ISSUE:
            reprints += sum(1 for b in entry.data.get("badges", ()) if b[2] > 1)
        elif entry.kind == LogKind.ENTRY and entry.outcome is not None:
            scans += 1
            if entry.annulled:
                continue
            if entry.outcome is Outcome.ALREADY_CHECKED_IN:
                repeats += 1
            elif entry.outcome.refused:
                refused[entry.outcome] += 1
                per_session[entry.session_id] += 1
    return ReportData(
        event=event,
        generated_at=now,
        sessions=stats,
        arrivals={s.id: tx.presence.arrivals(s.id, BUCKET_MINUTES) for s in event.sessions},
        categories=_groups(((p.category, p.attendee_id) for p in people), came),
        delegations=_top(_groups(((p.delegation, p.attendee_id) for p in people), came)),
        refused=dict(sorted(refused.items(), key=lambda kv: (-kv[1], kv[0].value))),
        repeats=repeats,
        registered=len(people),
        attended=len(came),
        walk_ins=walk_ins,
        reprints=reprints,
        scans=scans,
        per_session_refused=dict(per_session),
        conflicts=shown,
        conflict_total=total,
        meetings=_meetings(store, now),
    )


def _conflicts(tx: Tx) -> tuple[list[Conflict], int]:
    shown: list[Conflict] = []
    total = 0
    for c in tx.log.conflicts():
        total += 1
        if len(shown) < MAX_CONFLICTS:
            shown.append(c)
    return shown, total


def _meetings(store: Store, now: datetime) -> MeetingsSection | None:
    from kiosk.formats.report.meetings import gather_meetings

    return gather_meetings(store, now)


def _groups(pairs: Iterable[tuple[str, str]], came: set[str]) -> list[GroupRow]:
    registered: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for key, aid in pairs:
        registered[key] += 1
        if aid in came:
            attended[key] += 1
    rows = [GroupRow(k, n, attended[k]) for k, n in registered.items()]
    return sorted(rows, key=lambda r: (-r.registered, r.key))


def _top(rows: list[GroupRow]) -> list[GroupRow]:
    if len(rows) <= MAX_DELEGATIONS:
        return rows
    head, tail = rows[: MAX_DELEGATIONS - 1], rows[MAX_DELEGATIONS - 1 :]
    other = GroupRow(OTHER, sum(r.registered for r in tail), sum(r.attended for r in tail))
    return [*head, other]
