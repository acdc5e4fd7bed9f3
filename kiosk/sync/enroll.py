"""Enrolling stations (issue 18): the desk's side (`station enroll | list | revoke`) and the
new station's (`init --enrollment`).

1. The desk (the holder of the event key; its database becomes the desk at its first
   enrollment: an event key, its own station key and certificate, and a cut-off under which
   the unsigned entries it already holds stay valid) writes a `station_cert` entry for the new
   station: its id, name, role and expiry, and the public half of a one-time enrollment key.
   The enrollment file (0600) carries that certificate, the event's keys, the enrollment
   key's private half, and the hub's connection string with the station's OWN login.
2. `init --enrollment` on the new station's machine makes the station's own key pair there
   (the private key never leaves: a file beside the database, 0600), builds the database
   from the hub (every entry verified on the way in), and hands its public key over in a
   `station_key` entry signed with the enrollment key. The enrollment secret is then wiped
   from the file: a second use of it is refused (the first handover wins everywhere).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.models.clock import Clock
from kiosk.models.errors import KioskError
from kiosk.storage import log, syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.atomic import write_private
from kiosk.storage.base import to_json
from kiosk.storage.store import Store
from kiosk.trust.certs import Cert
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import STATION_KEY, Role, TrustKind

FORMAT = "forum-checkin-enrollment/1"
DEFAULT_DAYS = 14


class EnrollmentError(KioskError):
    """An enrollment file that cannot be used (not one, used already, another event)."""


def hub_file(db_path: Path | str) -> Path:
    """The enrolled station's own hub connection string (0600): `sync` needs no --server."""
    return Path(str(db_path) + ".hub")


Login = Callable[[str, str, Role, Store], str]


def station_login(owner_dsn: str, station_id: str, role: Role, desk: Store) -> str:
    """The hub's connection string with the station's own login (kiosk.sync.hubroles: a
    PostgreSQL role that writes only under this station's id). The desk's copy of the
    logins follows at once (a hub replaced before its next sync gets this login back)."""
    from psycopg.conninfo import make_conninfo

    from kiosk.sync import hubroles

    user, password = hubroles.create_station_login(owner_dsn, station_id, str(role), desk=desk)
    return make_conninfo(owner_dsn, user=user, password=password)


def _revoke_login(owner_dsn: str, station_id: str, desk: Store) -> None:
    from kiosk.sync import hubroles

    hubroles.revoke_station_login(owner_dsn, station_id, desk=desk)


# -- the desk ----------------------------------------------------------------------------------
def become_desk(store: Store, at: datetime) -> bool:
    """Make `store` the event's desk (once): its event key, its own key and certificate, and
    the cut-off of the unsigned entries already in its log. True when it became it now."""
    if syncstate.setting(store.conn, "event") is None:
        raise EnrollmentError(f"{store.path}: no event loaded (run `init` first)")
    st = store.station
    with store.write() as tx:
        c = tx.conn
        if not tstore.enable_desk(c, store.path, st.id, st.name, at):
            return False
    store.reload_station()
    with store.write() as tx:
        c = tx.conn
        seqs = tstore.cutoff_seqs(c)
        cert = tstore.desk_cert(c, store.path, st.id, st.name, at)
        _write(store, c, TrustKind.STATION_CERT, at, cert.to_data())
        _write(store, c, TrustKind.TRUST_CUTOFF, at, {"seqs": seqs})
    return True


def _write(store: Store, c: Any, kind: str, at: datetime, data: dict[str, Any]) -> None:
    gate = store.gate
    if gate is None or gate.signer is None:
        raise EnrollmentError(f"{store.path}: this desk's station key is missing")
    entry = log.new_entry(c, store.station, at, kind, data=data, sign=gate.sign)
    gate.verifier.learn(entry)


@dataclass(frozen=True, slots=True)
class Enrolled:
    cert: Cert
    path: Path


