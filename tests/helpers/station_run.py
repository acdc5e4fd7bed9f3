"""One station as a process of its own (a machine of its own: $FORUM_CHECKIN_MACHINE_ID),
driven line by line on stdin, answering one JSON line per command on stdout. Its sync
loop runs all along in a thread, against the hub of $FORUM_CHECKIN_HUB; check-ins are
decided locally whatever the hub does.

    FORUM_CHECKIN_HUB=… FORUM_CHECKIN_MACHINE_ID=m1 python -m tests.helpers.station_run \
        DB PLAN.json NAME

PLAN.json: [[code, session, iso time], …], scanned in order (the times are the
check-ins' clock: injected, not waited for). Commands:

    scan K [MS]        check in the next K scans of the plan, MS milliseconds apart
    settle N SECONDS   wait until this station holds N entries, has none waiting to
                       upload and none behind; answers {"ok": …, "entries": …}
    quit               stop the loop; answers with every status seen (time, link, …)

The database is made from the hub at start when it does not exist.
"""

from __future__ import annotations

import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import SystemClock
from kiosk.storage.store import Store
from kiosk.sync.bootstrap import init_from_hub
from kiosk.sync.host import make_loop
from kiosk.sync.hub import Hub
from kiosk.sync.loop import SyncStatus
from kiosk.sync.server import resolve


class Station:
    def __init__(self, db: str, plan: str, name: str) -> None:
        self.server = resolve()
        self.path = Path(db)
        if not self.path.exists():
            with Hub(self.server) as h:
                init_from_hub(self.path, h, SystemClock(), station_name=name)
        self.plan: list[list[str]] = json.loads(Path(plan).read_text())
        self.next = 0
        self.statuses: list[dict[str, Any]] = []
        interval = float(os.environ.get("STATION_SYNC_INTERVAL", "0.2"))
        self.loop = make_loop(self.path, self.server, interval=interval, on_status=self.record)
        self.stop = threading.Event()
        self.worker = threading.Thread(target=self.loop.run, args=(self.stop,), daemon=True)
        self.worker.start()
        self.store = Store.open(self.path)
        self.service = CheckinService(self.store, SystemClock(), rng=random.Random(name))
        self.outcomes: Counter[str] = Counter()
        self.slowest = 0.0

    def record(self, s: SyncStatus) -> None:
        self.statuses.append({
            "t": time.time(), "link": s.link.value, "waiting": s.waiting, "behind": s.behind,
            "pushed": s.pushed, "pulled": s.pulled, "message": s.message,
            "refill": list(s.refill) if s.refill else None,
        })  # fmt: skip

    def scan(self, k: int, every_ms: float = 0.0) -> dict[str, Any]:
        done = 0
        for code, session, at in self.plan[self.next : self.next + k]:
            t0 = time.perf_counter()
            result = self.service.check_in(code, session, at=datetime.fromisoformat(at))
            self.slowest = max(self.slowest, time.perf_counter() - t0)
            self.outcomes[result.outcome.value] += 1
            done += 1
            if every_ms:
                time.sleep(every_ms / 1000)
        self.next += done
        return {"scanned": done, "slowest_s": self.slowest}

    def entries(self) -> int:
        return int(self.store.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0])

    def settle(self, n: int, seconds: float) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        # the first status from now on may be a round's that began (and counted what
        # waits) before the last scan: only a later round's says it all reached the hub
        start = len(self.statuses) + 1
        while time.monotonic() < deadline:
            last = self.statuses[-1] if len(self.statuses) > start else None
            if (last is not None and last["link"] == "online" and last["waiting"] == 0
                    and last["behind"] == 0 and self.entries() >= n):  # fmt: skip
                return {"ok": True, "entries": self.entries()}
            time.sleep(0.05)
        return {"ok": False, "entries": self.entries(), "last": self.statuses[-1:]}

    def quit(self) -> dict[str, Any]:
        self.stop.set()
        self.worker.join(30)
        self.store.close()
        return {"statuses": self.statuses, "outcomes": dict(self.outcomes),
                "slowest_s": self.slowest, "alive": self.worker.is_alive()}  # fmt: skip


class Running:
    """The test's side: one station process, its commands and their answers."""

    def __init__(self, db: Path, plan: list[list[str]], name: str, dsn: str, machine: str,
                 interval: float = 0.2) -> None:  # fmt: skip
        plan_file = db.with_suffix(".plan.json")
        plan_file.write_text(json.dumps(plan))
        self.name = name
        self.errors = db.with_suffix(".stderr")
        env = {**os.environ, "FORUM_CHECKIN_HUB": dsn, "FORUM_CHECKIN_MACHINE_ID": machine,
               "STATION_SYNC_INTERVAL": str(interval)}  # fmt: skip
        with self.errors.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.helpers.station_run", str(db), str(plan_file), name],
                cwd=Path(__file__).resolve().parents[2], env=env, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=err, text=True,
            )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        assert self.answer(120).get("ready"), self.stderr()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def stderr(self) -> str:
        return self.errors.read_text(errors="replace")[-3000:]

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def answer(self, timeout: float = 120.0) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.name}: no answer in {timeout}s\n{self.stderr()}") from None
        reply: dict[str, Any] = json.loads(line)
        return reply

    def call(self, command: str, timeout: float = 120.0) -> dict[str, Any]:
        self.send(command)
        return self.answer(timeout)

    def quit(self) -> dict[str, Any]:
        reply = self.call("quit", 60)
        self.proc.wait(30)
        assert self.proc.returncode == 0, self.stderr()
        assert "Traceback" not in self.stderr(), self.stderr()
        return reply

    def kill(self) -> None:
        """Make sure the process is gone and its pipes closed (after `quit`, or instead)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        self.reader.join(10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


def main(db: str, plan: str, name: str) -> None:
    station = Station(db, plan, name)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "scan":
            reply = station.scan(int(args[0]), float(args[1]) if len(args) > 1 else 0.0)
        elif cmd == "settle":
            reply = station.settle(int(args[0]), float(args[1]))
        elif cmd == "quit":
            print(json.dumps(station.quit()), flush=True)
            return
        else:
            reply = {"error": f"unknown command {cmd!r}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
