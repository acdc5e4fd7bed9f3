"""Several stations, one event: `hub init|publish|status|forget`, `sync`, `conflicts`,
`merge`, and `init --from-hub` (registered in kiosk.cli.core's `init`)."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from kiosk.cli.common import (
    F,
    UserError,
    cli,
    db_option,
    echo_json,
    handle_errors,
    open_service,
    shown,
)


def server_options(f: F) -> F:
    f = click.option(
        "--server-file", "server_file", default=None,
        type=click.Path(dir_okay=False, path_type=Path),
        help="A file holding the connection string, readable only by you (chmod 600). "
        "Default: $FORUM_CHECKIN_HUB_FILE, then ~/.config/forum-checkin/hub.",
    )(f)  # fmt: skip
    return click.option(
        "--server", default=None, metavar="URL",
        help="The hub: a PostgreSQL connection string (postgresql://user@host/db?"
        "sslmode=verify-full …; with a standby, every host: postgresql://user@h1:5432,"
        "h2:5432/db?target_session_attrs=read-write&connect_timeout=2). "
        "Default: $FORUM_CHECKIN_HUB, then the server file. "
        "Prefer the file or the variable when there is a password (a command line is "
        "visible to other users).",
    )(f)  # fmt: skip


def make_hub(server: str | None, server_file: Path | None) -> Any:
    from kiosk.sync.hub import Hub
    from kiosk.sync.server import resolve

    return Hub(resolve(server, server_file))


def _clock() -> Any:
    from kiosk.models.clock import SystemClock

    return SystemClock()


@cli.group()
def hub() -> None:
    """The PostgreSQL hub that stations sync through (one database per event)."""


@hub.command("init")
@server_options
@handle_errors
def hub_init(server: str | None, server_file: Path | None) -> None:
    """Create the hub's tables and its identity, or migrate them to this release's schema.
    A new hub (the old one lost) is then filled by `hub publish` from the desk and by
    every station at its next sync: each uploads all the new hub lacks."""
    from kiosk.sync.roster import short_id

    with make_hub(server, server_file) as h:
        before, now = h.init_schema()
        what = "already at" if before == now else f"from {before} to" if before else "created at"
        click.echo(f"hub {h.server.shown}: schema {what} version {now}, "
                   f"identity {short_id(h.identity())}")  # fmt: skip


@hub.command("publish")
@db_option
@server_options
@handle_errors
def hub_publish(db_path: Path, server: str | None, server_file: Path | None) -> None:
    """Load an event database's log into the hub: the program and verify key, attendees,
    badges and every scan (never the signing key). Stations are then made with
    `init --from-hub`. Publishing again uploads only what is new; to a new hub, or one
    restored from an older backup, everything it lacks (every station's entries this
    database holds)."""
    from kiosk.storage.store import Store
    from kiosk.sync.bootstrap import publish

    store = Store.open(db_path)
    try:
        with make_hub(server, server_file) as h:
            t = publish(store, h, _clock())
            refilled = "; the hub lacked them (new or restored): refilled" if t.refilled else ""
            click.echo(f"hub {h.server.shown}: event {store.event().id}: {t.pushed} entries "
                       f"uploaded, {t.waiting} waiting{refilled}")  # fmt: skip
            if t.logins:
                click.echo(f"hub {h.server.shown}: {t.logins} station logins recreated "
                           "(the stations keep their enrollment files)")  # fmt: skip
    finally:
        store.close()


def _ago(now: datetime, then: datetime | None) -> str:
    if then is None:
        return "never"
    s = int((now - then).total_seconds())
    return f"{s}s ago" if s < 120 else f"{s // 60}m ago" if s < 7200 else f"{s // 3600}h ago"


def stale_option(f: F) -> F:
    return click.option(
        "--stale-after", "stale_after", default=15.0, show_default=True,
        type=click.FloatRange(0.1, None), metavar="MINUTES",
        help="A station not seen for longer is marked stale.",
    )(f)  # fmt: skip


@hub.command("status")
@server_options
@stale_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@handle_errors
def hub_status(server: str | None, server_file: Path | None, stale_after: float,
               as_json: bool) -> None:  # fmt: skip
    """One row per station: its name now, a short id that tells stations apart, last seen,
    entries pushed, entries waiting to upload, lag (hub entries it had not received at
    its last contact), clock skew, and its state: active, stale (remove it with
    `hub forget`), not seen by this hub (its entries came from another station), or
    refilling. A hub being refilled says so first: "hub replaced: refilling (n of m)"."""
    from kiosk.sync import roster

    with make_hub(server, server_file) as h:
        h.check_schema()
        served = h.event()
        now, total, rows = h.stations()
    refill = roster.refill(rows, total, now, stale_after * 60)
    states = [_state(r, roster.seen(r, now, stale_after * 60)) for r in rows]
    if as_json:
        echo_json({
            "hub": h.server.shown, "event": served[0] if served else None,
            "hub_time": now.isoformat(), "entries": total,
            "refill": None if refill is None else {"held": refill.held, "of": refill.of,
                                                   "stations": list(refill.stations)},
            "stations": [_row_json(r, now, total, state) for r, state in zip(rows, states,
                                                                              strict=True)],
        })  # fmt: skip
        return
    click.echo(f"hub {h.server.shown}: event {served[0] if served else '(none yet)'}, "
               f"{total} entries")  # fmt: skip
    if refill is not None:
        click.echo(f"hub replaced: refilling ({refill.held:,} of {refill.of:,}) from "
                   f"{', '.join(refill.stations)}")  # fmt: skip
    _say_refusals(rows)
    click.echo(f"{'station':<22}{'id':<10}{'last seen':>11}{'pushed':>9}{'waiting':>9}"
               f"{'lag':>8}{'skew':>9}   state")  # fmt: skip
    for r, state in zip(rows, states, strict=True):
        lag = "-" if r.held is None else str(max(0, total - r.held))
        skew = "-" if r.skew_ms is None else _skew(r.skew_ms / 1000)
        warn = " ! " if r.skew_ms is not None and abs(r.skew_ms) > 60_000 else "   "
        click.echo(f"{shown(r.name)[:21]:<22}{roster.short_id(r.station_id):<10}"
                   f"{_ago(now, r.last_seen):>11}{r.pushed:>9}"
                   f"{'-' if r.waiting is None else r.waiting:>9}{lag:>8}{skew:>9}{warn}"
                   f"{state}")  # fmt: skip


def _say_refusals(rows: list[Any]) -> None:
    """One line per station whose entries the hub refuses (issue 18), named."""
    from kiosk.sync.loop import text
    from kiosk.sync.roster import short_id

    for r in rows:
        if r.refused is not None:
            click.echo(f"hub refuses entries of {shown(r.name)} ({short_id(r.station_id)}): "
                       f"{shown(r.refused)}")  # fmt: skip
            click.echo("  " + text("refused", "zh", station=shown(r.name), what=shown(r.refused)))


def _skew(s: float) -> str:
    """A clock difference in at most 7 characters: +0.4s, -12m, +3h, +763d."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if abs(s) >= 2 * size:
            return f"{s / size:+.0f}{unit}"
    return f"{s:+.1f}s"


