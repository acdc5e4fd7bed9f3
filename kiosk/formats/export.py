"""Exports for organizers: attendance, the scan log, no-shows and attendees, as CSV, XLSX
or JSON. Qt-free; long exports report progress through `(done, total)` so that the GUI
can run them in a worker thread.

Files are written to a temporary file next to the target and renamed over it at the end:
a failed export (unwritable folder, full disk, cancelled) leaves no partial file.
Times are in the event's time zone, which headers and the summary state.
"""

from __future__ import annotations

import csv
import functools
import json
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.formats.xlsx_stream import HEADER_STYLE, SheetWriter, XlsxStreamWriter
from kiosk.models.errors import KioskError
from kiosk.storage.atomic import atomic_output
from kiosk.storage.exports import ExportQueries
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

Progress = Callable[[int, int], None]
WHATS = ("attendance", "scans", "no-shows", "attendees", "conflicts", "meetings",
         "meeting-totals")  # fmt: skip
MEETING_WHATS = ("meetings", "meeting-totals")  # kiosk.formats.schedule.export
FORMATS = ("csv", "xlsx", "json")
PROGRESS_EVERY = 1000


class ExportError(KioskError):
    """An export that could not be written: names the path and why (nothing was left)."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # JSON key
    header: str  # bilingual header for CSV/XLSX
    kind: str = "text"  # text | time | bool | int | list
    width: int = 16
    private: bool = False  # omitted by --minimal (email, phone)


@dataclass(frozen=True, slots=True)
class Section:
    """One table of an export: a sheet in XLSX; sections are concatenated in CSV/JSON."""

    sheet: str
    title: str
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    count: int


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    what: str
    format: str
    rows: int
    sections: int


def _person_columns() -> list[Column]:
    return [
        Column("name", "Name / 姓名", width=22),
        Column("name_zh", "Chinese name / 中文名", width=14),
        Column("organization", "Organization / 单位", width=30),
        Column("organization_zh", "Organization (Chinese) / 中文单位", width=26),
        Column("title", "Title / 职务", width=20),
        Column("category", "Category / 类别", width=12),
        Column("delegation", "Delegation / 代表团", width=16),
        Column("email", "Email / 邮箱", width=28, private=True),
        Column("phone", "Phone / 电话", width=18, private=True),
    ]


def columns_for(what: str, zone: str) -> list[Column]:
    person = _person_columns()
    ids = [
        Column("external_id", "External ID / 外部编号", width=14),
        Column("attendee_id", "Attendee ID / 编号", width=11),
    ]
    if what == "attendance":
        return [
            Column("session", "Session / 场次", width=18),
            *person,
            Column("first_arrival", f"First arrival ({zone}) / 首次签到时间", "time", 20),
            Column("station", "Station / 签到台", width=12),
            Column("inside", "Inside now / 在场", "bool", 9),
            *ids,
        ]
    if what == "no-shows":
        return [Column("session", "Session / 场次", width=18), *person, *ids]
    if what == "attendees":
        return [
            *person,
            Column("sessions", "Sessions / 场次", "list", 40),
            Column("notes", "Notes / 备注", width=30),
            Column("attention", "Attention / 关注", "bool", 9),
            Column("walk_in", "Walk-in / 现场注册", "bool", 9),
            *ids,
        ]
    if what == "scans":
        return [
            Column("seq", "No. / 序号", "int", 8),
            Column("time", f"Time ({zone}) / 时间", "time", 20),
            Column("kind", "Kind / 类型", width=9),
            Column("session", "Session / 场次", width=18),
            Column("outcome", "Outcome / 结果", width=20),
            Column("station", "Station / 签到台", width=12),
            Column("operator", "Operator / 操作员", width=12),
            Column("method", "Method / 方式", width=10),
            Column("name", "Name / 姓名", width=22),
            Column("name_zh", "Chinese name / 中文名", width=14),
            Column("organization", "Organization / 单位", width=30),
            Column("attendee_id", "Attendee ID / 编号", width=11),
            Column("badge_id", "Badge ID / 胸卡编号", "int", 16),
            Column("annulled", "Undone / 已撤销", "bool", 9),
            Column("annuls", "Undoes / 撤销的记录", width=38),
            Column("reason", "Reason / 原因", width=20),
            Column("uuid", "Log ID / 记录编号", width=38),
        ]
    if what == "conflicts":
        return conflict_columns(zone)
    raise ExportError(f"unknown export {what!r} (choose one of: {', '.join(WHATS)})")


def conflict_columns(zone: str) -> list[Column]:
    """Conflicts between stations (kiosk.storage.conflicts), one row each."""
    return [
        Column("kind", "Conflict / 冲突类型", width=18),
        Column("time", f"Station time ({zone}) / 签到台时间", "time", 20),
        Column("received", f"Hub received ({zone}) / 中心收到时间", "time", 20),
        Column("session", "Session / 场次", width=18),
        Column("name", "Name / 姓名", width=22),
        Column("attendee_id", "Attendee ID / 编号", width=11),
        Column("station", "Station / 签到台", width=12),
        Column("other_time", f"First / revoked at ({zone}) / 首次或作废时间", "time", 20),
        Column("other_station", "First / revoking station / 首次或作废签到台", width=14),
        Column("other", "First entry, badge or record / 首次记录、胸卡或档案", width=38),
        Column("uuid", "Log ID / 记录编号", width=38),
    ]


def conflict_rows(tx: Tx) -> Iterator[tuple[Any, ...]]:
    for c in tx.log.conflicts():
        yield (c.kind.value, c.at, c.received_at, c.session_id, c.name, c.attendee_id,
               c.station, c.other_at or None, c.other_station, c.other, c.entry_uuid)  # fmt: skip


class LocalTimes:
    """Stored UTC instants (fixed-width text) to naive local date-times of the event's zone.

    The zone's offset is looked up once per hour of UTC (and per row only in the hour of a
    daylight-saving change): 100,000 conversions take 0.1 s instead of 0.6 s.
    """

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._offsets: dict[str, timedelta | None] = {}

    def _offset(self, hour: str) -> timedelta | None:
        start = datetime.fromisoformat(hour + ":00:00+00:00")
        a = start.astimezone(self.tz).utcoffset()
        b = (start + timedelta(seconds=3599)).astimezone(self.tz).utcoffset()
        return a if a == b else None

    def local(self, text: str) -> datetime:
        if len(text) == 32 and text.endswith("+00:00"):
            hour = text[:13]
            if hour in self._offsets:
                off = self._offsets[hour]
            else:
                off = self._offsets[hour] = self._offset(hour)
            if off is not None:
                return datetime.fromisoformat(text[:26]) + off
        return datetime.fromisoformat(text).astimezone(self.tz).replace(tzinfo=None)


class _Data:
    """What an export reads: the event, the session stats and the rows
    (kiosk.storage.exports holds the queries)."""

    def __init__(self, tx: Tx, minimal: bool) -> None:
        self.tx = tx
        self.q = ExportQueries(tx.conn, tx.presence)
        self.event = tx.event()
        self.minimal = minimal
        self.stats = {s.session_id: s for s in tx.presence.stats()}

    def sessions(self, session_id: str | None) -> list[str]:
        ids = self.event.session_ids()
        if session_id is None:
            return ids
        if session_id not in ids:
            raise ExportError(f"unknown session {session_id!r} (sessions: {', '.join(ids)})")
        return [session_id]


def _sections(data: _Data, what: str, session_id: str | None) -> list[Section]:
    ev = data.event
    q = data.q
    if what in ("attendance", "no-shows"):
        out = []
        for sid in data.sessions(session_id):
            if what == "attendance":
                rows, count = functools.partial(q.attendance, sid), data.stats[sid].admitted
            else:
                rows, count = functools.partial(q.no_shows, sid), q.no_show_count(sid)
            out.append(Section(sid, ev.session(sid).title, rows, count))
        return out
    if what == "scans":
        if session_id is not None:
            data.sessions(session_id)
        return [Section("scans", "Scan log / 扫码记录", lambda: q.scans(session_id),
                        q.scan_count(session_id))]  # fmt: skip
    if what == "attendees":
        if session_id is not None:
            data.sessions(session_id)
        rows = functools.partial(q.attendees, session_id)
        count = q.attendee_count(session_id)
        return [Section("attendees", "Attendees / 参会者", rows, count)]
    if what == "conflicts":
        count = sum(data.tx.log.conflict_count().values())
        return [Section("conflicts", "Conflicts / 冲突", lambda: conflict_rows(data.tx), count)]
    raise ExportError(f"unknown export {what!r} (choose one of: {', '.join(WHATS)})")


# -- writers ---------------------------------------------------------------------------------
class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def reached(self, done: int) -> None:
        self.done = done
        if self.progress is not None:
            self.progress(done, max(self.total, done))

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.done)


def _keep(columns: Sequence[Column], minimal: bool) -> list[int]:
    return [i for i, c in enumerate(columns) if not (minimal and c.private)]


Convert = Callable[[Any], Any]


def _converters(
    cols: list[Column], keep: list[int], by_kind: dict[str, Convert]
) -> list[tuple[int, Convert]]:
    """(position in the output row, converter) for the kept columns whose kind needs one."""
    return [(n, by_kind[cols[i].kind]) for n, i in enumerate(keep) if cols[i].kind in by_kind]


def _rows(section: Section, keep: list[int], width: int, convs: list[tuple[int, Convert]],
          counter: _Counter) -> Iterator[list[Any]]:  # fmt: skip
    """The section's rows as lists of the kept columns, converted for one format."""
    pick = operator.itemgetter(*keep) if len(keep) < width else None
    every = PROGRESS_EVERY
    done = counter.done
    for raw in section.rows():
        row = list(pick(raw) if pick else raw)
        for n, conv in convs:
            row[n] = conv(row[n])
        yield row
        done += 1
        if done % every == 0:
            counter.reached(done)
    counter.done = done


