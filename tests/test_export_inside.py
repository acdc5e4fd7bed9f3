"""Issue 20: "Inside now" in an attendance export agrees with the summary. Where a session
does not scan exits, nobody's presence is known: blank per row and in the summary (not
True for everyone admitted); where it does, per row True/False and the summary's count."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import openpyxl

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.formats.export import export
from kiosk.models.event import load_event
from kiosk.models.records import AttendeeInput
from tests.helpers.clocks import at


def test_inside_per_row_and_in_the_summary_agree(tmp_path: Path) -> None:
    store = init_database(tmp_path / "e.sqlite", load_event())
    clock = at("09:05")
    svc = CheckinService(store, clock, rng=random.Random(1))
    a, b = (svc.walk_in(AttendeeInput(name=n)) for n in ("Ann Lee", "Bo Wu"))
    for w in (a, b):
        svc.check_in(w.code, "opening")
    clock.advance(6000)  # 10:45: the sub-forum
    svc.check_in(a.code, "energy-transition")
    svc.check_in(b.code, "energy-transition")
    svc.check_out(b.code, "energy-transition")  # the sub-forum scans exits
    now = clock.now()
    out = tmp_path / "att.xlsx"
    export(store, "attendance", "xlsx", out, now=now)
    wb = openpyxl.load_workbook(out)
    summary = {r[0]: r for r in wb["Summary 汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["opening"][6] is None  # no exits scanned: unknown
    assert summary["energy-transition"][6] == 1
    col = [c.value for c in next(wb["opening"].iter_rows(max_row=1))].index("Inside now / 在场")
    assert [r[col] for r in wb["opening"].iter_rows(min_row=2, values_only=True)] == [
        None, None]  # fmt: skip
    sub = {r[1]: r[col] for r in wb["energy-transition"].iter_rows(
        min_row=2, values_only=True)}  # fmt: skip
    assert sub == {"Ann Lee": True, "Bo Wu": False}
    export(store, "attendance", "csv", tmp_path / "att.csv", now=now)
    with (tmp_path / "att.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    inside = {(r["Session / 场次"], r["Name / 姓名"]): r["Inside now / 在场"] for r in rows}
    assert inside[("opening", "Ann Lee")] == "" and inside[("energy-transition", "Bo Wu")] == "no"
    export(store, "attendance", "json", tmp_path / "att.json", now=now)
    got = json.loads((tmp_path / "att.json").read_text(encoding="utf-8"))["rows"]
    assert {(r["session"], r["name"]): r["inside"] for r in got}[("opening", "Bo Wu")] is None
    store.close()
