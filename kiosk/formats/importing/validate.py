"""From raw rows to AttendeeInput: the column plan, value cleaning and the row checks.

`validate(table, …)` reads the whole file once and keeps only what it learnt (problems,
counts, which rows repeat an earlier one); `ParsedFile.attendees()` reads it again and
yields the good rows, for the writer. Nothing of the file is held in memory in between.
"""

from __future__ import annotations

import operator
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from kiosk.formats.importing.columns import column_plan
from kiosk.formats.importing.dedupe import KeyIndex
from kiosk.formats.importing.fields import (
    CANCELLED,
    FIELDS,
    SESSION_SPLIT,
    category_from_ticket,
    cell_text,
    clean_code,
    is_chinese,
    join_name,
    normalize_category,
    parse_bool,
    valid_email,
)
from kiosk.formats.importing.limits import ImportFileError, cut, shown
from kiosk.formats.importing.readers import Table
from kiosk.formats.importing.workbook import Cell
from kiosk.models.event import Event
from kiosk.models.records import AttendeeInput, Category

Progress = Callable[[int, int], None]
#: (attendee id, external id, email) of the attendee an existing ticket code belongs to
TicketHolder = Callable[[str], tuple[str, str, str] | None]
PROGRESS_EVERY = 2000
MAX_PROBLEMS = 1000  # listed; all are counted
FORMULA_START = "=+-@\t\r"  # what our CSV exports neutralise with a leading apostrophe


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    why: str

    def __str__(self) -> str:
        return cut(f"row {self.row}, column {cut(self.column, 60)}: {self.why}")


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    attendee: AttendeeInput


@dataclass(slots=True)
class ParsedFile:
    """What a file holds: counts, every problem of bad rows, how columns were read."""

    path: str
    kind: str
    encoding: str
    delimiter: str
    columns: dict[str, str]  # header -> target field
    ignored: list[str]  # headers not used
    problems: list[RowProblem] = field(default_factory=list)  # the first MAX_PROBLEMS
    duplicates: int = 0  # rows repeating an earlier row exactly (skipped)
    total: int = 0  # data rows read (blank lines excluded)
    cancelled: int = 0  # refunded or cancelled tickets (not imported)
    warnings: list[str] = field(default_factory=list)
    skip: set[int] = field(default_factory=set, repr=False)  # bad, repeated, cancelled rows
    bad: set[int] = field(default_factory=set, repr=False)
    _table: Table | None = field(default=None, repr=False)
    _reader: RowReader | None = field(default=None, repr=False)
    # the rows as the check read them, in file order, while they fit KEPT_BYTES (None:
    # they did not: the write reads the file again)
    _kept: dict[int, AttendeeInput] | None = field(default=None, repr=False)
    _stamp: tuple[int, int] | None = field(default=None, repr=False)  # the file when checked

    @property
    def bad_rows(self) -> int:
        return len(self.bad)

    @property
    def good(self) -> int:
        """Rows that `attendees()` yields."""
        return self.total - len(self.skip)

    def add(self, problem: RowProblem) -> None:
        self.bad.add(problem.row)
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def attendees(self) -> Iterator[ParsedRow]:
        """The good rows (exact repeats and bad rows left out): as the check read them
        when they were kept, else read again from the file. ImportFileError when the
        file changed since it was checked (what would be written is not what was checked):
        before the first row, so nothing is written."""
        if _stamp(self.path) != self._stamp:
            raise ImportFileError(self.path, "the file changed after it was checked; check "
                                  "it again before importing it")  # fmt: skip
        if self._kept is not None:
            skip = self.skip
            for row, a in self._kept.items():
                if row not in skip:
                    yield ParsedRow(row, a)
            return
        assert self._table is not None and self._reader is not None
        reader, skip = self._reader, self.skip
        for row, cells in self._table.rows():
            if row in skip:
                continue
            result = reader.read(row, cells)
            if isinstance(result, AttendeeInput):
                yield ParsedRow(row, result)


_SLOTS = (
    "name", "name_zh", "name_any", "first_name", "last_name", "organization", "organization_zh",
    "organization_any", "title", "email", "order_email", "phone", "category", "delegation",
    "notes", "attention", "external_id", "order_code", "position_id", "sessions", "ticket_type",
    "ticket_code", "seat", "attendee_status",
)  # fmt: skip