def enroll(store: Store, owner_dsn: str, role: Role, name: str, out: Path, at: datetime,
           days: int = DEFAULT_DAYS, login: Login = station_login) -> Enrolled:  # fmt: skip
    """Enroll a new station: its certificate in the log, its enrollment file at `out`
    (with the hub login `login` makes for it)."""
    become_desk(store, at)
    with store.write() as tx:
        c = tx.conn
        cert, secret = tstore.new_station_cert(c, name, role, at, days)
        desk = tstore.certs(c)[store.station.id]
        seqs = tstore.cutoff_seqs(c)
    dsn = login(owner_dsn, cert.station_id, role, store)
    body = {
        "format": FORMAT, "event_id": store.event().id,
        "event_key": tstore.setting(store.conn, tstore.EVENT_PUBLIC),
        "badge_key": syncstate.setting(store.conn, "public_key"), "station_id": cert.station_id,
        "name": name, "role": str(role), "secret": secret.hex(), "cert": cert.to_data(),
        "desk_cert": desk.to_data(), "cutoff": seqs, "hub": dsn,
        "receive": "names" if role is Role.KIOSK else "all",
    }  # fmt: skip
    write_private(out, json.dumps(body, ensure_ascii=False, indent=1).encode())
    with store.write() as tx:
        c = tx.conn
        _write(store, c, TrustKind.STATION_CERT, at, cert.to_data())
    return Enrolled(cert, out)


def revoke(store: Store, name: str, at: datetime, owner_dsn: str | None = None) -> tuple[str, int]:
    """Revoke the station named `name`: entries it wrote after its last one here are
    refused everywhere. Returns (station id, cut-off number)."""
    gate = store.gate
    if gate is None:
        raise EnrollmentError(f"{store.path}: no station is enrolled here")
    matches = [s for s in tstore.stations(store.conn, gate.verifier) if s.name == name]
    if not matches:
        raise EnrollmentError(f"{store.path}: no enrolled station named {name!r}")
    target = matches[-1]
    if target.station_id == store.station.id:
        raise EnrollmentError("the desk cannot revoke itself")
    cut = target.last_seq if target.revoked_after is None else target.revoked_after
    if target.revoked_after is None:  # once: running it again only drops the hub login
        with store.write() as tx:
            c = tx.conn
            _write(store, c, TrustKind.STATION_REVOKE, at,
                   {"station_id": target.station_id, "name": name, "after_seq": cut})  # fmt: skip
    if owner_dsn:
        try:
            _revoke_login(owner_dsn, target.station_id, store)
        except KioskError as exc:  # the hub: unreachable, or not the owner's string
            raise EnrollmentError(
                f"{name!r} is revoked (its entries after #{cut} are refused at every station), "
                f"but its hub login was not dropped: {exc}. Revoke it again when the hub "
                "answers"
            ) from None
    return target.station_id, cut


# -- the new station ------------------------------------------------------------------------------
def read_enrollment(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EnrollmentError(f"{path}: no such enrollment file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise EnrollmentError(f"{path}: not an enrollment file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EnrollmentError(f"{path}: not an enrollment file of this release")
    if not data.get("secret"):
        raise EnrollmentError(
            f"{path}: this enrollment was used already (enroll again at the desk)"
        )
    return data


def seed_of(data: dict[str, Any]) -> dict[str, Any]:
    return {"certs": [data["desk_cert"], data["cert"]], "cutoff": data.get("cutoff", {})}


def prepare(c: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Trust on in a database being built from the hub: every pulled entry is verified."""
    for key, value in ((tstore.EVENT_PUBLIC, data["event_key"]),
                       ("trust_seed", to_json(seed_of(data)))):  # fmt: skip
        syncstate.set_setting(c, key, str(value))


def adopt(path: Path, data: dict[str, Any], enrollment: Path, clock: Clock) -> Store:
    """The database at `path` becomes the enrolled station: its identity, its own key made
    here, and the handover of the key signed with the enrollment key. Wipes the secret."""
    store = Store.open(path)
    try:
        sid = str(data["station_id"])
        with store.write() as tx:
            c = tx.conn
            tstore.adopt_identity(c, store.path, sid, str(data["name"]))
        store.reload_station()
        public = tstore.make_key(store.path, sid)
        with store.write() as tx:
            c = tx.conn
            enroll_signer = Signer(bytes.fromhex(str(data["secret"])))
            e = log.new_entry(c, store.station, clock.now(), STATION_KEY,
                              data={"key": public.hex()},
                              sign=lambda e: sign_entry(e, enroll_signer))  # fmt: skip
        store.reload_station()
        gate = store.gate
        if gate is not None:
            gate.verifier.learn(e)
        write_private(hub_file(path), str(data["hub"]).encode())
        used = {k: v for k, v in data.items() if k != "secret"}
        with contextlib.suppress(OSError):
            write_private(enrollment, json.dumps(used, ensure_ascii=False, indent=1).encode())
    except BaseException:
        store.close()
        raise
    return store
