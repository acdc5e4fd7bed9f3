"""Meetings on paper: schedule slips with extractable Chinese text and embedded fonts, the
meetings exports counting held, partly held and no-show meetings exactly, and the report's
matchmaking section."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.formats.export import export
from kiosk.formats.report import write_report
from kiosk.models.clock import ManualClock
from kiosk.models.meetings import MeetingMark
from tests.helpers.meetings import GOOD, Matchmaking, matchmaking, schedule_file, t
from tests.test_badges import embedded_fonts, page_count, pdf_text

ROWS = [
    *GOOD,
    ["M5", "15:00", "15:20", "5", "US-2", "", "CN-1; CN-3", "", "", ""],
    ["M6", "16:40", "17:00", "6", "US-2", "", "CN-2", "", "", ""],
]  # fmt: skip


@pytest.fixture
def day(service: CheckinService, clock: ManualClock, tmp_path: Path) -> Matchmaking:
    """By 17:00: M1 marked held, M2 and M3 held, M4 a no-show (Liu Lianyu never came),
    M5 partly held (张伟 came for Mingyang, Liu Lianyu did not), M6 cancelled."""
    mm = matchmaking(service, clock)
    assert mm.load(schedule_file(tmp_path / "schedule.csv", ROWS)).written
    for ext, hhmm in (("US-1", "13:58"), ("US-2", "13:59"), ("CN-2", "14:01"), ("CN-3", "14:30")):
        mm.arrive(ext, hhmm)
    mm.clock.set(t("15:45"))
    mm.meetings.mark("M1", MeetingMark.HELD, "desk")
    mm.meetings.cancel("M6", "Fluence left early", "desk")
    mm.clock.set(t("17:00"))
    return mm


def test_exports_count_held_partly_held_and_no_show_exactly(
    day: Matchmaking, tmp_path: Path
) -> None:
    store, now = day.service.store, t("17:00")
    export(store, "meeting-totals", "csv", tmp_path / "t.csv", now=now)
    with (tmp_path / "t.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:7] == ["By / 分组", "Company or delegation / 单位或代表团", "Meetings / 洽谈",
                           "Held / 已举行", "Partly held / 部分举行", "No-show / 缺席",
                           "No-show: this side absent / 本方缺席"]  # fmt: skip
    got = {(r[0], r[1]): [int(x) for x in r[2:]] for r in rows[1:]}
    # meetings, held, partly held, no-show, of which absent, not held, pending, cancelled
    assert got == {
        ("company", "Form Energy / Form能源公司"): [3, 2, 0, 1, 0, 0, 0, 0],
        ("company", "Mingyang Smart Energy / 明阳智慧能源"): [3, 1, 1, 1, 1, 0, 0, 0],
        ("company", "Fluence Energy / Fluence能源公司"): [2, 1, 1, 0, 0, 0, 0, 1],
        ("company", "LONGi Green Energy / 隆基绿能"): [2, 2, 0, 0, 0, 0, 0, 1],
        ("delegation", "United States"): [5, 3, 1, 1, 0, 0, 0, 1],
        ("delegation", "China"): [5, 3, 1, 1, 1, 0, 0, 1],
    }

    export(store, "meetings", "csv", tmp_path / "m.csv", now=now)
    with (tmp_path / "m.csv").open(encoding="utf-8-sig") as f:
        meetings = {r["Meeting / 洽谈编号"]: r for r in csv.DictReader(f)}
    assert {k: (r["Status / 状态"], r["Outcome / 结果"]) for k, r in meetings.items()} == {
        "M1": ("no_show", "held"), "M2": ("both_arrived", "held"), "M3": ("both_arrived", "held"),
        "M4": ("no_show", "no_show"), "M5": ("no_show", "partly_held"),
        "M6": ("cancelled", "cancelled"),
    }  # fmt: skip
    m2 = meetings["M2"]
    assert m2["Party 1 arrived (Asia/Shanghai) / 参会方1到场"].startswith("2024-11-04 13:59:00")
    assert m2["Party 2 arrived (Asia/Shanghai) / 参会方2到场"].startswith("2024-11-04 14:01:00")
    assert meetings["M1"]["Marked by staff / 工作人员标记"] == "held"
    assert meetings["M5"]["More parties / 其他参会方"] == "张伟 (明阳智慧能源) arrived 14:30"

    summary = export(store, "meetings", "xlsx", tmp_path / "m.xlsx", now=now)
    assert summary.rows == 6
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx", read_only=True)
    assert wb.sheetnames == [
        "Summary 汇总",
        "Meetings 洽谈",
        "By company 按单位",
        "By delegation 按代表团",
    ]
    counts = {r[0]: r[1] for r in wb["Summary 汇总"].iter_rows(min_row=6, values_only=True)}
    assert counts["Held / 已举行"] == 3 and counts["No-show / 缺席"] == 1
    assert counts["Partly held / 部分举行"] == 1 and counts["Cancelled / 已取消"] == 1
    by_delegation = list(wb["By delegation 按代表团"].iter_rows(min_row=2, values_only=True))
    assert ("China", 5, 3, 1, 1, 1, 0, 0, 1) in by_delegation
    wb.close()

    export(store, "meetings", "json", tmp_path / "m.json", now=now)
    doc = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert doc["counts"]["held"] == 3 and doc["counts"]["no_show"] == 1
    assert doc["rows"][0]["start"].endswith("+08:00")
    assert {g["key"]: g["absent"] for g in doc["by_company"]}[
        "Mingyang Smart Energy / 明阳智慧能源"
    ] == 1


def test_slips_render_with_extractable_chinese_and_embedded_fonts(
    day: Matchmaking, tmp_path: Path
) -> None:
    db = tmp_path / "event.sqlite"
    day.service.store.conn.execute("VACUUM INTO ?", (str(db),))
    out = tmp_path / "slips.pdf"
    cli = load_commands()
    r = CliRunner().invoke(cli, ["meetings", "slips", "--db", str(db), "--out", str(out),
                                 "--attendee", "US-1,CN-1", "--now", "2024-11-04T13:00"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "2 schedule slips, 6 meetings" in r.output
    text = pdf_text(out)
    for needed in ("您的洽谈日程", "Emily Carter", "刘连玉", "明阳智慧能源", "Form能源公司",
                   "15:20", "Interpreter 翻译: Li Na", "请准时到达洽谈桌"):  # fmt: skip
        assert needed in text, needed
    assert page_count(out) == 2
    assert set(embedded_fonts(out).values()) == {"yes"}
    everyone = tmp_path / "all.pdf"
    r = CliRunner().invoke(cli, ["meetings", "slips", "--db", str(db), "--out", str(everyone)])
    assert r.exit_code == 0 and "6 schedule slips" in r.output  # five parties, one interpreter
    r = CliRunner().invoke(cli, ["meetings", "slips", "--db", str(db), "--out",
                                 str(tmp_path / "no.pdf"), "--attendee", "nobody@x.example"])  # fmt: skip
    assert r.exit_code == 1 and "no attendee 'nobody@x.example'" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "no.pdf").exists()


def test_report_has_a_matchmaking_section(day: Matchmaking, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    write_report(day.service.store, out, t("17:00"))
    text = pdf_text(out)
    assert "Matchmaking meetings · 商务对接洽谈" in text
    assert "Partly held (every company, not every person)" in text
    assert "Mingyang Smart Energy / 明阳智慧能源" in text


def test_the_desk_prints_the_schedule_slip_with_the_badge_or_alone(
    qapp: object, day: Matchmaking, tmp_path: Path
) -> None:
    """The desk's print job carries the slip (the same PDF as `meetings slips`) for an
    attendee with meetings, none for one without; Qt prints its pages at A6 size."""
    from PySide6.QtPrintSupport import QPrinter

    from kiosk.badges.printing import BadgeDesk
    from ui.desk.printing import print_pdf

    desk = BadgeDesk(day.service)
    emily = day.service.attendee("US-1").attendee_id
    job = desk.prepare(emily, with_slip=True)
    assert job is not None and job.slip is not None
    assert (job.slip.attendee_id, job.slip.name, job.slip.meetings) == (emily, "Emily Carter", 3)
    slip = tmp_path / "slip.pdf"
    slip.write_bytes(job.slip.pdf)
    text = pdf_text(slip)
    for needed in ("您的洽谈日程", "Emily Carter", "刘连玉", "明阳智慧能源", "15:20"):
        assert needed in text, needed
    assert set(embedded_fonts(slip).values()) == {"yes"}
    again = desk.prepare(emily, reprint=True)  # without the slip unless asked for
    assert again is not None and again.slip is None
    nora = day.service.attendee("X-1").attendee_id  # the plenary only: no meetings
    assert desk.slip(nora) is None
    plain = desk.prepare(nora, with_slip=True)
    assert plain is not None and plain.slip is None

    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    outcome = print_pdf(job.slip.pdf, ("Schedule slip", "洽谈日程"), printer=printer, dpi=150)
    assert outcome.ok, str(outcome)
    assert str(outcome).startswith("Schedule slip sent to ") and "洽谈日程已发送至" in str(outcome)
    assert page_count(out) == page_count(slip)
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True)
    size = next(x for x in info.stdout.splitlines() if x.startswith("Page size:"))
    w, h = (float(v) for v in size.split()[2:5:2])
    assert abs(w - 297.6) < 1.5 and abs(h - 419.5) < 1.5, size  # A6 in points
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(out.read_bytes())[0].render(scale=1).to_pil().convert("L")
    band = page.crop((0, 0, page.width, 30)).histogram()  # the green header band
    body = sum(page.crop((0, 60, page.width, 200)).histogram()[:128])  # the text's dark pixels
    assert sum(band[:160]) > 0.7 * sum(band) and body > 500  # the slip, not a blank sheet
    bad = print_pdf(b"%PDF-1.7 not really", ("Schedule slip", "洽谈日程"), printer=printer)
    assert not bad.ok and "unreadable PDF" in bad.message