class Cancelled:
    """A refunded or cancelled ticket (Eventbrite's Attendee Status): not imported."""


CANCELLED_ROW = Cancelled()


class RowReader:
    """Turns one raw row into an AttendeeInput, a list of problems, or CANCELLED_ROW.

    Each row is cleaned to text once; every field is then one index into it (a field read
    from several columns gets an extra slot holding the first non-empty of them).
    """

    def __init__(
        self, event: Event, header: list[str], plan: dict[str, list[int]], text_only: bool
    ) -> None:
        self.header = header
        self.plan = plan
        self.text_only = text_only  # CSV: every cell is already a str
        self.width = width = len(header)
        self.multi: list[list[int]] = []
        slots: list[int] = []
        for target in _SLOTS:
            idxs = plan.get(target, [])
            if not idxs:
                slots.append(width)  # the always-empty slot
            elif len(idxs) == 1:
                slots.append(idxs[0])
            else:
                slots.append(width + 1 + len(self.multi))
                self.multi.append(idxs)
        self.pick = operator.itemgetter(*slots)
        self.has_zh_name = "name_zh" in plan
        self.has_zh_org = "organization_zh" in plan
        self.has_category = "category" in plan
        self.session_order = {s.id: i for i, s in enumerate(event.sessions)}
        lookup: dict[str, str] = {}
        for s in event.sessions:
            for key in (s.id, s.title, s.title_zh):
                if key:
                    lookup[key.casefold()] = s.id
        self.session_lookup = lookup
        self.known_sessions = ", ".join(event.session_ids())
        self.open_sessions = tuple(s.id for s in event.sessions if not s.restricted)
        self.tickets = {k.strip().casefold(): v for k, v in event.ticket_types.items()}
        self.unmapped: Counter[str] = Counter()  # ticket types not in the event file
        self.counting = True

    def values(self, cells: list[Cell]) -> list[str]:
        if self.text_only:
            vals = list(map(str.strip, cells))  # type: ignore[arg-type]
            if "'" in "".join(vals):
                for i, v in enumerate(vals):
                    if v[:1] == "'" and v[1:2] and v[1] in FORMULA_START:
                        vals[i] = v[1:]  # our own CSV export's guard against formula injection
        else:
            vals = [c.strip() if type(c) is str else cell_text(c) for c in cells]
        n, width = len(vals), self.width
        if n < width:
            vals.extend([""] * (width - n))
        elif n > width:
            del vals[width:]
        vals.append("")
        for idxs in self.multi:
            vals.append(next((vals[i] for i in idxs if vals[i]), ""))
        return vals

    def column(self, target: str, vals: list[str] | None = None) -> str:
        """The header of the column `target` was read from (its first column if empty)."""
        idxs = self.plan.get(target)
        if not idxs:
            return target
        if vals is not None:
            for i in idxs:
                if vals[i]:
                    return self.header[i] or target
        return self.header[idxs[0]] or target

    def _sessions(
        self, row: int, text: str, ticket: str, vals: list[str], problems: list[RowProblem]
    ) -> set[str]:
        sessions: set[str] = set()
        if text:  # a sessions column decides
            for part in SESSION_SPLIT.split(text):
                part = part.strip()
                if not part:
                    continue
                sid = self.session_lookup.get(part.casefold())
                if sid is None:
                    why = f"unknown session id {shown(part)} (sessions: {self.known_sessions})"
                    problems.append(RowProblem(row, self.column("sessions", vals), why))
                else:
                    sessions.add(sid)
        elif ticket:
            included = self.tickets.get(ticket.casefold())
            if included is None:
                if self.counting:
                    self.unmapped[ticket] += 1
                sessions.update(self.open_sessions)
            else:
                sessions.update(included)
        return sessions

    def read(self, row: int, cells: list[Cell]) -> AttendeeInput | list[RowProblem] | Cancelled:
        vals = self.values(cells)
        (name, name_zh, any_name, first, last, org, org_zh, any_org, title, email, order_email,
         phone, category, delegation, notes, attention, external_id, order, position,
         sessions_text, ticket, code, seat, status) = self.pick(vals)  # fmt: skip
        if status and status.casefold() in CANCELLED:
            return CANCELLED_ROW
        problems: list[RowProblem] = []
        name, name_zh = self._names(row, name, name_zh, any_name, first, last, problems)
        if any_org:
            org, org_zh = self._any_org(org, org_zh, any_org)
        if email or order_email:
            email = self._email(row, vals, email, order_email, problems)
        code = clean_code(code)
        external_id = clean_code(external_id) or _derived_id(order, position, code, name or name_zh)
        sessions = self._sessions(row, sessions_text, ticket, vals, problems)
        if problems:
            return problems
        return AttendeeInput(
            name=name,
            name_zh=name_zh,
            organization=org,
            organization_zh=org_zh,
            title=title,
            email=email,
            phone=clean_code(phone),
            category=self._category(category, ticket),
            delegation=delegation,
            notes=(f"{notes} · Seat {seat}" if notes else f"Seat {seat}") if seat else notes,
            attention=parse_bool(attention) if attention else False,
            external_id=external_id,
            sessions=self._in_order(sessions),
            ticket_code=code,
        )

    def _names(
        self, row: int, name: str, name_zh: str, any_name: str, first: str, last: str,
        problems: list[RowProblem],
    ) -> tuple[str, str]:  # fmt: skip
        """The English and Chinese names, from a column that may hold either (or the first
        and last names joined); a row with neither is a problem."""
        if not any_name and (first or last):
            any_name = join_name(first, last)
        if any_name:
            if not self.has_zh_name and is_chinese(any_name):
                name_zh = name_zh or any_name
            else:
                name = name or any_name
        if not name and not name_zh:
            names = ("name_any", "name", "name_zh", "first_name")
            target = next((t for t in names if t in self.plan), "name")
            why = "no name (neither English nor Chinese)"
            problems.append(RowProblem(row, self.column(target), why))
        return name, name_zh

    def _any_org(self, org: str, org_zh: str, any_org: str) -> tuple[str, str]:
        if not self.has_zh_org and is_chinese(any_org):
            return org, org_zh or any_org
        return org or any_org, org_zh

    def _email(
        self, row: int, vals: list[str], email: str, order_email: str, problems: list[RowProblem]
    ) -> str:
        """The attendee's email, else the buyer's (pretix orders); lower-cased and checked."""
        email_field = "email"
        if not email:
            email, email_field = order_email, "order_email"
        email = email.lower()
        if not valid_email(email):
            why = f"malformed email {shown(email)}"
            problems.append(RowProblem(row, self.column(email_field, vals), why))
        return email

    def _category(self, category: str, ticket: str) -> Category:
        if self.has_category:
            return normalize_category(category)
        return category_from_ticket(ticket) or Category.DELEGATE

    def _in_order(self, sessions: set[str]) -> tuple[str, ...]:
        if len(sessions) > 1:
            return tuple(sorted(sessions, key=self.session_order.__getitem__))
        return tuple(sessions)


