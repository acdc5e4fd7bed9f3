"""From raw rows to AttendeeInput: the column plan, value cleaning and the row checks."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kiosk.formats.importing.fields import (
    FIELDS,
    SESSION_SPLIT,
    TARGETS,
    cell_text,
    clean_code,
    is_chinese,
    join_name,
    normalize_category,
    normalize_header,
    parse_bool,
    target_for,
    valid_email,
)
from kiosk.formats.importing.readers import ImportFileError, RawTable
from kiosk.formats.importing.xlsx_fast import Cell
from kiosk.models.event import Event
from kiosk.models.records import AttendeeInput

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    why: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.why}"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    row: int
    attendee: AttendeeInput


@dataclass(slots=True)
class ParsedFile:
    """What a file holds: good rows, every problem of bad rows, and how columns were read."""

    path: str
    kind: str
    encoding: str
    delimiter: str
    columns: dict[str, str]  # header -> target field
    ignored: list[str]  # headers not used
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: int = 0  # rows repeating an earlier row exactly (skipped)
    total: int = 0  # data rows read (blank lines excluded)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


def column_plan(
    header: list[str], overrides: Mapping[str, str], path: str
) -> tuple[dict[str, list[int]], dict[str, str], list[str]]:
    """target -> column indexes (priority order), header -> target, unused headers."""
    wanted: dict[str, str] = {}
    for h, target in overrides.items():
        t = target.strip().lower()
        t = "ignore" if t in ("-", "") else t
        if t not in TARGETS:
            raise ImportFileError(
                path, f"--map {h}={target}: unknown field (fields: {', '.join(TARGETS)})"
            )
        wanted[normalize_header(h)] = t
    normalized = [normalize_header(h) for h in header]
    for key in wanted:
        if key not in normalized:
            raise ImportFileError(
                path, f"--map: no column {key!r} in the file (columns: {', '.join(header)})"
            )
    plan: dict[str, list[int]] = {}
    used: dict[str, str] = {}
    ignored: list[str] = []
    for i, (h, n) in enumerate(zip(header, normalized, strict=True)):
        found = wanted.get(n) or target_for(h)
        if found is None or found == "ignore":
            if h:
                ignored.append(h)
            continue
        plan.setdefault(found, []).append(i)
        used[h] = found
    names = ("name", "name_zh", "name_any", "first_name", "last_name")
    if not any(t in plan for t in names):
        raise ImportFileError(
            path,
            "no name column found (columns: "
            + ", ".join(header)
            + '); name one with --map "Header=name" (or name_zh)',
        )
    return plan, used, ignored


_SLOTS = (
    "name", "name_zh", "name_any", "first_name", "last_name", "organization", "organization_zh",
    "organization_any", "title", "email", "order_email", "phone", "category", "delegation",
    "notes", "attention", "external_id", "order_code", "position_id", "sessions", "ticket_type",
)  # fmt: skip


def has_name_column(header: list[str], overrides: Mapping[str, str] | None = None) -> bool:
    """Whether a header row names a name column (to find the attendee sheet of a workbook)."""
    wanted = {normalize_header(h): t for h, t in (overrides or {}).items()}
    names = ("name", "name_zh", "name_any", "first_name", "last_name")
    return any((wanted.get(normalize_header(h)) or target_for(h)) in names for h in header if h)


class RowReader:
    """Turns one raw row into an AttendeeInput or a list of problems.

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
        self.session_order = {s.id: i for i, s in enumerate(event.sessions)}
        lookup: dict[str, str] = {}
        for s in event.sessions:
            for key in (s.id, s.title, s.title_zh):
                if key:
                    lookup[key.casefold()] = s.id
        self.session_lookup = lookup
        self.known_sessions = ", ".join(event.session_ids())
        self.tickets = {k.strip().casefold(): v for k, v in event.ticket_types.items()}
        self.known_tickets = ", ".join(event.ticket_types) or "none in the event file"

    def values(self, cells: list[Cell]) -> list[str]:
        if self.text_only:
            vals = list(map(str.strip, cells))  # type: ignore[arg-type]
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

    def read(self, row: int, cells: list[Cell]) -> AttendeeInput | list[RowProblem]:
        vals = self.values(cells)
        (name, name_zh, any_name, first, last, org, org_zh, any_org, title, email, order_email,
         phone, category, delegation, notes, attention, external_id, order, position,
         sessions_text, ticket) = self.pick(vals)  # fmt: skip
        problems: list[RowProblem] = []
        if not any_name and (first or last):
            any_name = join_name(first, last)
        if any_name:
            if not self.has_zh_name and is_chinese(any_name):
                name_zh = name_zh or any_name
            else:
                name = name or any_name
        if not name and not name_zh:
            target = next(
                (t for t in ("name_any", "name", "name_zh", "first_name") if t in self.plan),
                "name",
            )
            problems.append(
                RowProblem(row, self.column(target), "no name (neither English nor Chinese)")
            )
        if any_org:
            if not self.has_zh_org and is_chinese(any_org):
                org_zh = org_zh or any_org
            else:
                org = org or any_org
        email_field = "email"
        if not email and order_email:
            email, email_field = order_email, "order_email"
        if email:
            email = email.lower()
            if not valid_email(email):
                problems.append(
                    RowProblem(row, self.column(email_field, vals), f"malformed email {email!r}")
                )
        external_id = clean_code(external_id)
        if not external_id and order and position:
            external_id = f"{order}-{clean_code(position)}"
        sessions: set[str] = set()
        if sessions_text:
            for part in SESSION_SPLIT.split(sessions_text):
                part = part.strip()
                if not part:
                    continue
                sid = self.session_lookup.get(part.casefold())
                if sid is None:
                    problems.append(
                        RowProblem(
                            row,
                            self.column("sessions", vals),
                            f"unknown session id {part!r} (sessions: {self.known_sessions})",
                        )
                    )
                else:
                    sessions.add(sid)
        if ticket:
            included = self.tickets.get(ticket.casefold())
            if included is None:
                problems.append(
                    RowProblem(
                        row,
                        self.column("ticket_type", vals),
                        f"unknown ticket type {ticket!r} (ticket types: {self.known_tickets})",
                    )
                )
            else:
                sessions.update(included)
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
            category=normalize_category(category),
            delegation=delegation,
            notes=notes,
            attention=parse_bool(attention) if attention else False,
            external_id=external_id,
            sessions=tuple(sorted(sessions, key=self.session_order.__getitem__))
            if len(sessions) > 1
            else tuple(sessions),
        )


