"""The dashboard's export buttons: which domain export each runs, and a runner for them.

An export runs on the station host's jobs lane (the child process that owns every SQLite
connection); its progress and its end (the written path, or one clear message naming
what failed and where) come back on the GUI thread, which never waits for it.
"""

from __future__ import annotations

import concurrent.futures
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal

from kiosk.station.client import Call
from kiosk.station.errors import StationError
from kiosk.station.protocol import Export, ExportDone
from kiosk.station.wire import Origin, Source
from ui.bridge.desk import DeskLink

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
        "meetings",
        str(QT_TRANSLATE_NOOP("DashboardView", "Matchmaking meetings, with their status (Excel)")),
        ".xlsx",
        XLSX,
        "meetings",
        "xlsx",
    ),
    ExportSpec(
        "meetings",
        str(QT_TRANSLATE_NOOP("DashboardView", "Matchmaking meetings, with their status (CSV)")),
        ".csv",
        CSV,
        "meetings",
        "csv",
    ),
    ExportSpec(
        "meeting-totals",
        str(QT_TRANSLATE_NOOP("DashboardView", "Meetings per company (Excel)")),
        ".xlsx",
        XLSX,
        "meeting-totals",
        "xlsx",
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


class ExportRunner(QObject):
    """Runs one export at a time on the station host's jobs lane."""

    started = Signal(str)  # the spec's title
    progress = Signal(int, int)
    finished = Signal(object)  # ExportDone
    failed = Signal(str)

    def __init__(self, db: DeskLink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._call: Call[ExportDone] | None = None

    @property
    def busy(self) -> bool:
        return self._call is not None

    def start(self, spec: ExportSpec, out: Path, now: datetime, session_id: str = "") -> bool:
        if self.busy:
            return False
        request = Export(
            spec.what, spec.fmt, Path(out), session_id if spec.per_session else None, now
        )
        self.started.emit(spec.title)
        self._call = self.db.submit(
            request,
            Origin(Source.DASHBOARD),
            then=self._done,
            otherwise=self._failed,
            progress=self.progress.emit,
            owner=self,
        )
        return True

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the running export has ended (the app closing waits for it)."""
        call = self._call
        if call is None:
            return True
        done, _ = concurrent.futures.wait([call], timeout=ms / 1000)
        return bool(done)

    def _done(self, done: ExportDone) -> None:
        self._call = None
        self.finished.emit(done)

    def _failed(self, error: StationError) -> None:
        self._call = None
        self.failed.emit(error.message)