def _derived_id(order: str, position: str, code: str, name: str) -> str:
    """An external id for a row without one, from the order it came in."""
    if order and position:
        return f"{order}-{clean_code(position)}"
    if code:  # pretix's check-in list has no position id; its secret is unique
        return code
    if order and name:  # one order, several attendees
        return f"{order}/{name}"
    return ""


def row_key(a: AttendeeInput) -> tuple[int, str]:
    """The import key: (0, external id), else (1, email); (2, '') without either."""
    if a.external_id:
        return 0, a.external_id
    return (1, a.email) if a.email else (2, "")


def _holder_problem(
    a: AttendeeInput, row: int, column: str, holder: tuple[str, str, str]
) -> RowProblem | None:
    aid, ext, email = holder
    if (a.external_id and a.external_id == ext) or (
        not a.external_id and a.email and a.email == email
    ):
        return None
    why = f"ticket code {shown(a.ticket_code)} already belongs to another attendee (id {aid})"
    return RowProblem(row, column, why)


def validate(
    table: Table,
    event: Event,
    overrides: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    ticket_holder: TicketHolder | None = None,
) -> ParsedFile:
    """Check every row of `table` (one pass); the result can yield the good rows again."""
    plan, used, ignored = column_plan(table.header, overrides or {}, table.path)
    reader = RowReader(event, table.header, plan, text_only=table.kind == "csv")
    out = ParsedFile(table.path, table.kind, table.encoding, table.delimiter, used, ignored)
    out._table, out._reader = table, reader
    out._stamp = _stamp(table.path)
    index = KeyIndex()
    code_column = reader.column("ticket_code")
    kept: dict[int, AttendeeInput] | None = {}
    spent = 0
    for n, (row, cells) in enumerate(table.rows()):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(table.position(), table.size)
        out.total += 1
        result = reader.read(row, cells)
        if isinstance(result, Cancelled):
            out.cancelled += 1
            out.skip.add(row)
            continue
        if isinstance(result, list):
            for p in result:
                out.add(p)
            out.skip.add(row)
            continue
        if kept is not None:
            spent += _kept_size(result)
            if spent <= KEPT_BYTES:
                kept[row] = result
            else:  # a large file: read again for the write, memory stays bounded
                kept = None
        content = hash(result)
        kind, key = row_key(result)
        index.add(kind, key if kind < 2 else str(content), content, row)
        if result.ticket_code:
            _ticket_code(out, index, result, row, content, code_column, ticket_holder)
    reader.counting = False
    out._kept = kept
    _resolve_repeats(out, index, reader)
    out.warnings.extend(_unmapped_tickets(reader))
    if progress is not None:
        progress(table.size, table.size)
    return out


