"""The attendance report: its numbers from a real check-in day, the bilingual PDF, the command."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.formats.report import gather, write_report
from kiosk.formats.report.data import OTHER, _top
from kiosk.formats.report.data import GroupRow as Row
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput
from kiosk.storage.atomic import OutputError
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from tests.test_badges import embedded_fonts, pdf_text


@pytest.fixture
def day(demo_db: Path) -> tuple[Store, CheckinService, ManualClock]:
    """The demo event (4 Nov 2024) after a morning of scans: admissions, refusals, an undo."""
    store = Store.open(demo_db)
    ev = store.event()
    opening, energy = ev.session("opening"), ev.session("energy-transition")
    clock = ManualClock(opening.start - timedelta(minutes=45))
    svc = CheckinService(store, clock, rng=random.Random(4))
    people = list(reads(store).people.everyone())
    rng = random.Random(9)
    for a in people[:90]:
        clock.advance(rng.uniform(5, 40))
        svc.check_in(svc.badge_code(a.attendee_id), opening.id)
    for a in people[:5]:  # repeat scans
        svc.check_in(svc.badge_code(a.attendee_id), opening.id)
    svc.check_in("https://example.com/poster", opening.id)  # unknown code
    lost = people[95].attendee_id
    old = svc.badge_code(lost)
    svc.reprint_badge(lost, operator="amy", reason="lost")
    svc.check_in(old, opening.id)  # revoked badge
    mistaken = svc.check_in(svc.badge_code(people[100].attendee_id), opening.id)
    svc.undo(mistaken.log_uuid, "amy", "scanned the wrong badge")  # undone: not counted
    svc.walk_in(AttendeeInput(name="Walk In", name_zh="临时", category="guest"))
    clock.set(energy.start - timedelta(minutes=10))
    for a in people[:30]:
        clock.advance(rng.uniform(5, 30))
        svc.check_in(svc.badge_code(a.attendee_id), energy.id)
    yield store, svc, clock
    store.close()


def test_report_numbers_come_from_the_log(day: tuple[Store, CheckinService, ManualClock]) -> None:
    store, _svc, clock = day
    data = gather(store, clock.now())
    by_id = {s.session_id: s for s in data.sessions}
    assert by_id["opening"].admitted == 90 and by_id["energy-transition"].admitted == 30
    assert sum(n for _, n in data.arrivals["opening"]) == 90
    assert all(
        (b - a) == timedelta(minutes=10)
        for (a, _), (b, _) in zip(
            data.arrivals["opening"], data.arrivals["opening"][1:], strict=False
        )
    )
    assert data.refused == {Outcome.UNKNOWN_CODE: 1, Outcome.REVOKED_BADGE: 1}
    assert data.per_session_refused == {"opening": 2}
    assert data.repeats == 5
    assert (data.walk_ins, data.reprints) == (1, 1)
    assert data.registered == reads(store).people.count() == 121
    assert data.attended == 90
    assert sum(g.registered for g in data.categories) == 121
    assert sum(g.attended for g in data.categories) == 90
    assert {g.key for g in data.delegations} >= {"China", "United States"}
    assert sum(g.attended for g in data.delegations) == 90


def test_report_pdf_is_bilingual_with_embedded_fonts(
    day: tuple[Store, CheckinService, ManualClock], tmp_path: Path
) -> None:
    store, _svc, clock = day
    out = tmp_path / "report.pdf"
    result = write_report(store, out, clock.now())
    assert result.sessions == 5 and result.pages >= 1
    text = pdf_text(out)
    for expected in (
        "Attendance report", "签到报告", "2024 U.S.–China Cleantech Cooperation Forum",
        "2024中美清洁技术合作论坛", "北京国际饭店", "Sessions", "各场次", "Opening Plenary",
        "开幕全体大会", "Arrivals per 10 minutes", "每10分钟到场人数", "By category", "按类别",
        "By delegation", "按代表团", "Refused scans by reason", "Unknown code", "无法识别的二维码",
        "已作废的胸卡", "Speaker · 演讲嘉宾", "VIP · 贵宾", "Generated", "no arrivals yet",
    ):  # fmt: skip
        assert expected in text, expected
    fonts = embedded_fonts(out)
    assert fonts.get("NotoSansCJKSC") == "yes" and fonts.get("NotoSansCJKSCBold") == "yes"
    assert set(fonts.values()) == {"yes"}


def test_report_of_an_event_without_scans(demo_db: Path, tmp_path: Path) -> None:
    store = Store.open(demo_db)
    try:
        out = tmp_path / "empty.pdf"
        write_report(store, out, ManualClock().now())
    finally:
        store.close()
    text = pdf_text(out)
    assert "No refused scans" in text and "无拒绝入场记录" in text


def test_small_delegations_are_summed_up() -> None:
    rows = [Row(f"D{i:02d}", 20 - i, i % 3) for i in range(15)]
    top = _top(rows)
    assert len(top) == 12 and top[-1].key == OTHER
    assert sum(r.registered for r in top) == sum(r.registered for r in rows)


def test_report_command_and_unwritable_path(
    day: tuple[Store, CheckinService, ManualClock], demo_db: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "r.pdf"
    res = runner.invoke(
        load_commands(),
        ["report", "--db", str(demo_db), "--out", str(out), "--now", "2024-11-04T18:00"],
    )
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"{out}: attendance report,")
    assert "生成时间: 2024-11-04 18:00 (Asia/Shanghai)" in pdf_text(out)

    bad = tmp_path / "missing-folder" / "r.pdf"
    res = runner.invoke(load_commands(), ["report", "--db", str(demo_db), "--out", str(bad)])
    assert res.exit_code == 1 and "error: " in res.output and "r.pdf: cannot write" in res.output
    assert "Traceback" not in res.output and not bad.parent.exists()

    store, _svc, clock = day
    with pytest.raises(OutputError, match="is a folder"):
        write_report(store, tmp_path, clock.now())
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("demo")) == ["r.pdf"]