def _write_csv(tmp: Path, cols: list[Column], keep: list[int], sections: list[Section],
               counter: _Counter, times: LocalTimes) -> None:  # fmt: skip
    local = times.local

    def when(v: str | None) -> str:
        return local(v).isoformat(sep=" ", timespec="seconds") if v else ""

    def flag(v: int | None) -> str:
        return "yes" if v else "no"

    convs = _converters(cols, keep, {"time": when, "bool": flag})
    texts = [n for n, i in enumerate(keep) if cols[i].kind in ("text", "list")]
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([cols[i].header for i in keep])
        for s in sections:
            w.writerows(neutralised(_rows(s, keep, len(cols), convs, counter), texts))


FORMULA_START = "=+-@\t\r"


def neutralised(rows: Iterator[list[Any]], texts: list[int]) -> Iterator[list[Any]]:
    """`rows` with every text cell (positions `texts`) made inert where a spreadsheet would
    run it as a formula (OWASP's rule for CSV injection): text starting with = + - @ tab or
    CR gets a leading apostrophe. Our importer takes that apostrophe off again."""
    for row in rows:
        for n in texts:
            v = row[n]
            if v and v[0] in FORMULA_START:
                row[n] = "'" + v
        yield row


def _write_json(tmp: Path, cols: list[Column], keep: list[int], sections: list[Section],
                counter: _Counter, head: dict[str, Any], times: LocalTimes) -> None:  # fmt: skip
    local, tz = times.local, times.tz

    def when(v: str | None) -> str | None:
        return local(v).replace(tzinfo=tz).isoformat(timespec="seconds") if v else None

    def split(v: str | None) -> list[str]:
        return v.split("; ") if v else []

    convs = _converters(cols, keep, {"time": when, "bool": bool, "list": split})
    keys = [cols[i].key for i in keep]
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with tmp.open("w", encoding="utf-8") as f:
        text = json.dumps(head, ensure_ascii=False, indent=1)
        f.write(text[: text.rindex("}")].rstrip() + ',\n "rows": [')
        sep = "\n  "
        for s in sections:
            for row in _rows(s, keep, len(cols), convs, counter):
                f.write(sep + dumps(dict(zip(keys, row, strict=True))))
                sep = ",\n  "
        f.write("\n ]\n}\n")


