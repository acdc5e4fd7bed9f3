"""Attendee import from CSV, XLSX, XLS and ODS: usable from the command line and the GUI.

    parsed = parse_attendees(path, event, overrides={"Mobile No.": "phone"}, progress=cb)
    result = import_attendees(service, path, skip_bad=False, progress=cb)

Two passes over the file, in bounded memory: the first checks every row (nothing is
written while any row is bad, unless skip_bad), the second streams the good rows to
`write_rows`. Reading is in kiosk.formats.importing.readers (text, workbook), the header
mapping in .fields, the row checks in .validate. Every problem is reported as "row N,
column C: why" (the row number a spreadsheet program shows).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.formats.importing.columns import has_name_column
from kiosk.formats.importing.limits import ImportFileError, ReadLimits
from kiosk.formats.importing.readers import open_table
from kiosk.formats.importing.validate import (
    ParsedFile,
    ParsedRow,
    Progress,
    RowProblem,
    TicketHolder,
    validate,
)
from kiosk.models.event import Event
from kiosk.models.records import AttendeeInput, UpsertReport

__all__ = [
    "ImportFileError",
    "ImportResult",
    "ParsedFile",
    "ParsedRow",
    "ReadLimits",
    "RowProblem",
    "import_attendees",
    "parse_attendees",
    "write_rows",
]


@dataclass(frozen=True, slots=True)
class ImportResult:
    parsed: ParsedFile
    written: bool  # False: nothing was written (bad rows without skip_bad)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def bad(self) -> int:
        return self.parsed.bad_rows

    def summary(self) -> str:
        p = self.parsed
        text = (
            f"{Path(p.path).name}: {p.total} rows read; {self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.bad} bad"
        )
        if p.duplicates:
            text += f", {p.duplicates} exact repeats skipped"
        if p.cancelled:
            text += f", {p.cancelled} refunded or cancelled tickets skipped"
        if self.bad and not self.written:
            text += " — nothing imported (fix the rows, or use --skip-bad to import the rest)"
        elif self.bad:
            text += " (bad rows skipped)"
        return text

    def to_json(self) -> dict[str, object]:
        p = self.parsed
        return {
            "file": p.path,
            "rows": p.total,
            "written": self.written,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": self.bad,
            "duplicates": p.duplicates,
            "cancelled": p.cancelled,
            "problems": [{"row": x.row, "column": x.column, "why": x.why} for x in p.problems],
            "warnings": list(p.warnings),
            "columns": p.columns,
            "ignored_columns": p.ignored,
        }


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk job allocates 100,000s of objects that are
    never garbage: a third of the time of a 100,000-row import went to collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_attendees(
    path: str | Path,
    event: Event,
    overrides: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    *,
    limits: ReadLimits | None = None,
    ticket_holder: TicketHolder | None = None,
) -> ParsedFile:
    """Read and check a whole file without writing anything. Raises ImportFileError for a
    file that cannot be read at all (missing, corrupt, hostile, no name column)."""
    with paused_gc():
        table = open_table(path, lambda header: has_name_column(header, overrides), limits)
        return validate(table, event, overrides, progress, ticket_holder)


def write_rows(
    service: CheckinService,
    rows: Iterable[AttendeeInput],
    progress: Progress | None = None,
    total: int = 0,
    source: str = "",
) -> UpsertReport:
    """The import's write side, all of it: one import batch of log entries, written in
    short chunks and taking effect with its final entry (kiosk.storage.imports)."""
    with paused_gc():
        return service.import_attendees(rows, progress, source=source, total=total or None,
                                        keep_ids=False)  # fmt: skip


def import_attendees(
    service: CheckinService,
    path: str | Path,
    *,
    overrides: Mapping[str, str] | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
    parsed: ParsedFile | None = None,
    limits: ReadLimits | None = None,
) -> ImportResult:
    """Check the file (unless `parsed` is given), then write its good rows.

    With bad rows and not `skip_bad`, nothing is written (`written` is False).
    `progress(done, total)` runs while rows are checked, then again while they are written."""
    if parsed is None:
        holder = service.ticket_holder
        parsed = parse_attendees(
            path, service.event, overrides, progress, limits=limits, ticket_holder=holder
        )
    if parsed.bad_rows and not skip_bad:
        return ImportResult(parsed, written=False)
    known = service.unkeyed_inputs()  # rows without key already there (a re-import)
    repeated = 0

    def todo() -> Iterator[AttendeeInput]:
        nonlocal repeated
        for r in parsed.attendees():
            a = r.attendee
            if known and not a.external_id and not a.email and a in known:
                repeated += 1
                continue
            yield a

    report = write_rows(service, todo(), progress, parsed.good, source=Path(path).name)
    return ImportResult(
        parsed,
        written=True,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged + repeated,
    )
