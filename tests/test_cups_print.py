"""Badges printed through a real, private CUPS (tests/helpers/cupsd.PrintLab), each job
followed to its end: what came out (the PDF, ZPL, DYMO and Brother raster) decodes to the
badge's exact code; offline, out of labels, no answer, cancelled from outside; a failed
badge stays printable and a retry on another printer prints and logs it once."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from kiosk.badges.cupsprint import CupsPrinters, Submitted
from kiosk.badges.layouts import LAYOUTS
from kiosk.badges.printing import BadgeDesk, DeskPrinter
from kiosk.badges.printstate import (
    FollowPolicy,
    PrintProblem,
    PrintResult,
    PrintStatus,
    Reach,
)
from kiosk.badges.stocks import LABEL_NAMES, parse_label
from kiosk.checkin.service import CheckinService
from kiosk.models.records import AttendeeInput
from kiosk.scan.decoders import make_decoder
from tests.helpers.cupsd import PrintLab
from tests.test_badges import decode_pdf, embedded_fonts, pdf_text

QUICK = FollowPolicy(timeout_s=20.0, offline_after_s=1.0)


@pytest.fixture
def cups(print_lab: PrintLab) -> CupsPrinters:
    return CupsPrinters(print_lab.server)


@pytest.fixture
def desk(service: CheckinService) -> BadgeDesk:
    service.store.upsert_attendees(
        [
            AttendeeInput(name="Li Na", name_zh="李娜", organization="LONGi Green Energy",
                          organization_zh="隆基绿能科技股份有限公司", category="speaker",
                          external_id="S-1"),
            AttendeeInput(name="Amy Chen", name_zh="陈爱美", category="press",
                          external_id="P-1"),
        ],
        service.new_attendee_id,
        service.clock.now(),
    )  # fmt: skip
    service.store.set_station_name("desk-1")
    return BadgeDesk(service)


def record(desk: BadgeDesk) -> object:
    return lambda job, result: desk.record_result(job, result, "amy")


# -- what comes out ----------------------------------------------------------------------
@pytest.mark.parametrize("label", LABEL_NAMES)
def test_every_stock_prints_a_pdf_that_decodes_to_the_badge_code_at_300_dpi(
    label: str, desk: BadgeDesk, cups: CupsPrinters, print_lab: PrintLab, tmp_path: Path
) -> None:
    job = desk.prepare("S-1", label=label)
    assert job is not None and job.label == label
    result = DeskPrinter(cups, "PDF", QUICK).print(job, record(desk))  # type: ignore[arg-type]
    assert result.status is PrintStatus.PRINTED, str(result)
    assert result.printer == "PDF" and result.job_id is not None and result.logged
    out = tmp_path / "printed.pdf"
    out.write_bytes(print_lab.cups.captured(result.job_id))
    assert decode_pdf(out, dpi=300) == [job.code]
    text = pdf_text(out)
    assert "李娜" in text and "隆基绿能科技股份有限公司" in text and "演讲嘉宾" in text
    assert any("NotoSans" in f and emb == "yes" for f, emb in embedded_fonts(out).items())
    page = _page_size_mm(out)
    assert page == pytest.approx(LAYOUTS[label].page, abs=0.3)  # the label as fed
    [logged] = desk.prints(job.attendee.attendee_id)
    assert logged.uuid == result.logged and logged.badge_id == job.badge_id


def test_the_zebra_queue_gets_zpl_whose_graphic_is_the_badge(
    desk: BadgeDesk, cups: CupsPrinters, print_lab: PrintLab
) -> None:
    job = desk.prepare("P-1", label="4x3in")
    assert job is not None
    before = print_lab.zebra.mark()
    result = DeskPrinter(cups, "Zebra", QUICK).print(job, record(desk))  # type: ignore[arg-type]
    assert result.status is PrintStatus.PRINTED, str(result)
    zpl = print_lab.zebra.next_job(before)
    assert zpl.startswith(b"~DG") and b"^XA" in zpl and zpl.rstrip().endswith(b"^XZ")
    image = zpl_graphic(zpl)
    # 4 x 3 in at the Zebra's 203 dpi: the label we asked for, not the queue's default.
    assert image.shape[1] == pytest.approx(4 * 203, abs=8)
    assert image.shape[0] == pytest.approx(3 * 203, abs=8)
    assert _decode(image) == [job.code]


@pytest.mark.slow
def test_dymo_and_brother_ql_queues_get_their_raster_languages(
    desk: BadgeDesk, cups: CupsPrinters, print_lab: PrintLab
) -> None:
    dymo_job = desk.prepare("S-1", label="2.25x4in")
    assert dymo_job is not None
    before = print_lab.dymo.mark()
    done = DeskPrinter(cups, "DYMO", QUICK).print(dymo_job, record(desk))  # type: ignore[arg-type]
    assert done.status is PrintStatus.PRINTED, str(done)
    raster = print_lab.dymo.next_job(before)
    # DYMO LabelWriter: ESC commands, lines of dots (SYN / ETB), then a form feed (ESC E).
    assert raster.startswith(b"\x1b") and b"\x1bD" in raster and raster.endswith(b"\x1bE")
    image = dymo_graphic(raster)
    assert image.shape[0] == pytest.approx(4 * 300, abs=100)  # 4 in at 300 dpi
    assert _decode(image) == [dymo_job.code]

    ql_job = desk.prepare("P-1", label="62x100mm")
    assert ql_job is not None
    before = print_lab.ql.mark()
    done = DeskPrinter(cups, "QL", QUICK).print(ql_job, record(desk))  # type: ignore[arg-type]
    assert done.status is PrintStatus.PRINTED, str(done)
    raster = print_lab.ql.next_job(before)
    # Brother QL raster: invalidate, ESC @ (initialise), ESC i a 1 (raster mode), rows,
    # and the last page ends with 0x1A (print and feed).
    assert raster.lstrip(b"\x00").startswith(b"\x1b@") and b"\x1bia\x01" in raster
    assert raster.endswith(b"\x1a") and raster.count(b"g\x00") > 500


def test_the_raw_label_queue_gets_the_badge_pdf_as_sent(
    desk: BadgeDesk, cups: CupsPrinters, print_lab: PrintLab, tmp_path: Path
) -> None:
    job = desk.prepare("P-1", label="62x100mm-landscape")
    assert job is not None
    before = print_lab.label.mark()
    result = DeskPrinter(cups, "Label", QUICK).print(job, record(desk))  # type: ignore[arg-type]
    assert result.status is PrintStatus.PRINTED, str(result)
    sent = print_lab.label.next_job(before)
    assert sent.startswith(b"%PDF-") and sent.rstrip().endswith(b"%%EOF")
    (tmp_path / "sent.pdf").write_bytes(sent)
    assert decode_pdf(tmp_path / "sent.pdf", dpi=300) == [job.code]


# -- when it does not print --------------------------------------------------------------
def test_a_dead_printer_is_offline_within_the_timeout_and_a_retry_elsewhere_logs_once(
    desk: BadgeDesk, cups: CupsPrinters, print_lab: PrintLab
) -> None:
    job = desk.prepare("S-1")
    assert job is not None
    seen: list[PrintResult] = []
    printer = DeskPrinter(cups, "Dead", QUICK)
    result = printer.print(job, record(desk), on_change=seen.append)  # type: ignore[arg-type]
    assert result.status is PrintStatus.FAILED and result.problem is PrintProblem.OFFLINE
    assert result.seconds < QUICK.timeout_s and result.withdrawn
    assert seen and seen[0].status is PrintStatus.PRINTING and seen[0].job_id == result.job_id
    assert "Dead" in result.message and "离线" in result.message_zh
    assert desk.prints(job.attendee.attendee_id) == []  # nothing logged
    assert _job_state(cups, result) == 7  # withdrawn: it will not print when Dead wakes up

    again = desk.prepare("S-1")  # the badge is still printable
    assert again is not None and again.code == job.code
    done = printer.print(again, record(desk), printer="PDF")  # type: ignore[arg-type]
    assert done.status is PrintStatus.PRINTED
    assert [p.badge_id for p in desk.prints(job.attendee.attendee_id)] == [job.badge_id]
    assert desk.prepare("S-1") is None  # printed: refused without a reprint


def test_a_job_cancelled_from_outside_is_reported_as_cancelled(
    desk: BadgeDesk, cups: CupsPrinters, print_lab: PrintLab
) -> None:
    job = desk.prepare("P-1")
    assert job is not None

    def cancel_it(r: PrintResult) -> None:
        if r.job_id is not None and not cancelled:
            cancelled.append(r.job_id)
            subprocess.run(["cancel", "-h", print_lab.server, str(r.job_id)], check=True)

    cancelled: list[int] = []
    result = DeskPrinter(cups, "Stall", QUICK).print(job, record(desk), on_change=cancel_it)  # type: ignore[arg-type]
    assert cancelled == [result.job_id]
    assert result.status is PrintStatus.CANCELLED and not result.withdrawn
    assert "cancelled" in result.message and "取消" in result.message_zh
    assert desk.should_print("P-1")


def test_cancel_job_through_pycups_on_a_dead_queue(cups: CupsPrinters, desk: BadgeDesk) -> None:
    job = desk.prepare("P-1")
    assert job is not None
    sub = cups.submit("Dead", job.pdf(), job.title, parse_label(job.label))
    assert isinstance(sub, Submitted)
    threading.Timer(0.3, lambda: cups.connect().cancelJob(sub.job_id)).start()
    result = cups.follow(sub, FollowPolicy(timeout_s=20, offline_after_s=10))
    assert result.status is PrintStatus.CANCELLED


def test_a_printer_that_never_answers_times_out_and_the_job_is_withdrawn(
    desk: BadgeDesk, cups: CupsPrinters
) -> None:
    job = desk.prepare("P-1")
    assert job is not None
    policy = FollowPolicy(timeout_s=2.0, offline_after_s=0.5)
    result = DeskPrinter(cups, "Stall", policy).print(job, record(desk))  # type: ignore[arg-type]
    assert result.status is PrintStatus.TIMEOUT and result.problem is PrintProblem.NO_ANSWER
    assert 2.0 <= result.seconds < 10 and result.withdrawn
    assert "within 2 s" in result.message and "2秒内" in result.message_zh
    assert _job_state(cups, result) == 7
    assert desk.should_print("P-1")


def test_out_of_labels(desk: BadgeDesk, cups: CupsPrinters) -> None:
    job = desk.prepare("P-1")
    assert job is not None
    result = DeskPrinter(cups, "NoLabels", QUICK).print(job, record(desk))  # type: ignore[arg-type]
    assert result.status is PrintStatus.FAILED and result.problem is PrintProblem.OUT_OF_MEDIA
    assert result.seconds < QUICK.timeout_s and result.withdrawn
    assert "out of labels" in result.message and "缺标签" in result.message_zh
    assert desk.should_print("P-1")


def test_a_badge_already_printing_is_not_sent_twice(desk: BadgeDesk, cups: CupsPrinters) -> None:
    job = desk.prepare("P-1")
    assert job is not None
    printer = DeskPrinter(cups, "Stall", FollowPolicy(timeout_s=3.0, offline_after_s=1.0))
    results: list[PrintResult] = []
    started = threading.Event()
    t = threading.Thread(
        target=lambda: results.append(
            printer.print(job, record(desk), on_change=lambda _r: started.set())  # type: ignore[arg-type]
        )
    )
    t.start()
    assert started.wait(10)
    second = printer.print(job, record(desk))  # type: ignore[arg-type]
    assert second.status is PrintStatus.FAILED and second.problem is PrintProblem.IN_PROGRESS
    t.join(20)
    assert results[0].status is PrintStatus.TIMEOUT


# -- printers before anyone scans ----------------------------------------------------------
def test_printers_are_listed_default_first_with_their_state(
    cups: CupsPrinters, print_lab: PrintLab
) -> None:
    printers = cups.printers()
    assert printers[0].name == "PDF" and printers[0].is_default
    assert {p.name for p in printers} >= {"PDF", "Label", "Zebra", "DYMO", "QL", "Dead", "Stall"}
    assert cups.default() == "PDF"
    assert cups.status("PDF").ready and str(cups.status("PDF")) == "PDF is ready · 打印机PDF已就绪"
    dead = cups.status("Dead")
    assert dead.problem is PrintProblem.OFFLINE and dead.reach is Reach.REFUSED
    assert cups.status("Label").reach is Reach.REACHABLE and cups.status("Label").ready
    assert cups.status("Nope").problem is PrintProblem.NOT_FOUND


def test_a_stopped_or_rejecting_queue_is_said_before_and_at_printing(
    cups: CupsPrinters, print_lab: PrintLab, desk: BadgeDesk
) -> None:
    lab = print_lab.cups
    lab.add_queue("Paused", f"capture:{lab.out}")
    try:
        subprocess.run(["cupsdisable", "-h", lab.server, "Paused"], check=True)
        assert cups.status("Paused").problem is PrintProblem.STOPPED
        job = desk.prepare("P-1")
        assert job is not None
        stopped = DeskPrinter(cups, "Paused", QUICK).print(job, record(desk))  # type: ignore[arg-type]
        assert stopped.problem is PrintProblem.STOPPED and stopped.withdrawn
        subprocess.run(["cupsenable", "-h", lab.server, "Paused"], check=True)
        subprocess.run(["cupsreject", "-h", lab.server, "Paused"], check=True)
        assert cups.status("Paused").problem is PrintProblem.REFUSED
        refused = DeskPrinter(cups, "Paused", QUICK).print(job, record(desk))  # type: ignore[arg-type]
        assert refused.problem is PrintProblem.REFUSED and refused.job_id is None
        assert desk.should_print("P-1")
    finally:
        lab.lpadmin("-x", "Paused")


def test_without_a_cups_server_printing_says_so(tmp_path: Path, desk: BadgeDesk) -> None:
    gone = CupsPrinters(str(tmp_path / "no-such.sock"))
    assert gone.printers() == [] and gone.default() == ""
    assert gone.status("PDF").problem is PrintProblem.SERVER_DOWN
    job = desk.prepare("P-1")
    assert job is not None
    result = DeskPrinter(gone, "PDF").print(job, record(desk))  # type: ignore[arg-type]
    assert result.status is PrintStatus.FAILED and result.problem is PrintProblem.SERVER_DOWN
    assert desk.should_print("P-1")


def test_the_test_process_default_server_has_no_printer() -> None:
    """Tests never see the machine's printers: CUPS_SERVER is a private, empty cupsd."""
    default = CupsPrinters()
    assert default.printers() == [] and default.default() == ""


