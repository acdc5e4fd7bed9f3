"""The organizer dashboard against a real demo database: its numbers match the store."""

from __future__ import annotations

import csv
import gc
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, time
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtGui import QColor, QFontDatabase, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from kiosk.checkin.codes import PREFIX, b45decode, b45encode
from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import ManualClock
from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput
from kiosk.station.process import StationProcess
from kiosk.storage.store import Store
from tests.helpers.reads import reads
from ui.bridge.desk import DeskLink
from ui.dashboard import DashboardSource, DashboardView
from ui.dashboard.exports import EXPORTS, ExportDone, ExportSpec
from ui.dashboard.style import OUTCOMES

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
POLL_MS = 50
# The offscreen platform says so whenever a top-level window's minimum size is set.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def forge(code: str) -> str:
    """A badge code in our format for this event whose signature does not verify."""
    raw = bytearray(b45decode(code[len(PREFIX) :]))
    raw[9] ^= 0x01  # another badge id under the same signature
    return PREFIX + b45encode(bytes(raw))


@pytest.fixture(scope="module")
def cjk_fonts(qapp: QApplication) -> list[str]:
    """This machine has no system CJK font, like a fresh one: load the shipped faces."""
    families: list[str] = []
    for name in ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf"):
        fid = QFontDatabase.addApplicationFont(str(FONTS / name))
        assert fid >= 0, name
        families += QFontDatabase.applicationFontFamilies(fid)
    return families


class DemoEvent:
    """A demo database with real check-ins recorded by a station's own connection."""

    def __init__(self, path: Path) -> None:
        build_demo(path, attendees=60, seed=7)
        self.path = path
        self.store = Store.open(path)
        ev = self.store.event()
        self.event = ev
        self.clock = ManualClock(datetime.combine(ev.day, time(8, 40), ev.tz))
        self.service = CheckinService(self.store, self.clock)
        self.people = list(reads(self.store).people.everyone())
        random.Random(3).shuffle(self.people)

    def at_station(self, name: str) -> CheckinService:
        """This database's station, renamed (the entries carry the name)."""
        self.store.set_station_name(name)
        return self.service

    def admit(self, n: int, session: str = "opening", start: int = 0) -> list[str]:
        ids = []
        for i, a in enumerate(self.people[start : start + n]):
            self.clock.advance(37)
            r = self.at_station(f"desk-{i % 2 + 1}").check_in(
                self.service.badge_code(a.attendee_id), session
            )
            assert r.outcome is Outcome.ADMITTED, r
            ids.append(a.attendee_id)
        return ids


OpenView = Callable[[Path, ManualClock], DashboardView]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEvent]:
    ev = DemoEvent(tmp_path / "d.sqlite")
    yield ev
    ev.store.close()


@pytest.fixture
def open_view(qtbot: QtBot, cjk_fonts: list[str]) -> Iterator[OpenView]:
    views: list[DashboardView] = []
    links: list[DeskLink] = []

    def make(path: Path, clock: ManualClock) -> DashboardView:
        # The dashboard reads through the station host, as in the app: no SQLite here.
        link = DeskLink(StationProcess(path), clock)
        link.start()
        links.append(link)
        source = DashboardSource(link, clock, interval_ms=POLL_MS)
        view = DashboardView(source, clock)
        qtbot.addWidget(view)
        view.resize(1600, 1000)
        view.show()
        views.append(view)
        return view

    yield make
    for v in views:
        v.shutdown()
        assert not v.source.running
    for link in links:
        link.stop()


def wait_snapshot(qtbot: QtBot, view: DashboardView) -> None:
    qtbot.waitUntil(lambda: view.snapshot is not None, timeout=10_000)