def _state(row: Any, seen: Any) -> str:
    from kiosk.sync.roster import Seen

    if row.refused is not None:
        return f"refused ({seen.value})"
    if row.refill is None:
        return str(seen.value)
    refilling = f"refilling ({row.refill[0]:,} of {row.refill[1]:,})"
    return refilling if seen is Seen.ACTIVE else f"{seen.value} while {refilling}"


def _row_json(r: Any, now: datetime, total: int, state: str) -> dict[str, object]:
    from kiosk.sync.roster import short_id

    return {
        "station_id": r.station_id, "id": short_id(r.station_id), "name": r.name,
        "pushed": r.pushed, "state": state,
        "last_seen": r.last_seen.isoformat() if r.last_seen else None,
        "seconds_since": (now - r.last_seen).total_seconds() if r.last_seen else None,
        "waiting": r.waiting, "lag": None if r.held is None else max(0, total - r.held),
        "skew_s": None if r.skew_ms is None else r.skew_ms / 1000,
        "receive": r.receive, "former_ids": list(r.former),
        "refill": None if r.refill is None else {"held": r.refill[0], "of": r.refill[1]},
        "refused": r.refused,
    }  # fmt: skip


@hub.command("forget")
@click.argument("station")
@server_options
@stale_option
@handle_errors
def hub_forget(station: str, server: str | None, server_file: Path | None,
               stale_after: float) -> None:  # fmt: skip
    """Remove STATION (its name, or its id as `hub status` shows it) from `hub status`:
    a station that is gone (stale), or one this hub never saw. Its entries stay on the
    hub, they are the record; a station seen again afterwards is listed again."""
    from kiosk.sync import roster

    with make_hub(server, server_file) as h:
        h.check_schema()
        now, _, rows = h.stations()
        row = roster.find(rows, station)
        shown = f"{row.name} ({roster.short_id(row.station_id)})"
        if roster.seen(row, now, stale_after * 60) is roster.Seen.ACTIVE:
            raise UserError(f"{shown} was seen {_ago(now, row.last_seen)}: it is not stale; "
                            "forget only a station that is gone")  # fmt: skip
        h.forget(row.station_id)
    click.echo(f"hub {h.server.shown}: forgot {shown}; its {row.pushed} entries stay")


