"""One background job at a time, in a QThread of its own (exports, meeting actions).

`OneShot.launch(worker, name)` moves `worker` (a QObject with a `run` slot that quits its
thread when done, and an `outcome`) to a new thread and starts it, holding the process's
collector guard while it runs. When the thread has ended the runner is freed first, then
`report(worker)` is called on the GUI thread, so a slot of the report may start the next job.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, Slot

from ui.app.gcguard import GuiThreadGc


class OneShot(QObject):
    def __init__(self, gc_guard: GuiThreadGc, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gc = gc_guard
        self._thread: QThread | None = None
        self._worker: Any = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def launch(self, worker: QObject, name: str) -> None:
        thread = QThread()
        thread.setObjectName(name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)  # type: ignore[attr-defined]
        thread.finished.connect(self._cleanup)
        self._thread, self._worker = thread, worker
        self._gc.acquire()
        thread.start()

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the running job ends (closing the dashboard waits for it)."""
        thread = self._thread
        if thread is None:
            return True
        if not thread.wait(ms):
            return False
        self._cleanup()
        return True

    @Slot()
    def _cleanup(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is None or worker is None:
            return
        thread.wait()
        self._gc.release()
        self.report(worker)

    def report(self, worker: Any) -> None:
        raise NotImplementedError
