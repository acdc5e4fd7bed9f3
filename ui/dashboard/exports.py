"""The dashboard's export buttons: which domain export each runs, and a worker to run it.

An export opens its own Store on the database file inside a worker thread (one owner per
connection), reports progress by signal, and ends with the written path or one clear
message naming what failed and where. The GUI thread never waits for it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, QThread, Signal, Slot

from kiosk.models.errors import KioskError
from kiosk.storage.store import Store
from ui.gcguard import GuiThreadGc

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ExportJob:
    """What an export function gets: its own store, where to write, and what for."""

    store: Store
    out: Path
    session_id: str
    now: datetime
    progress: Progress


@dataclass(frozen=True, slots=True)
class ExportDone:
    path: str
    rows: int = -1  # rows written (tables), -1 when not counted
    pages: int = -1  # pages written (the PDF report)


@dataclass(frozen=True, slots=True)
class ExportSpec:
    key: str
    title: str  # English; the view passes it through tr()
    suffix: str  # ".csv"
    file_filter: str
    run: Callable[[ExportJob], ExportDone]  # calls the domain (imported when first run)
    per_session: bool = False  # about the selected session only

    def default_name(self, event_id: str, session_id: str) -> str:
        part = f"-{session_id}" if self.per_session and session_id else ""
        return f"{event_id}-{self.key}{part}{self.suffix}"


def _table(what: str, fmt: str, per_session: bool = False) -> Callable[[ExportJob], ExportDone]:
    """kiosk.formats.export.export: CSV with BOM, or XLSX with a sheet per session and a summary."""

    def run(job: ExportJob) -> ExportDone:
        from kiosk.formats.export import export

        summary = export(
            job.store,
            what,
            fmt,
            job.out,
            now=job.now,
            session_id=job.session_id if per_session else None,
            progress=job.progress,
        )
        return ExportDone(str(summary.path), rows=summary.rows)

    return run


def _report(job: ExportJob) -> ExportDone:
    from kiosk.formats.report import write_report

    result = write_report(job.store, job.out, job.now)
    return ExportDone(str(result.path), pages=result.pages)


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
        _table("attendance", "csv"),
    ),
    ExportSpec(
        "attendance",
        str(QT_TRANSLATE_NOOP("DashboardView", "Attendance, a sheet per session (Excel)")),
        ".xlsx",
        XLSX,
        _table("attendance", "xlsx"),
    ),
    ExportSpec(
        "scans",
        str(QT_TRANSLATE_NOOP("DashboardView", "Scan log, refused scans and undos too (CSV)")),
        ".csv",
        CSV,
        _table("scans", "csv"),
    ),
    ExportSpec(
        "scans",
        str(QT_TRANSLATE_NOOP("DashboardView", "Scan log (Excel)")),
        ".xlsx",
        XLSX,
        _table("scans", "xlsx"),
    ),
    ExportSpec(
        "no-shows",
        str(QT_TRANSLATE_NOOP("DashboardView", "Not yet arrived, selected session (CSV)")),
        ".csv",
        CSV,
        _table("no-shows", "csv", per_session=True),
        per_session=True,
    ),
    ExportSpec(
        "no-shows",
        str(QT_TRANSLATE_NOOP("DashboardView", "Not yet arrived, selected session (Excel)")),
        ".xlsx",
        XLSX,
        _table("no-shows", "xlsx", per_session=True),
        per_session=True,
    ),
    ExportSpec(
        "report",
        str(QT_TRANSLATE_NOOP("DashboardView", "Attendance report (PDF)")),
        ".pdf",
        PDF,
        _report,
    ),
)


class _ExportWorker(QObject):
    """Runs in the export thread; leaves its `outcome` (ExportDone or a message) and quits."""

    progress = Signal(int, int)

    def __init__(
        self, spec: ExportSpec, db_path: Path, out: Path, session_id: str, now: datetime
    ) -> None:
        super().__init__()
        self.spec, self.db_path, self.out = spec, db_path, out
        self.session_id, self.now = session_id, now
        self.outcome: ExportDone | str = f"{out}: the export did not run"

    @Slot()
    def run(self) -> None:
        try:
            if not self.out.parent.is_dir():
                raise KioskError(
                    f"{self.out}: cannot write: the folder {self.out.parent} does not exist"
                )
            if not self.db_path.is_file():  # Store.open would create an empty one
                raise KioskError(f"{self.db_path}: no such database")
            store = Store.open(self.db_path)
            try:
                job = ExportJob(store, self.out, self.session_id, self.now, self._progress)
                result = self.spec.run(job)
            finally:
                store.close()
        except KioskError as exc:
            self._fail(str(exc))
        except OSError as exc:
            where = exc.filename or self.out
            self._fail(f"{where}: {exc.strerror or exc}")
        except (sqlite3.Error, ValueError) as exc:
            self._fail(f"{self.db_path}: {exc}")
        except Exception as exc:  # a bug in an export must not take the dashboard down
            log.exception("export %s to %s failed", self.spec.key, self.out)
            self._fail(f"{self.out}: export failed ({type(exc).__name__}: {exc})")
        else:
            self.outcome = result
        finally:
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _fail(self, message: str) -> None:
        self.outcome = message

    def _progress(self, done: int, total: int) -> None:
        self.progress.emit(int(done), int(total))


class ExportRunner(QObject):
    """Runs one export at a time in a worker thread."""

    started = Signal(str)  # the spec's title
    progress = Signal(int, int)
    finished = Signal(object)  # ExportDone
    failed = Signal(str)

    def __init__(self, gc_guard: GuiThreadGc, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gc = gc_guard
        self._thread: QThread | None = None
        self._worker: _ExportWorker | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(
        self, spec: ExportSpec, db_path: Path, out: Path, now: datetime, session_id: str = ""
    ) -> bool:
        if self._thread is not None:
            return False
        thread = QThread()
        thread.setObjectName(f"export-{spec.key}")
        worker = _ExportWorker(spec, Path(db_path), Path(out), session_id, now)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress)
        thread.finished.connect(self._cleanup)
        self._thread, self._worker = thread, worker
        self.started.emit(spec.title)
        self._gc.acquire()
        thread.start()
        return True

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the running export ends (closing the dashboard waits for it)."""
        thread = self._thread
        if thread is None:
            return True
        if not thread.wait(ms):
            return False
        self._cleanup()
        return True

    @Slot()
    def _cleanup(self) -> None:
        """After the thread ended: free the runner first, then report (a new export may
        be started from a slot of `finished`/`failed`)."""
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is None or worker is None:
            return
        thread.wait()
        self._gc.release()
        outcome = worker.outcome
        if isinstance(outcome, ExportDone):
            self.finished.emit(outcome)
        else:
            self.failed.emit(outcome)
