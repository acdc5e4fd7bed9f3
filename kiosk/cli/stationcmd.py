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
    if done.again:
        click.echo(f"{name!r} is a station of the previous release: enrolled again under its "
                   "own id (its entries stay valid; run `init --db ITS.sqlite --enrollment "
                   "FILE` on it, keeping its database)")  # fmt: skip
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
        state = ("untrusted since the key rotation: enroll again" if not r.trusted
                 else f"revoked after #{r.revoked_after}" if r.revoked_after is not None
                 else "active" if r.keyed else "waiting for the station's first sync")  # fmt: skip
        if as_json:
            echo_json({"station_id": r.station_id, "name": r.name, "role": str(r.role),
                       "expires": r.expires, "expires_local": local_time(r.expires, tz),
                       "keyed": r.keyed, "revoked_after": r.revoked_after, "trusted": r.trusted,
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


@cli.group("event")
def event_group() -> None:
    """The event's trust key (at the registration desk)."""


@event_group.command("rotate-key")
@db_option
@click.option("--compromised", is_flag=True,
              help="The old event key may be in other hands: certificates it signed are no "
              "longer trusted, and every station must be enrolled again.")  # fmt: skip
@handle_errors
def event_rotate_key(db_path: Path, compromised: bool) -> None:
    """Replace the event key that signs the stations' certificates with a new one made here:
    a `key_rotation` entry signed with the current key, taken in by every station at its
    next sync. Badges are not affected (their key is another one)."""
    from kiosk.storage.store import Store
    from kiosk.sync.enroll import rotate_key

    store = Store.open(db_path)
    try:
        rotation = rotate_key(store, _clock().now(), compromised)
    finally:
        store.close()
    click.echo(f"event key rotated ({rotation.previous[:12]}… -> {rotation.key[:12]}…); the "
               "stations take the new key in at their next sync; badges keep being admitted")  # fmt: skip
    if compromised:
        click.echo("the old key is marked compromised: what the stations it enrolled wrote "
                   "until now stays, anything later is refused; enroll each again with "
                   "`station enroll`")  # fmt: skip


def init_from_enrollment(db_path: Path, enrollment: Path) -> None:
    """`init --enrollment`: the station's database from the hub, its own key made here."""
    from kiosk.sync.bootstrap import init_from_hub
    from kiosk.sync.enroll import adopt, prepare, read_enrollment
    from kiosk.sync.hub import Hub
    from kiosk.sync.privacy import Receive
    from kiosk.sync.server import ServerConfig

    data = read_enrollment(enrollment)
    clock = _clock()
    if db_path.exists():  # a station of the previous release, enrolled again
        from kiosk.sync.enroll import rejoin

        store, vouched = rejoin(db_path, data, enrollment, clock)
        store.close()
        click.echo(f"{db_path}: enrolled again as {data['name']!r} ({data['role']}), keeping "
                   f"its database; {vouched} entries not synced yet stay valid; its key was "
                   f"made here. Run `sync --db {db_path}` (no --server).")  # fmt: skip
        return
    with Hub(ServerConfig(str(data["hub"]), f"file {enrollment}")) as h:
        t = init_from_hub(db_path, h, clock, receive=Receive(data["receive"]),
                          prepare=lambda c: prepare(c, data))  # fmt: skip
    store = adopt(db_path, data, enrollment, clock)
    store.close()
    click.echo(f"{db_path}: station {data['name']!r} ({data['role']}), {t.pulled} entries "
               f"from the hub; its key was made here. Run `sync --db {db_path}` (no --server).")  # fmt: skip
