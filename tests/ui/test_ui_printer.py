"""Printing at the desk against a private CUPS (print_lab): the picker, the status bar's
printer, "printing" then "printed" only when CUPS says the job completed, and each problem
with Retry, Another printer and Save as PDF. The station host (its print lane) talks to
the lab's CUPS (CUPS_SERVER set before the host starts); the GUI has no printer of its own.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.badges.printstate import PrintProblem, PrintStatus
from kiosk.models.outcomes import Outcome
from tests.helpers.cupsd import PrintLab
from tests.helpers.reads import reads
from tests.ui.conftest import badge_codes
from tests.ui.desk import read, ready, scan


@pytest.fixture
def lab(print_lab: PrintLab, monkeypatch: pytest.MonkeyPatch) -> PrintLab:
    """The station host (started by the shell) prints on the lab's CUPS."""
    monkeypatch.setenv("CUPS_SERVER", print_lab.server)
    return print_lab


def prints_of(db: Path, aid: str) -> list[Any]:
    return read(db, lambda s: list(reads(s).people.prints(aid)))


def print_entries(db: Path) -> list[dict[str, Any]]:
    return read(db, lambda s: [json.loads(e.data) if isinstance(e.data, str) else e.data
                               for e in reads(s).log.entries() if e.kind == "badge_print"])  # fmt: skip


def finished(qtbot: Any, shell: Any, timeout: int = 30000) -> Any:
    """The next print that ended (printed, sent or not), as the desk shows it."""
    ends: list[Any] = []

    def got(item: Any) -> None:
        if item.done:
            ends.append(item)

    shell.printing.changed.connect(got)
    try:
        qtbot.waitUntil(lambda: bool(ends), timeout=timeout)
    finally:
        shell.printing.changed.disconnect(got)
    return ends[0]


def bar_text(shell: Any) -> str:
    """The status bar's printer line (whole: it is elided on screen when long)."""
    bar = shell.printer_panel.bar
    assert bar.state.text().rstrip("…") in bar.full or bar.state.text() == bar.full
    return str(bar.full)


def open_picker(qtbot: Any, shell: Any) -> Any:
    qtbot.mouseClick(shell.printer_panel.bar.button, Qt.MouseButton.LeftButton)
    dlg = shell.printer_panel.picker
    qtbot.waitUntil(lambda: dlg is not None and dlg.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: dlg.printer.count() > 2, timeout=15000)  # the printers came
    return dlg