def test_the_numbers_shown_are_the_store_s(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    admitted = demo.admit(23)
    demo.at_station("desk-1").check_in(demo.service.badge_code(admitted[0]), "opening")
    forged = demo.at_station("desk-2").check_in(
        forge(demo.service.badge_code(demo.people[50].attendee_id)), "opening"
    )
    assert forged.outcome is Outcome.FORGED_CODE
    demo.at_station("desk-2").check_in("https://example.com/poster", "opening")
    early = demo.at_station("desk-3").check_in(
        demo.service.badge_code(demo.people[30].attendee_id), "matchmaking"
    )
    assert early.outcome is Outcome.OUTSIDE_TIME_WINDOW  # 14:00 session, it is 08:55
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)

    stats = {s.session_id: s for s in reads(demo.store).presence.stats()}
    assert stats["opening"].admitted == 23
    for sid, card in view.cards.items():
        s = stats[sid]
        assert card.admitted_label.text() == f"{s.admitted:,}"
        assert card.registered_label.text() == f"/ {s.registered:,}"
        assert s.capacity is not None
        assert card.percent_label.text() == f"{s.admitted / s.capacity:.0%}"
        assert card.capacity_label.text().endswith(f"{s.admitted:,} / {s.capacity:,}")
        assert card.inside_label.isHidden()  # no exit scanned yet
    assert view.cards["opening"].title_zh_label.text() == "开幕全体大会"

    # Arrivals: bars sum to the admitted count; buckets are 10 minutes.
    assert sum(view.chart.values) == 23
    shown = view.chart.shown_labels()
    assert shown and set(shown) <= set(view.chart.categories)
    assert view.chart.categories[:2] == ["08:00", "08:10"]  # the window opens 60 min before 09:00
    by_bucket = dict(reads(demo.store).presence.arrivals("opening", 10))
    for label, n in zip(view.chart.categories, view.chart.values, strict=True):
        hits = [
            v for at, v in by_bucket.items() if f"{at.astimezone(demo.event.tz):%H:%M}" == label
        ]
        assert n == (hits[0] if hits else 0)

    # Latest scans: the store's newest entries, refused ones included, coloured.
    newest = list(
        reads(demo.store).log.entries(newest_first=True, limit=30, kinds=("entry", "exit"))
    )
    assert [r.seq for r in view.scan_model.rows] == [e.seq for e in newest[:30]]
    texts = [view.scan_model.index(i, 1).data() for i in range(view.scan_model.rowCount())]
    assert "Forged code / 伪造二维码" in texts
    assert "Unknown code / 无法识别" in texts
    assert "Already in / 重复签到" in texts
    assert "Outside hours / 不在签到时段" in texts
    row = texts.index("Forged code / 伪造二维码")
    colour = view.scan_model.index(row, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor) and colour.name() == OUTCOMES[Outcome.FORGED_CODE][2]

    # Not yet arrived for the current session: registered minus admitted.
    assert view.selected_session == "opening"
    missing = stats["opening"].registered - stats["opening"].admitted
    assert (
        view.absent_model.rowCount()
        == missing
        == len(reads(demo.store).presence.no_shows("opening"))
    )
    assert view.absent_count.text() == f"{missing:,}"
    assert admitted[0] not in {a.attendee_id for a in view.absent_model.rows}


