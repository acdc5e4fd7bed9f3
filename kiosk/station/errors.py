"""Why a request to the station host was not done, as typed exceptions.

The station client (kiosk.station.client) sets one of these on a request's future: the
GUI reacts to `problem` (kiosk.station.wire.Problem), shows `message`, and never sorts
errors by the words of a message.
"""

from __future__ import annotations

from kiosk.station.wire import Problem


class StationError(Exception):
    """A request was not done: `problem` says why, as the GUI needs to know to react;
    `message` (English) names what and where."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message

    @property
    def database_down(self) -> bool:
        return self.problem.database_down


class StationDown(StationError):
    """The station host is not running, or stopped while answering."""

    def __init__(self, message: str) -> None:
        super().__init__(Problem.UNAVAILABLE, message)


class StationFailed(StationError):
    """The station host answered with a problem (a `Failed` reply)."""
