"""`meetings …`: the matchmaking schedule (import, status, slips, marks, re-matches)."""

from __future__ import annotations

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
    station_option,
)
from kiosk.cli.datacmd import parse_maps


@cli.group()
def meetings() -> None:
    """One-on-one business matchmaking: import the meeting schedule, follow each meeting's
    status, print personal schedule slips, and mark or re-match meetings at the desk."""


def _meetings(service: Any) -> Any:
    from kiosk.meetings.service import MeetingService

    return MeetingService(service.store, service.clock)


@meetings.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option(
    "--map", "maps", multiple=True, metavar='"HEADER=FIELD"',
    help='Read a column as a field (repeatable), e.g. --map "Tisch=table" or '
    '--map "Gast=party:2"; FIELD \'-\' ignores the column.',
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@station_option
@now_option
@handle_errors
def import_cmd(
    file: Path, db_path: Path, maps: tuple[str, ...], as_json: bool, station: str | None,
    now_text: str | None,
) -> None:  # fmt: skip
    """Import the meeting schedule from CSV (UTF-8, UTF-16 or GB18030) or XLSX.

    Each row: a meeting id; start and end (or a slot number, or a "Time" range); a table or
    booth; two or more parties by attendee id, external id or email (Party 1, Party 2 … or
    one "Parties" list), with the companies they represent; optionally an interpreter and a
    language pair. All or nothing: with any bad row nothing is imported, and every problem
    is listed on stderr as "row N, column C: why". Importing an updated schedule updates
    meetings by id; a meeting no longer in the file is cancelled, never deleted. Exit
    status: 0 imported, 1 nothing imported.
    """
    from kiosk.formats.schedule.reader import import_schedule_file

    overrides = parse_maps(maps)
    with open_service(db_path, now_text, station=station) as service:
        parsed, result = import_schedule_file(_meetings(service), file, overrides)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if as_json:
        echo_json({**result.to_json(), "columns": parsed.columns,
                   "ignored_columns": parsed.ignored})  # fmt: skip
    else:
        if parsed.ignored:
            click.echo(f"ignored columns: {', '.join(parsed.ignored)}", err=True)
        click.echo(result.summary())
    if not result.written:
        raise SystemExit(1)


@meetings.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
@click.option("--attendee", default=None, help="Only this attendee's meetings (id or email).")
@now_option
@handle_errors
def status(db_path: Path, as_json: bool, attendee: str | None, now_text: str | None) -> None:
    """Every meeting's status now: scheduled, waiting (one party here; since when, who is
    missing), both_arrived, no_show (a party still missing N minutes after the start) or
    cancelled; the meetings due in the next 10 minutes with a party missing first, the
    tables in use, and held / waiting / no-show counts. Times in the event's time zone."""
    from kiosk.cli.meetingview import board_json, board_lines
    from kiosk.meetings.board import build_board

    with open_service(db_path, now_text, readonly=True) as service:
        aid = service.attendee(attendee).attendee_id if attendee else None
        ms = _meetings(service)
        now = service.clock.now()
        states = ms.states(now, attendee_id=aid)
        by_id = {s.meeting_id: s for s in states}
        board = build_board(states, now, ms.session.id, lambda ids: [by_id[i] for i in ids])
        tz = service.event.tz
        if as_json:
            echo_json(board_json(board, states, tz))
        else:
            for line in board_lines(board, states, tz):
                click.echo(line)


@meetings.command()
@db_option
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="The PDF to write (replaced only when every slip is ready).")  # fmt: skip
@click.option(
    "--attendee", "refs", multiple=True, metavar="ATTENDEE",
    help="Attendee id, external id or email; repeat (or separate with commas) for several. "
    "Default: everyone with a meeting.",
)  # fmt: skip
@now_option
@handle_errors
def slips(db_path: Path, out: Path, refs: tuple[str, ...], now_text: str | None) -> None:
    """Print each attendee's personal schedule slip (bilingual A6, fonts embedded): their
    meetings with time, table and counterparts, to hand out at check-in."""
    from kiosk.badges.slips import write_slips
    from kiosk.storage.atomic import check_writable

    check_writable(out)
    with open_service(db_path, now_text, readonly=True) as service:
        ms = _meetings(service)
        wanted = [r.strip() for ref in refs for r in ref.split(",") if r.strip()]
        ids = [service.attendee(r).attendee_id for r in wanted] or ms.with_meetings()
        if not ids:
            raise UserError(
                f"{db_path}: no meetings scheduled (import them with `meetings import`)"
            )
        result = write_slips(service.store, ms, ids, out, service.clock.now())
    click.echo(f"{out}: {result.slips} schedule slip{'s' if result.slips != 1 else ''}, "
               f"{result.meetings} meeting{'s' if result.meetings != 1 else ''}, "
               f"{result.size_bytes / 1024:.0f} KiB")  # fmt: skip


