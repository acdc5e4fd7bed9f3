"""One back-off for every retry loop: the station host's restarts, a camera that went away,
a hub that cannot be reached.

Delays double from `first` up to `cap`; `jitter` spreads them (±, as a fraction) so that
stations that lost the hub together do not all come back at once. `reset()` after a
success. Pure: no sleeping here, the caller waits (on its own clock).
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(
        self,
        first: float = 0.5,
        cap: float = 10.0,
        *,
        factor: float = 2.0,
        jitter: float = 0.0,
        rng: random.Random | None = None,
    ) -> None:
        if first <= 0 or cap < first or factor < 1 or not 0 <= jitter < 1:
            raise ValueError("a back-off needs 0 < first <= cap, factor >= 1, 0 <= jitter < 1")
        self.first, self.cap, self.factor, self.jitter = first, cap, factor, jitter
        self.rng = rng or random.Random()
        self.failures = 0

    def peek(self) -> float:
        """The delay the next failure will wait, before jitter."""
        return float(min(self.cap, self.first * self.factor**self.failures))

    def next(self) -> float:
        """One more failure: how long to wait before trying again."""
        delay = self.peek()
        self.failures += 1
        if self.jitter:
            delay *= self.rng.uniform(1 - self.jitter, 1 + self.jitter)
        return delay

    def reset(self) -> None:
        self.failures = 0