#: The rows a check keeps for the write, at most (estimated bytes): a file of up to some
#: 20,000 attendees is read once; a larger one is read again, in bounded memory.
KEPT_BYTES = 24 << 20
_KEPT_OVERHEAD = 600  # an AttendeeInput's object and its texts' headers (measured: ~560)


def _stamp(path: str) -> tuple[int, int] | None:
    """The file's size and modification time (None: it cannot be read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _kept_size(a: AttendeeInput) -> int:
    """About what keeping `a` costs in memory (texts at 2 bytes a character: CJK)."""
    texts = (a.name, a.name_zh, a.organization, a.organization_zh, a.title, a.email, a.phone,
             a.delegation, a.notes, a.external_id, a.ticket_code)  # fmt: skip
    return _KEPT_OVERHEAD + 2 * sum(map(len, texts)) + 16 * len(a.sessions)


def _ticket_code(
    out: ParsedFile, index: KeyIndex, a: AttendeeInput, row: int, content: int,
    column: str, ticket_holder: TicketHolder | None,
) -> None:  # fmt: skip
    """A ticket code is unique: in the file, and against the attendees already stored."""
    if a.ticket_code != a.external_id:
        index.add(3, a.ticket_code, content, row)
    holder = ticket_holder(a.ticket_code) if ticket_holder else None
    taken = holder and _holder_problem(a, row, column, holder)
    if taken:
        out.add(taken)
        out.skip.add(row)


def _unmapped_tickets(reader: RowReader) -> list[str]:
    return [
        cut(f"ticket type {ticket!r} ({count:,} row{'s' if count != 1 else ''}) is not "
            "mapped to sessions: registered for the open sessions; add it under "
            "[ticket_types] in the event file")
        for ticket, count in reader.unmapped.most_common()
    ]  # fmt: skip


def _resolve_repeats(out: ParsedFile, index: KeyIndex, reader: RowReader) -> None:
    repeats = index.repeats()
    out.duplicates = len(repeats.exact - out.skip)
    out.skip |= repeats.exact
    if not repeats.conflicts:
        return
    # Name the repeated value: read the conflicting rows again (only when there are any).
    wanted = {c.row: c for c in repeats.conflicts}
    columns = {"external id": "external_id", "email": "email", "ticket code": "ticket_code"}
    assert out._table is not None
    for row, cells in out._table.rows():
        c = wanted.get(row)
        if c is None:
            continue
        a = reader.read(row, cells)
        assert isinstance(a, AttendeeInput)
        value = {"external id": a.external_id, "email": a.email, "ticket code": a.ticket_code}[
            c.kind
        ]
        column = reader.column(columns[c.kind]) if columns[c.kind] in reader.plan else c.kind
        out.add(
            RowProblem(
                row, column, f"same {c.kind} {shown(value)} as row {c.earlier} with different data"
            )
        )
        out.skip.add(row)
    out.problems.sort(key=lambda p: p.row)


__all__ = ["FIELDS", "ParsedFile", "ParsedRow", "RowProblem", "validate"]