@meetings.command()
@click.argument("meeting")
@db_option
@click.option("--held", "mark", flag_value="held", help="The meeting took place.")
@click.option("--not-held", "mark", flag_value="not_held", help="The meeting did not take place.")
@click.option("--clear", "mark", flag_value="clear", help="Remove an earlier mark.")
@click.option("--operator", default="", help="Who marks it (kept in the log).")
@station_option
@now_option
@handle_errors
def mark(meeting: str, db_path: Path, mark: str | None, operator: str, station: str | None,
         now_text: str | None) -> None:  # fmt: skip
    """Mark MEETING as held or not held (what staff at the matchmaking desk saw)."""
    from kiosk.cli.meetingview import state_json
    from kiosk.models.meetings import MeetingMark

    if mark is None:
        raise UserError("give --held, --not-held or --clear", 2)
    with open_service(db_path, now_text, station=station) as service:
        value = None if mark == "clear" else MeetingMark(mark)
        state = _meetings(service).mark(meeting, value, operator)
        echo_json(state_json(state, service.event.tz))


@meetings.command()
@click.argument("meeting")
@db_option
@click.option("--with", "with_refs", multiple=True, metavar="ATTENDEE",
              help="The new counterpart (repeatable); default: the missing parties again.")  # fmt: skip
@click.option("--table", default=None, help="The table (default: the first free one).")
@click.option("--start", "start_text", default=None, metavar="HH:MM",
              help="The start (event time; default: the first free time from now).")  # fmt: skip
@click.option("--operator", default="", help="Who re-matches (kept in the log).")
@station_option
@now_option
@handle_errors
def rematch(
    meeting: str, db_path: Path, with_refs: tuple[str, ...], table: str | None,
    start_text: str | None, operator: str, station: str | None, now_text: str | None,
) -> None:  # fmt: skip
    """Re-match the waiting party of MEETING into a free table and time: a new meeting,
    linked to the old one. Prints the new meeting."""
    from kiosk.cli.meetingview import state_json
    from kiosk.formats.schedule.reader import parse_when

    with open_service(db_path, now_text, station=station) as service:
        ev = service.event
        start = None
        if start_text:
            try:
                start = parse_when(start_text, ev.day, ev.tz)
            except ValueError as exc:
                raise UserError(f"--start: {exc}", 2) from None
        state = _meetings(service).rematch(meeting, with_refs, table, start, operator)
        echo_json(state_json(state, ev.tz))


@meetings.command()
@click.argument("meeting")
@db_option
@click.option("--reason", required=True, help="Why (kept in the log).")
@click.option("--operator", default="", help="Who cancels (kept in the log).")
@station_option
@now_option
@handle_errors
def cancel(meeting: str, db_path: Path, reason: str, operator: str, station: str | None,
           now_text: str | None) -> None:  # fmt: skip
    """Cancel MEETING (kept, never deleted; a later schedule import can bring it back)."""
    from kiosk.cli.meetingview import state_json

    with open_service(db_path, now_text, station=station) as service:
        state = _meetings(service).cancel(meeting, reason, operator)
        echo_json(state_json(state, service.event.tz))
