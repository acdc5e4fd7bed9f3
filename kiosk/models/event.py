"""The event program: data, loaded from a TOML file and validated with clear errors."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.models.errors import KioskError

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
DEFAULT_EVENT_FILE = RESOURCES / "events" / "cleantech-forum-2024.toml"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


class EventFileError(KioskError, ValueError):
    """A malformed event file: names the file, the key and what is wrong."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}")
        self.path, self.key, self.problem = path, key, problem


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    title: str
    title_zh: str
    room: str
    room_zh: str
    start: datetime  # aware, UTC
    end: datetime
    capacity: int | None
    restricted: bool  # only attendees registered for it may enter
    reentry: bool  # entry again after an exit scan
    # A walk-in registered at the desk is registered for it (default: the sessions open to
    # everyone; `walk_in = false` keeps walk-ins out, as a matchmaking's would be).
    walk_in: bool = True

    def window(self, opens_minutes: int) -> tuple[datetime, datetime]:
        return self.start - timedelta(minutes=opens_minutes), self.end


@dataclass(frozen=True, slots=True)
class SessionChoice:
    """The default session at a moment, and the sessions in progress then."""

    session: Session
    in_progress: tuple[Session, ...]  # under way now; only these are marked "now"

    @property
    def ask(self) -> bool:
        """Several sessions are under way: the desk asks which one it checks in."""
        return len(self.in_progress) > 1

    def is_now(self, session_id: str) -> bool:
        return any(s.id == session_id for s in self.in_progress)