@cli.command()
@db_option
@server_options
@click.option("--once", is_flag=True, help="Sync until caught up, then stop (exit 1 when the "
              "hub cannot be reached or refuses this station; 3 when it refused some of "
              "this station's entries: they stay here, waiting).")  # fmt: skip
@click.option("--interval", default=0.8, show_default=True, type=click.FloatRange(0.1, 60),
              help="Seconds between rounds while connected.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print each status as a JSON line.")
@handle_errors
def sync(db_path: Path, server: str | None, server_file: Path | None, once: bool,
         interval: float, as_json: bool) -> None:  # fmt: skip
    """Sync this station with the hub: upload its entries (idempotent by uuid: a replay is
    harmless), download everyone else's and apply them. Check-ins never wait for it.
    Without --once, runs until stopped (Ctrl-C), about once a second, backing off while
    the hub cannot be reached."""
    from kiosk.storage.store import Store
    from kiosk.sync.loop import SyncLoop, SyncStatus

    last: list[str] = []

    def show(s: SyncStatus) -> None:
        if as_json:
            echo_json(s.to_json())
            return
        line = _status_line(s)
        if once or line != (last[0] if last else "") or s.pulled or s.pushed:
            click.echo(line, err=not s.online)
        last[:] = [line]

    Store.open(db_path).close()  # a clear error now for a missing or damaged database
    own = Path(str(db_path) + ".hub")  # an enrolled station's own login (kiosk.sync.enroll)
    if server is None and server_file is None and own.exists():
        server_file = own
    loop = SyncLoop(lambda: Store.open(db_path), make_hub(server, server_file), _clock(),
                    interval=interval, on_status=None if once else show)  # fmt: skip
    if once:
        status = _once(loop)
        show(status)
        if not status.online:
            raise UserError(status.message)
        if _own_refused(status):  # said above; a script sees they did not reach the hub
            raise SystemExit(3)
        return
    stop = threading.Event()
    try:
        loop.run(stop)
    except KeyboardInterrupt:
        stop.set()
        loop.close()


def _own_refused(s: Any) -> bool:
    """Whether the hub refused entries of this station in the round (a copy that must be
    enrolled again, a login that writes under another id, a kind its role may not write)."""
    return bool(s.copy_of) or any(sid == s.station_id for sid, _, _ in s.refusals)


def _status_line(s: Any) -> str:
    """One line for a status (kiosk.sync.loop.SyncStatus) as `sync` prints it."""
    from kiosk.sync.loop import text

    if not s.online:
        line = (f"{s.link.value}: {s.message} (waiting {s.waiting}, behind {s.behind}, "
                f"next try in {s.next_in:.0f}s)")  # fmt: skip
        return line + (f"; {text('caught_up', n=s.caught_up)}" if s.caught_up else "") + _said(s)
    line = (f"online: pulled {s.pulled}, pushed {s.pushed}, waiting {s.waiting}, "
            f"behind {s.behind}")  # fmt: skip
    if s.refill is not None:
        line += f"; {text('refilling', done=s.refill[0], total=s.refill[1])}"
    if s.caught_up:
        line += f"; {text('caught_up', n=s.caught_up)}"
    if s.renumbered:
        line += f"; {s.renumbered} entries renumbered (this station's new id {s.station_id})"
    if s.skew_warning:
        line += f"; this computer's clock is {abs(s.skew_s or 0):.0f}s off the hub's"
    return line + _said(s)


