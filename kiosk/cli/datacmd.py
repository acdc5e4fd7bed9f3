"""Data commands: `import` (attendee lists) and `export` (attendance, scans, no-shows, attendees)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kiosk.cli.common import (
    UserError,
    cli,
    db_option,
    echo_json,
    handle_errors,
    now_option,
    open_service,
)

BAR_ABOVE = 5000  # rows: show a progress bar above this


class _Bar:
    """A progress callback that shows a bar on stderr once a job is known to be long."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total <= BAR_ABOVE:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.done))
        self.done = max(self.done, done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def _progress(label: str) -> Iterator[_Bar]:
    bar = _Bar(label)
    try:
        yield bar
    finally:
        bar.close()


def parse_maps(maps: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in maps:
        header, sep, field = m.rpartition("=")
        if not sep or not header.strip():
            raise UserError(f'--map {m!r}: expected "Column Header=field"', 2)
        out[header.strip()] = field.strip()
    return out


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar='"HEADER=FIELD"',
    help='Read a column as a field (repeatable), e.g. --map "Mobile No.=phone"; '
    "FIELD '-' ignores the column.",
)
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some rows are bad.")
@click.option(
    "--max-unpacked-mb", type=click.IntRange(min=1), default=200, show_default=True,
    help="Refuse a workbook (XLSX, ODS) that unpacks to more than this (a zip bomb).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@now_option
@handle_errors
def import_cmd(
    file: Path, db_path: Path, maps: tuple[str, ...], skip_bad: bool, max_unpacked_mb: int,
    as_json: bool, now_text: str | None,
) -> None:  # fmt: skip
    """Import attendees from CSV (UTF-8, UTF-16, GB18030, Big5 or cp1252; , ; or tab),
    XLSX, XLS or ODS.

    Headers of pretix (check-in lists, order data), Eventbrite attendee reports and Chinese
    registration forms are recognised; pretix secrets and Eventbrite barcodes become
    accepted tickets. Rows are matched by external id, else email: importing the same file
    again changes nothing. With any bad row nothing is imported unless --skip-bad; every
    problem is listed on stderr as "row N, column C: why". A column that appears twice is
    chosen with --map "Name[2]=name". Exit status: 0 imported, 1 nothing imported,
    3 imported with bad rows skipped.
    """
    from kiosk.formats.importer import ReadLimits, import_attendees, parse_attendees

    overrides = parse_maps(maps)
    limits = ReadLimits(unpacked_bytes=max_unpacked_mb << 20)
    with open_service(db_path, now_text) as service:
        with _progress("Checking rows") as progress:
            parsed = parse_attendees(
                file, service.event, overrides, progress, limits=limits,
                ticket_holder=service.ticket_holder,
            )  # fmt: skip
        with _progress("Writing") as progress:
            result = import_attendees(
                service, file, skip_bad=skip_bad, parsed=parsed, progress=progress
            )
    for problem in parsed.problems:
        click.echo(str(problem), err=True)
    if parsed.bad_rows > len(parsed.problems):
        click.echo(f"… {parsed.bad_rows - len(parsed.problems):,} more bad rows", err=True)
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        echo_json(result.to_json())
    else:
        if parsed.ignored:
            click.echo(f"ignored columns: {', '.join(parsed.ignored)}", err=True)
        click.echo(result.summary())
    if parsed.problems:
        raise SystemExit(3 if result.written else 1)


@cli.command("export")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default=None,
    help="File format (default: from the --out file name).",
)  # fmt: skip
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The file to write.")
@click.option("--session", "session_id", default=None, help="Only this session (id).")
@click.option(
    "--what",
    type=click.Choice(
        ["attendance", "scans", "no-shows", "attendees", "conflicts", "meetings", "meeting-totals"]
    ),
    default="attendance",
    show_default=True,
    help="attendance: first arrival per attendee and session; scans: the full scan log "
    "(refused scans and undos too); no-shows; attendees: the attendee list; conflicts: "
    "what stations that were apart disagree on (double admissions, revoked badges "
    "scanned, possible duplicate records); meetings: every matchmaking meeting with the "
    "parties' arrivals and its status (XLSX: with the totals); meeting-totals: held, "
    "partly held and no-show per company and per delegation.",
)
@click.option("--minimal", is_flag=True, help="Leave out email and phone.")
@now_option
@handle_errors
def export_cmd(
    db_path: Path, fmt: str | None, out: Path, session_id: str | None, what: str,
    minimal: bool, now_text: str | None,
) -> None:  # fmt: skip
    """Export for organizers: CSV (UTF-8 with BOM, opens in Excel), XLSX (a sheet per
    session and a summary) or JSON. Times are in the event's time zone."""
    from kiosk.formats.export import export

    if fmt is None:
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx", "json"):
            raise UserError(f"{out}: give --format csv, xlsx or json (or a file name ending so)", 2)
    with (
        open_service(db_path, now_text, readonly=True) as service,
        _progress(f"Exporting {what}") as progress,
    ):
        summary = export(
            service.store, what, fmt, out, now=service.clock.now(), session_id=session_id,
            minimal=minimal, progress=progress,
        )  # fmt: skip
    sheets = f", {summary.sections + 1} sheets" if fmt == "xlsx" else ""
    click.echo(f"{summary.path}: {summary.rows} rows ({what}, {fmt}{sheets})")


@cli.command()
@db_option
@handle_errors
def rebuild(db_path: Path) -> None:
    """Fold every table again from the log alone (attendees, badges, presence, counts,
    meetings...). The log is not changed; the tables come out as the log says they are.
    Safe at any time: other stations' processes wait for the one transaction."""
    import time

    from kiosk.storage.projections.drivers import table_rows
    from kiosk.storage.store import Store

    if not db_path.exists():
        raise UserError(f"{db_path}: no such database")
    store = Store.open(db_path)
    try:
        t0 = time.perf_counter()
        with _progress("rebuilding") as bar:
            entries = store.rebuild_projections(progress=bar)
        took = time.perf_counter() - t0
        rows = table_rows(store.conn)
    finally:
        store.close()
    click.echo(f"{db_path}: rebuilt every table from the log ({entries:,} entries read in "
               f"{took:.1f} s); the log is unchanged.")  # fmt: skip
    for table, n in rows.items():
        click.echo(f"  {table:<16} {n:>10,} rows")
