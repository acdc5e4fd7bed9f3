"""Core commands: init, demo, badge-code, checkin, undo, search, stats, walk-in, reprint."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
from kiosk.models.outcomes import Method
from kiosk.models.records import AttendeeInput, Category


@cli.command()
@db_option
@click.option(
    "--event",
    "event_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Event file (TOML). Default: the embedded 2024 U.S.–China Cleantech Cooperation Forum.",
)
@click.option(
    "--from-hub", "from_hub", default=None, is_flag=False, flag_value="", metavar="URL",
    help="Make a new station's database from the hub instead (program, attendees, badges, "
    "scans). Without URL: $FORUM_CHECKIN_HUB or the --server-file.",
)  # fmt: skip
@click.option(
    "--server-file", "server_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
    help="With --from-hub: a file holding the hub's connection string (chmod 600).",
)  # fmt: skip
@click.option(
    "--signing-key-from", "signing_key_from", default=None, metavar="DB",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --from-hub: copy the badge signing key from this event database (a second "
    "registration desk; the key never goes through the hub). Without it the station "
    "verifies badges but cannot issue them.",
)  # fmt: skip
@click.option(
    "--receive", type=click.Choice(["all", "names"]), default="all", show_default=True,
    help="With --from-hub: names = a self-service kiosk that receives names, organization "
    "and registrations only, never emails, phones or notes.",
)  # fmt: skip
@click.option(
    "--enrollment", default=None, type=click.Path(dir_okay=False, path_type=Path),
    help="Make an enrolled station's database from the hub, with the one-time file made "
    "by `station enroll` at the desk (its own key is made here).",
)  # fmt: skip
@station_option
@handle_errors
def init(
    db_path: Path, event_file: Path | None, from_hub: str | None, server_file: Path | None,
    signing_key_from: Path | None, receive: str, station: str | None,
    enrollment: Path | None,
) -> None:  # fmt: skip
    """Create an event database and load an event exactly as written.

    Creates a new signing key for the event's badges. Running it again with the same
    event updates the program and keeps the key. With --from-hub, makes a new station's
    database from the hub instead.
    """
    if enrollment is not None:
        from kiosk.cli.stationcmd import init_from_enrollment

        if event_file is not None or from_hub is not None:
            raise UserError("--enrollment makes the station from the hub alone", 2)
        init_from_enrollment(db_path, enrollment)
        return
    if from_hub is not None:
        from kiosk.cli.synccmd import init_from_hub

        if event_file is not None:
            raise UserError("--event and --from-hub: the hub holds the event already", 2)
        init_from_hub(db_path, from_hub or None, server_file, receive, signing_key_from, station)
        return
    if server_file or signing_key_from or receive != "all":
        raise UserError("--server-file, --signing-key-from and --receive go with --from-hub", 2)
    from kiosk.checkin.bootstrap import init_database
    from kiosk.models.event import DEFAULT_EVENT_FILE, load_event

    event = load_event(event_file or DEFAULT_EVENT_FILE)
    store = init_database(db_path, event)
    try:
        if station:
            store.set_station_name(station)
    finally:
        store.close()
    click.echo(f"{db_path}: {event.name} ({event.day}, {len(event.sessions)} sessions)")


@cli.command()
@db_option
@click.option("--attendees", "count", default=300, show_default=True, help="How many attendees.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same badges).")
@click.option(
    "--day",
    default=None,
    metavar="YYYY-MM-DD",
    help="Move the program to this day (default: today, in the event's time zone).",
)
@handle_errors
def demo(db_path: Path, count: int, seed: int, day: str | None) -> None:
    """Build a demo database: the Cleantech Forum moved to today, with bilingual attendees."""
    from kiosk.demo import build_demo

    if db_path.exists():
        raise UserError(f"{db_path}: already exists; choose a new path for the demo")
    if count < 0:
        raise UserError("--attendees must be 0 or more", 2)
    try:
        moved = date.fromisoformat(day) if day else None
    except ValueError:
        raise UserError(f"--day: not a date (YYYY-MM-DD): {day!r}", 2) from None
    build_demo(db_path, count, moved, seed)
    click.echo(f"{db_path}: demo event with {count} attendees")


@cli.command("badge-code")
@click.argument("attendee")
@db_option
@handle_errors
def badge_code(attendee: str, db_path: Path) -> None:
    """Print the badge QR payload of ATTENDEE (attendee id, external id or email)."""
    with open_service(db_path) as service:
        click.echo(service.badge_code(attendee))


@cli.command()
@db_option
@click.option("--session", "session_id", required=True, help="Session id (e.g. opening).")
@click.option("--code", "codes", multiple=True, help="Scanned badge text (repeatable).")
@click.option("--attendee", "attendees", multiple=True, help="Manual check-in by attendee id.")
@station_option
@click.option("--operator", default="", help="Who operates the station.")
@click.option(
    "--method",
    type=click.Choice([m.value for m in Method]),
    default=None,
    help="How the code was read (default: handheld for --code, search for --attendee).",
)
@click.option("--exit", "is_exit", is_flag=True, help="An exit scan instead of an entry.")
@now_option
@handle_errors
def checkin(
    db_path: Path,
    session_id: str,
    codes: tuple[str, ...],
    attendees: tuple[str, ...],
    station: str | None,
    operator: str,
    method: str | None,
    is_exit: bool,
    now_text: str | None,
) -> None:
    """Check badges in (or out) of a session; prints one JSON object per scan.

    Every scan is recorded, refused ones too.
    """
    if not codes and not attendees:
        raise UserError("give --code TEXT or --attendee ID", 2)
    with open_service(db_path, now_text, station=station) as service:
        service.session(session_id)
        tz = service.event.tz
        for code in codes:
            if is_exit:
                result = service.check_out(code, session_id, operator)
            else:
                m = Method(method) if method else Method.HANDHELD
                result = service.check_in(code, session_id, m, operator)
            echo_json(result.to_json(tz))
        for attendee in attendees:
            m = Method(method) if method else Method.SEARCH
            echo_json(service.manual_check_in(attendee, session_id, operator, m).to_json(tz))


@cli.command()
@db_option
@click.option("--log-uuid", "log_uuid", default=None, help="The check-in to undo (see stats/log).")
@click.option("--last", is_flag=True, help="Undo the latest admission (at --at-station).")
@click.option(
    "--at-station", "at_station", default=None, metavar="NAME",
    help="With --last: the latest admission at the station of this name.",
)  # fmt: skip
@station_option
@click.option("--operator", required=True, help="Who undoes it.")
@click.option("--reason", required=True, help="Why (kept in the log).")
@now_option
@handle_errors
def undo(
    db_path: Path,
    log_uuid: str | None,
    last: bool,
    at_station: str | None,
    station: str | None,
    operator: str,
    reason: str,
    now_text: str | None,
) -> None:
    """Undo a check-in: records an annulment in the log (nothing is deleted). The annulment
    names the station and operator that undid it."""
    with open_service(db_path, now_text, station=station) as service:
        if last:
            candidates = [
                e
                for e in service.recent(limit=500)
                if e.outcome is not None
                and e.outcome.admitted
                and not e.annulled
                and (at_station is None or e.station == at_station)
            ]
            if not candidates:
                where = f" at {at_station}" if at_station else ""
                raise UserError(f"no admission to undo{where}")
            log_uuid = candidates[0].uuid
        if not log_uuid:
            raise UserError("give --log-uuid UUID or --last", 2)
        entry = service.undo(log_uuid, operator, reason)
        echo_json(
            {"undone": entry.annuls, "log_uuid": entry.uuid, "attendee_id": entry.attendee_id,
             "session": entry.session_id, "at": entry.at.astimezone(service.event.tz).isoformat(),
             "station": entry.station, "operator": entry.operator, "reason": entry.reason}
        )  # fmt: skip


@cli.command()
@click.argument("text")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per attendee.")
@click.option("--limit", default=50, show_default=True, help="At most this many results.")
@handle_errors
def search(text: str, db_path: Path, as_json: bool, limit: int) -> None:
    """Find attendees by English or Chinese name, pinyin, organization or email."""
    with open_service(db_path, readonly=True) as service:
        for a in service.search(text, limit):
            if as_json:
                echo_json(a.to_json())
            else:
                names = " / ".join(x for x in (a.name, a.name_zh) if x)
                click.echo(f"{a.attendee_id}\t{names}\t{a.organization}\t{a.email}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@handle_errors
def stats(db_path: Path, as_json: bool) -> None:
    """Per session: registered (who chose it), may attend (everyone, for open sessions),
    admitted, inside (where exits are scanned), refused by reason."""
    with open_service(db_path, readonly=True) as service:
        rows = service.stats()
        if as_json:
            echo_json([s.to_json() for s in rows])
            return
        click.echo(
            f"{'session':<20}{'registered':>11}{'may attend':>11}{'admitted':>10}{'inside':>8}"
            f"{'repeats':>9}  refused"
        )
        for s in rows:
            inside = str(s.inside) if s.exits_scanned else "-"
            refused = ", ".join(f"{k} {v}" for k, v in sorted(s.refused.items())) or "-"
            click.echo(
                f"{s.session_id:<20}{s.registered:>11}{s.may_attend:>11}{s.admitted:>10}"
                f"{inside:>8}{s.repeats:>9}  {refused}"
            )


@cli.command("walk-in")
@db_option
@click.option("--name", default="", help="English name.")
@click.option("--name-zh", default="", help="Chinese name.")
@click.option("--organization", default="", help="Organization.")
@click.option("--email", default="", help="Email.")
@click.option("--category", default=Category.DELEGATE.value, show_default=True, help="Category.")
@click.option("--session", "sessions", multiple=True, help="Register for a session (repeatable).")
@click.option(
    "--check-in", "admit_to", default=None, metavar="SESSION",
    help="Also check the walk-in in to this session (in the same step).",
)  # fmt: skip
@station_option
@click.option("--operator", default="", help="Who registers.")
@now_option
@handle_errors
def walk_in(
    db_path: Path,
    name: str,
    name_zh: str,
    organization: str,
    email: str,
    category: str,
    sessions: tuple[str, ...],
    admit_to: str | None,
    station: str | None,
    operator: str,
    now_text: str | None,
) -> None:
    """Register a walk-in attendee and issue a badge (and, with --check-in, admit them), in
    one step: nothing is kept if any part fails. Prints the attendee and badge code."""
    with open_service(db_path, now_text, station=station) as service:
        person = AttendeeInput(
            name=name, name_zh=name_zh, organization=organization, email=email,
            category=category, sessions=sessions,
        )  # fmt: skip
        done = service.walk_in(person, operator, admit_to=admit_to)
        out: dict[str, object] = {**done.attendee.to_json(), "badge_code": done.code}
        if done.result is not None:
            out["checkin"] = done.result.to_json(service.event.tz)
        echo_json(out)


@cli.command()
@click.argument("attendee")
@db_option
@click.option("--operator", default="", help="Who reprints.")
@click.option("--reason", default="reprint", show_default=True, help="Why (kept in the log).")
@station_option
@now_option
@handle_errors
def reprint(
    attendee: str, db_path: Path, operator: str, reason: str, station: str | None,
    now_text: str | None,
) -> None:  # fmt: skip
    """Issue a new badge for ATTENDEE; the old badge is revoked. Prints the new code."""
    with open_service(db_path, now_text, station=station) as service:
        click.echo(service.reprint_badge(attendee, operator, reason))


@cli.command("forget-signing-key")
@db_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@handle_errors
def forget_signing_key(db_path: Path, yes: bool) -> None:
    """Remove the badge signing key from a database copied to a self-service kiosk.

    The kiosk can still verify badges; a stolen kiosk cannot mint new ones.
    """
    from kiosk.storage.store import Store

    if not db_path.exists():
        raise UserError(f"{db_path}: no such database")
    if not yes:
        click.confirm(f"Remove the signing key from {db_path}?", abort=True)
    store = Store.open(db_path)
    try:
        store.forget_private_key()
    finally:
        store.close()
    click.echo(f"{db_path}: signing key removed; badges can be verified, not issued")