def _said(s: Any) -> str:
    """The refusals (every station's, named) and, on a copied or revoked enrolled station,
    what it means and what to do, in English and Chinese: one line each after the status."""
    from kiosk.sync.loop import text

    lines = [f"{text('copy', lang, station=s.copy_of)}" for lang in ("en", "zh") if s.copy_of]
    lines += [text("revoked", lang) for lang in ("en", "zh") if s.revoked]
    lines += [text("expired", lang) for lang in ("en", "zh") if s.expired]
    lines += [text("refused", "en", station=name, what=what)
              for sid, name, what in s.refusals if not (s.copy_of and sid == s.station_id)]  # fmt: skip
    return "".join("\n" + line for line in lines)


def _once(loop: Any) -> Any:
    """Rounds until caught up (or the hub fails); the last status, with what every round
    moved added up."""
    import dataclasses

    moved = {"pulled": 0, "pushed": 0, "renumbered": 0, "caught_up": 0}
    try:
        while True:
            status = loop.step()
            for key in moved:
                moved[key] += getattr(status, key)
            if not status.online or status.next_in > 0:
                break
    finally:
        loop.close()
    return dataclasses.replace(status, **moved)


@cli.command("conflicts")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per conflict.")
@handle_errors
def conflicts_cmd(db_path: Path, as_json: bool) -> None:
    """What stations that were apart disagree on: a badge admitted twice (counted once),
    a revoked badge accepted before the revocation reached that station, two records
    with one email (merge them with `merge`)."""
    with open_service(db_path, readonly=True) as service, service.store.snapshot() as tx:
        tz = service.event.tz
        n = 0
        for c in tx.log.conflicts():
            n += 1
            if as_json:
                echo_json(c.to_json())
                continue
            when = datetime.fromisoformat(c.at).astimezone(tz).strftime("%H:%M:%S")
            other = datetime.fromisoformat(c.other_at).astimezone(tz).strftime("%H:%M:%S") \
                if c.other_at else ""  # fmt: skip
            fields = (c.kind.value, c.session_id or "-", c.name or c.attendee_id,
                      f"{when} {c.station}", f"first/other: {other} {c.other_station}", c.other)  # fmt: skip
            click.echo("\t".join(shown(f) for f in fields))
        if not as_json:
            click.echo(f"{n} conflicts", err=True)


@cli.command("merge")
@click.argument("duplicate")
@click.option("--into", "into", required=True, help="The record to keep (id, external id "
              "or email).")  # fmt: skip
@db_option
@click.option("--operator", default="", help="Who merges (kept in the log).")
@handle_errors
def merge_cmd(duplicate: str, into: str, db_path: Path, operator: str) -> None:
    """Merge the attendee record DUPLICATE into another (one person registered twice):
    a `merge` entry, synced like any other; the duplicate's badges stay valid."""
    with open_service(db_path) as service:
        kept = service.merge_attendees(duplicate, into, operator)
        echo_json({"merged": duplicate, "into": kept.attendee_id, "name": kept.display_name})


def init_from_hub(db_path: Path, server: str | None, server_file: Path | None,
                  receive: str, signing_key_from: Path | None, station: str | None) -> None:  # fmt: skip
    """`init --from-hub`: a new station's database from the hub."""
    from kiosk.sync.bootstrap import init_from_hub as build
    from kiosk.sync.privacy import Receive

    if signing_key_from is not None and not signing_key_from.exists():
        raise UserError(f"{signing_key_from}: no such database")
    with make_hub(server, server_file) as h:
        t = build(db_path, h, _clock(), receive=Receive(receive),
                  signing_key_from=signing_key_from, station_name=station)  # fmt: skip
    key = "can issue badges" if signing_key_from else "verifies badges (no signing key)"
    click.echo(f"{db_path}: {t.pulled} entries from hub {h.server.shown}; this station {key}"
               + ("; receives names only" if receive == "names" else ""))  # fmt: skip
