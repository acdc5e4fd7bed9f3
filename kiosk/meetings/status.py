"""A meeting's status and outcome, from the parties' arrivals and the clock (pure rules).

Arrival means admission to the matchmaking session (the presence projection): one party
checking in while the other is here already moves the meeting to both_arrived at once, and
an undone check-in moves it back. An arrival after the meeting's end does not count for it.

- cancelled: cancelled (a re-import dropped it, or staff cancelled it);
- both_arrived: every party has arrived;
- no_show: the meeting started more than N minutes ago (`[matchmaking] no_show_minutes`)
  and a party is still missing;
- waiting: the meeting is due (it starts within DUE_MINUTES, or has started) and a party
  is here while another is missing; `waiting_since` is when that began;
- scheduled: anything else.

The outcome is how the meeting counts in reports: a staff mark (held / not held) first,
then held (everyone came), partly held (every company came, not every person), no-show,
or pending while it can still happen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.models.event import Matchmaking
from kiosk.models.meetings import Meeting, MeetingMark, MeetingOutcome, MeetingStatus, Party

#: A meeting is "due" this many minutes before its start: its waiting party is looked for.
DUE_MINUTES = 10


@dataclass(frozen=True, slots=True)
class MeetingState:
    meeting: Meeting
    status: MeetingStatus
    outcome: MeetingOutcome
    arrived: tuple[tuple[Party, datetime], ...]  # parties here, with their arrival time
    missing: tuple[Party, ...]
    waiting_since: datetime | None = None

    @property
    def meeting_id(self) -> str:
        return self.meeting.meeting_id

    def arrival(self, attendee_id: str) -> datetime | None:
        return next((at for p, at in self.arrived if p.attendee_id == attendee_id), None)


def state_of(
    m: Meeting,
    arrivals: Mapping[str, datetime],
    now: datetime,
    rules: Matchmaking,
    due_minutes: int = DUE_MINUTES,
) -> MeetingState:
    arrived: list[tuple[Party, datetime]] = []
    missing: list[Party] = []
    for p in m.parties:
        at = arrivals.get(p.attendee_id)
        if at is not None and at < m.end:
            arrived.append((p, at))
        else:
            missing.append(p)
    deadline = m.start + timedelta(minutes=rules.no_show_minutes)
    due = m.start - timedelta(minutes=due_minutes)
    since = None
    if m.cancelled:
        status = MeetingStatus.CANCELLED
    elif not missing:
        status = MeetingStatus.BOTH_ARRIVED
    elif now > deadline:
        status = MeetingStatus.NO_SHOW
    elif arrived and now >= due:
        status = MeetingStatus.WAITING
        since = max(min(at for _, at in arrived), due)
    else:
        status = MeetingStatus.SCHEDULED
    return MeetingState(m, status, _outcome(m, arrived, missing, now, deadline), tuple(arrived),
                        tuple(missing), since)  # fmt: skip


def _outcome(
    m: Meeting, arrived: list[tuple[Party, datetime]], missing: list[Party], now: datetime,
    deadline: datetime,
) -> MeetingOutcome:  # fmt: skip
    if m.cancelled:
        return MeetingOutcome.CANCELLED
    if m.mark is MeetingMark.HELD:
        return MeetingOutcome.HELD
    if m.mark is MeetingMark.NOT_HELD:
        return MeetingOutcome.NOT_HELD
    if now < m.start:
        return MeetingOutcome.PENDING
    if not missing:
        return MeetingOutcome.HELD
    if now <= deadline:
        return MeetingOutcome.PENDING
    side = company_key(m.parties)
    if arrived and {side(p) for p in m.parties} <= {side(p) for p, _ in arrived}:
        return MeetingOutcome.PARTLY_HELD
    return MeetingOutcome.NO_SHOW


def company_key(parties: Iterable[Party]) -> Callable[[Party], str]:
    """The company a party stands for, as one key: its English name where any of `parties`
    gives it for the Chinese one (明阳智慧能源 = Mingyang Smart Energy); the attendee
    when no company is known."""
    zh_to_en = {p.organization_zh.casefold(): p.organization.casefold()
                for p in parties if p.organization and p.organization_zh}  # fmt: skip

    def key(p: Party) -> str:
        if p.organization:
            return p.organization.casefold()
        if p.organization_zh:
            return zh_to_en.get(p.organization_zh.casefold(), p.organization_zh.casefold())
        return "@" + p.attendee_id

    return key
