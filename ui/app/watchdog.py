"""Main-thread stall detector: a background thread expects a GUI heartbeat every few ms.

A QTimer in the GUI thread stamps the time; the watchdog thread logs (Python logging,
to the log file) every stall of the event loop longer than the threshold, with where the
GUI thread was. That stack is read by faulthandler, never through frame objects: a frame
object of the GUI thread held here would, once the GUI thread has returned from it, be
freed in this thread with its locals, and a Qt object among them would disconnect its
signals from the wrong thread (a deadlock of the GIL against Qt's connection lock).
"""

from __future__ import annotations

import faulthandler
import logging
import tempfile
import threading
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger("forum_checkin.watchdog")


class Watchdog(QObject):
    def __init__(
        self, threshold_ms: float = 100.0, beat_ms: int = 20, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.threshold = threshold_ms / 1000.0
        self.stalls: list[float] = []  # durations in ms, latest last (bounded)
        self._last = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(beat_ms)
        self._timer.timeout.connect(self._beat)
        self._thread: threading.Thread | None = None
        self._in_stall = False
        self._gui_ident = threading.get_ident()
        self._where = ""  # the GUI thread's stack, sampled during the current stall

    def start(self) -> None:
        self._last = time.monotonic()
        self._timer.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="gui-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def _beat(self) -> None:
        now = time.monotonic()
        with self._lock:
            gap = now - self._last
            self._last = now
            self._in_stall = False
            where, self._where = self._where, ""
        # The GUI side measures the full stall once it is over.
        if gap > self.threshold + self._timer.interval() / 1000.0:
            ms = (gap - self._timer.interval() / 1000.0) * 1000.0
            self.stalls.append(ms)
            del self.stalls[:-100]
            log.warning("main thread stalled for %.0f ms%s", ms, f" in:\n{where}" if where else "")

    def _watch(self) -> None:
        # Reports a stall that is still going on (a hang), once, while it lasts.
        while not self._stop.wait(0.02):
            with self._lock:
                gap = time.monotonic() - self._last
                if gap > self.threshold and not self._where:
                    self._where = gui_stack(self._gui_ident)
                if gap > 1.0 and not self._in_stall:
                    self._in_stall = True
                    log.warning("main thread not responding for %.1f s (still stalled)", gap)


def gui_stack(ident: int, limit: int = 6) -> str:
    """The innermost `limit` calls of thread `ident`, innermost first (faulthandler's
    dump: no reference to any frame is taken)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as f:
        faulthandler.dump_traceback(f, all_threads=True)
        f.seek(0)
        dump = f.read()
    head = f"0x{ident:016x} "
    lines: list[str] = []
    for block in dump.split("\n\n"):
        first, _, rest = block.strip().partition("\n")
        if head in first + " ":
            lines = [line.strip() for line in rest.splitlines() if line.strip()]
            break
    return "".join(f"  {line}\n" for line in lines[:limit])
