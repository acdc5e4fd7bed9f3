"""The GUI's side of the station host: start the child, carry envelopes, notice its death.

    host = StationProcess(db_path, log_file=...)
    host.start()
    reply = host.exchange("desk", Envelope(7, CheckIn(...), origin))   # Done or Failed
    # StationDown: the child is not running (or died answering).

Only the station client (kiosk.station.client) calls `exchange`: it turns a `Failed` and
a `StationDown` into typed exceptions, one lane worker at a time. Each lane is a socket
pair: the child's end is inherited by `python -m kiosk.station`, the parent's end is used
by one thread at a time (a lock per lane). `restart()` starts a fresh child (the caller
decides when: `Backoff` spaces the tries). Qt-free.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kiosk.station.errors import StationDown
from kiosk.station.wire import LANES, Done, Envelope, Failed, Progress

log = logging.getLogger(__name__)
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the kiosk package
_SIGNAL_TEXT = {
    signal.SIGBUS: "bus error: the database files stopped being writable (a pulled drive?)",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGKILL: "killed",
    signal.SIGTERM: "terminated",
}


class StationProcess:
    def __init__(
        self,
        db_path: Path,
        lanes: tuple[str, ...] = LANES,
        log_file: Path | None = None,
        python: str = sys.executable,
    ) -> None:
        self.db_path = Path(db_path)
        self.lanes = lanes
        self.log_file = log_file
        self.python = python
        self.starts = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._conns: dict[str, Connection] = {}
        self._lock = threading.RLock()
        self._lane_locks = {name: threading.Lock() for name in lanes}

    # -- life ------------------------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            self._close_conns()
            pairs = {name: socket.socketpair() for name in self.lanes}
            cmd = [self.python, "-m", "kiosk.station", "--db", str(self.db_path)]
            for name, (_mine, theirs) in pairs.items():
                cmd += ["--lane", f"{name}={theirs.fileno()}"]
            if self.log_file is not None:
                cmd += ["--log", str(self.log_file)]
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(
                x for x in (str(_ROOT), env.get("PYTHONPATH", "")) if x
            )
            try:
                self._proc = subprocess.Popen(
                    cmd,
                    pass_fds=[theirs.fileno() for _m, theirs in pairs.values()],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    env=env,
                    cwd=str(_ROOT),
                )
            finally:
                for _mine, theirs in pairs.values():
                    theirs.close()  # the child's end lives on in the child only
            for name, (mine, _t) in pairs.items():
                self._conns[name] = Connection(mine.detach())
            self.starts += 1
            log.info("station host started (pid %s) on %s", self._proc.pid, self.db_path)

    def restart(self, db_path: Path | None = None) -> None:
        with self._lock:
            self.stop()
            if db_path is not None:
                self.db_path = Path(db_path)
            self.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Close the pipes (the child ends after its current request), wait, then kill."""
        with self._lock:
            proc, self._proc = self._proc, None
            self._close_conns()
            if proc is None:
                return
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log.error("station host %s did not stop within %.0f s: killed", proc.pid, timeout)
                proc.kill()
                proc.wait()

    def kill(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()

    @property
    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def why_down(self) -> str:
        """Why the child is not running, in a sentence (English: shown after a lead-in)."""
        proc = self._proc
        if proc is None:
            return "the station host is not running"
        try:
            code = proc.wait(1.0)
        except subprocess.TimeoutExpired:
            return "the station host does not answer"
        if code < 0:
            try:
                sig = signal.Signals(-code)
            except ValueError:
                return f"the station host stopped (signal {-code})"
            return f"the station host stopped ({_SIGNAL_TEXT.get(sig, sig.name)})"
        return f"the station host stopped (exit status {code})"

    # -- carrying envelopes ----------------------------------------------------------------
    def exchange(
        self,
        lane: str,
        envelope: Envelope[Any],
        timeout: float | None = 60.0,
        progress: Callable[[int, int], None] | None = None,
    ) -> Done[Any] | Failed:
        """Send `envelope` on `lane`; the reply that echoes its id, or StationDown."""
        with self._lane_locks[lane]:
            conn = self._conns.get(lane)
            if conn is None or not self.alive:
                raise StationDown(self.why_down())
            try:
                conn.send(envelope)
            except (OSError, EOFError, ValueError):
                raise StationDown(self.why_down()) from None
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                message = self._receive(conn)
                if isinstance(message, Progress):
                    if progress is not None and message.id in (envelope.id, 0):
                        progress(message.done, message.total)
                elif isinstance(message, (Done, Failed)):
                    # 0: the host could not read the envelope; the answer all the same
                    if message.id in (envelope.id, 0):
                        return message
                    log.error("lane %s: a reply to request %s while waiting for %s: dropped",
                              lane, message.id, envelope.id)  # fmt: skip
                elif deadline is not None and time.monotonic() > deadline:
                    # Its type only: a request may hold a password (the hub's).
                    what = type(envelope.request).__name__
                    log.error("station host did not answer %s in %.0f s", what, timeout)
                    self.kill()
                    raise StationDown(f"the station host did not answer within {timeout:.0f} s")

    def _receive(self, conn: Connection) -> object:
        """The next message within 50 ms (None if there is none), or StationDown."""
        try:
            if conn.poll(0.05):
                return conn.recv()
        except (OSError, EOFError, ValueError):
            raise StationDown(self.why_down()) from None
        if not self.alive:
            raise StationDown(self.why_down())
        return None

    def _close_conns(self) -> None:
        conns, self._conns = self._conns, {}
        for c in conns.values():
            c.close()