def _sheet_name(text: str, used: set[str]) -> str:
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in text)[:31] or "Sheet"
    base, k = name, 2
    while name.lower() in used:
        suffix = f" ({k})"
        name = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(name.lower())
    return name


def _write_xlsx(tmp: Path, cols: list[Column], keep: list[int], sections: list[Section],
                counter: _Counter, data: _Data, what: str, now: datetime,
                times: LocalTimes) -> None:  # fmt: skip
    ev = data.event
    book = XlsxStreamWriter(str(tmp), title=f"{ev.name} — {what} (times in {ev.timezone})")
    try:
        used: set[str] = set()
        with book.sheet(_sheet_name("Summary 汇总", used), [30] + [16] * 8, None) as ws:
            _write_summary(ws, data, what, now, sections)
        local = times.local

        def when(v: str | None) -> datetime | None:
            return local(v) if v else None

        convs = _converters(cols, keep, {"time": when, "bool": bool})
        widths = [cols[i].width for i in keep]
        header = [cols[i].header for i in keep]
        for s in sections:
            with book.sheet(_sheet_name(s.sheet, used), widths, header) as ws:
                ws.rows_from(_rows(s, keep, len(cols), convs, counter))
    except BaseException:
        book.abort()
        raise
    book.close()


def _write_summary(ws: SheetWriter, data: _Data, what: str, now: datetime,
                   sections: list[Section]) -> None:  # fmt: skip
    ev = data.event
    offset = now.astimezone(ev.tz).strftime("%z")
    zone = f"{ev.timezone} (UTC{offset[:3]}:{offset[3:]}): all times in this file"
    ws.row(["Event / 会议", f"{ev.name} / {ev.name_zh}"])
    ws.row(["Date / 日期", ev.day.isoformat()])
    ws.row(["Export / 导出内容", what])
    ws.row(["Time zone / 时区", zone])
    ws.row(["Exported at / 导出时间", now.astimezone(ev.tz).replace(tzinfo=None)])
    ws.row([])
    heads = ["Session / 场次", "Title / 名称", "中文名称", "Capacity / 容量", "Registered / 已注册",
             "Admitted / 已签到", "Inside / 在场", "Refused / 拒绝", "Rows / 本表行数"]  # fmt: skip
    ws.row(heads, style=HEADER_STYLE)
    counts = {s.sheet: s.count for s in sections}
    for st in data.stats.values():
        refused = sum(v for o, v in st.refused.items() if o != "already_checked_in")
        ws.row(
            [st.session_id, st.title, st.title_zh, st.capacity, st.registered, st.admitted,
             st.inside if st.exits_scanned else None, refused, counts.get(st.session_id)]
        )  # fmt: skip


