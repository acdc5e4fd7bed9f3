"""The rules that say what became of a print job (kiosk.badges.printstate), the label
stocks (kiosk.badges.stocks) and choosing a queue's media: pure, no printer, no sleeping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.badges.cupsprint import media_for, media_size, probe_device, split_server
from kiosk.badges.design import BadgeData, LabelTooSmall, compose
from kiosk.badges.layouts import LAYOUTS, get_layout
from kiosk.badges.pdfdoc import (
    BADGE_FONT_FILES,
    FONT_FILES,
    badge_font_covers,
    fonts_for,
    new_pdf,
)
from kiosk.badges.printstate import (
    JOB_ABORTED,
    JOB_CANCELED,
    JOB_COMPLETED,
    JOB_HELD,
    JOB_PENDING,
    JOB_PROCESSING,
    PRINTER_PROCESSING,
    PRINTER_STOPPED,
    FollowPolicy,
    JobView,
    PrinterView,
    PrintProblem,
    PrintResult,
    PrintStatus,
    Reach,
    judge,
    printer_problem,
)
from kiosk.badges.render import SAMPLE_CODE, BadgeRenderer, FpdfMeasure
from kiosk.badges.stocks import LABEL_NAMES, Orientation, parse_label
from kiosk.checkin.service import CheckinService
from kiosk.models.errors import ValidationError
from kiosk.models.records import Attendee, AttendeeInput
from tests.helpers.cupsd import Listener, free_port

P = FollowPolicy(timeout_s=10.0, offline_after_s=3.0)
BUSY = PrinterView(state=PRINTER_PROCESSING)


def job(state: int, reasons: tuple[str, ...] = (), printer_state: int = PRINTER_PROCESSING,
        message: str = "", accepting: bool = True) -> JobView:  # fmt: skip
    return JobView(state, PrinterView(printer_state, reasons, message, accepting), message)


# -- what a job's state means ---------------------------------------------------------------
def test_completed_is_printed_even_with_processing_to_stop_point() -> None:
    v = judge(job(JOB_COMPLETED, ("processing-to-stop-point",)), 0.2, Reach.UNKNOWN, P)
    assert v.status is PrintStatus.PRINTED and v.problem is None


def test_cancelled_and_aborted() -> None:
    assert judge(job(JOB_CANCELED), 1, Reach.UNKNOWN, P).status is PrintStatus.CANCELLED
    aborted = judge(job(JOB_ABORTED, message="The printer is not responding."), 15,
                    Reach.UNKNOWN, P)  # fmt: skip
    assert (aborted.status, aborted.problem) == (PrintStatus.FAILED, PrintProblem.STOPPED)
    assert aborted.detail == ("CUPS: The printer is not responding.",
                              "CUPS：The printer is not responding.")  # fmt: skip
    offline = judge(job(JOB_ABORTED), 15, Reach.UNREACHABLE, P)
    assert offline.problem is PrintProblem.OFFLINE


def test_a_device_that_cannot_be_reached_is_offline_only_after_the_grace() -> None:
    waiting = job(JOB_PROCESSING, ("none",), message="Connecting to printer.")
    early = judge(waiting, 1.0, Reach.UNREACHABLE, P)
    assert (
        early.status is PrintStatus.PRINTING and early.detail[0] == "CUPS: Connecting to printer."
    )
    late = judge(waiting, 3.0, Reach.UNREACHABLE, P)
    assert (late.status, late.problem) == (PrintStatus.FAILED, PrintProblem.OFFLINE)
    # A reachable printer that is slow (a foomatic driver) keeps printing until the timeout.
    assert judge(waiting, 9.9, Reach.REACHABLE, P).status is PrintStatus.PRINTING
    timeout = judge(waiting, 10.0, Reach.REACHABLE, P)
    assert (timeout.status, timeout.problem) == (PrintStatus.TIMEOUT, PrintProblem.NO_ANSWER)
    # A printer whose address refuses may be a busy one-connection printer: 3 x the grace.
    assert judge(waiting, 8.9, Reach.REFUSED, P).status is PrintStatus.PRINTING
    assert judge(waiting, 9.0, Reach.REFUSED, P).problem is PrintProblem.OFFLINE
    # A USB printer that CUPS reports offline (offline-report) is the same.
    usb = job(JOB_PROCESSING, ("offline-report",))
    assert judge(usb, 3.5, Reach.UNKNOWN, P).problem is PrintProblem.OFFLINE


def test_printer_reasons_name_the_problem_and_warnings_are_not_problems() -> None:
    for reasons, problem in [
        (("media-empty-error",), PrintProblem.OUT_OF_MEDIA),
        (("media-needed",), PrintProblem.OUT_OF_MEDIA),
        (("media-jam-error",), PrintProblem.NEEDS_ATTENTION),
        (("cover-open-error",), PrintProblem.NEEDS_ATTENTION),
        (("marker-supply-empty-error",), PrintProblem.NEEDS_ATTENTION),
        (("paused",), PrintProblem.STOPPED),
    ]:
        v = judge(job(JOB_PROCESSING, reasons), 0.1, Reach.UNKNOWN, P)
        assert (v.status, v.problem) == (PrintStatus.FAILED, problem), reasons
    jam = judge(job(JOB_PROCESSING, ("media-jam-error",)), 0.1, Reach.UNKNOWN, P)
    assert jam.detail == ("labels or paper jammed", "卡纸")
    low = job(JOB_PROCESSING, ("media-low-warning", "marker-supply-low-warning"))
    assert judge(low, 0.1, Reach.REACHABLE, P).status is PrintStatus.PRINTING


def test_a_stopped_queue_stops_a_pending_job_and_a_held_job_is_stopped() -> None:
    stopped = judge(job(JOB_PENDING, ("paused",), PRINTER_STOPPED, "The printer is not responding."),
                    0.1, Reach.UNKNOWN, P)  # fmt: skip
    assert stopped.problem is PrintProblem.STOPPED and "not responding" in stopped.detail[0]
    assert judge(job(JOB_HELD), 0.1, Reach.UNKNOWN, P).problem is PrintProblem.STOPPED
    # Pending behind another job on a working printer: just waiting.
    assert judge(job(JOB_PENDING), 5, Reach.REACHABLE, P).status is PrintStatus.PRINTING


def test_printer_state_before_anyone_scans() -> None:
    assert printer_problem(PrinterView()) is None
    assert printer_problem(PrinterView(), Reach.UNREACHABLE).problem is PrintProblem.OFFLINE  # type: ignore[union-attr]
    busy = PrinterView(state=PRINTER_PROCESSING)
    assert printer_problem(busy, Reach.REFUSED) is None  # one connection at a time, busy
    assert printer_problem(PrinterView(), Reach.REFUSED).problem is PrintProblem.OFFLINE  # type: ignore[union-attr]
    refusing = printer_problem(PrinterView(accepting=False))
    assert refusing is not None and refusing.problem is PrintProblem.REFUSED


def test_follow_policy_polls_fast_then_slower_and_refuses_nonsense() -> None:
    assert P.poll_after(0.5) == 0.1 and P.poll_after(5) == 0.25
    with pytest.raises(ValueError):
        FollowPolicy(timeout_s=0)


# -- what the desk and print-badge say ------------------------------------------------------
def test_every_outcome_and_problem_says_it_in_both_languages() -> None:
    for status in PrintStatus:
        r = PrintResult(status, "Zebra", 7, timeout_s=30)
        if status in (PrintStatus.FAILED, PrintStatus.TIMEOUT):
            continue
        assert r.message and r.message_zh and r.message != r.message_zh
    for problem in PrintProblem:
        r = PrintResult(PrintStatus.FAILED, "Zebra", 7, problem=problem, timeout_s=30)
        assert r.message and r.message_zh and r.message != r.message_zh, problem
    r = PrintResult(PrintStatus.TIMEOUT, "Zebra", 7, problem=PrintProblem.NO_ANSWER,
                    timeout_s=30, withdrawn=True, attendee_id="A-1", badge_id=5, label="4x3in")  # fmt: skip
    assert str(r) == (
        "Zebra did not print the badge within 30 s (the job was withdrawn: it will not print "
        "later) · 打印机Zebra在30秒内未打印出胸卡（任务已撤回，不会稍后打印）"
    )
    line = json.loads(json.dumps(r.to_json(), ensure_ascii=False))
    assert line["status"] == "timeout" and line["problem"] == "no_answer"
    assert (line["printer"], line["job_id"], line["badge_id"]) == ("Zebra", 7, 5)
    assert line["message_zh"].startswith("打印机Zebra")


# -- label stocks ------------------------------------------------------------------------------
def test_label_names_orientations_and_sizes() -> None:
    assert LABEL_NAMES == (
        "4x3in", "4x3in-portrait", "4x6in", "4x6in-landscape", "2.25x4in",
        "2.25x4in-landscape", "62x100mm", "62x100mm-landscape", "a6", "a6-landscape",
    )  # fmt: skip
    four = parse_label("4x3in")
    assert four.orientation is Orientation.LANDSCAPE and not four.rotated
    assert four.badge == pytest.approx((101.6, 76.2))
    turned = parse_label("4x3in-portrait")
    assert turned.rotated and turned.media == four.media
    assert turned.badge == pytest.approx((76.2, 101.6))
    assert parse_label("4x3in-landscape") == four and parse_label(" A6 ").name == "a6"
    custom = parse_label("54x101mm-landscape")
    assert custom.media == (54.0, 101.0) and custom.badge == (101.0, 54.0)
    assert parse_label("3x2in").media == pytest.approx((76.2, 50.8))
    for bad in ("4x3cm", "a6-sideways", "4x3", "2x500mm", ""):
        with pytest.raises(ValidationError):
            parse_label(bad)
    assert get_layout("54x101mm").worn == (54.0, 101.0)


@pytest.mark.parametrize("label", LABEL_NAMES)
def test_the_badge_fits_every_stock_and_keeps_half_a_millimetre_modules(
    label: str, service: CheckinService
) -> None:
    lay = LAYOUTS[label]
    measure = FpdfMeasure(new_pdf(lay.worn, "t"))
    longest = Attendee("x", name="Maximilian Alexander Featherstonehaugh-Montgomery",
                       name_zh="欧阳明远", organization="中国国际贸易促进委员会北京市分会国际联络部",
                       organization_zh="中国国际贸易促进委员会北京市分会", title="Head of "
                       "International Partnerships and Government Relations", category="speaker")  # fmt: skip
    d = compose(BadgeData(longest, SAMPLE_CODE), service.event, lay.worn, measure)
    assert d.module_mm >= 0.5 and (d.width, d.height) == pytest.approx(lay.worn)
    for t in (i for i in d.items if hasattr(i, "text")):
        assert measure.width(t.text, t.bold, t.size_pt) <= t.w + 0.01, (label, t.text)
        assert t.x >= 0 and t.x + t.w <= d.width + 1e-6 and t.y >= -1e-6
        assert t.y + t.h <= d.height + 1e-6
    q = d.qr
    assert q.x >= 0 and q.y >= 0 and q.x + q.side <= d.width and q.y + q.side <= d.height


def test_a_label_too_small_for_a_badge_says_so_in_both_languages(service: CheckinService) -> None:
    with pytest.raises(LabelTooSmall) as err:
        BadgeRenderer(service.event, "30x20mm").module_mm()
    assert "too small" in err.value.en and "太小" in err.value.zh
    assert "26.5 mm" in err.value.en and "0.5 mm a module" in err.value.en


def test_a_name_outside_the_badge_font_takes_the_whole_font(
    service: CheckinService, tmp_path: Path
) -> None:
    assert fonts_for(["Li Na", "李娜", "隆基绿能科技股份有限公司"]) is BADGE_FONT_FILES
    assert not badge_font_covers(["龑"]) and fonts_for(["龑"]) is FONT_FILES  # not in GB 2312
    from tests.test_badges import decode_pdf, pdf_text

    done = service.walk_in(AttendeeInput(name="Liu Yan", name_zh="刘龑", category="guest"))
    out = tmp_path / "rare.pdf"
    BadgeRenderer(service.event, "4x3in").write_pdf([BadgeData(done.attendee, done.code)], out)
    assert "刘龑" in pdf_text(out) and decode_pdf(out) == [done.code]


# -- queues' media, servers, reachability -----------------------------------------------------
ZEBRA = ["iso_a4_210x297mm", "custom_4x3in_4x3in", "custom_3x4in_3x4in", "na_index-4x6_4x6in",
         "custom_4x5in_4x5in"]  # fmt: skip
DYMO = ["custom_58.76x101.6mm_58.76x101.6mm", "custom_61.89x102.87mm_61.89x102.87mm",
        "custom_min_3.53x3.53mm", "custom_max_56.9x2709.33mm"]  # fmt: skip
QL = ["custom_62.09x100.19mm_62.09x100.19mm", "custom_62.09x28.93mm_62.09x28.93mm",
      "custom_min_0.5x0.5in", "custom_max_35277.78x35277.78mm"]  # fmt: skip


def test_the_queue_media_nearest_the_label_as_fed() -> None:
    assert media_size("na_index-4x6_4x6in") == pytest.approx((101.6, 152.4))
    assert media_for(ZEBRA, parse_label("4x3in")) == "custom_4x3in_4x3in"
    assert media_for(ZEBRA, parse_label("4x3in-portrait")) == "custom_4x3in_4x3in"  # as fed
    assert media_for(ZEBRA, parse_label("4x6in")) == "na_index-4x6_4x6in"
    assert media_for(DYMO, parse_label("2.25x4in")) == "custom_58.76x101.6mm_58.76x101.6mm"
    assert (
        media_for(QL, parse_label("62x100mm-landscape")) == "custom_62.09x100.19mm_62.09x100.19mm"
    )
    assert media_for(QL, parse_label("a6")) == "Custom.105.00x148.00mm"  # custom sizes taken
    assert media_for(ZEBRA, parse_label("a6")) is None  # neither: the queue's own default
    assert media_for(None, parse_label("a6")) is None  # a raw queue


def test_cups_server_names() -> None:
    assert split_server("/tmp/c/cups.sock") == ("/tmp/c/cups.sock", 0)
    assert split_server("print.example:631") == ("print.example", 631)
    assert split_server("[::1]:8631") == ("::1", 8631)
    assert split_server("localhost") == ("localhost", 0)


def test_reachability_probe() -> None:
    printer = Listener()
    try:
        assert probe_device(printer.uri + "/?contimeout=5") is Reach.REACHABLE
    finally:
        printer.close()
    assert probe_device(f"socket://127.0.0.1:{free_port()}") is Reach.REFUSED
    assert probe_device("usb://DYMO/LabelWriter%20450?serial=1") is Reach.UNKNOWN
    assert probe_device("capture:/tmp/out") is Reach.UNKNOWN
    assert printer.jobs == []  # a probe is not a print job


def test_badges_command_takes_the_label_stocks(demo_db: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kiosk.cli import load_commands
    from tests.test_badges import decode_pdf, page_count

    out = tmp_path / "labels.pdf"
    res = CliRunner().invoke(load_commands(), ["badges", "--db", str(demo_db), "--out", str(out),
                                               "--attendee", "CTF24-00001,CTF24-00002",
                                               "--layout", "2.25x4in-landscape"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "2 badges on 2 pages (2.25x4in-landscape, QR module 0.54 mm" in res.output
    assert page_count(out) == 2 and len(decode_pdf(out, page=2, dpi=300)) == 1
    res = CliRunner().invoke(load_commands(), ["badges", "--db", str(demo_db), "--out",
                                               str(out), "--layout", "a5"])  # fmt: skip
    assert res.exit_code == 2 and "unknown badge layout 'a5'" in res.output
