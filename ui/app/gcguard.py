"""Python's cyclic garbage collector, run on the GUI thread only while workers run.

The collector runs in whatever thread happens to allocate when a threshold is crossed. If
that is a worker thread and the garbage holds a Qt widget, the widget is destroyed off
the GUI thread and the process crashes (seen here: a segfault in the dashboard poller).
While a worker runs, `GuiThreadGc` turns automatic collection off and collects from a
timer on the GUI thread instead, generation by generation as the thresholds say (the
pattern of pyqtgraph's GarbageCollector). Reference counting frees everything else as usual.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500


class GuiThreadGc(QObject):
    """Counted: `acquire()` by each worker start, `release()` by each worker stop."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._users = 0
        self._was_enabled = True
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def active(self) -> bool:
        return self._users > 0

    def acquire(self) -> None:
        if self._users == 0:
            self._was_enabled = gc.isenabled()
            gc.collect()  # start clean, here on the GUI thread
            gc.disable()
            self._timer.start()
        self._users += 1

    def release(self) -> None:
        if self._users == 0:
            return
        self._users -= 1
        if self._users == 0:
            self._timer.stop()
            gc.collect()
            if self._was_enabled:
                gc.enable()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = gc.get_threshold()
        if c0 > t0:
            gc.collect(0)
            if c1 > t1:
                gc.collect(1)
                if c2 > t2:
                    gc.collect(2)