def test_refreshes_when_a_station_records_a_check_in(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    demo.admit(5)
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    first = view.snapshot
    assert view.cards["opening"].admitted_label.text() == "5"

    # Another station, its own connection to the same file.
    other = Store.open(demo.path)
    try:
        station = CheckinService(other, demo.clock)
        person = demo.people[40]
        demo.clock.advance(60)
        other.set_station_name("desk-9")
        result = station.check_in(station.badge_code(person.attendee_id), "opening")
        assert result.outcome is Outcome.ADMITTED
    finally:
        other.close()

    qtbot.waitUntil(lambda: view.cards["opening"].admitted_label.text() == "6", timeout=5000)
    top = view.scan_model.rows[0]
    assert (top.attendee_id, top.station, top.outcome) == (
        person.attendee_id,
        "desk-9",
        Outcome.ADMITTED,
    )
    assert view.absent_model.rowCount() == 60 - 6
    assert person.attendee_id not in {a.attendee_id for a in view.absent_model.rows}
    assert view.snapshot is not first

    # A walk-in registered at another desk: one more registered and not yet arrived; the
    # registration is not a scan.
    other = Store.open(demo.path)
    try:
        walk_in = (
            CheckinService(other, demo.clock)
            .walk_in(AttendeeInput(name="Walk In", name_zh="现场", organization="Visitor"))
            .attendee
        )
    finally:
        other.close()
    qtbot.waitUntil(lambda: view.cards["opening"].registered_label.text() == "/ 61", timeout=5000)
    assert walk_in.attendee_id in {a.attendee_id for a in view.absent_model.rows}
    assert view.scan_model.rows[0].attendee_id == person.attendee_id
    assert {r.kind.value for r in view.scan_model.rows} == {"entry"}


def test_quiet_polls_skip_the_heavy_queries(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    first = view.snapshot
    polls: list[datetime] = []
    view.source.polled.connect(polls.append)
    qtbot.waitUntil(lambda: len(polls) >= 3, timeout=5000)
    assert view.snapshot is first  # nothing changed: no new snapshot
    assert "Live" in view.live_label.text()
    view.source.refresh()  # on demand: read again, changed or not
    qtbot.waitUntil(lambda: view.snapshot is not first, timeout=5000)


def test_undo_and_exits(demo: DemoEvent, open_view: OpenView, qtbot: QtBot) -> None:
    ids = demo.admit(6)
    undone = demo.service.recent(limit=1)[0]
    demo.service.undo(undone.uuid, operator="lead", reason="wrong person")
    for aid in ids[:2]:
        demo.clock.advance(30)
        r = demo.at_station("exit-1").check_out(demo.service.badge_code(aid), "opening")
        assert r.outcome is Outcome.EXITED
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)

    s = next(x for x in reads(demo.store).presence.stats() if x.session_id == "opening")
    assert (s.admitted, s.inside, s.exits_scanned) == (5, 3, True)
    card = view.cards["opening"]
    assert card.admitted_label.text() == "5"
    assert not card.inside_label.isHidden()
    assert card.inside_label.text() == "3"
    assert not card.inside_caption.isHidden()
    assert card.capacity_label.text().endswith("3 / 600")  # capacity used = inside
    rows = {r.seq: r for r in view.scan_model.rows}
    assert rows[undone.seq].annulled
    row = [r.seq for r in view.scan_model.rows].index(undone.seq)
    assert view.scan_model.index(row, 1).data() == "Undone / 已撤销"
    assert view.scan_model.index(0, 1).data() == "← Exited / 已离场"
    assert view.absent_model.rowCount() == 60 - 5


def test_selecting_a_session_and_filtering(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    demo.admit(3)
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    expected = reads(demo.store).presence.no_shows("matchmaking")
    assert 0 < len(expected) < 60  # registration-only session

    QTest.mouseClick(view.cards["matchmaking"], Qt.MouseButton.LeftButton)
    assert view.selected_session == "matchmaking"
    qtbot.waitUntil(
        lambda: view.snapshot is not None and view.snapshot.session_id == "matchmaking",
        timeout=5000,
    )
    assert [a.attendee_id for a in view.absent_model.rows] == [a.attendee_id for a in expected]
    assert view.cards["matchmaking"].property("selected") == "true"
    assert view.cards["opening"].property("selected") == "false"
    assert view.chart_note.full_text() == "One-on-One Business Matchmaking · 一对一商务对接会"

    target = expected[len(expected) // 2]
    view.filter_edit.setText(target.name.split()[-1].upper())
    shown = view.absent_filter.rowCount()
    assert 1 <= shown < len(expected)
    names = [view.absent_filter.index(i, 0).data() for i in range(shown)]
    assert target.name in names
    assert view.absent_count.text() == f"{shown} of {len(expected)}"
    if target.name_zh:
        view.filter_edit.setText(target.name_zh)
        assert view.absent_filter.index(0, 1).data() == target.name_zh
    view.filter_edit.clear()
    assert view.absent_filter.rowCount() == len(expected)


def test_missing_database_is_one_clear_message(
    tmp_path: Path, open_view: OpenView, qtbot: QtBot
) -> None:
    path = tmp_path / "nowhere" / "event.sqlite"
    view = open_view(path, ManualClock())
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=5000)
    assert str(path) in view.message.text()
    assert "Traceback" not in view.message.text()
    assert "Not updating" in view.live_label.text()
    assert not path.exists() and not path.parent.exists()  # nothing created


def test_export_without_a_database_creates_none(
    tmp_path: Path, open_view: OpenView, qtbot: QtBot
) -> None:
    path = tmp_path / "event.sqlite"
    view = open_view(path, ManualClock())
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=5000)
    with qtbot.waitSignal(view.exports.failed, timeout=10_000) as failed:
        view.start_export(spec("attendance", ".csv"), tmp_path / "a.csv")
    assert failed.args == [f"{path}: no such database"]
    assert not path.exists() and not (tmp_path / "a.csv").exists()


def test_corrupt_database_is_one_clear_message(
    tmp_path: Path, open_view: OpenView, qtbot: QtBot
) -> None:
    path = tmp_path / "event.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    view = open_view(path, ManualClock())
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=5000)
    assert str(path) in view.message.text()
    assert path.read_bytes() == b"this is not a database at all" * 100  # left as it was


