"""Attendee import from CSV and XLSX: usable from the command line and from the GUI.

    parsed = parse_attendees(path, event, overrides={"Mobile No.": "phone"}, progress=cb)
    result = import_attendees(service, path, skip_bad=False, progress=cb)

Reading (encodings, delimiters, XLSX) is in kiosk.formats.importing.readers/xlsx, the header
mapping in kiosk.formats.importing.fields and the row checks in kiosk.formats.importing.validate.
All-or-nothing by default: with any bad row nothing is written, and every problem is
reported (row number as a spreadsheet shows it, column header, why).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.formats.importing.readers import ImportFileError, read_table
from kiosk.formats.importing.validate import (
    ParsedFile,
    ParsedRow,
    Progress,
    RowProblem,
    has_name_column,
    validate_table,
)
from kiosk.models.event import Event
from kiosk.models.records import ATTENDEE_FIELDS, AttendeeInput, UpsertReport
from kiosk.storage.store import Store

__all__ = [
    "ImportFileError",
    "ImportResult",
    "ParsedFile",
    "ParsedRow",
    "RowProblem",
    "import_attendees",
    "parse_attendees",
]

_COMPARED = list(ATTENDEE_FIELDS)


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
            "problems": [{"row": x.row, "column": x.column, "why": x.why} for x in p.problems],
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
) -> ParsedFile:
    """Read and check a file without writing anything. Raises ImportFileError for a file
    that cannot be read at all (missing, corrupt, unknown encoding, no name column)."""
    with paused_gc():
        table = read_table(path, accept=lambda header: has_name_column(header, overrides))
        return validate_table(table, event, overrides, progress)


def _known_unkeyed(store: Store, rows: list[AttendeeInput]) -> set[AttendeeInput]:
    """Rows without external id and email that already exist exactly (re-import)."""
    if not rows:
        return set()
    found: set[AttendeeInput] = set()
    for r in store.conn.execute(
        f"SELECT attendee_id, {', '.join(_COMPARED)} FROM attendees "
        "WHERE external_id = '' AND email = ''"
    ):
        values = {k: r[k] for k in _COMPARED}
        values["attention"] = bool(values["attention"])
        found.add(AttendeeInput(**values, sessions=store.sessions_of(r["attendee_id"])))
    return found


def import_attendees(
    service: CheckinService,
    path: str | Path,
    *,
    overrides: Mapping[str, str] | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
    parsed: ParsedFile | None = None,
) -> ImportResult:
    """Parse (unless `parsed` is given) and write the attendees in one transaction.

    With bad rows and not `skip_bad`, nothing is written (`written` is False).
    `progress(done, total)` runs from 0 to total while rows are checked, then again while
    they are written."""
    if parsed is None:
        parsed = parse_attendees(path, service.event, overrides, progress)
    if parsed.problems and not skip_bad:
        return ImportResult(parsed, written=False)
    rows = [r.attendee for r in parsed.rows]
    unkeyed = [a for a in rows if not a.external_id and not a.email]
    known = _known_unkeyed(service.store, unkeyed)
    todo = [a for a in rows if a not in known]
    report = UpsertReport()
    if todo:
        with paused_gc():
            report = service.import_attendees(todo, progress, source=Path(path).name)
    return ImportResult(
        parsed,
        written=True,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged + (len(rows) - len(todo)),
    )