# -- helpers ---------------------------------------------------------------------------------
def _job_state(cups: CupsPrinters, r: PrintResult) -> int:
    attrs = cups.connect().getJobAttributes(r.job_id, requested_attributes=["job-state"])
    return int(attrs["job-state"])


def _page_size_mm(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert m is not None
    return float(m.group(1)) * 25.4 / 72, float(m.group(2)) * 25.4 / 72


def _decode(dots: np.ndarray) -> list[str]:
    """Decode a printer's dot image (True = a black dot)."""
    gray = np.where(dots, 0, 255).astype(np.uint8)
    gray = np.pad(gray, 20, constant_values=255)
    return sorted(d.text for d in make_decoder("zxing").decode(np.ascontiguousarray(gray)))


def zpl_graphic(zpl: bytes) -> np.ndarray:
    """The ~DG graphic of a ZPL job as dots, its ZPL II compression undone: G-Y repeat a
    digit 1-19 times, g-z 20-400 times, ',' ends a row with 0s, '!' with 1s, ':' repeats
    the row before."""
    text = zpl.decode("ascii")
    m = re.search(r"~DG[^,]*,(\d+),(\d+),", text)
    assert m is not None, text[:80]
    total, per_row = int(m.group(1)), int(m.group(2))
    width = per_row * 2
    rows: list[str] = []
    row: list[str] = []
    count = 0
    for ch in text[m.end() :]:
        if len(rows) == total // per_row:
            break
        if ch in "\r\n ":
            continue
        if "G" <= ch <= "Y":
            count += ord(ch) - ord("F")
        elif "g" <= ch <= "z":
            count += (ord(ch) - ord("f")) * 20
        elif ch == ":" and not row:
            rows.append(rows[-1] if rows else "0" * width)
        elif ch in ",!":
            row.extend(("0" if ch == "," else "F") * (width - len(row)))
        else:
            row.extend(ch * (count or 1))
            count = 0
        if len(row) >= width:
            rows.append("".join(row[:width]))
            row = []
    data = bytes.fromhex("".join(rows))
    return np.unpackbits(np.frombuffer(data, np.uint8)).reshape(len(rows), per_row * 8).astype(bool)


def dymo_graphic(raster: bytes) -> np.ndarray:
    """The dots of a DYMO LabelWriter job (raster2dymolw): ESC B n skips n bytes at the left
    of the next lines, ESC D n sets n bytes a line, SYN (0x16) + n bytes is a line, ETB
    (0x17) a run-length line (bit 7 the colour, bits 0-6 the run less one), ESC f 1 n feeds
    n blank lines; the other ESC commands (density, label length, form feed) are skipped."""
    args = {ord("B"): 1, ord("D"): 1, ord("L"): 2, ord("Q"): 2, ord("f"): 2}
    lines: list[bytes] = []
    tab = per = 0
    i = 0
    while i < len(raster):
        b = raster[i]
        if b == 0x1B and i + 1 < len(raster):
            c = raster[i + 1]
            if c == ord("B"):
                tab = raster[i + 2]
            elif c == ord("D"):
                per = raster[i + 2]
            elif c == ord("f"):
                lines += [b""] * raster[i + 3]
            i += 2 + args.get(c, 0)
        elif b == 0x16:
            lines.append(bytes(tab) + raster[i + 1 : i + 1 + per])
            i += 1 + per
        elif b == 0x17:
            bits: list[int] = []
            i += 1
            while len(bits) < per * 8:
                bits += [raster[i] >> 7] * ((raster[i] & 0x7F) + 1)
                i += 1
            lines.append(bytes(tab) + np.packbits(bits[: per * 8]).tobytes())
        else:
            i += 1
    width = max(len(x) for x in lines)
    data = np.frombuffer(b"".join(x.ljust(width, b"\0") for x in lines), np.uint8)
    return np.unpackbits(data).reshape(len(lines), width * 8).astype(bool)


def test_qt_in_a_process_that_printed_on_the_lab_still_sees_no_printer(
    qapp: object, print_lab: PrintLab, cups: CupsPrinters
) -> None:
    """The lab is reached by its address only: Qt (the desk's fallback) keeps the test
    process's own empty server and never the lab's printers, nor the machine's."""
    from PySide6.QtPrintSupport import QPrinterInfo

    assert cups.printers()  # the lab has printers …
    assert QPrinterInfo.availablePrinters() == []  # … Qt does not see them