# -- the entry point ---------------------------------------------------------------------------
def export(
    store: Store,
    what: str,
    fmt: str,
    out: str | Path,
    *,
    now: datetime,
    session_id: str | None = None,
    minimal: bool = False,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write one export to `out` atomically. `now` (aware) is stamped in the file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose one of: {', '.join(FORMATS)})")
    if what not in WHATS:
        raise ExportError(f"unknown export {what!r} (choose one of: {', '.join(WHATS)})")
    with store.snapshot() as tx:
        if what in MEETING_WHATS:
            from kiosk.formats.schedule.export import export_meetings

            return export_meetings(store, what, fmt, Path(out), now, progress)
        return _export(tx, what, fmt, Path(out), now, session_id, minimal, progress)


def _export(tx: Tx, what: str, fmt: str, path: Path, now: datetime,
            session_id: str | None, minimal: bool, progress: Progress | None,
            ) -> ExportSummary:  # fmt: skip
    data = _Data(tx, minimal)
    ev = data.event
    cols = columns_for(what, ev.timezone)
    keep = _keep(cols, minimal)
    sections = _sections(data, what, session_id)
    counter = _Counter(sum(s.count for s in sections), progress)
    times = LocalTimes(ev.tz)
    with atomic_output(path, ExportError) as tmp:
        if fmt == "csv":
            _write_csv(tmp, cols, keep, sections, counter, times)
        elif fmt == "json":
            head = {
                "event": {"id": ev.id, "name": ev.name, "name_zh": ev.name_zh,
                          "date": ev.day.isoformat(), "timezone": ev.timezone},
                "what": what,
                "session": session_id,
                "exported_at": now.astimezone(ev.tz).isoformat(),
            }  # fmt: skip
            _write_json(tmp, cols, keep, sections, counter, head, times)
        else:
            _write_xlsx(tmp, cols, keep, sections, counter, data, what, now, times)
    counter.finish()
    return ExportSummary(path, what, fmt, counter.done, len(sections))
