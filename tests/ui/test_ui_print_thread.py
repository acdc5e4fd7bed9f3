"""Printing has a thread of its own: a slow printer never delays the next scan."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk.models.outcomes import Method, Outcome
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from tests.ui.conftest import badge_codes
from tests.ui.desk import ready

SLOW_S = 2.5


def test_a_slow_printer_does_not_delay_the_next_scan(
    qtbot: Any, make_shell: Any, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from ui.desk import printing

    real = printing.print_badge
    threads: list[str] = []

    def slow_printer(drawing: Any, printer_name: str | None = None, printer: Any = None) -> Any:
        threads.append(threading.current_thread().name)
        time.sleep(SLOW_S)  # a printer warming up
        pdf = QPrinter(QPrinter.PrinterMode.HighResolution)
        pdf.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        pdf.setOutputFileName(str(tmp_path / "printed.pdf"))
        return real(drawing, printer=pdf)  # a real print, into a PDF file

    monkeypatch.setattr(printing, "print_badge", slow_printer)
    shell = make_shell(demo_db)
    win = ready(qtbot, shell)
    (first, _), (_second, code) = badge_codes(demo_db, 2)
    printed: list[tuple[str, str]] = []
    shell.printing.printed.connect(lambda aid, msg: printed.append((aid, msg)))

    shell.printing.print_badge(first, "amy", "walk-in")
    qtbot.waitUntil(lambda: bool(threads), timeout=10000)  # the printer is busy now
    t = time.monotonic()
    with qtbot.waitSignal(win.result_shown, timeout=10000) as shown:
        win.submit_code(code, Method.HANDHELD)
    took = time.monotonic() - t
    assert shown.args[0].outcome is Outcome.ADMITTED
    assert took < SLOW_S / 2, f"the scan waited {took:.2f} s for the printer"
    assert printed == []  # the badge is still printing

    qtbot.waitUntil(lambda: bool(printed), timeout=10000)
    assert printed[0][0] == first and (tmp_path / "printed.pdf").stat().st_size > 1000
    assert threads[0] != threading.main_thread().name  # printed off the GUI thread

    def logged() -> bool:
        store = Store.open(demo_db, readonly=True)
        try:
            return len(reads(store).people.prints(first)) == 1
        finally:
            store.close()

    qtbot.waitUntil(logged, timeout=10000)  # the print log has it, written by the desk lane
