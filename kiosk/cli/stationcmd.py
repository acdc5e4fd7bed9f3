"""Trusted stations (issue 18): `station enroll | list | revoke` at the desk, and
`init --enrollment` on a new station (registered in kiosk.cli.core's `init`)."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.common import UserError, cli, db_option, echo_json, handle_errors
from kiosk.models.clock import Clock


def _clock() -> Clock:
    from kiosk.models.clock import SystemClock

    return SystemClock()


@cli.group()
def station() -> None:
    """Enroll, list and revoke the event's stations (at the registration desk)."""


@station.command("enroll")
@db_option
@click.option("--server", required=True, metavar="URL",
              help="The hub's connection string with the hub owner's rights (the station "
              "gets its own login from it).")  # fmt: skip
@click.option("--role", type=click.Choice(["door", "kiosk", "desk"]), required=True,
              help="door: scans, exits, undo of its own scans, meeting marks; kiosk: self "
              "check-in and PIN attempts only, names only; desk: everything.")  # fmt: skip
@click.option("--name", required=True, help="The station's name (shown in the log).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The one-time enrollment file to carry to the station (0600).")  # fmt: skip
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 3650),
              help="The certificate expires after so many days.")  # fmt: skip
@handle_errors
def station_enroll(db_path: Path, server: str, role: str, name: str, out: Path,
                   days: int) -> None:  # fmt: skip
    """Enroll a new station: a certificate signed with the event key, and the enrollment
    file for `init --db PATH --enrollment FILE` on the station's own machine."""
    from kiosk.storage.store import Store
    from kiosk.sync.enroll import enroll
    from kiosk.trust.certs import local_time
    from kiosk.trust.roles import Role

    if out.exists():
        raise UserError(f"{out}: already exists (an enrollment file is made once)")
    store = Store.open(db_path)
    try:
        done = enroll(store, server, Role(role), name, out, _clock().now(), days)
        until = local_time(done.cert.expires, store.event().tz)
    finally:
        store.close()
    click.echo(f"enrolled {name!r} ({role}, until {until}): carry {out} to "
               f"the station and run `init --db PATH --enrollment {out}` there; the file "
               "works once")  # fmt: skip


@station.command("list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per station.")
@handle_errors
def station_list(db_path: Path, as_json: bool) -> None:
    """The enrolled stations: role, expiry, whether its key arrived, revocation."""
    from datetime import UTC, tzinfo

    from kiosk.storage import trust as tstore
    from kiosk.storage.store import Store
    from kiosk.trust.certs import local_time

    store = Store.open(db_path)
    try:
        gate = store.gate
        rows = [] if gate is None else tstore.stations(store.conn, gate.verifier)
        tz: tzinfo = store.event().tz if rows else UTC
    finally:
        store.close()
    for r in rows:
        state = (f"revoked after #{r.revoked_after}" if r.revoked_after is not None
                 else "active" if r.keyed else "waiting for the station's first sync")  # fmt: skip
        if as_json:
            echo_json({"station_id": r.station_id, "name": r.name, "role": str(r.role),
                       "expires": r.expires, "expires_local": local_time(r.expires, tz),
                       "keyed": r.keyed, "revoked_after": r.revoked_after,
                       "entries": r.last_seq})  # fmt: skip
        else:
            click.echo(f"{r.name:<24} {r.role!s:<6} until {local_time(r.expires, tz)}  {state}  "
                       f"({r.last_seq} entries)")  # fmt: skip
    if not rows and not as_json:
        click.echo("no station enrolled (enroll one with `station enroll`)")


@station.command("revoke")
@db_option
@click.option("--name", required=True, help="The station's name (as `station list` shows).")
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The hub owner's connection string: also drops the station's hub login.",
)
@handle_errors
def station_revoke(db_path: Path, name: str, server: str | None) -> None:
    """Revoke a station: what it wrote up to now stays; anything it writes afterwards is
    refused at every station (after their next sync with this desk)."""
    from kiosk.storage.store import Store
    from kiosk.sync.enroll import revoke

    store = Store.open(db_path)
    try:
        sid, cut = revoke(store, name, _clock().now(), server)
    finally:
        store.close()
    click.echo(f"revoked {name!r} ({sid}): its entries after #{cut} are refused")


def init_from_enrollment(db_path: Path, enrollment: Path) -> None:
    """`init --enrollment`: the station's database from the hub, its own key made here."""
    from kiosk.sync.bootstrap import init_from_hub
    from kiosk.sync.enroll import adopt, prepare, read_enrollment
    from kiosk.sync.hub import Hub
    from kiosk.sync.privacy import Receive
    from kiosk.sync.server import ServerConfig

    data = read_enrollment(enrollment)
    clock = _clock()
    with Hub(ServerConfig(str(data["hub"]), f"file {enrollment}")) as h:
        t = init_from_hub(db_path, h, clock, receive=Receive(data["receive"]),
                          prepare=lambda c: prepare(c, data))  # fmt: skip
    store = adopt(db_path, data, enrollment, clock)
    store.close()
    click.echo(f"{db_path}: station {data['name']!r} ({data['role']}), {t.pulled} entries "
               f"from the hub; its key was made here. Run `sync --db {db_path}` (no --server).")  # fmt: skip
