"""What travels on a lane's pipe: a request in its envelope, and the reply that echoes it.

Every request is a frozen dataclass deriving from `Request[R]`, where R is the type of
its reply's value; the class also says which lane serves it and how long an answer may
take. The GUI sends it in an `Envelope` that carries an id and its `Origin` (which input
or view asked, and when a scan was captured); the host answers with exactly one `Done`
or `Failed` carrying the same id and origin, after any number of `Progress` messages.
So a result finds the one who asked by its id, never by a name or by a queue position.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

R = TypeVar("R")

# check-ins and staff actions; dashboard reads; exports; the hub sync (kiosk.station.syncing);
# printing, followed to the end (kiosk.station.printhandlers)
LANES = ("desk", "reader", "jobs", "sync", "print")


class Request(Generic[R]):
    """A request whose reply carries an R (`class CheckIn(Request[CheckinResult])`)."""

    __slots__ = ()
    lane: ClassVar[str] = "desk"  # the lane that serves it (see LANES)
    timeout: ClassVar[float | None] = 60.0  # seconds the host may take; None: no limit
    operation: ClassVar[str] = "request"  # what it does, as messages name it ("check-in")
    admits: ClassVar[bool] = False  # it may admit someone: the hub should hear of it at once


class Problem(enum.StrEnum):
    """Why a request failed, as far as the GUI needs to know to react."""

    MISSING = "missing"  # the database file does not exist
    UNAVAILABLE = "unavailable"  # it cannot be opened or read (corrupt, another app's, gone)
    UNWRITABLE = "unwritable"  # it can be read but not written (read-only, disk full, locked)
    INVALID = "invalid"  # the request itself was wrong (validation, unknown id): db is fine
    FAILED = "failed"  # a bug in the host: logged there with its traceback

    @property
    def database_down(self) -> bool:
        return self in (Problem.MISSING, Problem.UNAVAILABLE, Problem.UNWRITABLE)


class Source(enum.StrEnum):
    """Which input or view asked."""

    CAMERA = "camera"  # a badge the desk's camera read
    HANDHELD = "handheld"  # a handheld scanner's burst (or a code typed into the search)
    SEARCH = "search"  # the desk's search: a query, or a check-in of a person found
    KIOSK = "kiosk"  # the self check-in kiosk (its camera or its scanner)
    WALK_IN = "walk-in"  # the walk-in registration dialog
    DESK = "desk"  # the staff desk's other actions: undo, reprint, printing, lists
    DASHBOARD = "dashboard"  # the organizers' dashboard: reads, exports, merges, meetings
    SYNC = "sync"  # the status bar's sync follower
    SYSTEM = "system"  # the application itself: opening, recovering, kept scans


class Input(enum.StrEnum):
    """The input a request came from: only the camera's repeated frames are debounced."""

    NONE = "none"  # not an input: a view's own request
    CAMERA = "camera"  # a camera frame (the desk's or the kiosk's)
    HANDHELD = "handheld"  # a handheld scanner's burst
    KEYBOARD = "keyboard"  # typed or picked by a person (search, walk-in form, slow code)


@dataclass(frozen=True, slots=True)
class Origin:
    source: Source = Source.SYSTEM
    captured: float | None = None  # the GUI's monotonic clock when a scan was captured
    input: Input = Input.NONE  # which input: the camera's echoes alone are debounced


SYSTEM = Origin()


@dataclass(frozen=True, slots=True)
class Envelope(Generic[R]):
    id: int
    request: Request[R]
    origin: Origin = SYSTEM


@dataclass(frozen=True, slots=True)
class Done(Generic[R]):
    value: R
    id: int = 0
    origin: Origin = SYSTEM


@dataclass(frozen=True, slots=True)
class Failed:
    problem: Problem
    message: str  # English, names what and where (shown after a translated lead-in)
    id: int = 0
    origin: Origin = SYSTEM


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    id: int = 0


Reply = Done[Any] | Failed