@dataclass(frozen=True, slots=True)
class Matchmaking:
    """The event file's `[matchmaking]` table: one-on-one business meetings."""

    session: str = "matchmaking"  # the session the meetings take place in
    slot_minutes: int = 20  # a schedule's "slot N" lasts this long
    no_show_minutes: int = 10  # a party missing this long after the start: no_show
    tables: tuple[str, ...] = ()  # the tables or booths; empty: any name is accepted

    def to_dict(self) -> dict[str, object]:
        return {"session": self.session, "slot_minutes": self.slot_minutes,
                "no_show_minutes": self.no_show_minutes, "tables": list(self.tables)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    name: str
    name_zh: str
    venue: str
    venue_zh: str
    city: str
    city_zh: str
    day: date
    timezone: str
    checkin_opens_minutes: int
    sessions: tuple[Session, ...]
    ticket_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    matchmaking: Matchmaking = field(default_factory=Matchmaking)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def session(self, session_id: str) -> Session:
        for s in self.sessions:
            if s.id == session_id:
                return s
        raise KeyError(session_id)

    def session_ids(self) -> list[str]:
        return [s.id for s in self.sessions]

    def place(self) -> tuple[str, str]:
        """Where it is held, (English, Chinese): the venue with its city, the city named
        once ("Beijing International Hotel, Beijing" / "北京国际饭店", not "北京北京国际饭店")."""
        en = self.venue
        if self.city and self.city.casefold() not in en.casefold():
            en = f"{en}, {self.city}" if en else self.city
        zh = self.venue_zh
        if self.city_zh and self.city_zh not in zh:
            zh = f"{self.city_zh}{zh}"
        return en, zh

    def walk_in_sessions(self) -> list[Session]:
        """The sessions a walk-in is registered for, in program order."""
        return [s for s in self.sessions if s.walk_in]

    def matchmaking_session(self) -> Session | None:
        """The session the matchmaking meetings belong to (None: the event has none)."""
        for s in self.sessions:
            if s.id == self.matchmaking.session:
                return s
        return None

    def open_sessions(self, now: datetime) -> list[Session]:
        """The sessions whose check-in window contains `now`, in program order."""
        return [s for s in self.sessions if s.window(self.checkin_opens_minutes)[0] <= now <= s.end]

    def in_progress(self, now: datetime) -> list[Session]:
        """The sessions under way at `now` (started, not ended), in program order."""
        return [s for s in self.sessions if s.start <= now < s.end]

    def default_session(self, now: datetime) -> SessionChoice:
        """The session a desk checks in by default at `now`: the one in progress; of
        several in progress, the first in program order, and the desk asks; otherwise
        the next one to start (its check-in may already be open); after the day, the last.
        A session that has ended is never the default while another is to come."""
        running = self.in_progress(now)
        if running:
            running.sort(key=lambda s: s.restricted)  # an open session before a restricted one
            return SessionChoice(running[0], tuple(running))
        upcoming = [s for s in self.sessions if s.start > now]
        if upcoming:
            return SessionChoice(min(upcoming, key=lambda s: (s.start, s.restricted)), ())
        return SessionChoice(self.sessions[-1], ())

    def current_session(self, now: datetime) -> Session:
        """The default session at `now` (`default_session`)."""
        return self.default_session(now).session

    def moved_to(self, day: date) -> Event:
        """The same program on another day (the demo database runs today)."""
        delta = datetime.combine(day, time(), self.tz) - datetime.combine(self.day, time(), self.tz)
        sessions = tuple(
            replace(s, start=s.start + delta, end=s.end + delta) for s in self.sessions
        )
        return replace(self, day=day, sessions=sessions)

    def to_dict(self) -> dict[str, object]:
        return {
            "event": {
                "id": self.id,
                "name": self.name,
                "name_zh": self.name_zh,
                "venue": self.venue,
                "venue_zh": self.venue_zh,
                "city": self.city,
                "city_zh": self.city_zh,
                "date": self.day.isoformat(),
                "timezone": self.timezone,
                "checkin_opens_minutes": self.checkin_opens_minutes,
            },
            "ticket_types": {k: list(v) for k, v in self.ticket_types.items()},
            "matchmaking": self.matchmaking.to_dict(),
            "sessions": [
                {
                    "id": s.id,
                    "title": s.title,
                    "title_zh": s.title_zh,
                    "room": s.room,
                    "room_zh": s.room_zh,
                    "start": s.start.astimezone(self.tz).isoformat(),
                    "end": s.end.astimezone(self.tz).isoformat(),
                    "capacity": s.capacity,
                    "access": "registered" if s.restricted else "everyone",
                    "reentry": s.reentry,
                    "walk_in": s.walk_in,
                }
                for s in self.sessions
            ],
        }


def load_event(path: str | Path = DEFAULT_EVENT_FILE) -> Event:
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EventFileError(str(p), "-", "file not found") from None
    except UnicodeDecodeError as exc:
        raise EventFileError(
            str(p), "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise EventFileError(str(p), "-", f"not valid TOML: {exc}") from None
    return event_from_dict(raw, str(p))


def event_from_dict(raw: dict[str, object], where: str = "<event>") -> Event:
    r = _Reader(where)
    ev = r.table(raw, "event")
    tz_name = r.text(ev, "event.timezone", default="UTC")
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventFileError(where, "event.timezone", f"unknown time zone {tz_name!r}") from None
    day_text = r.text(ev, "event.date")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise EventFileError(
            where, "event.date", f"not a date (YYYY-MM-DD): {day_text!r}"
        ) from None
    event_id = r.ident(ev, "event.id")
    opens = r.integer(ev, "event.checkin_opens_minutes", default=60, minimum=0)
    sessions = _sessions(r, raw.get("sessions"), day, tz)
    ids = {s.id for s in sessions}
    tickets = _ticket_types(r, raw.get("ticket_types", {}), ids)
    matchmaking = _matchmaking(r, raw.get("matchmaking"), ids)
    return Event(
        id=event_id,
        name=r.text(ev, "event.name"),
        name_zh=r.text(ev, "event.name_zh", default=""),
        venue=r.text(ev, "event.venue", default=""),
        venue_zh=r.text(ev, "event.venue_zh", default=""),
        city=r.text(ev, "event.city", default=""),
        city_zh=r.text(ev, "event.city_zh", default=""),
        day=day,
        timezone=tz_name,
        checkin_opens_minutes=opens,
        sessions=tuple(sessions),
        ticket_types=tickets,
        matchmaking=matchmaking,
    )


def _sessions(r: _Reader, raw: object, day: date, tz: ZoneInfo) -> list[Session]:
    """`[[sessions]]`: at least one, ids unique, each ending after it starts."""
    if not isinstance(raw, list) or not raw:
        raise EventFileError(r.where, "sessions", "at least one [[sessions]] table is required")
    sessions: list[Session] = []
    seen: set[str] = set()
    for i, s in enumerate(raw):
        key = f"sessions[{i}]"
        if not isinstance(s, dict):
            raise EventFileError(r.where, key, "must be a table")
        sid = r.ident(s, f"{key}.id")
        if sid in seen:
            raise EventFileError(r.where, f"{key}.id", f"duplicate session id {sid!r}")
        seen.add(sid)
        sessions.append(_session(r, s, key, sid, day, tz))
    return sessions


def _session(
    r: _Reader, s: dict[str, object], key: str, sid: str, day: date, tz: ZoneInfo
) -> Session:
    start = _at(r.where, f"{key}.start", r.text(s, f"{key}.start"), day, tz)
    end = _at(r.where, f"{key}.end", r.text(s, f"{key}.end"), day, tz)
    if end <= start:
        raise EventFileError(r.where, f"{key}.end", "must be after start")
    access = r.text(s, f"{key}.access", default="everyone")
    if access not in ("everyone", "registered"):
        raise EventFileError(r.where, f"{key}.access", "must be 'everyone' or 'registered'")
    cap = s.get("capacity")
    capacity = None if cap is None else r.integer(s, f"{key}.capacity", minimum=1)
    return Session(
        id=sid,
        title=r.text(s, f"{key}.title"),
        title_zh=r.text(s, f"{key}.title_zh", default=""),
        room=r.text(s, f"{key}.room", default=""),
        room_zh=r.text(s, f"{key}.room_zh", default=""),
        start=start,
        end=end,
        capacity=capacity,
        restricted=access == "registered",
        reentry=r.boolean(s, f"{key}.reentry", default=True),
        walk_in=r.boolean(s, f"{key}.walk_in", default=access == "everyone"),
    )


def _ticket_types(r: _Reader, raw: object, sessions: set[str]) -> dict[str, tuple[str, ...]]:
    """`[ticket_types]`: name = [session ids] (which sessions a ticket type includes)."""
    if not isinstance(raw, dict):
        raise EventFileError(r.where, "ticket_types", "must be a table of name = [session ids]")
    tickets: dict[str, tuple[str, ...]] = {}
    for name, ids in raw.items():
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise EventFileError(r.where, f"ticket_types.{name}", "must be a list of session ids")
        for x in ids:
            if x not in sessions:
                raise EventFileError(r.where, f"ticket_types.{name}", f"unknown session id {x!r}")
        tickets[str(name)] = tuple(ids)
    return tickets


def _matchmaking(r: _Reader, raw: object, sessions: set[str]) -> Matchmaking:
    """`[matchmaking]`: session, slot_minutes, no_show_minutes, tables (a count or names)."""
    if raw is None:
        return Matchmaking()
    if not isinstance(raw, dict):
        raise EventFileError(r.where, "matchmaking", "must be a table")
    session = r.text(raw, "matchmaking.session", default="matchmaking")
    if "session" in raw and session not in sessions:
        raise EventFileError(r.where, "matchmaking.session", f"unknown session id {session!r}")
    slot = r.integer(raw, "matchmaking.slot_minutes", default=20, minimum=1)
    no_show = r.integer(raw, "matchmaking.no_show_minutes", default=10, minimum=0)
    tables_raw = raw.get("tables", [])
    if isinstance(tables_raw, int) and not isinstance(tables_raw, bool):
        if not 0 <= tables_raw <= 10_000:
            raise EventFileError(r.where, "matchmaking.tables", "must be 0 to 10,000 tables")
        tables = tuple(str(i) for i in range(1, tables_raw + 1))
    elif isinstance(tables_raw, list) and all(
        isinstance(t, str | int) and not isinstance(t, bool) and str(t).strip() for t in tables_raw
    ):
        tables = tuple(dict.fromkeys(str(t).strip() for t in tables_raw))
    else:
        raise EventFileError(
            r.where, "matchmaking.tables", "must be a number of tables or a list of table names"
        )
    return Matchmaking(session, slot, no_show, tables)


def _at(where: str, key: str, text: str, day: date, tz: ZoneInfo) -> datetime:
    """'09:00' on the event's day, or a full ISO date-time."""
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}", text):
            hh, mm = (int(x) for x in text.split(":"))
            return datetime.combine(day, time(hh, mm), tz).astimezone(UTC)
        dt = datetime.fromisoformat(text)
        return (dt if dt.tzinfo else dt.replace(tzinfo=tz)).astimezone(UTC)
    except ValueError:
        raise EventFileError(where, key, f"not a time (HH:MM or ISO date-time): {text!r}") from None


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where

    def table(self, raw: dict[str, object], key: str) -> dict[str, object]:
        v = raw.get(key)
        if not isinstance(v, dict):
            raise EventFileError(self.where, key, "missing [" + key + "] table")
        return v

    def text(self, t: dict[str, object], key: str, default: str | None = None) -> str:
        v = t.get(key.rsplit(".", 1)[-1], default)
        if v is None:
            raise EventFileError(self.where, key, "required")
        if not isinstance(v, str):
            raise EventFileError(self.where, key, f"must be text, got {type(v).__name__}")
        return v

    def ident(self, t: dict[str, object], key: str) -> str:
        v = self.text(t, key)
        if not _ID_RE.match(v):
            raise EventFileError(
                self.where, key, f"{v!r} must be lower-case letters, digits and '-'"
            )
        return v

    def integer(
        self, t: dict[str, object], key: str, default: int | None = None, minimum: int = 0
    ) -> int:
        v = t.get(key.rsplit(".", 1)[-1], default)
        if isinstance(v, bool) or not isinstance(v, int):
            raise EventFileError(self.where, key, "must be a whole number")
        if v < minimum:
            raise EventFileError(self.where, key, f"must be at least {minimum}")
        return v

    def boolean(self, t: dict[str, object], key: str, default: bool) -> bool:
        v = t.get(key.rsplit(".", 1)[-1], default)
        if not isinstance(v, bool):
            raise EventFileError(self.where, key, "must be true or false")
        return v