def row_key(a: AttendeeInput) -> str:
    """The import key: the external id, else the email; '' when the row has neither."""
    if a.external_id:
        return "x:" + a.external_id
    return "e:" + a.email if a.email else ""


def validate_table(
    table: RawTable,
    event: Event,
    overrides: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ParsedFile:
    plan, used, ignored = column_plan(table.header, overrides or {}, table.path)
    reader = RowReader(event, table.header, plan, text_only=table.kind == "csv")
    out = ParsedFile(
        table.path, table.kind, table.encoding, table.delimiter, used, ignored,
        total=len(table.rows),
    )  # fmt: skip
    seen: dict[str, ParsedRow] = {}
    unkeyed: set[AttendeeInput] = set()
    total = len(table.rows)
    key_columns = {
        "x": reader.column("external_id") if "external_id" in plan else "external id",
        "e": reader.column("email") if "email" in plan else "email",
    }
    for n, (row, cells) in enumerate(table.rows):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
        result = reader.read(row, cells)
        if isinstance(result, list):
            out.problems.extend(result)
            continue
        key = row_key(result)
        if not key:
            if result in unkeyed:
                out.duplicates += 1
                continue
            unkeyed.add(result)
        else:
            earlier = seen.get(key)
            if earlier is not None:
                if earlier.attendee == result:
                    out.duplicates += 1
                else:
                    what = "external id" if key[0] == "x" else "email"
                    out.problems.append(
                        RowProblem(
                            row,
                            key_columns[key[0]],
                            f"same {what} {key[2:]!r} as row {earlier.row} with different data",
                        )
                    )
                continue
        parsed = ParsedRow(row, result)
        if key:
            seen[key] = parsed
        out.rows.append(parsed)
    if progress is not None:
        progress(total, total)
    return out


__all__ = ["FIELDS", "ParsedFile", "ParsedRow", "RowProblem", "validate_table"]
