"""Printing at the desk: the print-once policy (real store) and Qt printing of one badge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from kiosk.badges.printing import BadgeDesk, PrintJob
from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import CheckinResult, Outcome
from kiosk.models.records import AttendeeInput
from kiosk.scan.decoders import make_decoder
from tests.test_badges import decode_pdf, embedded_fonts, pdf_text
from ui.desk.printing import (
    PrintStatus,
    available_printers,
    badge_image,
    print_badge,
)


@pytest.fixture
def desk(service: CheckinService) -> BadgeDesk:
    service.store.upsert_attendees(
        [
            AttendeeInput(name="Li Na", name_zh="李娜", organization="LONGi Green Energy",
                          organization_zh="隆基绿能科技股份有限公司", category="speaker",
                          external_id="S-1"),
            AttendeeInput(name="Amy Chen", category="press", external_id="P-1"),
        ],
        service.new_attendee_id,
        service.clock.now(),
    )  # fmt: skip
    service.store.set_station_name("desk-2")
    return BadgeDesk(service)


def test_a_badge_is_printed_once_unless_a_reprint_is_asked_for(desk: BadgeDesk) -> None:
    svc = desk.service
    job = desk.prepare("S-1", operator="amy")
    assert job is not None and not job.reprint
    assert job.code == svc.badge_code("S-1") and job.drawing.code == job.code
    assert desk.should_print("S-1")  # nothing reached a printer yet: may try again
    desk.record(job, operator="amy")
    assert not desk.should_print("S-1")
    assert desk.prepare("S-1") is None
    [logged] = desk.prints(job.attendee.attendee_id)
    assert (logged.badge_id, logged.station, logged.operator) == (job.badge_id, "desk-2", "amy")

    again = desk.prepare("S-1", reprint=True, operator="amy", reason="lost badge")
    assert again is not None and again.reprint and again.code != job.code
    assert again.version == job.version + 1
    # The old code is refused at the door, the new one admits.
    assert svc.check_in(job.code, "opening").outcome is Outcome.REVOKED_BADGE
    assert svc.check_in(again.code, "opening").outcome is Outcome.ADMITTED
    desk.record(again, operator="amy")
    assert [p.reason for p in desk.prints(job.attendee.attendee_id)] == [
        "first print",
        "lost badge",
    ]
    assert desk.prepare("S-1") is None


def _on_check_in(desk: BadgeDesk, result: CheckinResult) -> PrintJob | None:
    """What the desk does with "print at first check-in" on (ui.desk.view, station host)."""
    if result.outcome is not Outcome.ADMITTED or not result.attendee_id:
        return None
    return desk.prepare(result.attendee_id, reason="first check-in", only_first=True)


def test_print_on_first_check_in(desk: BadgeDesk) -> None:
    svc = desk.service
    admitted = svc.check_in(svc.badge_code("P-1"), "opening")
    job = _on_check_in(desk, admitted)
    assert job is not None and job.reason == "first check-in"
    desk.record(job)
    # A repeat scan or a refused one prints nothing.
    assert _on_check_in(desk, svc.check_in(job.code, "opening")) is None
    refused = svc.check_in("https://example.com", "opening")
    assert _on_check_in(desk, refused) is None


def test_a_walk_in_gets_a_job_for_the_code_it_was_issued(desk: BadgeDesk) -> None:
    done = desk.service.walk_in(AttendeeInput(name="Wang Fang", name_zh="王芳", category="guest"))
    attendee, code = done.attendee, done.code
    job = desk.prepare(attendee.attendee_id)
    assert job is not None and job.code == code


def test_no_printer_is_an_ordinary_outcome(qapp: QApplication, desk: BadgeDesk) -> None:
    job = desk.prepare("S-1")
    assert job is not None
    assert available_printers() == []  # the test process's private CUPS has no printer
    outcome = print_badge(job.drawing)
    assert outcome.status is PrintStatus.NO_PRINTER and not outcome.ok
    assert str(outcome) == "No printer is set up on this computer · 本机未设置打印机"
    assert print_badge(job.drawing, "Badge Printer").status is PrintStatus.NO_PRINTER
    assert desk.should_print("S-1")  # nothing recorded: the desk can try again


def test_printing_through_qt_gives_a_decodable_bilingual_badge(
    qapp: QApplication, desk: BadgeDesk, tmp_path: Path
) -> None:
    job = desk.prepare("S-1")
    assert job is not None
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    outcome = print_badge(job.drawing, printer=printer)
    assert outcome.ok, str(outcome)
    assert decode_pdf(out) == [job.code]
    text = pdf_text(out)
    for expected in (
        "李娜",
        "Li Na",
        "隆基绿能科技股份有限公司",
        "演讲嘉宾",
        "2024中美清洁技术合作论坛",
    ):
        assert expected in text
    assert any("NotoSans" in name and emb == "yes" for name, emb in embedded_fonts(out).items())


def test_preview_image_decodes(qapp: QApplication, desk: BadgeDesk) -> None:
    job = desk.prepare("P-1")
    assert job is not None
    image = badge_image(job.drawing, dpi=150).convertToFormat(QImage.Format.Format_Grayscale8)
    assert (image.width(), image.height()) == (600, 450)  # 4 x 3 in at 150 dpi
    row = image.bytesPerLine()
    gray = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), row)[
        :, : image.width()
    ]
    assert [d.text for d in make_decoder("zxing").decode(np.ascontiguousarray(gray))] == [job.code]
