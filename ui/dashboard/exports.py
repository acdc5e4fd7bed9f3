"""The dashboard's export buttons: which domain export each runs, and a worker to run it.

An export runs in the station host's jobs lane (the child process that owns every SQLite
connection), started from a worker thread here; progress comes back by signal, and the
export ends with the written path or one clear message naming what failed and where. The
GUI thread never waits for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal, Slot

from kiosk.station.process import StationDown, StationFailed, StationProcess
from kiosk.station.protocol import Export, ExportDone
from ui.bridge.oneshot import OneShot

log = logging.getLogger(__name__)
__all__ = ["EXPORTS", "ExportDone", "ExportRunner", "ExportSpec"]


@dataclass(frozen=True, slots=True)
class ExportSpec:
    key: str
    title: str  # English; the view passes it through tr()
    suffix: str  # ".csv"
    file_filter: str
    what: str  # what kiosk.formats.export.export writes, or "report" (the PDF report)
    fmt: str  # csv | xlsx | pdf
    per_session: bool = False  # about the selected session only

    def default_name(self, event_id: str, session_id: str) -> str:
        part = f"-{session_id}" if self.per_session and session_id else ""
        return f"{event_id}-{self.key}{part}{self.suffix}"


CSV = "CSV (*.csv)"
XLSX = "Excel (*.xlsx)"
PDF = "PDF (*.pdf)"
# The titles are marked for pyside6-lupdate (context DashboardView) and translated when shown.
EXPORTS: tuple[ExportSpec, ...] = (
    ExportSpec(
        "attendance",
        str(QT_TRANSLATE_NOOP("DashboardView", "Attendance, all sessions (CSV)")),
        ".csv",
        CSV,
        "attendance",
        "csv",
    ),
    ExportSpec(
        "attendance",
        str(QT_TRANSLATE_NOOP("DashboardView", "Attendance, a sheet per session (Excel)")),
        ".xlsx",
        XLSX,
        "attendance",
        "xlsx",
    ),
    ExportSpec(
        "scans",
        str(QT_TRANSLATE_NOOP("DashboardView", "Scan log, refused scans and undos too (CSV)")),
        ".csv",
        CSV,
        "scans",
        "csv",
    ),
    ExportSpec(
        "scans",
        str(QT_TRANSLATE_NOOP("DashboardView", "Scan log (Excel)")),
        ".xlsx",
        XLSX,
        "scans",
        "xlsx",
    ),
    ExportSpec(
        "no-shows",
        str(QT_TRANSLATE_NOOP("DashboardView", "Not yet arrived, selected session (CSV)")),
        ".csv",
        CSV,
        "no-shows",
        "csv",
        per_session=True,
    ),
    ExportSpec(
        "no-shows",
        str(QT_TRANSLATE_NOOP("DashboardView", "Not yet arrived, selected session (Excel)")),
        ".xlsx",
        XLSX,
        "no-shows",
        "xlsx",
        per_session=True,
    ),
    ExportSpec(
        "report",
        str(QT_TRANSLATE_NOOP("DashboardView", "Attendance report (PDF)")),
        ".pdf",
        PDF,
        "report",
        "pdf",
    ),
)


class _ExportWorker(QObject):
    """Runs in the export thread; leaves its `outcome` (ExportDone or a message) and quits."""

    progress = Signal(int, int)

    def __init__(
        self, spec: ExportSpec, host: StationProcess, out: Path, session_id: str, now: datetime
    ) -> None:
        super().__init__()
        self.spec, self.host, self.out = spec, host, out
        self.session_id, self.now = session_id, now
        self.outcome: ExportDone | str = f"{out}: the export did not run"

    @Slot()
    def run(self) -> None:
        spec = self.spec
        request = Export(
            spec.what, spec.fmt, self.out, self.session_id if spec.per_session else None, self.now
        )
        try:
            result = self.host.call("jobs", request, timeout=None, progress=self._progress)
            assert isinstance(result, ExportDone)
            self.outcome = result
        except (StationDown, StationFailed) as exc:
            self.outcome = str(exc)
        finally:
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _progress(self, done: int, total: int) -> None:
        self.progress.emit(int(done), int(total))


class ExportRunner(OneShot):
    """Runs one export at a time in a worker thread."""

    started = Signal(str)  # the spec's title
    progress = Signal(int, int)
    finished = Signal(object)  # ExportDone
    failed = Signal(str)

    def start(
        self, spec: ExportSpec, host: StationProcess, out: Path, now: datetime, session_id: str = ""
    ) -> bool:
        if self.busy:
            return False
        worker = _ExportWorker(spec, host, Path(out), session_id, now)
        worker.progress.connect(self.progress)
        self.started.emit(spec.title)
        self.launch(worker, f"export-{spec.key}")
        return True

    def report(self, worker: _ExportWorker) -> None:
        outcome = worker.outcome
        if isinstance(outcome, ExportDone):
            self.finished.emit(outcome)
        else:
            self.failed.emit(outcome)