def pick(qtbot: Any, combo: Any, data: str) -> None:
    """Choose an entry of a combo box with the keyboard, as a person would."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{data!r} is not in the list")


def test_picker_lists_the_default_first_remembers_the_choice_and_shows_the_state(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab, tmp_path: Path
) -> None:
    shell = make_shell(demo_db)
    ready(qtbot, shell)
    # Before anyone scans: the default printer (PDF) and its state in the status bar.
    qtbot.waitUntil(lambda: "ready" in bar_text(shell), timeout=15000)
    assert bar_text(shell) == "PDF is ready · 4x3in"

    dlg = open_picker(qtbot, shell)
    names = [dlg.printer.itemData(i) for i in range(dlg.printer.count())]
    assert names[0] == "" and names[1] == "PDF"  # "the default printer", then the default
    assert {"Label", "Dead", "NoLabels", "Zebra"} <= set(names)
    labels = [dlg.label.itemData(i) for i in range(dlg.label.count())]
    assert labels[:4] == ["4x3in", "4x3in-portrait", "4x6in", "4x6in-landscape"]
    assert len(labels) == 10
    pick(qtbot, dlg.printer, "Dead")
    pick(qtbot, dlg.label, "62x100mm")
    assert dlg.qr.text().startswith("QR code 0.5") and "mm a module" in dlg.qr.text()
    qtbot.mouseClick(dlg.ok_btn, Qt.MouseButton.LeftButton)

    assert (shell.printing.printer, shell.printing.label) == ("Dead", "62x100mm")
    settings = tmp_path / "settings.json"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    kept = json.loads(settings.read_text())
    assert (kept["printer"], kept["label"]) == ("Dead", "62x100mm")
    # The chosen printer's address is tried: nobody answers there.
    qtbot.waitUntil(lambda: "offline" in bar_text(shell), timeout=15000)
    assert bar_text(shell) == "Dead is offline or cannot be reached · 62x100mm"
    assert shell.printer_panel.bar.state.property("tone") == "bad"
    dlg = open_picker(qtbot, shell)
    assert (dlg.chosen_printer(), dlg.chosen_label()) == ("Dead", "62x100mm")
    qtbot.waitUntil(lambda: "offline" in dlg.state.text(), timeout=15000)
    dlg.reject()


def test_a_badge_printed_on_the_pdf_queue_is_printed_and_logged_once(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab
) -> None:
    shell = make_shell(demo_db, print_on_checkin=True, printer="PDF", label="62x100mm")
    win = ready(qtbot, shell)
    (aid, code), _ = badge_codes(demo_db, 2)
    seen: list[Any] = []
    shell.printing.changed.connect(seen.append)
    assert scan(qtbot, win, code).outcome is Outcome.ADMITTED
    item = finished(qtbot, shell)
    assert item.status is PrintStatus.PRINTED, item
    assert seen[0].status is PrintStatus.PRINTING  # "printing" first, then "printed"
    assert any(s.job_id is not None and not s.done for s in seen)  # the job id, while printing
    assert item.text("en").startswith("Printed: Badge of") and item.printer_name == "PDF"
    assert lab.cups.captured(item.job_id).startswith(b"%PDF")
    # This attendee has meetings: their schedule slip follows the badge, followed the same way.
    slip = finished(qtbot, shell)
    assert slip.kind == "slip" and slip.status is PrintStatus.PRINTED, slip
    assert bar_text(shell).startswith("Printed: Schedule slip of")
    assert lab.cups.captured(slip.job_id).startswith(b"%PDF")
    logged = prints_of(demo_db, aid)
    assert len(logged) == 1
    # The second scan of the same person: already admitted, nothing printed again.
    scan(qtbot, win, code)
    qtbot.wait(500)
    assert len(prints_of(demo_db, aid)) == 1
    assert shell.printer_panel.problem is None


def test_dead_printer_problem_retry_then_another_printer_prints_once(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab
) -> None:
    shell = make_shell(demo_db, print_on_checkin=True, printer="Dead", print_timeout_s=25)
    win = ready(qtbot, shell)
    (aid, code), _ = badge_codes(demo_db, 2)
    t = time.monotonic()
    scan(qtbot, win, code)
    item = finished(qtbot, shell)
    took = time.monotonic() - t
    assert item.problem is PrintProblem.OFFLINE, item
    assert took < 20, f"offline was said after {took:.1f} s"  # refused: 3 x 3 s of grace
    box = shell.printer_panel.problem
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    assert "Dead is offline or cannot be reached" in box.text.text()
    assert "离线或无法连接" in box.other.text()
    qtbot.wait(1500)  # the printers' state is asked again: the print's line stays
    assert bar_text(shell).startswith("Not printed: Badge of")
    assert prints_of(demo_db, aid) == []  # nothing logged: the badge stays printable

    qtbot.mouseClick(box.retry_btn, Qt.MouseButton.LeftButton)  # still dead
    again = finished(qtbot, shell)
    assert again.problem is PrintProblem.OFFLINE and again.job.badge_id == item.job.badge_id
    box = shell.printer_panel.problem
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)

    qtbot.mouseClick(box.another_btn, Qt.MouseButton.LeftButton)
    dlg = shell.printer_panel.picker
    qtbot.waitUntil(lambda: dlg.isVisible() and dlg.printer.findData("PDF") >= 0, timeout=15000)
    assert not dlg.label.isVisible()  # only the printer is asked here
    pick(qtbot, dlg.printer, "PDF")
    qtbot.mouseClick(dlg.ok_btn, Qt.MouseButton.LeftButton)
    done = finished(qtbot, shell)
    assert done.status is PrintStatus.PRINTED and done.printer_name == "PDF"
    assert len(prints_of(demo_db, aid)) == 1
    entries = print_entries(demo_db)
    assert entries[-1]["printer"] == "PDF" and entries[-1]["job"] == done.job_id
    assert shell.printing.printer == "PDF"  # the next badges go there too


def test_out_of_labels_then_save_as_pdf_writes_a_private_file(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab, tmp_path: Path
) -> None:
    shell = make_shell(demo_db, printer="NoLabels", print_timeout_s=20)
    ready(qtbot, shell)
    aid, _code = badge_codes(demo_db, 1)[0]
    shell.printing.print_badge(aid, "amy", "walk-in")
    item = finished(qtbot, shell)
    assert item.problem is PrintProblem.OUT_OF_MEDIA, item
    box = shell.printer_panel.problem
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    assert "out of labels" in box.text.text() and "缺标签" in box.other.text()
    assert prints_of(demo_db, aid) == []

    qtbot.mouseClick(box.save_btn, Qt.MouseButton.LeftButton)
    files = box.file_dialog
    qtbot.waitUntil(lambda: files is not None and files.isVisible(), timeout=5000)
    out = tmp_path / "saved" / "jane.pdf"
    out.parent.mkdir()
    files.selectFile(str(out))
    files.accept()
    qtbot.waitUntil(out.exists, timeout=5000)
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert str(out) in box.said.text()
    # The reprint guard does not lock the failed badge out: "print at first check-in" (or
    # any print) on a working printer prints it, and only then is it logged.
    shell.printing.set_choice("PDF", "4x3in")
    shell.printing.print_badge(aid, "amy", "first check-in", only_first=True)
    again = finished(qtbot, shell)
    assert again.status is PrintStatus.PRINTED and again.job.badge_id == item.job.badge_id
    assert len(prints_of(demo_db, aid)) == 1


def test_a_printer_that_never_answers_times_out_and_the_scan_never_waits(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab
) -> None:
    shell = make_shell(demo_db, print_on_checkin=True, printer="Stall", print_timeout_s=4)
    win = ready(qtbot, shell)
    (_first, code1), (_second, code2) = badge_codes(demo_db, 2)
    started: list[Any] = []
    shell.printing.changed.connect(lambda i: started.append(i) if i.job_id else None)
    scan(qtbot, win, code1)
    qtbot.waitUntil(lambda: bool(started), timeout=15000)  # CUPS took the job: it hangs
    t = time.monotonic()
    assert scan(qtbot, win, code2).outcome is Outcome.ADMITTED
    assert time.monotonic() - t < 2.0  # the hanging printer does not hold the scan
    item = finished(qtbot, shell)
    assert item.status is PrintStatus.TIMEOUT and item.problem is PrintProblem.NO_ANSWER
    assert item.result.withdrawn  # cancelled in CUPS: it cannot come out later
    assert "did not print the badge within 4 s" in item.text("en")


def test_a_label_too_small_for_the_qr_code_says_so(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab
) -> None:
    shell = make_shell(demo_db, printer="PDF", label="30x20mm")
    ready(qtbot, shell)
    aid, _code = badge_codes(demo_db, 1)[0]
    shell.printing.print_badge(aid, "amy", "walk-in")
    item = finished(qtbot, shell)
    assert item.problem is PrintProblem.LABEL_TOO_SMALL
    box = shell.printer_panel.problem
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    assert "The label is too small for a badge" in box.text.text()
    assert "0.5 mm a module" in box.text.text()
    assert not box.retry_btn.isVisible()
    dlg = open_picker(qtbot, shell)
    assert "too small" in dlg.qr.text()


def test_test_print_prints_a_sample_badge_and_logs_nothing(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab
) -> None:
    shell = make_shell(demo_db)
    ready(qtbot, shell)
    before = len(print_entries(demo_db))
    dlg = open_picker(qtbot, shell)
    pick(qtbot, dlg.printer, "PDF")
    pick(qtbot, dlg.label, "a6")
    qtbot.mouseClick(dlg.test_btn, Qt.MouseButton.LeftButton)
    item = finished(qtbot, shell)
    assert item.kind == "test" and item.status is PrintStatus.PRINTED
    assert lab.cups.captured(item.job_id).startswith(b"%PDF")
    assert item.text("zh").startswith("打印完成")
    assert len(print_entries(demo_db)) == before


def test_without_cups_qt_prints_and_says_sent_never_printed(
    qtbot: Any, make_shell: Any, demo_db: Path, desk_cups: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    # CUPS made unavailable to the station host, as on Windows: pycups cannot be imported.
    fake = tmp_path / "nocups"
    (fake / "cups").mkdir(parents=True)
    (fake / "cups" / "__init__.py").write_text("raise ImportError('no pycups on this system')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")]))
    # Qt prints to the system's printer: here the test process's own private CUPS.
    desk_cups.add_queue("Office", f"capture:{desk_cups.out}")
    try:
        shell = make_shell(demo_db, printer="Office")
        ready(qtbot, shell)
        qtbot.waitUntil(lambda: shell.printing.cups is False, timeout=15000)
        qtbot.waitUntil(lambda: "Office" in bar_text(shell) and "ready" in bar_text(shell),
                        timeout=15000)  # fmt: skip
        aid, _code = badge_codes(demo_db, 1)[0]
        shell.printing.print_badge(aid, "amy", "walk-in")
        item = finished(qtbot, shell)
        assert item.status is PrintStatus.SENT, item
        assert bar_text(shell).startswith("Sent: Badge of")
        assert "cannot be followed" in bar_text(shell)
        qtbot.waitUntil(lambda: len(prints_of(demo_db, aid)) == 1, timeout=10000)
        deadline = time.monotonic() + 10
        while not list(desk_cups.out.glob("job-*.bin")) and time.monotonic() < deadline:
            qtbot.wait(50)
        assert list(desk_cups.out.glob("job-*.bin")), desk_cups.log()
        shell.printing.test_print()  # the sample badge is drawn by the host, painted here
        sample = finished(qtbot, shell)
        assert sample.kind == "test" and sample.status is PrintStatus.SENT, sample
    finally:
        desk_cups.lpadmin("-x", "Office")
        desk_cups.queues.remove("Office")


def test_a_job_cancelled_from_outside_and_a_stopped_queue_are_said(
    qtbot: Any, make_shell: Any, demo_db: Path, lab: PrintLab
) -> None:
    import subprocess

    shell = make_shell(demo_db, printer="Stall", print_timeout_s=30)
    ready(qtbot, shell)
    (aid, _c1), (aid2, _c2) = badge_codes(demo_db, 2)
    taken: list[int] = []
    shell.printing.changed.connect(lambda i: taken.append(i.job_id) if i.job_id else None)
    shell.printing.print_badge(aid, "amy", "walk-in")
    qtbot.waitUntil(lambda: bool(taken), timeout=15000)
    # Someone cancels it at the print server (`cancel`, the printer's panel).
    subprocess.run(["cancel", "-h", lab.server, str(taken[0])], check=True)
    item = finished(qtbot, shell)
    assert item.status is PrintStatus.CANCELLED, item
    assert item.text("en").startswith("Not printed: Badge of")
    assert "was cancelled on Stall" in item.text("en") and "已被取消" in item.text("zh")
    assert prints_of(demo_db, aid) == []

    # A queue stopped by staff (cupsdisable): "the job stopped", and Retry once it runs.
    subprocess.run(["cupsdisable", "-h", lab.server, "Label"], check=True)
    try:
        shell.printing.set_choice("Label", "4x3in")
        shell.printing.print_badge(aid2, "amy", "walk-in")
        stopped = finished(qtbot, shell)
        assert stopped.problem is PrintProblem.STOPPED, stopped
        assert "The print job stopped on Label" in stopped.text("en")
    finally:
        subprocess.run(["cupsenable", "-h", lab.server, "Label"], check=True)
    box = shell.printer_panel.problem
    qtbot.waitUntil(lambda: box.isVisible(), timeout=3000)
    qtbot.mouseClick(box.retry_btn, Qt.MouseButton.LeftButton)
    done = finished(qtbot, shell)
    assert done.status is PrintStatus.PRINTED and len(prints_of(demo_db, aid2)) == 1


def test_cups_not_answering_is_said_before_and_at_a_print(
    qtbot: Any, make_shell: Any, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cupsd.sock"))
    shell = make_shell(demo_db, print_on_checkin=True)
    win = ready(qtbot, shell)
    qtbot.waitUntil(lambda: "does not answer" in bar_text(shell), timeout=15000)
    assert (
        bar_text(shell)
        == "The default printer · 4x3in: The printing service (CUPS) does not answer"
    )
    (aid, code), _ = badge_codes(demo_db, 2)
    scan(qtbot, win, code)
    item = finished(qtbot, shell)
    assert item.problem is PrintProblem.SERVER_DOWN, item
    assert prints_of(demo_db, aid) == []
