"""The check-in rules, as pure functions of what the store holds at the moment of decision.

The order is pretix's, extended: wrong event → forged → unknown → revoked → outside the
time window → not registered → session full → already checked in → admitted. The service
reads the inputs and writes the outcome in one transaction (kiosk.checkin.service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.checkin.codes import TokenProblem
from kiosk.models.event import Event, Session
from kiosk.models.outcomes import Outcome, PriorCheckin
from kiosk.models.records import Attendee, Badge, Presence

TOKEN_OUTCOME = {
    TokenProblem.WRONG_EVENT: Outcome.WRONG_EVENT,
    TokenProblem.FORGED: Outcome.FORGED_CODE,
    TokenProblem.NOT_OURS: Outcome.UNKNOWN_CODE,
}


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    prior: PriorCheckin | None = None


def badge_problem(badge: Badge | None, version: int, attendee: Attendee | None) -> Outcome | None:
    """unknown_code / revoked_badge for a signed code, or None when the badge is good."""
    if badge is None or badge.version != version or attendee is None:
        return Outcome.UNKNOWN_CODE
    if badge.revoked_at is not None:
        return Outcome.REVOKED_BADGE
    return None


def entry_decision(
    event: Event,
    session: Session,
    now: datetime,
    attendee: Attendee,
    presence: Presence | None,
    admitted: int,
) -> Decision:
    """The rules after the code is known good: window, registration, capacity, repeats."""
    opens, closes = session.window(event.checkin_opens_minutes)
    if not opens <= now <= closes:
        return Decision(Outcome.OUTSIDE_TIME_WINDOW)
    if session.restricted and session.id not in attendee.sessions:
        return Decision(Outcome.NOT_REGISTERED)
    if presence is None and session.capacity is not None and admitted >= session.capacity:
        return Decision(Outcome.SESSION_FULL)
    if presence is not None and (presence.inside or not session.reentry):
        prior = PriorCheckin(presence.first_at, presence.station, presence.station_id)
        return Decision(Outcome.ALREADY_CHECKED_IN, prior)
    return Decision(Outcome.ADMITTED)


def exit_decision(presence: Presence | None) -> Decision:
    inside = presence is not None and presence.inside
    return Decision(Outcome.EXITED if inside else Outcome.NOT_INSIDE)


def open_sessions(event: Event, now: datetime) -> tuple[str, ...]:
    """Sessions whose check-in window is open at `now`, in program order."""
    return tuple(
        s.id for s in event.sessions
        if s.window(event.checkin_opens_minutes)[0] <= now <= s.end
    )  # fmt: skip
