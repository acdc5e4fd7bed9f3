"""Run one command of the command line in this process and kill it (SIGKILL, as a power
cut or the OOM killer would) at an exact point: at the Nth COMMIT that any of its SQLite
connections sends. `before`: as that COMMIT starts, so its transaction is lost; `after`:
at the first statement (of any connection) after it, so the transaction is kept and
whatever the code meant to do next is not done.

    python -m tests.helpers.killsync N before|after -- sync --db X --server URL --once

The product holds no test code: this wraps `sqlite3.connect` so that every connection
gets a trace callback (`set_trace_callback`), which SQLite calls as each statement
starts. And so that a point is the same point in every run, the sync engine's readings
of the monotonic clock (its 20 ms apply slices, its round budget) advance by a fixed step
per reading instead of with the machine's speed: a run makes the same transactions, in
the same order, every time. A command that ends before the Nth COMMIT exits with its own code and prints
`completed after K commits` on stderr (K: the commits it made), which is how a test
learns how many kill points a command has.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from typing import Any


def arm(n: int, mode: str) -> list[int]:
    """Install the trace on every connection made from now on; returns the counter."""
    if mode not in ("before", "after"):
        raise SystemExit(f"mode must be before or after, not {mode!r}")
    count = [0]
    armed = [False]

    def trace(sql: str) -> None:
        if armed[0]:
            os.kill(os.getpid(), signal.SIGKILL)
        if sql.lstrip()[:6].upper() == "COMMIT":
            count[0] += 1
            if count[0] == n:
                if mode == "before":
                    os.kill(os.getpid(), signal.SIGKILL)
                armed[0] = True

    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(*args, **kwargs)
        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = connect  # type: ignore[assignment]
    return count


STEP_S = 0.0001  # per reading of the engine's monotonic clock: ~200 entries per 20 ms slice


def steady_engine_clock() -> None:
    from types import SimpleNamespace

    from kiosk.sync import engine

    now = [0.0]

    def monotonic() -> float:
        now[0] += STEP_S
        return now[0]

    engine.time = SimpleNamespace(monotonic=monotonic)  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        raise SystemExit(__doc__)
    count = arm(int(argv[0]), argv[1])
    steady_engine_clock()
    from kiosk.cli import main as cli

    code: Any = 0
    try:
        cli(argv[3:])
    except SystemExit as exc:
        code = exc.code
    sys.stderr.write(f"completed after {count[0]} commits\n")
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