def test_wall_screenshot_renders_chinese(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot, cjk_fonts: list[str]
) -> None:
    ids = demo.admit(28)
    demo.at_station("desk-2").check_in(forge(demo.service.badge_code(ids[1])), "opening")
    demo.clock.advance(20)
    demo.at_station("exit-1").check_out(demo.service.badge_code(ids[0]), "opening")
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    for label in (view.title_zh_label, view.cards["green-finance"].title_zh_label):
        fm = QFontMetrics(label.font())
        assert all(fm.inFontUcs4(ord(ch)) for ch in label.text() if not ch.isspace()), label.text()
    qtbot.waitUntil(lambda: all(c.isVisible() for c in view.cards.values()), timeout=5000)
    QApplication.sendPostedEvents()  # let the layouts settle before the picture
    image = view.grab().toImage()
    assert (image.width(), image.height()) == (1600, 1000)
    assert image.save(str(Path("/tmp") / "dashboard-test.png"))
    # The header is the dark navy band; the cards row is on the light page.
    assert QColor(image.pixel(5, 5)).lightness() < 80
    assert QColor(image.pixel(5, 300)).lightness() > 200


def test_polling_pauses_while_hidden_and_the_collector_stays_on_the_gui_thread(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    enabled_before = gc.isenabled()
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    # While the station client's lanes run, automatic collection is off: the GUI thread
    # collects.
    guard = view.source.db.bridge.gc_guard
    assert view.source.running and guard.active
    assert not gc.isenabled()

    polls: list[datetime] = []
    view.source.polled.connect(polls.append)
    view.hide()
    qtbot.wait(5 * POLL_MS)  # the pause is queued to the poller thread
    polls.clear()
    demo.admit(2)
    qtbot.wait(8 * POLL_MS)  # a hidden dashboard does not poll: nothing may arrive
    assert polls == []
    assert view.cards["opening"].admitted_label.text() == "0"
    view.show()
    qtbot.waitUntil(lambda: view.cards["opening"].admitted_label.text() == "2", timeout=5000)

    view.shutdown()
    view.source.db.stop()  # the lanes end
    assert not view.source.running and not guard.active
    assert gc.isenabled() == enabled_before


def spec(key: str, suffix: str = ".pdf") -> ExportSpec:
    return next(s for s in EXPORTS if s.key == key and s.suffix == suffix)


def test_pdf_report_export_runs_in_the_background(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot, tmp_path: Path
) -> None:
    demo.admit(12)
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    out = tmp_path / "report.pdf"
    with qtbot.waitSignal(view.exports.finished, timeout=30_000) as done:
        assert view.start_export(spec("report"), out)
        assert not view.export_button.isEnabled()  # one export at a time
        assert not view.start_export(spec("report"), out)
    result = done.args[0]
    assert isinstance(result, ExportDone) and result.path == str(out) and result.pages >= 1
    assert out.read_bytes().startswith(b"%PDF")
    assert view.status_label.text().startswith(f"Saved {out} (")
    assert view.export_button.isEnabled() and view.export_progress.isHidden()


def test_table_exports_write_what_the_store_holds(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot, tmp_path: Path
) -> None:
    ids = demo.admit(9)
    demo.at_station("desk-2").check_in(forge(demo.service.badge_code(ids[0])), "opening")
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    view.select_session("matchmaking")
    stats = {s.session_id: s for s in reads(demo.store).presence.stats()}
    log_rows = len(list(reads(demo.store).log.entries(kinds=("entry", "exit", "annul"))))
    expected = {
        ("attendance", ".csv"): sum(s.admitted for s in stats.values()),
        ("attendance", ".xlsx"): sum(s.admitted for s in stats.values()),
        ("scans", ".csv"): log_rows,
        ("scans", ".xlsx"): log_rows,
        ("no-shows", ".csv"): len(reads(demo.store).presence.no_shows("matchmaking")),
        ("no-shows", ".xlsx"): len(reads(demo.store).presence.no_shows("matchmaking")),
    }
    for (key, suffix), rows in expected.items():
        out = tmp_path / f"{key}{suffix}"
        with qtbot.waitSignal(view.exports.finished, timeout=30_000) as done:
            assert view.start_export(spec(key, suffix), out)
        assert done.args[0].rows == rows, (key, suffix)
        if suffix == ".csv":
            with out.open(encoding="utf-8-sig", newline="") as f:
                lines = list(csv.reader(f))
            assert len(lines) - 1 == rows
            if key == "scans":
                assert "forged_code" in {cell for line in lines for cell in line}
        else:
            book = openpyxl.load_workbook(out, read_only=True)
            assert book.sheetnames
            book.close()
    assert view.status_label.property("level") == "ok"


def test_the_export_menu_asks_where_and_adds_the_file_type(
    demo: DemoEvent,
    open_view: OpenView,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo.admit(4)
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    asked: list[tuple[str, str, str]] = []

    def save_as(parent: object, title: str, suggested: str, filters: str) -> tuple[str, str]:
        asked.append((title, suggested, filters))  # the modal dialog, answered
        return str(tmp_path / "attendance-export"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    with qtbot.waitSignal(view.exports.finished, timeout=30_000) as done:
        view.export_actions["attendance.csv"].trigger()
    assert asked[0][0] == "Attendance, all sessions (CSV)"
    assert Path(asked[0][1]).name == "cleantech-forum-2024-attendance.csv"
    assert done.args[0].path == str(tmp_path / "attendance-export.csv")
    assert done.args[0].rows == 4


@pytest.mark.parametrize("where", ["missing-folder", "is-a-folder"])
def test_export_to_a_bad_path_is_one_clear_message(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot, tmp_path: Path, where: str
) -> None:
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    if where == "missing-folder":
        out = tmp_path / "no" / "such" / "report.pdf"
    else:
        out = tmp_path / "taken.pdf"
        out.mkdir()
    with qtbot.waitSignal(view.exports.failed, timeout=30_000) as failed:
        view.start_export(spec("report"), out)
    message = str(failed.args[0])
    assert str(out) in message and "Traceback" not in message
    assert view.status_label.text() == f"Export failed: {message}"
    assert view.status_label.property("level") == "error"
    assert view.export_button.isEnabled()
    assert out.is_dir() if where == "is-a-folder" else not out.parent.exists()


def test_switching_language_retranslates_the_controls(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> None:
    ts = tmp_path / "dash_zh.ts"
    ts.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="zh_CN"><context><name>DashboardView</name>
<message><source>Export</source><translation>导出</translation></message>
<message><source>Attendance report (PDF)</source><translation>签到报告 (PDF)</translation></message>
</context></TS>""",
        encoding="utf-8",
    )
    qm = tmp_path / "dash_zh.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    assert view.export_button.text() == "Export"
    translator = QTranslator()
    assert translator.load(str(qm))
    qapp.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: view.export_button.text() == "导出", timeout=2000)
        assert view.export_actions["report.pdf"].text() == "签到报告 (PDF)"
        assert view.title_zh_label.text() == "2024中美清洁技术合作论坛"  # the event's own text
    finally:
        qapp.removeTranslator(translator)
    qtbot.waitUntil(lambda: view.export_button.text() == "Export", timeout=2000)


def test_follows_the_program_until_a_session_is_chosen(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    assert view.selected_session == "opening" and not view.pinned
    demo.clock.set(datetime.combine(demo.event.day, time(13, 0), demo.event.tz))
    # 13:00: the showcase's check-in is open (from 12:30); nothing else changed.
    qtbot.waitUntil(lambda: view.selected_session == "showcase", timeout=5000)
    assert view.cards["showcase"].property("selected") == "true"
    assert view.chart.categories[0] == "12:30"

    view.select_session("opening")
    assert view.pinned
    demo.clock.set(datetime.combine(demo.event.day, time(14, 10), demo.event.tz))
    qtbot.wait(6 * POLL_MS)
    assert view.selected_session == "opening"
    view.follow_program()
    qtbot.waitUntil(lambda: view.selected_session == "showcase", timeout=5000)
    expected = [a.attendee_id for a in reads(demo.store).presence.no_shows("showcase")]
    qtbot.waitUntil(
        lambda: [a.attendee_id for a in view.absent_model.rows] == expected, timeout=5000
    )


def test_card_titles_are_never_cut_off(demo: DemoEvent, open_view: OpenView, qtbot: QtBot) -> None:
    """Issue 11, item 21: "Energy Transition Sub-for…" on a 1366-pixel-wide wall."""
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    for width in (1366, 1920):
        view.resize(width, 760)
        qtbot.wait(50)
        for card in view.cards.values():
            for label in (card.title_label, card.title_zh_label):
                assert "…" not in label.text()
                assert label.fits(), (width, label.text(), label.size())
    titles = [c.title_label for c in view.cards.values()]
    assert len({t.height() for t in titles}) == 1  # two lines kept each: the numbers line up
    assert titles[1].text() == "Energy Transition Sub-forum"


def test_refused_count_is_the_event_s_not_the_visible_rows(
    demo: DemoEvent, open_view: OpenView, qtbot: QtBot
) -> None:
    """Issue 11, item 6: "0 refused" while `stats` and the PDF report counted 7."""
    for junk in range(7):
        demo.service.check_in(f"https://example.com/{junk}", "opening")
    demo.admit(40)  # the refusals drop out of the 30 latest scans
    view = open_view(demo.path, demo.clock)
    wait_snapshot(qtbot, view)
    assert all(r.outcome is None or not r.outcome.refused for r in view.snapshot.recent)
    assert "7 refused" in view.scans_note.text()
