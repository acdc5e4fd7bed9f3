"""The meetings exports: every meeting with both parties' arrival times and its status
(`meetings`), and held / partly held / no-show per company and per delegation
(`meeting-totals`), as CSV, XLSX or JSON. Reached through kiosk.formats.export.export().

XLSX holds everything: a summary, the meetings, and a sheet per grouping. Times are in the
event's time zone (CSV and XLSX without an offset, as the headers say; JSON with it).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from kiosk.formats.export import Column, ExportError, ExportSummary, Progress
from kiosk.formats.xlsx_stream import HEADER_STYLE, XlsxStreamWriter
from kiosk.meetings.board import GroupTotals, count, totals
from kiosk.meetings.service import MeetingService
from kiosk.meetings.status import MeetingState
from kiosk.models.clock import FixedClock
from kiosk.models.event import Event
from kiosk.models.meetings import Party
from kiosk.storage.atomic import atomic_output
from kiosk.storage.store import Store

WHATS = ("meetings", "meeting-totals")


def meeting_columns(zone: str) -> list[Column]:
    def party(n: int) -> list[Column]:
        return [
            Column(f"party{n}", f"Party {n} / 参会方{n}", width=22),
            Column(f"party{n}_organization", f"Company {n} / 单位{n}", width=28),
            Column(f"party{n}_arrived", f"Party {n} arrived ({zone}) / 参会方{n}到场", "time", 20),
        ]

    return [
        Column("meeting_id", "Meeting / 洽谈编号", width=12),
        Column("start", f"Start ({zone}) / 开始", "time", 20),
        Column("end", f"End ({zone}) / 结束", "time", 20),
        Column("table", "Table / 桌号", width=8),
        Column("status", "Status / 状态", width=13),
        Column("outcome", "Outcome / 结果", width=12),
        Column("mark", "Marked by staff / 工作人员标记", width=12),
        *party(1),
        *party(2),
        Column("more_parties", "More parties / 其他参会方", width=30),
        Column("missing", "Missing now / 未到", width=24),
        Column("waiting_since", f"Waiting since ({zone}) / 等待开始", "time", 20),
        Column("interpreter", "Interpreter / 翻译", width=16),
        Column("languages", "Languages / 语言", width=9),
        Column("rematch_of", "Re-match of / 改配自", width=12),
        Column("rematched_to", "Re-matched as / 改配为", width=12),
        Column("cancel_reason", "Cancelled because / 取消原因", width=24),
    ]


TOTAL_COLUMNS = [
    Column("by", "By / 分组", width=11),
    Column("group", "Company or delegation / 单位或代表团", width=34),
    Column("meetings", "Meetings / 洽谈", "int", 10),
    Column("held", "Held / 已举行", "int", 10),
    Column("partly_held", "Partly held / 部分举行", "int", 12),
    Column("no_show", "No-show / 缺席", "int", 10),
    Column("absent", "No-show: this side absent / 本方缺席", "int", 14),
    Column("not_held", "Not held (marked) / 未举行", "int", 12),
    Column("pending", "Pending / 待定", "int", 10),
    Column("cancelled", "Cancelled / 已取消", "int", 10),
]


def _name(p: Party) -> str:
    return " ".join(x for x in (p.name, p.name_zh) if x) or p.attendee_id


def _org(p: Party) -> str:
    return " / ".join(x for x in (p.organization, p.organization_zh) if x)


def meeting_row(s: MeetingState, tz: tzinfo) -> list[Any]:
    """One meeting in the order of `meeting_columns` (times as aware datetimes or None;
    the arrivals of parties beyond the second in the text, in `tz`)."""
    m = s.meeting
    row: list[Any] = [m.meeting_id, m.start, m.end, m.table, s.status.value, s.outcome.value,
                      m.mark.value if m.mark else ""]  # fmt: skip
    for k in range(2):
        p = m.parties[k] if k < len(m.parties) else None
        row += [_name(p), _org(p), s.arrival(p.attendee_id)] if p else ["", "", None]
    more = []
    for p in m.parties[2:]:
        at = s.arrival(p.attendee_id)
        arrived = f" arrived {at.astimezone(tz):%H:%M}" if at else ""
        more.append(f"{_name(p)} ({_org(p)}){arrived}")
    row += ["; ".join(more), "; ".join(_name(p) for p in s.missing), s.waiting_since,
            m.interpreter_label, m.languages, m.rematch_of or "", m.rematched_to or "",
            m.cancel_reason]  # fmt: skip
    return row


def total_rows(states: Sequence[MeetingState]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for by, label in (("company", "company"), ("delegation", "delegation")):
        for g in totals(states, by=by):
            out.append([label, g.key, *(getattr(g, c.key) for c in TOTAL_COLUMNS[2:])])
    return out


def export_meetings(store: Store, what: str, fmt: str, path: Path, now: datetime,
                    progress: Progress | None = None) -> ExportSummary:  # fmt: skip
    if what not in WHATS:
        raise ExportError(f"unknown export {what!r} (choose one of: {', '.join(WHATS)})")
    event = store.event()
    if event.matchmaking_session() is None:
        raise ExportError(f"{store.path}: the event has no matchmaking session to export")
    states = MeetingService(store, FixedClock(now)).states(now)
    cols = meeting_columns(event.timezone) if what == "meetings" else TOTAL_COLUMNS
    rows = [meeting_row(s, event.tz) for s in states] if what == "meetings" else total_rows(states)
    with atomic_output(path, ExportError) as tmp:
        if fmt == "csv":
            _csv(tmp, cols, rows, event)
        elif fmt == "json":
            _json(tmp, cols, rows, event, what, now, states)
        else:
            _xlsx(tmp, event, what, now, states)
    if progress is not None:
        progress(len(rows), len(rows))
    sections = 3 if fmt == "xlsx" and what == "meetings" else 2 if fmt == "xlsx" else 1
    return ExportSummary(path, what, fmt, len(rows), sections)


def _local(event: Event) -> Callable[[datetime | None], datetime | None]:
    tz = event.tz

    def conv(dt: datetime | None) -> datetime | None:
        return None if dt is None else dt.astimezone(tz).replace(tzinfo=None)

    return conv


def _cells(cols: Sequence[Column], rows: Sequence[list[Any]],
           conv: Callable[[Any], Any]) -> Iterator[list[Any]]:  # fmt: skip
    times = [i for i, c in enumerate(cols) if c.kind == "time"]
    for r in rows:
        out = list(r)
        for i in times:
            out[i] = conv(out[i])
        yield out


def _csv(tmp: Path, cols: list[Column], rows: list[list[Any]], event: Event) -> None:
    local = _local(event)

    def text(dt: datetime | None) -> str:
        t = local(dt)
        return "" if t is None else t.isoformat(sep=" ", timespec="seconds")

    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([c.header for c in cols])
        w.writerows(_cells(cols, rows, text))


def _json(tmp: Path, cols: list[Column], rows: list[list[Any]], event: Event, what: str,
          now: datetime, states: Sequence[MeetingState]) -> None:  # fmt: skip
    tz = event.tz

    def when(dt: datetime | None) -> str | None:
        return None if dt is None else dt.astimezone(tz).isoformat(timespec="seconds")

    keys = [c.key for c in cols]
    doc: dict[str, Any] = {
        "event": {"id": event.id, "name": event.name, "name_zh": event.name_zh,
                  "date": event.day.isoformat(), "timezone": event.timezone},
        "what": what, "exported_at": now.astimezone(tz).isoformat(),
        "counts": count(states).to_json(),
        "rows": [dict(zip(keys, r, strict=True)) for r in _cells(cols, rows, when)],
    }  # fmt: skip
    if what == "meetings":
        for by in ("company", "delegation"):
            doc[f"by_{by}"] = [g.to_json() for g in totals(states, by=by)]
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _xlsx(tmp: Path, event: Event, what: str, now: datetime,
          states: Sequence[MeetingState]) -> None:  # fmt: skip
    book = XlsxStreamWriter(str(tmp), title=f"{event.name} — {what} (times in {event.timezone})")
    local = _local(event)
    try:
        c = count(states)
        with book.sheet("Summary 汇总", [34, 40], None) as ws:
            ws.row(["Event / 会议", f"{event.name} / {event.name_zh}"])
            ws.row(["Time zone / 时区", f"{event.timezone}: all times in this file"])
            ws.row(["Exported at / 导出时间", local(now)])
            ws.row([])
            ws.row(["Meetings / 洽谈", "Count / 数量"], style=HEADER_STYLE)
            for key, label in (("total", "Meetings (not cancelled) / 洽谈（未取消）"),
                               ("held", "Held / 已举行"), ("partly_held", "Partly held / 部分举行"),
                               ("no_show", "No-show / 缺席"), ("not_held", "Not held / 未举行"),
                               ("waiting", "Waiting now / 等待中"),
                               ("cancelled", "Cancelled / 已取消")):  # fmt: skip
                ws.row([label, getattr(c, key)])
        if what == "meetings":
            cols = meeting_columns(event.timezone)
            with book.sheet(
                "Meetings 洽谈", [x.width for x in cols], [x.header for x in cols]
            ) as ws:
                ws.rows_from(_cells(cols, [meeting_row(s, event.tz) for s in states], local))
        for by, sheet in (
            ("company", "By company 按单位"),
            ("delegation", "By delegation 按代表团"),
        ):
            tcols = TOTAL_COLUMNS[1:]
            with book.sheet(sheet, [x.width for x in tcols], [x.header for x in tcols]) as ws:
                ws.rows_from([g.key, *(getattr(g, x.key) for x in tcols[1:])]
                             for g in totals(states, by=by))  # fmt: skip
    except BaseException:
        book.abort()
        raise
    book.close()


__all__ = ["WHATS", "GroupTotals", "export_meetings", "meeting_columns", "meeting_row"]
