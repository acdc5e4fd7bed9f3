"""The ids of the requests a view asked for and has not had answered: an answer finds the
view that asked by its id (not by a station name, nor by its place in a queue)."""

from __future__ import annotations


class Asked:
    def __init__(self) -> None:
        self._ids: set[int] = set()

    def add(self, call_id: int) -> None:
        self._ids.add(call_id)

    def take(self, call_id: int) -> bool:
        """True once for an id asked for here (its answer has come)."""
        if call_id in self._ids:
            self._ids.discard(call_id)
            return True
        return False
